use crate::components::{
    Editors, Erase, ErrorBox, FieldChecks, FieldProblem, action_error, duration_text, resource,
};
use crate::functions::programs::{SaveProgram, StoreDayPrices, list_programs};
use crate::functions::sites::{FOUND_AT_MOST, find_sites};
use crate::models::Role;
use crate::models::day_ahead::DayAheadSettings;
use crate::models::program::{Program, ProgramForm};
use leptos::prelude::*;

/// DR programs (admins): list, create, edit, sites in each.
#[component]
pub fn ProgramsPage() -> impl IntoView {
    let programs = resource(|| (), |_| list_programs());
    // None: no editor; Some(None): a new program; Some(Some(p)): editing p.
    let editing = RwSignal::new(None::<Option<Program>>);
    view! {
        <div class="heading">
            <h1>"DR programs"</h1>
            <Editors min=Role::Admin>
                <Show when=move || editing.get().is_none()>
                    <button type="button" on:click=move |_| editing.set(Some(None))>"Add Program"</button>
                </Show>
            </Editors>
        </div>
        {move || editing.get().map(|program| {
            let on_done = Callback::new(move |saved: bool| {
                editing.set(None);
                if saved { programs.refetch() }
            });
            view! { <Suspense>{Suspend::new(program_editor(program, on_done))}</Suspense> }
        })}
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || programs.get().map(|result| match result {
                Ok(list) if list.is_empty() => view! { <p class="empty">"No programs yet. Add one; sites join it from either side."</p> }.erase(),
                Ok(list) => { let for_prices = list.clone(); view! {
                    <table class="list">
                        <thead><tr>
                            <th scope="col">"Program"</th><th scope="col">"Market context"</th>
                            <th scope="col">"Near window"</th><th scope="col">"Usage report"</th><th scope="col">"Day-ahead prices"</th><th scope="col">"Sites"</th><th></th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|p| {
                                let edit = p.clone();
                                view! {
                                    <tr data-test="program-row">
                                        <td>{p.name.clone()}</td>
                                        <td><code>{p.market_context.clone()}</code></td>
                                        <td>{duration_text(p.near_window_secs)}</td>
                                        <td>{format!("every {}, sent every {}", duration_text(p.usage.0), duration_text(p.usage.1))}</td>
                                        <td data-test="day-ahead">
                                            {if p.day_ahead.enabled {
                                                format!("published daily at {} {}", p.day_ahead.publish_time, p.day_ahead.time_zone)
                                            } else {
                                                "off".to_owned()
                                            }}
                                            <SettlementLink program_id=p.id />
                                        </td>
                                        <td>{site_names(&p.sites)}</td>
                                        <td>
                                            <Editors min=Role::Admin>
                                                <button type="button" class="secondary" on:click={
                                                    let edit = edit.clone();
                                                    move |_| editing.set(Some(Some(edit.clone())))
                                                }>"Edit"</button>
                                            </Editors>
                                        </td>
                                    </tr>
                                }
                                // Erased, so the list's view type stays shallow enough for the WASM build.
                                .erase()
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Editors min=Role::Operator>
                        <DayPricesForm programs=for_prices.clone() />
                    </Editors>
                }.erase() },
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Suspense>
    }
}

/// The program editor: its own WASM chunk, fetched when an admin opens it,
/// since the page is mostly read.
#[lazy]
fn program_editor(program: Option<Program>, on_done: Callback<bool>) -> AnyView {
    view! { <ProgramEditor program on_done=move |saved| on_done.run(saved) /> }.erase()
}

#[component]
fn ProgramEditor(
    program: Option<Program>,
    on_done: impl Fn(bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = program.as_ref().map(|p| p.id);
    let p = program.unwrap_or(Program {
        id: 0,
        name: String::new(),
        market_context: String::new(),
        near_window_secs: 3600,
        usage: (900, 3600),
        status: (300, 300),
        sites: Vec::new(),
        day_ahead: DayAheadSettings::default(),
    });
    let mins = |secs: i64| RwSignal::new((secs / 60).to_string());
    let secs = |secs: i64| RwSignal::new(secs.to_string());
    let name = RwSignal::new(p.name);
    let market_context = RwSignal::new(p.market_context);
    let near = mins(p.near_window_secs);
    let (ug, ub, sg, sb) = (
        secs(p.usage.0),
        secs(p.usage.1),
        secs(p.status.0),
        secs(p.status.1),
    );
    let chosen = RwSignal::new(p.sites.iter().map(|s| s.0).collect::<Vec<i32>>());
    // The program's sites stay listed while the editor is open, even
    // unticked; the search adds others.
    let members = p.sites.clone();
    let find = RwSignal::new(String::new());
    let da_enabled = RwSignal::new(p.day_ahead.enabled);
    let da_zone = RwSignal::new(p.day_ahead.time_zone);
    let da_time = RwSignal::new(p.day_ahead.publish_time);
    let found = resource(move || find.get(), find_sites);
    let save = ServerAction::<SaveProgram>::new();
    let error = action_error(save);
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_done(true);
        }
    });
    let number = |s: RwSignal<String>| s.get().trim().parse::<i64>().unwrap_or(-1);
    let form = move || ProgramForm {
        name: name.get(),
        market_context: market_context.get(),
        near_window_mins: number(near),
        usage_granularity_secs: number(ug),
        usage_report_back_secs: number(ub),
        status_granularity_secs: number(sg),
        status_report_back_secs: number(sb),
        site_ids: chosen.get(),
        day_ahead: DayAheadSettings {
            enabled: da_enabled.get(),
            time_zone: da_zone.get(),
            publish_time: da_time.get(),
        },
    };
    let checks = FieldChecks::new(move || form().problems());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checks.attempt()
            && let Ok(form) = form().validated()
        {
            save.dispatch(SaveProgram { id, form });
        }
    };
    view! {
        <form class="editor" on:submit=submit>
            <h2>{if id.is_some() { "Edit program" } else { "New program" }}</h2>
            <label>
                "Name"
                <input
                    type="text" bind:value=name required
                    on:blur=move |_| checks.leave("name")
                    aria-invalid=move || checks.invalid("name")
                    aria-describedby="program-name-problem"
                />
                <FieldProblem checks field="name" id="program-name-problem" />
            </label>
            <label>
                "Market context URI"
                <input
                    type="text" bind:value=market_context required placeholder="http://utility.example/dr/peak"
                    on:blur=move |_| checks.leave("market_context")
                    aria-invalid=move || checks.invalid("market_context")
                    aria-describedby="market-context-problem"
                />
                <FieldProblem checks field="market_context" id="market-context-problem" />
            </label>
            <label>
                "Near window (minutes before start)"
                <input
                    type="number" min="0" bind:value=near
                    on:blur=move |_| checks.leave("near_window_mins")
                    aria-invalid=move || checks.invalid("near_window_mins")
                    aria-describedby="near-window-problem"
                />
                <FieldProblem checks field="near_window_mins" id="near-window-problem" />
            </label>
            <fieldset class="grid4">
                <legend>"Report requests made of each VEN (seconds; 900 = 15 min)"</legend>
                <label>
                "Usage granularity"
                <input
                    type="number" min="1" bind:value=ug
                    on:blur=move |_| checks.leave("usage_granularity_secs")
                    aria-invalid=move || checks.invalid("usage_granularity_secs")
                    aria-describedby="ug-problem"
                />
                <FieldProblem checks field="usage_granularity_secs" id="ug-problem" />
            </label>
                <label>
                "Usage report-back"
                <input
                    type="number" min="1" bind:value=ub
                    on:blur=move |_| checks.leave("usage_report_back_secs")
                    aria-invalid=move || checks.invalid("usage_report_back_secs")
                    aria-describedby="ub-problem"
                />
                <FieldProblem checks field="usage_report_back_secs" id="ub-problem" />
            </label>
                <label>
                "Status granularity"
                <input
                    type="number" min="1" bind:value=sg
                    on:blur=move |_| checks.leave("status_granularity_secs")
                    aria-invalid=move || checks.invalid("status_granularity_secs")
                    aria-describedby="sg-problem"
                />
                <FieldProblem checks field="status_granularity_secs" id="sg-problem" />
            </label>
                <label>
                "Status report-back"
                <input
                    type="number" min="1" bind:value=sb
                    on:blur=move |_| checks.leave("status_report_back_secs")
                    aria-invalid=move || checks.invalid("status_report_back_secs")
                    aria-describedby="sb-problem"
                />
                <FieldProblem checks field="status_report_back_secs" id="sb-problem" />
            </label>
            </fieldset>
            <fieldset class="grid4">
                <legend>"Day-ahead prices: tomorrow's hourly prices sent to the sites each day"</legend>
                <label class="check"><input type="checkbox" bind:checked=da_enabled />"Publish daily"</label>
                <label>
                "Time zone"
                <input
                    type="text" bind:value=da_zone placeholder="America/New_York"
                    on:blur=move |_| checks.leave("time_zone")
                    aria-invalid=move || checks.invalid("time_zone")
                    aria-describedby="tz-problem"
                />
                <FieldProblem checks field="time_zone" id="tz-problem" />
            </label>
                <label>
                "Publish at (local)"
                <input
                    type="time" bind:value=da_time
                    on:blur=move |_| checks.leave("publish_time")
                    aria-invalid=move || checks.invalid("publish_time")
                    aria-describedby="publish-time-problem"
                />
                <FieldProblem checks field="publish_time" id="publish-time-problem" />
            </label>
            </fieldset>
            <fieldset>
                <legend>"Sites"</legend>
                <label>
                    "Find sites"
                    <input type="search" bind:value=find placeholder="part of a site or VEN name" />
                </label>
                <Transition>
                    {move || found.get().map(|result| match result {
                        Ok(found) => {
                            let many = found.len() as u64 >= FOUND_AT_MOST;
                            let mut shown = members.clone();
                            shown.extend(found.into_iter().filter(|(id, _)| !members.iter().any(|m| m.0 == *id)));
                            let none = shown.is_empty();
                            view! {
                                {none.then(|| view! { <p class="empty">"No sites found."</p> })}
                                {shown.into_iter().map(|(sid, sname)| view! {
                                    <label class="check">
                                        <input type="checkbox"
                                            prop:checked=move || chosen.get().contains(&sid)
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|ids| { ids.retain(|i| *i != sid); if on { ids.push(sid) } });
                                            } />
                                        {sname}
                                    </label>
                                }).collect_view()}
                                {many.then(|| view! {
                                    <p class="muted">{format!("The first {FOUND_AT_MOST} found are listed; type more of a name to narrow them.")}</p>
                                })}
                            }.erase()
                        }
                        Err(error) => view! { <ErrorBox error /> }.erase(),
                    })}
                </Transition>
            </fieldset>
            <p class="error" role="alert">{error}</p>
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"Save program"</button>
                <button type="button" class="secondary" on:click=move |_| on_done(false)>"Cancel"</button>
            </div>
        </form>
    }
}

/// A date picker and the link to that date's settlement CSV (hourly usage
/// per site), served to signed-in users under /export.
#[component]
fn SettlementLink(program_id: i32) -> impl IntoView {
    let date = RwSignal::new(String::new());
    view! {
        <span class="settlement">
            <input type="date" aria-label="Settlement date" bind:value=date />
            {move || {
                let day = date.get();
                (!day.is_empty()).then(|| view! {
                    <a href=format!("/export/programs/{program_id}/settlement/{day}.csv") download>"Settlement CSV"</a>
                })
            }}
        </span>
    }
}

/// A program's sites as a list cell shows them: the first few names and how
/// many more there are.
fn site_names(sites: &[(i32, String)]) -> String {
    const NAMED: usize = 5;
    let names: Vec<&str> = sites.iter().take(NAMED).map(|s| s.1.as_str()).collect();
    match sites.len().checked_sub(NAMED) {
        Some(more) if more > 0 => format!("{} and {more} more", names.join(", ")),
        _ => names.join(", "),
    }
}

/// Reads the CSV file just chosen into the prices text, one price per line,
/// for the admin to check before storing.
fn load_csv(ev: &leptos::ev::Event, text: RwSignal<String>, error: RwSignal<Option<String>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else {
            return;
        };
        leptos::task::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            let parsed = read
                .ok()
                .and_then(|v| v.as_string())
                .ok_or_else(|| "the file could not be read".to_owned())
                .and_then(|csv| crate::models::day_ahead::prices_from_csv(&csv));
            match parsed {
                Ok(prices) => {
                    let lines: Vec<String> = prices.iter().map(f64::to_string).collect();
                    text.set(lines.join("\n"));
                    error.set(None);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, text, error);
}

/// Day-ahead prices pasted from a spreadsheet or uploaded as CSV for one
/// program and local date (the API's `PUT …/prices/{date}` for people).
#[component]
fn DayPricesForm(programs: Vec<Program>) -> impl IntoView {
    let program = RwSignal::new(programs.first().map_or(0, |p| p.id));
    let date = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let store = ServerAction::<StoreDayPrices>::new();
    let error = action_error(store);
    let local_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = chrono::NaiveDate::parse_from_str(&date.get(), "%Y-%m-%d")
            .map_err(|_| "choose the date the prices are for".to_owned())
            .and_then(|day| Ok((day, crate::pages::event_new::parse_prices(&text.get())?)));
        match parsed {
            Ok((day, prices)) => {
                local_error.set(None);
                store.dispatch(StoreDayPrices {
                    program_id: program.get(),
                    date: day,
                    prices,
                });
            }
            Err(message) => local_error.set(Some(message)),
        }
    };
    let stored = move || {
        store.value().get().and_then(Result::ok).map(|p| {
            format!(
                "Stored {} prices for {} ({}).",
                p.prices.len(),
                p.date,
                p.time_zone
            )
        })
    };
    view! {
        <form class="editor" on:submit=submit data-test="day-prices">
            <h2>"Day-ahead prices"</h2>
            <p>"One price per local hour: 24, or 23 and 25 on the days the clocks change. They are published the day before, at the program's publish time."</p>
            <label>"Program"
                <select on:change=move |ev| program.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {programs.into_iter().map(|p| view! { <option value=p.id.to_string()>{p.name}</option> }).collect_view()}
                </select>
            </label>
            <label>"Date" <input type="date" bind:value=date required /></label>
            <label>"Prices, one per line (paste a spreadsheet column or a CSV row)"
                <textarea bind:value=text rows="8" placeholder="0.12\n0.11\n…"></textarea>
            </label>
            <label>"…or upload a CSV file (one row per hour; the price in the last column)"
                <input type="file" accept=".csv,text/csv,text/plain" on:change=move |ev| load_csv(&ev, text, local_error) />
            </label>
            // Rendered only with a message: the program editor above keeps its
            // own alert, and a page should not hold two.
            {move || local_error.get().or_else(error).map(|message| view! { <p class="error" role="alert">{message}</p> })}
            <p role="status">{stored}</p>
            <div class="actions">
                <button type="submit" disabled=move || store.pending().get()>"Store prices"</button>
            </div>
        </form>
    }
}
