//! `/api/v1/registrations` and a site's `registration/…` actions: the VENs'
//! live registrations, a request to register again
//! (oadrRequestReregistration) and cancellation (oadrCancelPartyRegistration),
//! both delivered on the VEN's next poll.

use super::auth::Client;
use super::id::Id;
use super::paging::{Paged, Paging};
use super::problem::Problem;
use app::db::{site_lists, ven_messages};
use app::models::Role;
use app::models::site::Registration;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use sea_orm::DatabaseConnection;

/// The live registrations by VEN name, a page at a time.
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registrations", params(Paging),
    responses((status = 200, description = "A page of registrations", body = Vec<Registration>,
        headers(("X-Total-Count" = u64, description = "Registrations on all pages"),
                ("Link" = String, description = "The previous and next pages (RFC 8288)")))))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Paged<Registration>, Problem> {
    let Query(paging) = paging?;
    let at = paging.checked()?;
    let (registrations, total) = site_lists::registrations(&db, at.0, at.1).await?;
    Ok(Paged::new(
        registrations,
        total,
        at,
        "/api/v1/registrations",
    ))
}

/// Asks the site's VEN to register again (operator).
#[utoipa::path(post, path = "/api/v1/sites/{id}/registration/reregister", tag = "registrations",
    params(("id" = i32, Path, description = "The site's key")),
    responses((status = 202, description = "Queued for the VEN's next poll")))]
pub async fn reregister(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<StatusCode, Problem> {
    act(&client, &db, id, ven_messages::REREGISTER).await
}

/// Cancels the site's VEN registration (operator).
#[utoipa::path(post, path = "/api/v1/sites/{id}/registration/cancel", tag = "registrations",
    params(("id" = i32, Path, description = "The site's key")),
    responses((status = 202, description = "Queued for the VEN's next poll")))]
pub async fn cancel(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
) -> Result<StatusCode, Problem> {
    act(&client, &db, id, ven_messages::CANCEL_REGISTRATION).await
}

async fn act(
    client: &Client,
    db: &DatabaseConnection,
    id: i32,
    kind: &str,
) -> Result<StatusCode, Problem> {
    client.require(Role::Operator)?;
    let site = ven_messages::registration_action(db, id, kind)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no site {id}")))?;
    tracing::info!(token = %client.name, ven_name = %site.ven_name, kind, "registration action queued through the API");
    client
        .audit(
            db,
            &format!("registration.{kind}"),
            &format!("site {} {}", site.id, site.ven_name),
        )
        .await;
    Ok(StatusCode::ACCEPTED)
}
