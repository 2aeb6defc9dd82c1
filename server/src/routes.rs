//! The route table: every URL the server answers, in one place.

use crate::state::AppState;
use crate::{api, export, health, metrics, middleware, openadr, whoami};
use app::{App, shell};
use axum::Router;
use axum::routing::{get, post, put};
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use std::time::Duration;

/// Builds the application router.
pub fn router(state: AppState, request_timeout: Duration) -> Router {
    let db = state.db.clone();
    let ui = app::db::UiSettings {
        offline_after: chrono::TimeDelta::from_std(state.oadr.offline_after)
            .unwrap_or(chrono::TimeDelta::minutes(15)),
    };
    // Server functions and SSR read the database and settings from the Leptos context.
    let ven_ca = app::pki::VenCa::clone(&state.ven_ca);
    let context = move || {
        provide_context(db.clone());
        provide_context(ui);
        provide_context(ven_ca.clone());
    };
    let leptos = LeptosOptions::clone(&state.leptos);

    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/whoami", get(whoami::show))
        .route("/api/v1/openapi.json", get(api::openapi::json))
        .route("/api/v1/docs", get(api::openapi::page))
        .route(
            "/api/v1/customers",
            get(api::customers::list).post(api::customers::create),
        )
        .route(
            "/api/v1/customers/{id}",
            get(api::customers::show).put(api::customers::update),
        )
        .route(
            "/api/v1/programs",
            get(api::programs::list).post(api::programs::create),
        )
        .route(
            "/api/v1/programs/{id}",
            get(api::programs::show).put(api::programs::update),
        )
        .route(
            "/api/v1/programs/{id}/day-ahead",
            put(api::day_ahead::put_settings),
        )
        .route(
            "/api/v1/programs/{id}/prices/{date}",
            get(api::day_ahead::get_prices).put(api::day_ahead::put_prices),
        )
        .route(
            "/api/v1/programs/{id}/settlement/{file}",
            get(api::day_ahead::settlement),
        )
        .route("/api/v1/day-ahead/alerts", get(api::day_ahead::alerts))
        .route(
            "/api/v1/sites",
            get(api::sites::list).post(api::sites::create),
        )
        .route(
            "/api/v1/sites/{id}",
            get(api::sites::show).put(api::sites::update),
        )
        .route(
            "/api/v1/sites/{id}/registration/reregister",
            post(api::registrations::reregister),
        )
        .route(
            "/api/v1/sites/{id}/registration/cancel",
            post(api::registrations::cancel),
        )
        .route(
            "/api/v1/sites/{id}/report-requests",
            get(api::reports::requests),
        )
        .route("/api/v1/sites/{id}/readings", get(api::reports::readings))
        .route(
            "/api/v1/sites/{id}/readings.csv",
            get(api::reports::readings_csv),
        )
        .route("/api/v1/registrations", get(api::registrations::list))
        .route(
            "/api/v1/report-requests/{id}/cancel",
            post(api::reports::cancel),
        )
        .route(
            "/api/v1/sites/{id}/certificates",
            post(api::certificates::issue),
        )
        .route("/api/v1/certificates", get(api::certificates::list))
        .route("/api/v1/ven-ca", get(api::ven_ca::show))
        .route("/api/v1/ven-ca/init", post(api::ven_ca::init))
        .route("/api/v1/ven-ca/import", post(api::ven_ca::import))
        .route(
            "/api/v1/certificates/{id}/revoke",
            post(api::certificates::revoke),
        )
        .route(
            "/api/v1/events",
            get(api::events::list).post(api::events::create),
        )
        .route("/api/v1/events:send", post(api::events::send))
        .route("/api/v1/events/{id}", get(api::events::show))
        .route("/api/v1/events/{id}/cancel", post(api::events::cancel))
        .route(
            "/api/v1/events/{id}/telemetry.csv",
            get(api::events::telemetry),
        )
        .route("/api/v1/{*rest}", axum::routing::any(api::not_found))
        .route(
            "/export/events/{id}/telemetry.csv",
            get(export::event_telemetry),
        )
        .route("/export/audit.csv", get(export::audit_log))
        .route(
            "/export/programs/{id}/settlement/{file}",
            get(export::program_settlement),
        )
        .route(
            "/export/sites/{id}/readings.csv",
            get(export::site_readings),
        )
        .route(
            "/OpenADR2/Simple/2.0b/{service}",
            post(openadr::by_certificate),
        )
        .route(
            "/{token}/OpenADR2/Simple/2.0b/{service}",
            post(openadr::by_token),
        )
        .leptos_routes_with_context(
            &state,
            generate_route_list(App),
            context.clone(),
            move || shell(leptos.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ));
    middleware::apply(router, request_timeout).with_state(state)
}
