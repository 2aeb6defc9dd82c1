//! Telemetry as charts draw it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Series {
    /// Legend text, e.g. `measured kW`.
    pub name: String,
    /// Points in time order.
    pub points: Vec<(DateTime<Utc>, f64)>,
}

/// A chart: a window of time and the lines in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Chart {
    /// Window start.
    pub from: DateTime<Utc>,
    /// Window end.
    pub to: DateTime<Utc>,
    /// Power lines (kW) first, then any other declared point.
    pub series: Vec<Series>,
    /// An event window to shade, if any.
    pub event: Option<(DateTime<Utc>, DateTime<Utc>)>,
}
