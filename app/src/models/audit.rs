//! The audit log as admins read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One audited action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who: `user:alice`, `token:scada`, `cli`, `ven:…`.
    pub actor: String,
    /// What, e.g. `event.create`.
    pub action: String,
    /// To what.
    pub target: String,
    /// From where (client address).
    pub source: String,
}

/// A page of the log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Entries in all.
    pub total: u64,
}
