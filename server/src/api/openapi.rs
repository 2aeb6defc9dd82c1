//! The management API's OpenAPI 3 document, generated from the handlers'
//! annotations and the models' types, and a docs page rendered from it.

use super::{
    certificates, customers, day_ahead, events, programs, registrations, reports, sites, ven_ca,
};
use axum::Json;
use axum::response::Html;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpenADR 2.0b VTN management API",
        description = "Customers, sites, programs, DR events, VEN registrations, reports and readings, day-ahead prices and VEN certificates. Authenticate with `Authorization: Bearer <token>` (`vtn token create`, or the Users page). Errors are RFC 7807 problem documents."
    ),
    paths(
        customers::list,
        customers::show,
        customers::create,
        customers::update,
        sites::list,
        sites::show,
        sites::create,
        sites::update,
        programs::list,
        programs::show,
        programs::create,
        programs::update,
        registrations::list,
        registrations::reregister,
        registrations::cancel,
        reports::requests,
        reports::cancel,
        reports::readings,
        reports::readings_csv,
        events::list,
        events::show,
        events::create,
        events::send,
        events::cancel,
        events::telemetry,
        certificates::list,
        certificates::issue,
        certificates::revoke,
        ven_ca::show,
        ven_ca::init,
        ven_ca::import,
        day_ahead::put_settings,
        day_ahead::get_prices,
        day_ahead::put_prices,
        day_ahead::alerts,
        day_ahead::settlement,
    ),
    components(schemas(super::problem::Problem)),
    modifiers(&CommonResponses)
)]
struct ApiDoc;

/// What every endpoint shares: bearer authentication and its problems.
struct CommonResponses;

impl Modify for CommonResponses {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        for item in doc.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                add_problems(operation);
            }
        }
    }
}

fn add_problems(operation: &mut Operation) {
    let writes = operation.request_body.is_some() || operation.parameters.is_some();
    let mut problems = vec![
        ("400", "The request could not be read"),
        ("401", "No, unknown, revoked or expired token"),
        ("403", "The token's role does not allow this"),
        ("404", "No such resource"),
        ("500", "The VTN failed; the detail names a log reference"),
    ];
    if writes {
        problems.push(("415", "The body is not JSON"));
        problems.push(("422", "The request is well-formed but impossible"));
    }
    for (status, description) in problems {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/problem+json",
                            ContentBuilder::new()
                                .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                                    "Problem",
                                ))))
                                .build(),
                        )
                        .build(),
                )
            });
    }
}

/// The document, built once.
fn document() -> &'static Document {
    static DOC: std::sync::LazyLock<Document> = std::sync::LazyLock::new(ApiDoc::openapi);
    &DOC
}

/// `GET /api/v1/openapi.json`.
pub async fn json() -> Json<&'static Document> {
    Json(document())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /api/v1/docs`: every endpoint with what it takes and answers, as a
/// plain page (no script, nothing fetched from elsewhere).
pub async fn page() -> Html<String> {
    let doc = document();
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b2733}}\
         h2{{margin-top:2rem;font-size:1.1rem}}code{{background:#eef1f5;padding:0 .3rem;border-radius:3px}}\
         .method{{font-weight:700;text-transform:uppercase;margin-right:.5rem}}td,th{{text-align:left;padding:.2rem .6rem .2rem 0;vertical-align:top}}</style>\
         </head><body><h1>{title}</h1><p>{description}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a></p>",
        title = escape(&doc.info.title),
        description = escape(doc.info.description.as_deref().unwrap_or_default()),
    );
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("delete", &item.delete),
        ];
        for (method, operation) in operations {
            let Some(op) = operation else { continue };
            html.push_str(&format!(
                "<h2><span class=\"method\">{method}</span><code>{}</code></h2><p>{}</p>",
                escape(path),
                escape(
                    op.description
                        .as_deref()
                        .or(op.summary.as_deref())
                        .unwrap_or_default()
                )
            ));
            if let Some(parameters) = &op.parameters {
                html.push_str("<table><tr><th>parameter</th><th>in</th><th>meaning</th></tr>");
                for p in parameters {
                    html.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        escape(&p.name),
                        serde_json::to_value(&p.parameter_in)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        escape(p.description.as_deref().unwrap_or_default())
                    ));
                }
                html.push_str("</table>");
            }
            html.push_str("<table><tr><th>status</th><th>meaning</th></tr>");
            for (status, response) in &op.responses.responses {
                let description = match response {
                    RefOr::T(r) => r.description.as_str(),
                    RefOr::Ref(_) => "",
                };
                html.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td></tr>",
                    escape(status),
                    escape(description)
                ));
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>");
    Html(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_routed_endpoint_is_documented_with_its_problems() {
        let doc = serde_json::to_value(document()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for path in [
            "/api/v1/events",
            "/api/v1/events:send",
            "/api/v1/events/{id}/cancel",
            "/api/v1/sites/{id}/certificates",
            "/api/v1/certificates/{id}/revoke",
        ] {
            assert!(paths.contains_key(path), "{path} missing");
        }
        let send = &paths["/api/v1/events:send"]["post"];
        assert_eq!(
            send["responses"]["422"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        assert!(doc["components"]["schemas"]["EventDetail"].is_object());
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
    }
}
