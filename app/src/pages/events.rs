use super::overview::EventTable;
use crate::components::{Editors, ErrorBox, refresh_every};
use crate::functions::events::{PER_PAGE, list_events};
use crate::models::event::EventFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// All events, filtered by status, a page at a time, live.
#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || EventFilter::parse(&query.read().get("status").unwrap_or_default());
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let events = Resource::new(move || (filter(), page()), |(f, p)| list_events(f, p, None));
    refresh_every(5, move || events.refetch());
    view! {
        <div class="heading">
            <h1>"DR events"</h1>
            <Editors>
                <a class="button" href="/events/new">"Add DR Event"</a>
            </Editors>
        </div>
        <nav class="filters" aria-label="Event status">
            {EventFilter::ALL
                .into_iter()
                .map(|f| {
                    view! {
                        <a
                            href=format!("/events?status={}", f.as_str())
                            aria-current=move || (filter() == f).then_some("page")
                        >
                            {f.as_str()}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || events.get().map(|result| match result {
                Ok(list) => {
                    let total = list.total;
                    let pages = total.div_ceil(PER_PAGE).max(1);
                    let current = page();
                    let link = move |p: u32| format!("/events?status={}&page={p}", filter().as_str());
                    view! {
                        <EventTable events=list.events />
                        <nav class="pager" aria-label="Pages">
                            <span>{format!("{total} events · page {} of {pages}", current + 1)}</span>
                            {(current > 0).then(|| view! { <a href=link(current - 1)>"Previous"</a> })}
                            {(current + 1 < pages).then(|| view! { <a href=link(current + 1)>"Next"</a> })}
                        </nav>
                    }.into_any()
                }
                Err(error) => view! { <ErrorBox error /> }.into_any(),
            })}
        </Transition>
    }
}
