use crate::components::{
    Badge, Editors, Erase, ErrorBox, Pager, Time, duration_text, page_param, refresh_every,
    resource,
};
use crate::functions::overview::{PER_PAGE, get_overview};
use crate::models::event::{EventStatus, EventSummary};
use crate::models::site::SiteGroup;
use leptos::prelude::*;

/// Customers with their sites' state (a page at a time) and the events not
/// over yet, live.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let page = page_param();
    let data = resource(page, get_overview);
    refresh_every(5, move || data.refetch());

    view! {
        <div class="heading">
            <h1>"Overview"</h1>
            <Editors>
                <a class="button" href="/customers?new=1">"Add Customer"</a>
                <a class="button" href="/events/new">"Add DR Event"</a>
            </Editors>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(overview) => {
                            let no_customers = overview.customer_total == 0 && overview.unassigned.counts.total == 0;
                            let unassigned = (overview.unassigned.counts.total > 0).then(|| view! {
                                <article class="card">
                                    <h3>"Sites without a customer"</h3>
                                    <SiteStates group=overview.unassigned href=None />
                                </article>
                            });
                            let pager = (overview.customer_total > PER_PAGE).then(|| view! {
                                <Pager
                                    total=overview.customer_total
                                    per_page=PER_PAGE
                                    current=page()
                                    noun="Customers"
                                    href=|p| format!("/?page={p}")
                                />
                            });
                            let alerts = overview.day_ahead_alerts;
                            let expiring = overview.expiring;
                            view! {
                                <DayAheadAlerts alerts />
                                <ExpiryWarnings expiring />
                                <section aria-labelledby="active-events">
                                    <h2 id="active-events">"Active and upcoming events"</h2>
                                    <EventTable events=overview.events />
                                </section>
                                <section aria-labelledby="customers">
                                    <h2 id="customers">"Customers and sites"</h2>
                                    <Show when=move || no_customers>
                                        <p class="empty">
                                            "No customers yet. Add a customer, then create its sites (one VEN each)."
                                        </p>
                                    </Show>
                                    <div class="cards">
                                        {overview
                                            .customers
                                            .into_iter()
                                            .map(|c| {
                                                let href = format!("/customers/{}", c.customer.id);
                                                view! {
                                                    <article class="card" data-test="customer-card">
                                                        <h3><a href=href.clone()>{c.customer.name}</a></h3>
                                                        <SiteStates group=c.sites href=Some(href) />
                                                    </article>
                                                }
                                            })
                                            .collect_view()}
                                        {unassigned}
                                    </div>
                                    {pager}
                                </section>
                                <p class="as-of">
                                    "Updated " <Time at=overview.as_of /> " · database " <span data-test="database">{overview.database}</span>
                                </p>
                            }
                                .erase()
                        }
                        Err(error) => view! { <ErrorBox error /> }.erase(),
                    })
            }}
        </Transition>
    }
}

/// Certificates in use that expire soon: renew before the VEN is locked out.
#[component]
fn ExpiryWarnings(expiring: Vec<crate::models::certificate::ExpiryWarning>) -> impl IntoView {
    (!expiring.is_empty()).then(|| {
        view! {
            <section class="banner" role="alert" data-test="expiry-warnings">
                <h2>"Certificates expiring"</h2>
                <ul>
                    {expiring.into_iter().map(|w| {
                        let href = w.site_id.map_or_else(|| "/certificates".to_owned(), |id| format!("/sites/{id}"));
                        view! {
                            <li>
                                <a href=href>{w.subject}</a>
                                " — valid until "
                                <Time at=w.not_after />
                                "; issue a new certificate on the Certificates page"
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Day-ahead dates not published at publish time: a banner, so a missing
/// price file is noticed the same evening.
#[component]
fn DayAheadAlerts(alerts: Vec<crate::models::day_ahead::DayAheadAlert>) -> impl IntoView {
    (!alerts.is_empty()).then(|| {
        view! {
            <section class="banner" role="alert" data-test="day-ahead-alerts">
                <h2>"Day-ahead prices not published"</h2>
                <ul>
                    {alerts.into_iter().map(|a| view! {
                        <li>
                            <a href="/programs">{a.program}</a>
                            {format!(", {}: {} (since ", a.date, a.message)}
                            <Time at=a.raised_at />
                            ")"
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// A card's sites: how many are online, then every site when there are few,
/// else only the offline ones; `href` is the page listing them all.
#[component]
fn SiteStates(group: SiteGroup, href: Option<String>) -> impl IntoView {
    let offline_only = group.offline_only();
    let SiteGroup { counts, sites } = group;
    if counts.total == 0 {
        return view! { <p class="empty">"No sites yet."</p> }.erase();
    }
    let offline = counts.total - counts.online;
    let hidden = offline.saturating_sub(sites.len() as u64);
    let summary = format!("{} of {} online", counts.online, counts.total);
    let more = (offline_only && hidden > 0).then(|| format!("and {hidden} more offline"));
    let all = href
        .filter(|_| offline_only)
        .map(|href| view! { <a href=href>{format!("All {} sites", counts.total)}</a> });
    view! {
        <p class="muted" data-test="site-counts">{summary}</p>
        <ul class="site-states">
            {sites
                .into_iter()
                .map(|s| {
                    view! {
                        <li>
                            <a href=format!("/sites/{}", s.id)>{s.name}</a>
                            " "
                            <Badge text=if s.online { "online" } else { "offline" } />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {more.map(|more| view! { <p class="muted">{more}</p> })}
        {all}
    }
    .erase()
}

fn timing(e: &EventSummary) -> String {
    let now = chrono::Utc::now();
    let end = e.dtstart + chrono::TimeDelta::seconds(e.duration_secs);
    match e.status {
        EventStatus::Active => format!(
            "ends in {}",
            duration_text((end - now).num_seconds().max(0))
        ),
        EventStatus::Far | EventStatus::Near => {
            format!(
                "starts in {}",
                duration_text((e.dtstart - now).num_seconds().max(0))
            )
        }
        _ => String::new(),
    }
}

/// Events in a table: status, program, signal, start, delivery and answers.
#[component]
pub fn EventTable(events: Vec<EventSummary>) -> impl IntoView {
    if events.is_empty() {
        return view! { <p class="empty">"No events. Use Add DR Event to schedule one."</p> }
            .erase();
    }
    view! {
        <table class="list">
            <thead>
                <tr>
                    <th scope="col">"Event"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Program"</th>
                    <th scope="col">"Signal"</th>
                    <th scope="col">"Start"</th>
                    <th scope="col">"Delivered"</th>
                    <th scope="col">"Opted in / out"</th>
                </tr>
            </thead>
            <tbody>
                {events
                    .into_iter()
                    .map(|e| {
                        let when = timing(&e);
                        view! {
                            <tr data-test="event-row">
                                <td>
                                    <a href=format!("/events/{}", e.id)>{e.event_id.clone()}</a>
                                    {e.test_event.then(|| view! { " " <Badge text="test" /> })}
                                </td>
                                <td>
                                    <Badge text=e.status.as_str() />
                                    <span class="muted">" " {when}</span>
                                </td>
                                <td>{e.program.clone()}</td>
                                <td>{e.signal.clone()}</td>
                                <td>
                                    <Time at=e.dtstart />
                                    <span class="muted">" for " {duration_text(e.duration_secs)}</span>
                                </td>
                                <td>{e.delivered} " / " {e.sites}</td>
                                <td>{e.opted_in} " / " {e.opted_out}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .erase()
}
