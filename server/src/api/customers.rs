//! `/api/v1/customers`: the account holders who own sites — list, read,
//! create, edit.

use super::auth::Client;
use super::id::Id;
use super::paging::{Paged, Paging};
use super::problem::Problem;
use crate::openadr::OadrSettings;
use app::db::{customers, site_lists};
use app::models::Role;
use app::models::customer::{Customer, CustomerForm};
use app::models::site::SiteSummary;
use axum::Json;
use axum::extract::Query;
use axum::extract::State;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::sync::Arc;

/// A customer with its sites.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerDetail {
    /// The customer.
    #[serde(flatten)]
    customer: Customer,
    /// Its sites by name.
    sites: Vec<SiteSummary>,
}

/// The customers by name, a page at a time.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", params(Paging),
    responses((status = 200, description = "A page of customers", body = Vec<Customer>,
        headers(("X-Total-Count" = u64, description = "Customers on all pages"),
                ("Link" = String, description = "The previous and next pages (RFC 8288)")))))]
pub async fn list(
    _client: Client,
    State(db): State<DatabaseConnection>,
    paging: Result<Query<Paging>, QueryRejection>,
) -> Result<Paged<Customer>, Problem> {
    let Query(paging) = paging?;
    let at = paging.checked()?;
    let page = customers::page(&db, at.0, at.1).await?;
    Ok(Paged::new(
        page.customers,
        page.total,
        at,
        "/api/v1/customers",
    ))
}

/// A customer and its sites.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i32, Path, description = "The customer's key")),
    responses((status = 200, description = "The customer", body = CustomerDetail)))]
pub async fn show(
    _client: Client,
    State(db): State<DatabaseConnection>,
    State(settings): State<Arc<OadrSettings>>,
    Id(id): Id,
) -> Result<Json<CustomerDetail>, Problem> {
    let customer = customers::get(&db, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no customer {id}")))?;
    let sites = site_lists::list(&db, Some(id), settings.online_since()).await?;
    Ok(Json(CustomerDetail { customer, sites }))
}

/// Creates a customer (operator). Names are unique.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", request_body = CustomerForm,
    responses((status = 201, description = "Created", body = Customer)))]
pub async fn create(
    client: Client,
    State(db): State<DatabaseConnection>,
    form: Result<Json<CustomerForm>, JsonRejection>,
) -> Result<(StatusCode, Json<Customer>), Problem> {
    let saved = save(&client, &db, None, form).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// Replaces a customer's name, contact and notes (operator).
#[utoipa::path(put, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerForm,
    params(("id" = i32, Path, description = "The customer's key")),
    responses((status = 200, description = "Saved", body = Customer)))]
pub async fn update(
    client: Client,
    State(db): State<DatabaseConnection>,
    Id(id): Id,
    form: Result<Json<CustomerForm>, JsonRejection>,
) -> Result<Json<Customer>, Problem> {
    Ok(Json(save(&client, &db, Some(id), form).await?))
}

async fn save(
    client: &Client,
    db: &DatabaseConnection,
    id: Option<i32>,
    form: Result<Json<CustomerForm>, JsonRejection>,
) -> Result<Customer, Problem> {
    client.require(Role::Operator)?;
    let Json(form) = form?;
    let form = form.validated().map_err(Problem::invalid)?;
    let saved = customers::save(db, id, &form)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no customer {}", id.unwrap_or_default())))?;
    tracing::info!(token = %client.name, customer = saved.id, name = %saved.name, "customer saved through the API");
    client
        .audit(
            db,
            "customer.save",
            &format!("customer {} {}", saved.id, saved.name),
        )
        .await;
    Ok(saved)
}
