//! The report subscription lifecycle as integrators see it: the requests the
//! VTN made of a VEN, and the readings that came back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A report the VTN requested from a site's VEN (oadrCreateReport).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportRequest {
    /// Primary key.
    pub id: i32,
    /// The site whose VEN was asked.
    pub site_id: i32,
    /// The reportRequestID the VEN quotes in its updates.
    pub report_request_id: String,
    /// The reportSpecifierID of the report the VEN offered.
    pub report_specifier_id: String,
    /// e.g. `TELEMETRY_USAGE`.
    pub report_name: String,
    /// The points asked for.
    pub rids: Vec<String>,
    /// Sampling interval, seconds.
    pub granularity_secs: i64,
    /// How often the VEN sends an update, seconds.
    pub report_back_secs: i64,
    /// `requested`, `created`, `receiving`, `cancelling`, `cancelled` or `completed`.
    pub state: String,
    /// Delivered to the VEN.
    pub sent: bool,
    /// When the VTN made the request.
    pub created_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
}

/// One interval reading of one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Reading {
    /// The point (rID).
    pub rid: String,
    /// Start of the interval.
    pub start: DateTime<Utc>,
    /// Length of the interval, seconds.
    pub duration_secs: Option<i64>,
    /// The value, in the units the VEN declared.
    pub value: Option<f64>,
    /// Data quality as the VEN gave it.
    pub quality: Option<String>,
}
