use crate::components::{Erase, ErrorBox, LevelOptions, action_error, resource, to_utc};
use crate::functions::events::CreateEvent;
use crate::functions::programs::list_programs;
use crate::models::event::{NewEvent, Signal};
use crate::models::program::Program;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Prices from a pasted spreadsheet column (or a line with commas, tabs or
/// semicolons), one per hour; or what is wrong with them.
pub fn parse_prices(text: &str) -> Result<Vec<f64>, String> {
    let values: Vec<&str> = text
        .split(['\n', '\t', ',', ';'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err("paste one price per hour (24 values for a day)".into());
    }
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.parse::<f64>()
                .ok()
                .filter(|p| p.is_finite())
                .ok_or_else(|| format!("hour {}: {v:?} is not a number", i + 1))
        })
        .collect()
}

/// Add DR Event: program, its sites, timing, and a SIMPLE level or prices.
#[component]
pub fn NewEventPage() -> impl IntoView {
    let programs = resource(|| (), |_| list_programs());
    view! {
        <h1>"Add DR Event"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || programs.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! { <p class="empty">"There are no DR programs yet; an admin creates one first."</p> }.erase(),
                Ok(list) => view! { <EventForm programs=list /> }.erase(),
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Suspense>
    }
}

/// The program's sites, each with its own "chosen" switch (all on).
fn site_boxes(
    programs: StoredValue<Vec<Program>>,
    program_id: &str,
) -> Vec<(i32, String, RwSignal<bool>)> {
    let id: i32 = program_id.parse().unwrap_or(0);
    programs.with_value(|ps| {
        ps.iter()
            .find(|p| p.id == id)
            .map(|p| {
                p.sites
                    .iter()
                    .map(|(sid, name)| (*sid, name.clone(), RwSignal::new(true)))
                    .collect()
            })
            .unwrap_or_default()
    })
}

#[component]
fn EventForm(programs: Vec<Program>) -> impl IntoView {
    let program_id = RwSignal::new(programs[0].id.to_string());
    let programs = StoredValue::new(programs);
    // Choosing a program fills the sites with all of its sites.
    let boxes = RwSignal::new(site_boxes(programs, &program_id.get_untracked()));
    let choose_program = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        boxes.set(site_boxes(programs, &id));
        program_id.set(id);
    };
    let start = RwSignal::new(String::new());
    let duration = RwSignal::new("60".to_owned());
    let notification = RwSignal::new("60".to_owned());
    let kind = RwSignal::new("simple".to_owned());
    let level = RwSignal::new("1".to_owned());
    let prices = RwSignal::new(String::new());
    let randomization = RwSignal::new("0".to_owned());
    let priority = RwSignal::new(String::new());
    let test_event = RwSignal::new(false);
    let response_required = RwSignal::new(true);
    let create = ServerAction::<CreateEvent>::new();
    let error = action_error(create);
    let local_error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/events/{id}"), Default::default());
        }
    });
    let minutes = |s: RwSignal<String>, what: &str| {
        s.get()
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| *m >= 0)
            .ok_or(format!("the {what} is a whole number of minutes"))
    };
    let build = move || -> Result<NewEvent, String> {
        let dtstart = to_utc(&start.get()).ok_or("choose the start date and time")?;
        let signal = if kind.get() == "simple" {
            let minutes = minutes(duration, "duration")?;
            if minutes == 0 {
                return Err("the event needs a duration".into());
            }
            Signal::simple(minutes * 60, level.get().parse().unwrap_or(1.0))
        } else {
            Signal::hourly_prices(&parse_prices(&prices.get())?)
        };
        let priority = match priority.get().trim() {
            "" => None,
            p => Some(
                p.parse::<i32>()
                    .map_err(|_| "the priority is a whole number")?,
            ),
        };
        let randomization = minutes(randomization, "randomization")?;
        let event = NewEvent {
            program_id: program_id.get().parse().unwrap_or(0),
            site_ids: boxes.with(|b| {
                b.iter()
                    .filter(|(_, _, on)| on.get())
                    .map(|(sid, _, _)| *sid)
                    .collect()
            }),
            dtstart,
            notification_secs: minutes(notification, "notification time")? * 60,
            signals: vec![signal],
            ramp_up_secs: None,
            recovery_secs: None,
            start_after_secs: (randomization > 0).then_some(randomization * 60),
            priority,
            test_event: test_event.get(),
            vtn_comment: None,
            response_required: response_required.get(),
            targets: Default::default(),
        };
        event.validate()?;
        Ok(event)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match build() {
            Ok(event) => {
                local_error.set(None);
                create.dispatch(CreateEvent { event });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let price_count = move || parse_prices(&prices.get()).map(|p| p.len()).unwrap_or(0);
    view! {
        <form class="editor" on:submit=submit>
            <label>
                "Program"
                <select prop:value=move || program_id.get() on:change=choose_program>
                    {programs.with_value(|ps| ps.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view())}
                </select>
            </label>
            <fieldset>
                <legend>"Sites"</legend>
                {move || {
                    let list = boxes.get();
                    if list.is_empty() {
                        return view! { <p class="empty">"This program has no sites yet."</p> }.erase();
                    }
                    list.into_iter()
                        .map(|(_, name, on)| view! {
                            <label class="check"><input type="checkbox" bind:checked=on />{name}</label>
                        })
                        .collect_view()
                        .erase()
                }}
            </fieldset>
            <div class="grid3">
                <label>"Start (your local time)" <input type="datetime-local" bind:value=start required /></label>
                <label>"Notify VENs (minutes before start)" <input type="number" min="0" bind:value=notification /></label>
                <label>"Randomize start (minutes)" <input type="number" min="0" bind:value=randomization /></label>
            </div>
            <fieldset>
                <legend>"Signal"</legend>
                <label class="check"><input type="radio" name="kind" value="simple" prop:checked=move || kind.get() == "simple" on:change=move |_| kind.set("simple".into()) />"SIMPLE level"</label>
                <label class="check"><input type="radio" name="kind" value="price" prop:checked=move || kind.get() == "price" on:change=move |_| kind.set("price".into()) />"Price schedule (hourly)"</label>
                <Show
                    when=move || kind.get() == "simple"
                    fallback=move || view! {
                        <label>
                            "Hourly prices, one per line (paste a spreadsheet column)"
                            <textarea bind:value=prices rows="8" placeholder="0.12\n0.11\n…"></textarea>
                            <small>{move || format!("{} hourly values: the event lasts {} h", price_count(), price_count())}</small>
                        </label>
                    }
                >
                    <div class="grid3">
                        <label>
                            "Level"
                            <select bind:value=level>
                                <LevelOptions />
                            </select>
                        </label>
                        <label>"Duration (minutes)" <input type="number" min="1" bind:value=duration /></label>
                    </div>
                </Show>
            </fieldset>
            <div class="grid3">
                <label>"Priority (optional, lower is more important)" <input type="number" min="0" bind:value=priority /></label>
                <label class="check"><input type="checkbox" bind:checked=response_required />"Response required"</label>
                <label class="check"><input type="checkbox" bind:checked=test_event />"Test event"</label>
            </div>
            <p class="error" role="alert">{move || local_error.get().or_else(error)}</p>
            <div class="actions">
                <button type="submit" disabled=move || create.pending().get()>"Create event"</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_prices;

    #[test]
    fn prices_come_from_a_column_or_a_row_and_bad_cells_are_named() {
        assert_eq!(parse_prices("0.1\n0.2\r\n\n0.3"), Ok(vec![0.1, 0.2, 0.3]));
        assert_eq!(parse_prices("1\t2\t3"), Ok(vec![1.0, 2.0, 3.0]));
        assert!(parse_prices("0.1\nabc").unwrap_err().contains("hour 2"));
        assert!(parse_prices("  ").is_err());
    }
}
