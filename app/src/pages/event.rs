use super::event_new::parse_prices;
use crate::components::{
    Badge, ChartView, Editors, Erase, ErrorBox, LevelOptions, Time, action_error, duration_text,
    refresh_every, resource, route_id,
};
use crate::functions::events::{CancelEvent, ModifyEvent, get_event};
use crate::functions::telemetry::site_chart;
use crate::models::event::{EventDetail, EventStatus, Signal};
use leptos::prelude::*;

/// One event: per-site delivery and answers (live), Modify, Cancel, charts.
#[component]
pub fn EventPage() -> impl IntoView {
    let id = route_id();
    let event = resource(id, get_event);
    refresh_every(2, move || event.refetch());
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || event.get().map(|result| match result {
                Ok(detail) => view! { <EventView detail on_change=move || event.refetch() /> }.erase(),
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Transition>
        <EventTelemetry id=id() />
    }
}

#[component]
fn EventView(
    detail: EventDetail,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let s = detail.summary.clone();
    let id = s.id;
    let open = !matches!(s.status, EventStatus::Cancelled | EventStatus::Completed);
    let cancel = ServerAction::<CancelEvent>::new();
    let cancel_error = action_error(cancel);
    Effect::new(move |_| {
        if let Some(Ok(())) = cancel.value().get() {
            on_change();
        }
    });
    let signal = detail.signals.first().cloned();
    let values = signal
        .as_ref()
        .map(|sig| {
            sig.intervals
                .iter()
                .map(|i| format!("{}", i.value))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let modifiable = StoredValue::new(signal);
    view! {
        <div class="heading">
            <h1>"Event " <code>{s.event_id.clone()}</code></h1>
            <span data-test="event-status"><Badge text=s.status.as_str() /></span>
            {s.test_event.then(|| view! { <Badge text="test" /> })}
        </div>
        <dl class="facts">
            <dt>"Program"</dt><dd>{s.program.clone()}</dd>
            <dt>"Start"</dt><dd><Time at=s.dtstart /></dd>
            <dt>"Duration"</dt><dd>{duration_text(s.duration_secs)}</dd>
            <dt>"Signal"</dt><dd data-test="signal">{s.signal.clone()}</dd>
            <dt>"Values"</dt><dd>{values}</dd>
            <dt>"Notification"</dt><dd>{duration_text(detail.notification_secs)} " before start"</dd>
            <dt>"Randomization"</dt><dd>{detail.start_after_secs.map(duration_text).unwrap_or_else(|| "none".into())}</dd>
            <dt>"Priority"</dt><dd>{detail.priority.map(|p| p.to_string()).unwrap_or_else(|| "—".into())}</dd>
            <dt>"Response required"</dt><dd>{if detail.response_required { "yes" } else { "no" }}</dd>
            <dt>"Modification"</dt>
            <dd data-test="modification">{s.modification_number} {detail.modification_reason.clone().map(|r| format!(" ({r})"))}</dd>
        </dl>
        <section>
            <h2>"Delivery and answers"</h2>
            <p>{s.delivered} " of " {s.sites} " sites have the current version · " {s.opted_in} " opted in · " {s.opted_out} " opted out"</p>
            <table class="list" data-test="deliveries">
                <thead><tr>
                    <th scope="col">"Site"</th><th scope="col">"VEN"</th><th scope="col">"Delivery"</th>
                    <th scope="col">"Delivered"</th><th scope="col">"Answer"</th><th scope="col">"Answered"</th>
                </tr></thead>
                <tbody>
                    {detail.deliveries.iter().map(|d| view! {
                        <tr data-test="delivery-row">
                            <td><a href=format!("/sites/{}", d.site_id)>{d.site.clone()}</a></td>
                            <td><code>{d.ven_name.clone()}</code></td>
                            <td data-test="delivery-state"><Badge text=d.state.clone() /></td>
                            <td>{d.delivered_at.map(|at| view! { <Time at /> " (mod " {d.delivered_modification} ")" })}</td>
                            <td data-test="opt">{d.opt.clone().map(|o| view! { <Badge text=o /> })}</td>
                            <td>{d.opted_at.map(|at| view! { <Time at /> })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
        <Editors>
        <Show when=move || open>
            <Modify id signal=modifiable.get_value() on_change />
            <div class="actions">
                <button type="button" class="danger" disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(CancelEvent { id }); }>
                    "Cancel event"
                </button>
            </div>
            <p class="error" role="alert">{cancel_error}</p>
        </Show>
        </Editors>
    }
}

#[component]
fn Modify(
    id: i32,
    signal: Option<Signal>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let Some(signal) = signal else {
        return ().erase();
    };
    let simple = signal.name == "SIMPLE" && signal.intervals.len() == 1;
    let text = RwSignal::new(
        signal
            .intervals
            .iter()
            .map(|i| i.value.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let reason = RwSignal::new(String::new());
    let modify = ServerAction::<ModifyEvent>::new();
    let error = action_error(modify);
    let local_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(())) = modify.value().get() {
            on_change();
        }
    });
    let base = StoredValue::new(signal);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let values = match parse_prices(&text.get()) {
            Ok(values) => values,
            Err(message) => return local_error.set(Some(message)),
        };
        // A modification changes values, not the event's shape: one value per
        // interval, each interval keeping its length.
        let signal = base.with_value(|sig| {
            (values.len() == sig.intervals.len()).then(|| {
                let mut sig = sig.clone();
                for (interval, value) in sig.intervals.iter_mut().zip(&values) {
                    interval.value = *value;
                }
                sig
            })
        });
        let Some(signal) = signal else {
            let count = base.with_value(|sig| sig.intervals.len());
            return local_error.set(Some(format!("give {count} values, one per interval")));
        };
        local_error.set(None);
        modify.dispatch(ModifyEvent {
            id,
            signals: vec![signal],
            reason: reason.get(),
        });
    };
    view! {
        <form class="editor" on:submit=submit>
            <h2>"Modify"</h2>
            {if simple {
                view! {
                    <label>"SIMPLE level"
                        <select bind:value=text>
                            <LevelOptions />
                        </select>
                    </label>
                }.erase()
            } else {
                view! { <label>"Values, one per interval, one per line" <textarea bind:value=text rows="6"></textarea></label> }.erase()
            }}
            <label>"Reason (sent to VENs as the modification reason)" <input type="text" bind:value=reason /></label>
            <p class="error" role="alert">{move || local_error.get().or_else(error)}</p>
            <div class="actions">
                <button type="submit" disabled=move || modify.pending().get()>"Send modification"</button>
            </div>
        </form>
    }
    .erase()
}

#[component]
fn EventTelemetry(id: i32) -> impl IntoView {
    // One resource for the site list and the chart (the first site until
    // another is chosen): a resource keyed on another resource's value would
    // render differently on the server and in the browser.
    let site = RwSignal::new(String::new());
    let data = resource(
        move || site.get(),
        move |chosen| async move {
            let sites: Vec<(i32, String)> = get_event(id)
                .await?
                .deliveries
                .into_iter()
                .map(|d| (d.site_id, d.site))
                .collect();
            let shown = chosen
                .parse()
                .ok()
                .or(sites.first().map(|s| s.0))
                .unwrap_or(0);
            let chart = site_chart(shown, Some(id), None).await?;
            Ok::<_, crate::AppError>((sites, shown, chart))
        },
    );
    refresh_every(10, move || data.refetch());
    view! {
        <section>
            <div class="heading">
                <h2>"Telemetry during the event"</h2>
                <a class="button secondary" href=format!("/export/events/{id}/telemetry.csv") download>"Download telemetry (CSV)"</a>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || data.get().map(|result| match result {
                    Ok((sites, shown, chart)) => view! {
                        <label class="inline">"Site "
                            <select on:change=move |ev| site.set(event_target_value(&ev))>
                                {sites.into_iter().map(|(sid, name)| view! {
                                    <option value=sid.to_string() selected=sid == shown>{name}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <ChartView html=chart />
                    }.erase(),
                    Err(error) => view! { <ErrorBox error /> }.erase(),
                })}
            </Transition>
        </section>
    }
}
