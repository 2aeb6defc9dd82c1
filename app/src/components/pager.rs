//! Paging through a long list: the `?page=` of the URL (from 0) and the
//! links to the pages before and after.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The page the URL asks for (`?page=N`, from 0), reactive.
pub fn page_param() -> impl Fn() -> u64 + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    }
}

/// "Things: N · page x of y" with Previous/Next links; `href` makes a page's
/// URL.
#[component]
pub fn Pager(
    /// How many there are on all pages.
    total: u64,
    /// How many a page holds.
    per_page: u64,
    /// The page shown, from 0.
    current: u64,
    /// What is counted, capitalised plural, e.g. `Events`.
    noun: &'static str,
    /// The URL of page `n`.
    href: impl Fn(u64) -> String + 'static,
) -> impl IntoView {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let previous = (current > 0).then(|| href(current - 1));
    let next = (current + 1 < pages).then(|| href(current + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            <span>{format!("{noun}: {total} · page {} of {pages}", current + 1)}</span>
            {previous.map(|href| view! { <a href=href rel="prev">"Previous"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next"</a> })}
        </nav>
    }
}
