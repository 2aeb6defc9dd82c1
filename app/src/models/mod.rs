//! Plain data shared by the server and the browser (serde + chrono only).

pub mod account;
pub mod audit;
pub mod certificate;
pub mod customer;
pub mod day_ahead;
pub mod event;
pub mod problem;
pub mod program;
pub mod report;
pub mod site;
pub mod telemetry;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including users, programs and certificates.
    Admin,
    /// Customers, sites and events.
    Operator,
    /// Read-only.
    Viewer,
}

impl Role {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "operator" => Ok(Role::Operator),
            "viewer" => Ok(Role::Viewer),
            other => Err(format!(
                "unknown role {other:?} (admin, operator or viewer)"
            )),
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionUser {
    /// Login name.
    pub username: String,
    /// What the user may do.
    pub role: Role,
}

/// A customer and its sites, for the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerSites {
    /// The customer.
    pub customer: customer::Customer,
    /// Its sites.
    pub sites: site::SiteGroup,
}

/// What the overview page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    /// Who is looking.
    pub user: SessionUser,
    /// A page of the customers with their sites' online state.
    pub customers: Vec<CustomerSites>,
    /// How many customers there are on all pages.
    pub customer_total: u64,
    /// Sites without a customer.
    pub unassigned: site::SiteGroup,
    /// Events neither cancelled nor completed.
    pub events: Vec<event::EventSummary>,
    /// Day-ahead dates that could not be published on time, not resolved.
    pub day_ahead_alerts: Vec<day_ahead::DayAheadAlert>,
    /// Certificates in use that expire soon.
    pub expiring: Vec<certificate::ExpiryWarning>,
    /// Database backend in use ("sqlite" or "postgres").
    pub database: String,
    /// When the server computed these figures.
    pub as_of: DateTime<Utc>,
}
