//! Operator accounts and API tokens, as admins manage them.

use super::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    /// Login name.
    pub username: String,
    /// What they may do.
    pub role: Role,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

/// A bearer token of the management API (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Primary key.
    pub id: i32,
    /// What it is for.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiToken {
    /// Whether it still authenticates at `now`.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

/// What the users page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Accounts {
    /// Every account by name.
    pub users: Vec<Account>,
    /// Every token, newest first.
    pub tokens: Vec<ApiToken>,
}
