//! `/api/v1/customers` and `/api/v1/programs`: read-only lists for
//! integrations that pick a site or program before sending an event.

use super::auth::Client;
use super::problem::Problem;
use app::db::{customers, program_admin};
use app::models::customer::Customer;
use app::models::program::Program;
use axum::Json;
use axum::extract::State;
use sea_orm::DatabaseConnection;

/// Every customer by name.
#[utoipa::path(get, path = "/api/v1/customers", tag = "catalog",
    responses((status = 200, description = "Customers", body = Vec<Customer>)))]
pub async fn customers(
    _client: Client,
    State(db): State<DatabaseConnection>,
) -> Result<Json<Vec<Customer>>, Problem> {
    Ok(Json(customers::list(&db).await?))
}

/// Every program with its sites and report requests.
#[utoipa::path(get, path = "/api/v1/programs", tag = "catalog",
    responses((status = 200, description = "Programs", body = Vec<Program>)))]
pub async fn programs(
    _client: Client,
    State(db): State<DatabaseConnection>,
) -> Result<Json<Vec<Program>>, Problem> {
    Ok(Json(program_admin::list(&db).await?))
}
