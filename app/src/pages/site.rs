use super::overview::EventTable;
use crate::components::{
    Badge, ChartView, Editors, Erase, ErrorBox, Time, action_error, refresh_every, resource,
    route_id,
};
use crate::functions::events::list_events;
use crate::functions::sites::{RegistrationAction, get_site, site_log};
use crate::functions::telemetry::site_chart;
use crate::models::event::EventFilter;
use crate::models::site::{LoggedExchange, SiteDetail};
use leptos::prelude::*;

/// Everything about one site and its VEN, live.
#[component]
pub fn SitePage() -> impl IntoView {
    let id = route_id();
    let site = resource(id, get_site);
    refresh_every(5, move || site.refetch());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                site.get()
                    .map(|result| match result {
                        Ok(detail) => view! { <SiteView detail /> }.erase(),
                        Err(error) => view! { <ErrorBox error /> }.erase(),
                    })
            }}
        </Transition>
        <SiteChart id=id() />
        <section>
            <h2>"Events"</h2>
            <SiteEvents id=id() />
        </section>
        <MessageLog id=id() />
    }
}

#[component]
fn SiteView(detail: SiteDetail) -> impl IntoView {
    let s = detail.summary.clone();
    let action = ServerAction::<RegistrationAction>::new();
    let action_failed = action_error(action);
    let done = move || {
        action
            .value()
            .get()
            .and_then(Result::ok)
            .map(|_| "Queued: the VEN gets it on its next poll.")
    };
    let registered = detail.registration_id.is_some();
    let site_id = s.id;
    view! {
        <div class="heading">
            <h1>{s.name.clone()}</h1>
            <Badge text=if s.online { "online" } else { "offline" } />
            <Editors>
                <a class="button secondary" href=format!("/sites/{site_id}/edit")>"Edit site"</a>
            </Editors>
        </div>
        <dl class="facts">
            <dt>"Customer"</dt>
            <dd>
                {s.customer_id.map(|c| view! { <a href=format!("/customers/{c}")>{detail.customer_name.clone()}</a> })}
            </dd>
            <dt>"VEN name"</dt><dd><code>{s.ven_name.clone()}</code></dd>
            <dt>"VEN ID"</dt><dd><code data-test="ven-id">{s.ven_id.clone()}</code></dd>
            <dt>"Last contact"</dt>
            <dd data-test="last-contact">
                {match s.last_contact {
                    Some(at) => view! { <Time at /> }.erase(),
                    None => view! { "never" }.erase(),
                }}
            </dd>
            <dt>"Certificate fingerprint"</dt>
            <dd><code>{if detail.fingerprint.is_empty() { "none bound".to_owned() } else { detail.fingerprint.clone() }}</code></dd>
            <dt>"DR programs"</dt>
            <dd>{detail.programs.iter().map(|p| p.1.clone()).collect::<Vec<_>>().join(", ")}</dd>
            <dt>"Address"</dt><dd>{detail.address.clone()}</dd>
            <dt>"Contact"</dt><dd>{detail.contact.clone()}</dd>
        </dl>
        <section>
            <h2>"Registration"</h2>
            {match detail.registration_id.clone() {
                Some(registration) => view! {
                    <dl class="facts" data-test="registration">
                        <dt>"Registration ID"</dt><dd><code>{registration}</code></dd>
                        <dt>"Profile"</dt><dd>{detail.profile.clone().unwrap_or_default()}</dd>
                        <dt>"Transport"</dt>
                        <dd>
                            {match detail.pull {
                                Some(false) => format!("push to {}", detail.transport_address.clone().unwrap_or_default()),
                                _ => "pull (oadrPoll)".to_owned(),
                            }}
                        </dd>
                        <dt>"Registered"</dt>
                        <dd>{detail.registered_at.map(|at| view! { <Time at /> })}</dd>
                    </dl>
                }
                    .erase(),
                None => view! { <p class="empty" data-test="registration">"Not registered. The VEN registers itself when it first connects."</p> }
                    .erase(),
            }}
            <Editors>
                <Show when=move || registered>
                <div class="actions">
                    <button type="button" class="secondary" on:click=move |_| { action.dispatch(RegistrationAction { id: site_id, cancel: false }); }>
                        "Request re-registration"
                    </button>
                    <button type="button" class="danger" on:click=move |_| { action.dispatch(RegistrationAction { id: site_id, cancel: true }); }>
                        "Cancel registration"
                    </button>
                </div>
                </Show>
            </Editors>
            <p role="status">{done}</p>
            <p class="error" role="alert">{action_failed}</p>
        </section>
        <section>
            <h2>"Declared reports"</h2>
            {if detail.reports.is_empty() {
                view! { <p class="empty">"The VEN has not registered any reports."</p> }.erase()
            } else {
                view! {
                    <table class="list">
                        <thead><tr><th scope="col">"Report"</th><th scope="col">"rID"</th><th scope="col">"Type"</th><th scope="col">"Item"</th><th scope="col">"Units"</th></tr></thead>
                        <tbody>
                            {detail.reports.iter().map(|r| view! {
                                <tr><td>{r.report_name.clone()}</td><td><code>{r.rid.clone()}</code></td><td>{r.report_type.clone()}</td><td>{r.item.clone()}</td><td>{r.units.clone()}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.erase()
            }}
        </section>
        <section>
            <h2>"Availability (opt schedules)"</h2>
            {if detail.opts.is_empty() {
                view! { <p class="empty">"No availability schedules from this VEN."</p> }.erase()
            } else {
                view! {
                    <ul class="plain">
                        {detail.opts.iter().map(|o| view! {
                            <li>
                                <Badge text=o.opt_type.clone() /> " " {o.reason.clone()} " "
                                {o.event_id.clone().map(|e| format!("for event {e}"))}
                                {o.periods.iter().map(|(start, secs)| view! {
                                    " · " <Time at=*start /> " for " {crate::components::duration_text(*secs)}
                                }).collect_view()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.erase()
            }}
        </section>
        <section>
            <h2>"Schema deviations"</h2>
            {if detail.deviations.is_empty() {
                view! { <p class="empty">"None in the recent messages."</p> }.erase()
            } else {
                view! {
                    <ul class="plain" data-test="deviations">
                        {detail.deviations.iter().map(|d| view! { <li>{d.count} " × " {d.text.clone()}</li> }).collect_view()}
                    </ul>
                    {detail.deviation_example.clone().map(|xml| view! {
                        <details><summary>"Last example"</summary><pre>{xml}</pre></details>
                    })}
                }.erase()
            }}
        </section>
    }
}

#[component]
fn SiteChart(id: i32) -> impl IntoView {
    let rid = RwSignal::new(String::new());
    let chart = resource(
        move || rid.get(),
        move |rid| site_chart(id, None, (!rid.is_empty()).then_some(rid)),
    );
    refresh_every(10, move || chart.refetch());
    let points = resource(|| (), move |_| get_site(id));
    view! {
        <section>
            <div class="heading">
                <h2>"Telemetry, last 24 hours"</h2>
                <label class="inline">
                    "Show "
                    <select bind:value=rid>
                        <option value="">"Power: baseline and measured kW"</option>
                        <Suspense>
                            {move || points.get().and_then(Result::ok).map(|s| s.reports.into_iter().map(|r| {
                                view! { <option value=r.rid.clone()>{format!("{} ({})", r.rid, r.report_name)}</option> }
                            }).collect_view())}
                        </Suspense>
                    </select>
                </label>
                <a class="button secondary" href=format!("/export/sites/{id}/readings.csv") download>"Download readings (CSV)"</a>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || chart.get().map(|result| match result {
                    Ok(html) => view! { <ChartView html /> }.erase(),
                    Err(error) => view! { <ErrorBox error /> }.erase(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SiteEvents(id: i32) -> impl IntoView {
    let events = resource(|| (), move |_| list_events(EventFilter::All, 0, Some(id)));
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || events.get().map(|result| match result {
                Ok(page) => view! { <EventTable events=page.events /> }.erase(),
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Suspense>
    }
}

const MESSAGE_TYPES: [&str; 12] = [
    "oadrPoll",
    "oadrQueryRegistration",
    "oadrCreatePartyRegistration",
    "oadrCancelPartyRegistration",
    "oadrRequestEvent",
    "oadrCreatedEvent",
    "oadrRegisterReport",
    "oadrRegisteredReport",
    "oadrCreatedReport",
    "oadrUpdateReport",
    "oadrCreateOpt",
    "oadrCancelOpt",
];

#[component]
fn MessageLog(id: i32) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let log = resource(move || filter.get(), move |kind| site_log(id, kind));
    view! {
        <section>
            <div class="heading">
                <h2>"Message log"</h2>
                <label class="inline">
                    "Message type "
                    <select bind:value=filter>
                        <option value="">"all"</option>
                        {MESSAGE_TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" class="secondary" on:click=move |_| log.refetch()>"Refresh log"</button>
            </div>
            <p class="muted">"The last 200 exchanges. A poll with nothing to deliver is not listed: it shows as the last contact. Accepted telemetry reports are listed at most once a minute; every reading is stored."</p>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || log.get().map(|result| match result {
                    Ok(entries) if entries.is_empty() => view! { <p class="empty">"No exchanges recorded."</p> }.erase(),
                    Ok(entries) => view! { <ul class="log">{entries.into_iter().map(|e| view! { <LogEntry e /> }).collect_view()}</ul> }.erase(),
                    Err(error) => view! { <ErrorBox error /> }.erase(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LogEntry(e: LoggedExchange) -> impl IntoView {
    let deviations =
        (!e.deviations.is_empty()).then(|| view! { <p class="warning">{e.deviations.clone()}</p> });
    view! {
        <li data-test="log-entry">
            <details>
                <summary>
                    <Time at=e.at /> " " <code>{e.message_type.clone()}</code> " → " <code>{e.response_type.clone()}</code>
                    " " <Badge text=e.response_code.to_string() />
                </summary>
                {deviations}
                <div class="xml-pair">
                    <div><h3>"VEN sent"</h3><pre>{e.request_xml}</pre></div>
                    <div><h3>"VTN answered"</h3><pre>{e.response_xml}</pre></div>
                </div>
            </details>
        </li>
    }
}
