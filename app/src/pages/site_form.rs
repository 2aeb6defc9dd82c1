use crate::components::{Erase, ErrorBox, FieldChecks, FieldProblem, action_error, resource};
use crate::functions::customers::list_customers;
use crate::functions::programs::list_programs;
use crate::functions::sites::{SaveSite, get_site};
use crate::models::site::SiteForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// Create New Site (`/sites/new?customer=ID`) or edit one (`/sites/ID/edit`).
#[component]
pub fn SiteFormPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = params
        .read_untracked()
        .get("id")
        .and_then(|s| s.parse::<i32>().ok());
    let customer = query
        .read_untracked()
        .get("customer")
        .and_then(|s| s.parse::<i32>().ok())
        .unwrap_or(0);
    let initial = resource(
        move || id,
        move |id| async move {
            match id {
                Some(id) => get_site(id).await.map(|site| {
                    (
                        SiteForm {
                            customer_id: site.summary.customer_id.unwrap_or(0),
                            name: site.summary.name,
                            ven_name: site.summary.ven_name,
                            address: site.address,
                            contact: site.contact,
                            fingerprint: site.fingerprint,
                            program_ids: site.programs.iter().map(|p| p.0).collect(),
                        },
                        Some(site.summary.ven_id),
                    )
                }),
                None => Ok((
                    SiteForm {
                        customer_id: customer,
                        ..Default::default()
                    },
                    None,
                )),
            }
        },
    );
    let choices = resource(
        || (),
        |_| async { Ok::<_, crate::AppError>((list_customers().await?, list_programs().await?)) },
    );
    view! {
        <h1>{if id.is_some() { "Edit site" } else { "Create New Site" }}</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                match (initial.get(), choices.get()) {
                    (Some(Ok((form, ven_id))), Some(Ok((customers, programs)))) => {
                        let customers: Vec<(i32, String)> = customers.into_iter().map(|c| (c.id, c.name)).collect();
                        let programs: Vec<(i32, String)> = programs.into_iter().map(|p| (p.id, p.name)).collect();
                        view! { <SiteEditor id form ven_id customers programs /> }.erase()
                    }
                    (Some(Err(error)), _) | (_, Some(Err(error))) => view! { <ErrorBox error /> }.erase(),
                    _ => view! { <p class="loading">"Loading…"</p> }.erase(),
                }
            }}
        </Suspense>
    }
}

#[component]
fn SiteEditor(
    id: Option<i32>,
    form: SiteForm,
    ven_id: Option<String>,
    customers: Vec<(i32, String)>,
    programs: Vec<(i32, String)>,
) -> impl IntoView {
    let customer_id = RwSignal::new(form.customer_id.to_string());
    let name = RwSignal::new(form.name);
    let ven_name = RwSignal::new(form.ven_name);
    let address = RwSignal::new(form.address);
    let contact = RwSignal::new(form.contact);
    let fingerprint = RwSignal::new(form.fingerprint);
    let chosen = RwSignal::new(form.program_ids);
    let save = ServerAction::<SaveSite>::new();
    let error = action_error(save);
    let form = move || SiteForm {
        customer_id: customer_id.get().parse().unwrap_or(0),
        name: name.get(),
        ven_name: ven_name.get(),
        address: address.get(),
        contact: contact.get(),
        fingerprint: fingerprint.get(),
        program_ids: chosen.get(),
    };
    let checks = FieldChecks::new(move || form().problems());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            navigate(&format!("/sites/{saved}"), Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checks.attempt()
            && let Ok(form) = form().validated()
        {
            save.dispatch(SaveSite { id, form });
        }
    };
    let no_programs = programs.is_empty();
    view! {
        <form class="editor" on:submit=submit>
            <label>
                "Customer"
                <select
                    bind:value=customer_id
                    required
                    on:blur=move |_| checks.leave("customer_id")
                    aria-invalid=move || checks.invalid("customer_id")
                    aria-describedby="site-customer-problem"
                >
                    <option value="0">"— choose —"</option>
                    {customers
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                        .collect_view()}
                </select>
                <FieldProblem checks field="customer_id" id="site-customer-problem" />
            </label>
            <label>
                "Site name"
                <input
                    type="text"
                    bind:value=name
                    required
                    on:blur=move |_| checks.leave("name")
                    aria-invalid=move || checks.invalid("name")
                    aria-describedby="site-name-problem"
                />
                <FieldProblem checks field="name" id="site-name-problem" />
            </label>
            <label>
                "VEN name"
                <input
                    type="text"
                    bind:value=ven_name
                    required
                    readonly=id.is_some()
                    on:blur=move |_| checks.leave("ven_name")
                    aria-invalid=move || checks.invalid("ven_name")
                    aria-describedby="ven-name-help ven-name-problem"
                />
                <FieldProblem checks field="ven_name" id="ven-name-problem" />
                <small id="ven-name-help">
                    {if id.is_some() { "Permanent: the VEN registers with this name." } else { "Permanent once saved; the VEN registers with this name." }}
                </small>
            </label>
            {ven_id.map(|v| view! { <p class="facts-inline">"VEN ID: " <code data-test="ven-id">{v}</code></p> })}
            <fieldset>
                <legend>"DR programs"</legend>
                <Show when=move || no_programs>
                    <p class="empty">"No programs yet; an admin creates them under DR programs."</p>
                </Show>
                {programs
                    .into_iter()
                    .map(|(pid, pname)| {
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || chosen.get().contains(&pid)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|ids| {
                                            ids.retain(|i| *i != pid);
                                            if on { ids.push(pid) }
                                        });
                                    }
                                />
                                {pname}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label>"Address" <input type="text" bind:value=address /></label>
            <label>"Contact" <input type="text" bind:value=contact /></label>
            <label>
                "Certificate fingerprint"
                <input
                    type="text"
                    bind:value=fingerprint
                    placeholder="C7:8F:B8:73:70:AA:8F:EE:56:37"
                    on:blur=move |_| checks.leave("fingerprint")
                    aria-invalid=move || checks.invalid("fingerprint")
                    aria-describedby="fp-help fp-problem"
                />
                <FieldProblem checks field="fingerprint" id="fp-problem" />
                <small id="fp-help">"The last 10 bytes of the SHA-256 of the VEN's client certificate. Leave empty to bind later."</small>
            </label>
            <p class="error" role="alert">{error}</p>
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"Save site"</button>
            </div>
        </form>
    }
}
