//! The overview page's data.

use crate::AppError;
use crate::models::Overview;
use leptos::prelude::*;

/// Customers with their sites' state and the events not yet over; any
/// signed-in user may read it.
#[server(endpoint = "overview")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::db::{self, UiSettings, customers, day_ahead, event_views, site_admin};
    use crate::models::{CustomerSites, event::EventFilter};
    let user = crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    let now = chrono::Utc::now();
    let mut sites = site_admin::list(&db, None, UiSettings::from_context().online_since()).await?;
    let customers = customers::list(&db)
        .await?
        .into_iter()
        .map(|customer| {
            let (mine, rest) = sites
                .drain(..)
                .partition(|s| s.customer_id == Some(customer.id));
            sites = rest;
            CustomerSites {
                customer,
                sites: mine,
            }
        })
        .collect();
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
        unassigned: sites,
        events,
        day_ahead_alerts: day_ahead::open_alerts(&db).await?,
        expiring: crate::pki::expiry_warnings(&db, crate::pki::VenCa::from_context().as_ref(), now)
            .await?,
        database: db::backend_name(&db).to_owned(),
        as_of: now,
    })
}
