//! Customers: list, open, create, edit.

use crate::AppError;
use crate::models::customer::{Customer, CustomerForm, CustomerPage};
use crate::models::site::SiteSummary;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Every customer, by name.
#[server(endpoint = "customers")]
pub async fn list_customers() -> Result<Vec<Customer>, AppError> {
    use crate::db::{self, customers};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    Ok(customers::list(&db::from_context()?).await?)
}

/// Customers per page of the customers list.
pub const PER_PAGE: u64 = 50;

/// Page `page` (from 0) of the customers, by name.
#[server(endpoint = "customer_page")]
pub async fn page_of_customers(page: u64) -> Result<CustomerPage, AppError> {
    use crate::db::{self, customers};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    Ok(customers::page(&db::from_context()?, page, PER_PAGE).await?)
}

/// Sites per page of a customer's page.
pub const SITES_PER_PAGE: u64 = 50;

/// One customer, page `page` (from 0) of its sites by name, and how many
/// sites it has.
#[server(endpoint = "customer")]
pub async fn get_customer(
    id: i32,
    page: u64,
) -> Result<(Customer, Vec<SiteSummary>, u64), AppError> {
    use super::ssr::found;
    use crate::db::{self, UiSettings, customers, site_lists};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    let customer = found(customers::get(&db, id).await?, "customer")?;
    let online_since = UiSettings::from_context().online_since();
    let (sites, total) =
        site_lists::page_of_owner(&db, Some(id), page, SITES_PER_PAGE, online_since).await?;
    Ok((customer, sites, total))
}

/// Creates (`id` none) or edits a customer; returns its key.
#[server(endpoint = "save_customer", input = Json)]
pub async fn save_customer(id: Option<i32>, form: CustomerForm) -> Result<i32, AppError> {
    use super::ssr::{found, invalid};
    use crate::db::{self, customers};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let form = form.validated().map_err(invalid)?;
    let db = db::from_context()?;
    let saved = found(customers::save(&db, id, &form).await?, "customer")?;
    tracing::info!(username = %user.username, customer = saved.id, name = %saved.name, "customer saved");
    super::ssr::audit(
        &db,
        &user,
        "customer.save",
        &format!("customer {} {}", saved.id, saved.name),
    )
    .await;
    Ok(saved.id)
}
