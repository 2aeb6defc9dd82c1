use super::overview::EventTable;
use crate::components::{Editors, Erase, ErrorBox, Pager, page_param, refresh_every, resource};
use crate::functions::events::{PER_PAGE, list_events};
use crate::models::event::EventFilter;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// All events, filtered by status, a page at a time, live.
#[component]
pub fn EventsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || EventFilter::parse(&query.read().get("status").unwrap_or_default());
    let page = page_param();
    let events = resource(
        move || (filter(), u32::try_from(page()).unwrap_or(u32::MAX)),
        |(f, p)| list_events(f, p, None),
    );
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
                    let status = filter().as_str();
                    view! {
                        <EventTable events=list.events />
                        <Pager
                            total=u64::from(list.total)
                            per_page=u64::from(PER_PAGE)
                            current=page()
                            noun="Events"
                            href=move |p| format!("/events?status={status}&page={p}")
                        />
                    }.erase()
                }
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Transition>
    }
}
