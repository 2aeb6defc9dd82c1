use crate::components::{Badge, Editors, ErrorBox, Time, duration_text, refresh_every};
use crate::functions::overview::get_overview;
use crate::models::event::{EventStatus, EventSummary};
use crate::models::site::SiteSummary;
use leptos::prelude::*;

/// Customers with their sites' state and the events not over yet, live.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
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
                            let no_customers = overview.customers.is_empty() && overview.unassigned.is_empty();
                            let unassigned = (!overview.unassigned.is_empty()).then(|| view! {
                                <article class="card">
                                    <h3>"Sites without a customer"</h3>
                                    <SiteStates sites=overview.unassigned />
                                </article>
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
                                                view! {
                                                    <article class="card" data-test="customer-card">
                                                        <h3>
                                                            <a href=format!("/customers/{}", c.customer.id)>{c.customer.name}</a>
                                                        </h3>
                                                        <SiteStates sites=c.sites />
                                                    </article>
                                                }
                                            })
                                            .collect_view()}
                                        {unassigned}
                                    </div>
                                </section>
                                <p class="as-of">
                                    "Updated " <Time at=overview.as_of /> " · database " <span data-test="database">{overview.database}</span>
                                </p>
                            }
                                .into_any()
                        }
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
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

#[component]
fn SiteStates(sites: Vec<SiteSummary>) -> impl IntoView {
    if sites.is_empty() {
        return view! { <p class="empty">"No sites yet."</p> }.into_any();
    }
    view! {
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
    }
    .into_any()
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
            .into_any();
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
    .into_any()
}
