//! The audit log, for admins.

use crate::AppError;
use crate::models::audit::AuditPage;
use leptos::prelude::*;

/// Entries per page.
pub const PER_PAGE: u64 = 50;

/// Page `page` (0-based) of the audit log, newest first.
#[server(endpoint = "audit")]
pub async fn get_audit(page: u64) -> Result<AuditPage, AppError> {
    use crate::db::{self, audit};
    crate::auth::ssr::require(crate::models::Role::Admin).await?;
    Ok(audit::page(&db::from_context()?, page, PER_PAGE).await?)
}
