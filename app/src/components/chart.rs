//! A line chart as SVG (no charting library to download): time across,
//! value up, the event window shaded.
//!
//! The server draws it ([`chart_html`]) and sends the markup: drawing
//! code, float formatting and the chart's data stay out of the WASM, which
//! only puts the markup in place.

use leptos::prelude::*;

/// A chart the server has drawn (see `chart_html`).
#[component]
pub fn ChartView(html: String) -> impl IntoView {
    view! { <figure class="chart" inner_html=html></figure> }
}

#[cfg(feature = "ssr")]
mod draw;
#[cfg(feature = "ssr")]
pub use draw::chart_html;
