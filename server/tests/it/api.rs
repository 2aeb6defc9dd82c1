//! The management REST API over real TLS: bearer tokens with roles, problem
//! documents, the one-call event, idempotent creation, cancellation.

use crate::common::{Response, TestServer};
use app::db::{api_tokens, programs};
use app::models::Role;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;
use serde_json::{Value, json};

pub async fn call(
    vtn: &TestServer,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    extra: &[(&str, &str)],
) -> Response {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Full::new(Bytes::from(json.to_string()))
        }
        None => Full::default(),
    };
    vtn.client(None)
        .send(request.body(body).unwrap())
        .await
        .unwrap()
}

pub fn json(response: &Response) -> Value {
    serde_json::from_str(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.body))
}

#[tokio::test]
async fn the_api_refuses_missing_unknown_and_underprivileged_tokens_with_problem_documents() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let (_, viewer) = api_tokens::create(db, "dashboard", Role::Viewer, None)
        .await
        .unwrap();

    let anonymous = call(&vtn, "GET", "/api/v1/events", None, None, &[]).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(
        anonymous.headers["content-type"],
        "application/problem+json"
    );
    assert_eq!(json(&anonymous)["status"], 401);

    let unknown = call(&vtn, "GET", "/api/v1/sites", Some("vtn_nope"), None, &[]).await;
    assert_eq!(unknown.status, 401);

    let listed = call(&vtn, "GET", "/api/v1/sites", Some(&viewer), None, &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(json(&listed)[0]["ven_name"], "demo-ven");

    let refused = call(
        &vtn,
        "POST",
        "/api/v1/events:send",
        Some(&viewer),
        Some(
            json!({"site_id": 1, "level": 1, "start": "2030-01-01T00:00:00Z", "duration_secs": 60}),
        ),
        &[],
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        json(&refused)["detail"]
            .as_str()
            .unwrap()
            .contains("operator")
    );

    let missing = call(&vtn, "GET", "/api/v1/nothing", Some(&viewer), None, &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["content-type"], "application/problem+json");
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn an_integration_sends_an_event_in_one_call_retries_safely_and_cancels_it() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let (_, site) = vtn.new_ven("api-ven").await;
    let program = programs::create(db, "Peak", "http://u/peak", 3600)
        .await
        .unwrap();
    programs::add_site(db, program.id, site.id).await.unwrap();
    let (model, operator) = api_tokens::create(db, "scada", Role::Operator, None)
        .await
        .unwrap();

    let bad = call(
        &vtn,
        "POST",
        "/api/v1/events:send",
        Some(&operator),
        Some(json!({"ven_id": site.ven_id, "level": 7, "start": "2030-01-01T00:00:00Z", "duration_secs": 600})),
        &[],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(
        json(&bad)["detail"]
            .as_str()
            .unwrap()
            .contains("0, 1, 2 or 3")
    );

    let request = json!({"ven_id": site.ven_id, "level": 2, "start": "2030-01-01T00:00:00Z", "duration_secs": 600});
    let key = [("idempotency-key", "order-42")];
    let first = call(
        &vtn,
        "POST",
        "/api/v1/events:send",
        Some(&operator),
        Some(request.clone()),
        &key,
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let event = json(&first);
    assert_eq!(event["summary"]["signal"], "SIMPLE level 2");
    assert_eq!(event["deliveries"][0]["ven_name"], "api-ven");
    assert_eq!(event["deliveries"][0]["state"], "pending");

    let retry = call(
        &vtn,
        "POST",
        "/api/v1/events:send",
        Some(&operator),
        Some(request),
        &key,
    )
    .await;
    assert_eq!(
        retry.status, 200,
        "a retry with the same key creates nothing"
    );
    assert_eq!(json(&retry)["summary"]["id"], event["summary"]["id"]);

    let listed = call(
        &vtn,
        "GET",
        "/api/v1/events?status=scheduled",
        Some(&operator),
        None,
        &[],
    )
    .await;
    assert_eq!(json(&listed)["total"], 1, "{}", listed.body);
    let programs = call(&vtn, "GET", "/api/v1/programs", Some(&operator), None, &[]).await;
    assert_eq!(json(&programs)[0]["market_context"], "http://u/peak");
    assert_eq!(json(&programs)[0]["sites"][0][1], site.name.as_str());
    let customers = call(&vtn, "GET", "/api/v1/customers", Some(&operator), None, &[]).await;
    assert_eq!(customers.status, 200);
    assert_eq!(json(&customers), json!([]));
    let wrong_filter = call(
        &vtn,
        "GET",
        "/api/v1/events?status=soon",
        Some(&operator),
        None,
        &[],
    )
    .await;
    assert_eq!(wrong_filter.status, 422);
    let too_many = call(
        &vtn,
        "GET",
        "/api/v1/events?per_page=101",
        Some(&operator),
        None,
        &[],
    )
    .await;
    assert_eq!(too_many.status, 422);
    assert!(
        json(&too_many)["detail"]
            .as_str()
            .unwrap()
            .contains("per_page is 1 to 100")
    );
    // Unreadable paths, queries and bodies are problem documents too.
    for (method, path, body) in [
        ("GET", "/api/v1/events/not-a-number", None),
        ("GET", "/api/v1/events?page=-1", None),
        (
            "POST",
            "/api/v1/events:send",
            Some(json!({"start": "yesterday"})),
        ),
    ] {
        let refused = call(&vtn, method, path, Some(&operator), body, &[]).await;
        assert!(
            matches!(refused.status.as_u16(), 400 | 422),
            "{path}: {}",
            refused.status
        );
        assert_eq!(
            refused.headers["content-type"], "application/problem+json",
            "{path}"
        );
    }
    let spec = call(&vtn, "GET", "/api/v1/openapi.json", None, None, &[]).await;
    assert_eq!(spec.status, 200, "the document is public");
    assert!(json(&spec)["paths"]["/api/v1/events:send"]["post"].is_object());
    let docs = call(&vtn, "GET", "/api/v1/docs", None, None, &[]).await;
    assert!(
        docs.body.contains("<code>/api/v1/events:send</code>"),
        "{}",
        docs.body
    );

    let id = event["summary"]["id"].as_i64().unwrap();
    let cancelled = call(
        &vtn,
        "POST",
        &format!("/api/v1/events/{id}/cancel"),
        Some(&operator),
        None,
        &[],
    )
    .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.body);
    assert_eq!(json(&cancelled)["summary"]["status"], "cancelled");

    let audit = app::db::audit::page(db, 0, 10).await.unwrap();
    let actions: Vec<(&str, &str)> = audit
        .entries
        .iter()
        .map(|e| (e.actor.as_str(), e.action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("token:scada", "event.cancel"),
            ("token:scada", "event.create")
        ],
        "one creation despite the retry"
    );
    assert_eq!(audit.entries[0].source, "127.0.0.1");

    // A revoked token stops working at once.
    api_tokens::revoke(db, model.id).await.unwrap();
    let after = call(&vtn, "GET", "/api/v1/events", Some(&operator), None, &[]).await;
    assert_eq!(after.status, 401);
    vtn.server.shutdown().await;
}
