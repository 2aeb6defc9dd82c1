//! Sites: open, create, edit, the VEN's message log, and the VTN-side
//! registration actions.

use crate::AppError;
use crate::models::site::{LoggedExchange, SiteDetail, SiteForm};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Sites a picker offers at most.
pub const FOUND_AT_MOST: u64 = 50;

/// Up to [`FOUND_AT_MOST`] sites whose name or VEN name contains `text`, by
/// name, as (key, name), for pickers.
#[server(endpoint = "find_sites")]
pub async fn find_sites(text: String) -> Result<Vec<(i32, String)>, AppError> {
    use crate::db::{self, site_lists};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    Ok(site_lists::search(&db, &text, FOUND_AT_MOST).await?)
}

/// Everything the site page shows.
#[server(endpoint = "site")]
pub async fn get_site(id: i32) -> Result<SiteDetail, AppError> {
    use super::ssr::found;
    use crate::db::{self, UiSettings, site_admin};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    found(
        site_admin::detail(&db, id, UiSettings::from_context().online_since()).await?,
        "site",
    )
}

/// Creates (`id` none) or edits a site; returns its key. The VEN name is
/// kept from creation.
#[server(endpoint = "save_site", input = Json)]
pub async fn save_site(id: Option<i32>, form: SiteForm) -> Result<i32, AppError> {
    use super::ssr::{found, invalid};
    use crate::db::{self, site_admin};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let form = form.validated().map_err(invalid)?;
    let db = db::from_context()?;
    let saved = match id {
        Some(id) => found(site_admin::update(&db, id, &form).await?, "site")?,
        None => site_admin::create(&db, &form).await?,
    };
    tracing::info!(username = %user.username, site = saved.id, ven_name = %saved.ven_name, "site saved");
    super::ssr::audit(
        &db,
        &user,
        "site.save",
        &format!("site {} {}", saved.id, saved.ven_name),
    )
    .await;
    Ok(saved.id)
}

/// The VEN's recent exchanges, newest first; `message_type` filters
/// (empty: all).
#[server(endpoint = "site_log")]
pub async fn site_log(id: i32, message_type: String) -> Result<Vec<LoggedExchange>, AppError> {
    use crate::db::{self, message_log};
    crate::auth::ssr::require(crate::models::Role::Viewer).await?;
    let db = db::from_context()?;
    Ok(message_log::recent(&db, id, message_log::PER_SITE)
        .await?
        .into_iter()
        .filter(|m| message_type.is_empty() || m.message_type == message_type)
        .map(|m| LoggedExchange {
            id: m.id,
            at: m.at,
            request_xml: super::pretty_xml::indent(&m.request_xml),
            response_xml: super::pretty_xml::indent(&m.response_xml),
            message_type: m.message_type,
            response_type: m.response_type,
            response_code: m.response_code,
            deviations: m.deviations,
        })
        .collect())
}

/// Asks the VEN to register again (oadrRequestReregistration on its next
/// poll), or cancels its registration (oadrCancelPartyRegistration).
#[server(endpoint = "registration_action")]
pub async fn registration_action(id: i32, cancel: bool) -> Result<(), AppError> {
    use super::ssr::found;
    use crate::db::{self, ven_messages};
    let user = crate::auth::ssr::require(crate::models::Role::Operator).await?;
    let db = db::from_context()?;
    let kind = if cancel {
        ven_messages::CANCEL_REGISTRATION
    } else {
        ven_messages::REREGISTER
    };
    let site = found(
        ven_messages::registration_action(&db, id, kind).await?,
        "site",
    )?;
    tracing::info!(username = %user.username, ven_name = %site.ven_name, kind, "registration action queued");
    super::ssr::audit(
        &db,
        &user,
        &format!("registration.{kind}"),
        &format!("site {} {}", site.id, site.ven_name),
    )
    .await;
    Ok(())
}
