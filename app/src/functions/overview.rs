//! The overview page's data.

use crate::AppError;
use crate::models::Overview;
use leptos::prelude::*;

/// Customers per page of the overview.
pub const PER_PAGE: u64 = 24;

/// Page `page` (from 0) of the customers with their sites' state, and the
/// events not yet over; any signed-in user may read it.
#[server(endpoint = "overview")]
pub async fn get_overview(page: u64) -> Result<Overview, AppError> {
    use crate::db::{self, UiSettings, customers, day_ahead, event_views, site_lists};
    use crate::models::{CustomerSites, event::EventFilter};
    /// Sites a card lists: all when there are this few, else the offline ones.
    const SHOWN: u64 = 12;
    let user = crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    let now = chrono::Utc::now();
    let online_since = UiSettings::from_context().online_since();
    let page = customers::page(&db, page, PER_PAGE).await?;
    let ids: Vec<i32> = page.customers.iter().map(|c| c.id).collect();
    let counts = site_lists::counts(&db, &ids, online_since).await?;
    let group = |owner: Option<i32>| {
        let counts = counts.get(&owner).copied().unwrap_or_default();
        site_lists::group(&db, owner, counts, SHOWN, online_since)
    };
    let mut customers = Vec::with_capacity(page.customers.len());
    for customer in page.customers {
        let sites = group(Some(customer.id)).await?;
        customers.push(CustomerSites { customer, sites });
    }
    let unassigned = group(None).await?;
    let mut events = Vec::new();
    for filter in [EventFilter::Active, EventFilter::Scheduled] {
        events.extend(
            event_views::list(&db, filter, None, 0, 50, now)
                .await?
                .events,
        );
    }
    Ok(Overview {
        user,
        customers,
        customer_total: page.total,
        unassigned,
        events,
        day_ahead_alerts: day_ahead::open_alerts(&db).await?,
        expiring: crate::pki::expiry_warnings(&db, crate::pki::VenCa::from_context().as_ref(), now)
            .await?,
        database: db::backend_name(&db).to_owned(),
        as_of: now,
    })
}
