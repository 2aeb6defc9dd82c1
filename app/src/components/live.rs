//! Live pages: refetch a resource every few seconds while the page is open.
//! Polling through the server functions needs no extra endpoint, survives
//! proxies, and picks up again by itself after the server restarts.

use leptos::prelude::*;
use std::time::Duration;

/// Calls `refetch` every `seconds` in the browser until the component goes away.
pub fn refresh_every(seconds: u64, refetch: impl Fn() + Clone + 'static) {
    Effect::new(move |_| {
        let refetch = refetch.clone();
        if let Ok(handle) = set_interval_with_handle(refetch, Duration::from_secs(seconds)) {
            on_cleanup(move || handle.clear());
        }
    });
}
