use crate::components::{
    Badge, Editors, Erase, ErrorBox, FieldChecks, FieldProblem, Pager, action_error, page_param,
    resource, route_id,
};
use crate::functions::customers::{
    PER_PAGE, SITES_PER_PAGE, SaveCustomer, get_customer, page_of_customers,
};
use crate::models::customer::{Customer, CustomerForm};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// All customers, and the form to add one.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let page = page_param();
    let customers = resource(page, page_of_customers);
    let query = use_query_map();
    let adding = RwSignal::new(query.read_untracked().get("new").is_some());
    view! {
        <div class="heading">
            <h1>"Customers"</h1>
            <Editors>
                <Show when=move || !adding.get()>
                    <button type="button" on:click=move |_| adding.set(true)>"Add Customer"</button>
                </Show>
            </Editors>
        </div>
        <Show when=move || adding.get()>
            <CustomerEditor id=None initial=CustomerForm::default() on_cancel=move || adding.set(false) />
        </Show>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                customers
                    .get()
                    .map(|result| match result {
                        Ok(list) if list.total == 0 => {
                            view! { <p class="empty">"No customers yet. Add one to start creating sites."</p> }.erase()
                        }
                        Ok(list) => view! {
                            <CustomerTable list=list.customers />
                            <Pager
                                total=list.total
                                per_page=PER_PAGE
                                current=page()
                                noun="Customers"
                                href=|p| format!("/customers?page={p}")
                            />
                        }.erase(),
                        Err(error) => view! { <ErrorBox error /> }.erase(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn CustomerTable(list: Vec<Customer>) -> impl IntoView {
    view! {
        <table class="list">
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Contact"</th>
                </tr>
            </thead>
            <tbody>
                {list
                    .into_iter()
                    .map(|c| {
                        view! {
                            <tr>
                                <td><a href=format!("/customers/{}", c.id)>{c.name}</a></td>
                                <td>{c.contact}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The create/edit form; on success the browser goes to the customer's page.
#[component]
fn CustomerEditor(
    id: Option<i32>,
    initial: CustomerForm,
    on_cancel: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let name = RwSignal::new(initial.name);
    let contact = RwSignal::new(initial.contact);
    let notes = RwSignal::new(initial.notes);
    let save = ServerAction::<SaveCustomer>::new();
    let error = action_error(save);
    let form = move || CustomerForm {
        name: name.get(),
        contact: contact.get(),
        notes: notes.get(),
    };
    let checks = FieldChecks::new(move || form().problems());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            navigate(&format!("/customers/{saved}"), Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checks.attempt()
            && let Ok(form) = form().validated()
        {
            save.dispatch(SaveCustomer { id, form });
        }
    };
    view! {
        <form class="editor" on:submit=submit>
            <h2>{if id.is_some() { "Edit customer" } else { "New customer" }}</h2>
            <label>
                "Name"
                <input
                    type="text"
                    bind:value=name
                    required
                    on:blur=move |_| checks.leave("name")
                    aria-invalid=move || checks.invalid("name")
                    aria-describedby="customer-name-problem"
                />
                <FieldProblem checks field="name" id="customer-name-problem" />
            </label>
            <label>"Contact" <input type="text" bind:value=contact placeholder="name, phone, e-mail" /></label>
            <label>"Notes" <textarea bind:value=notes rows="3"></textarea></label>
            <p class="error" role="alert">{error}</p>
            <div class="actions">
                <button type="submit" disabled=move || save.pending().get()>"Save customer"</button>
                <button type="button" class="secondary" on:click=move |_| on_cancel()>"Cancel"</button>
            </div>
        </form>
    }
}

/// One customer: details, its sites, Create New Site.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let id = route_id();
    let page = page_param();
    let data = resource(move || (id(), page()), |(id, page)| get_customer(id, page));
    let editing = RwSignal::new(false);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok((customer, sites, total)) => {
                            let form = CustomerForm {
                                name: customer.name.clone(),
                                contact: customer.contact.clone(),
                                notes: customer.notes.clone(),
                            };
                            let no_sites = total == 0;
                            let customer_id = customer.id;
                            view! {
                                <div class="heading">
                                    <h1>{customer.name.clone()}</h1>
                                    <Editors>
                                        <Show when=move || !editing.get()>
                                            <button type="button" class="secondary" on:click=move |_| editing.set(true)>"Edit"</button>
                                            <a class="button" href=format!("/sites/new?customer={}", customer.id)>"Create New Site"</a>
                                        </Show>
                                    </Editors>
                                </div>
                                <Show
                                    when=move || editing.get()
                                    fallback={
                                        let c = customer.clone();
                                        move || view! {
                                            <dl class="facts">
                                                <dt>"Contact"</dt><dd>{c.contact.clone()}</dd>
                                                <dt>"Notes"</dt><dd>{c.notes.clone()}</dd>
                                            </dl>
                                        }
                                    }
                                >
                                    <CustomerEditor id=Some(customer.id) initial=form.clone() on_cancel=move || editing.set(false) />
                                </Show>
                                <h2>"Sites"</h2>
                                <Show when=move || no_sites>
                                    <p class="empty">"No sites yet. Use Create New Site to add this customer's first VEN."</p>
                                </Show>
                                <table class="list">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Site"</th>
                                            <th scope="col">"VEN name"</th>
                                            <th scope="col">"State"</th>
                                            <th scope="col">"Registered"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {sites
                                            .into_iter()
                                            .map(|s| view! {
                                                <tr>
                                                    <td><a href=format!("/sites/{}", s.id)>{s.name}</a></td>
                                                    <td><code>{s.ven_name}</code></td>
                                                    <td><Badge text=if s.online { "online" } else { "offline" } /></td>
                                                    <td>{if s.registered { "yes" } else { "no" }}</td>
                                                </tr>
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                                <Pager
                                    total
                                    per_page=SITES_PER_PAGE
                                    current=page()
                                    noun="Sites"
                                    href=move |p| format!("/customers/{customer_id}?page={p}")
                                />
                            }
                                .erase()
                        }
                        Err(error) => view! { <ErrorBox error /> }.erase(),
                    })
            }}
        </Suspense>
    }
}
