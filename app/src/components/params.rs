//! Reading the route's `:id`, and the SIMPLE level choices, shared by pages.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The route's `:id` as a number (0 when missing or not a number, which the
/// server answers with "no such …").
pub fn route_id() -> impl Fn() -> i32 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i32>().ok())
            .unwrap_or(0)
    }
}

/// The four SIMPLE levels as `<option>`s.
#[component]
pub fn LevelOptions() -> impl IntoView {
    view! {
        <option value="0">"0 — normal"</option>
        <option value="1">"1 — moderate"</option>
        <option value="2">"2 — high"</option>
        <option value="3">"3 — special"</option>
    }
}
