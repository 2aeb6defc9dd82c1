use crate::components::{Badge, Erase, ErrorBox, Time, action_error, resource};
use crate::functions::accounts::{
    AddUser, CreateToken, RevokeToken, SetUserPassword, SetUserRole, list_accounts,
};
use crate::models::Role;
use crate::models::account::{Account, ApiToken};
use leptos::prelude::*;

const ROLES: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

fn role_options(selected: Role) -> impl IntoView {
    ROLES
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> })
        .collect_view()
}

/// Users and API tokens (admins).
#[component]
pub fn UsersPage() -> impl IntoView {
    let add = ServerAction::<AddUser>::new();
    let role = ServerAction::<SetUserRole>::new();
    let password = ServerAction::<SetUserPassword>::new();
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let accounts = resource(
        move || {
            (
                add.version().get(),
                role.version().get(),
                create.version().get(),
                revoke.version().get(),
            )
        },
        |_| list_accounts(),
    );
    view! {
        <div class="heading"><h1>"Users and API tokens"</h1></div>
        <h2>"Users"</h2>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || accounts.get().map(|result| match result {
                Ok(list) => view! { <Users users=list.users role password /> }.erase(),
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Suspense>
        <AddUserForm add />
        <h2>"API tokens"</h2>
        <p class="muted">"Integrations call /api/v1 with " <code>"Authorization: Bearer <token>"</code> "."</p>
        {move || create.value().get().and_then(Result::ok).map(|token| view! {
            <section class="once" role="status">
                <h3>"New token"</h3>
                <p>"Copy it now: the VTN keeps only its hash and cannot show it again."</p>
                <p><code data-test="new-token">{token}</code></p>
                <button type="button" class="secondary" on:click=move |_| create.value().set(None)>"Done, I have copied it"</button>
            </section>
        })}
        <Suspense fallback=|| ()>
            {move || accounts.get().and_then(Result::ok).map(|list| view! { <Tokens tokens=list.tokens revoke /> })}
        </Suspense>
        <CreateTokenForm create />
    }
}

#[component]
fn Users(
    users: Vec<Account>,
    role: ServerAction<SetUserRole>,
    password: ServerAction<SetUserPassword>,
) -> impl IntoView {
    let role_error = action_error(role);
    let password_error = action_error(password);
    let changed = move || {
        password
            .value()
            .get()
            .and_then(Result::ok)
            .map(|_| "Password changed; that user signs in again.")
    };
    view! {
        <p class="error" role="alert">{move || role_error().or_else(password_error)}</p>
        <p role="status">{changed}</p>
        <table class="list" data-test="users">
            <thead><tr>
                <th scope="col">"User"</th><th scope="col">"Role"</th><th scope="col">"Since"</th><th scope="col">"New password"</th>
            </tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let name = u.username.clone();
                    let new_password = RwSignal::new(String::new());
                    let label_role = format!("Role of {}", u.username);
                    let label_password = format!("New password for {}", u.username);
                    let for_role = name.clone();
                    let current = u.role;
                    view! {
                        <tr data-test="user-row">
                            <td>{u.username.clone()}</td>
                            <td>
                                // After each role change the select shows the stored role
                                // again: a refused change must not look applied.
                                <select aria-label=label_role prop:value=move || { role.version().get(); current.as_str() } on:change=move |ev| {
                                    if let Ok(r) = event_target_value(&ev).parse::<Role>() {
                                        role.dispatch(SetUserRole { username: for_role.clone(), role: r });
                                    }
                                }>{role_options(u.role)}</select>
                            </td>
                            <td><Time at=u.created_at /></td>
                            <td>
                                <form class="inline" on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    password.dispatch(SetUserPassword { username: name.clone(), password: new_password.get() });
                                    new_password.set(String::new());
                                }>
                                    <input type="password" aria-label=label_password autocomplete="new-password" bind:value=new_password minlength="12" required />
                                    <button type="submit" class="secondary">"Set"</button>
                                </form>
                            </td>
                        </tr>
                    }
                    .erase()
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn AddUserForm(add: ServerAction<AddUser>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator.as_str().to_owned());
    let password = RwSignal::new(String::new());
    let error = action_error(add);
    Effect::new(move |_| {
        if let Some(Ok(())) = add.value().get() {
            username.set(String::new());
            password.set(String::new());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        add.dispatch(AddUser {
            username: username.get(),
            role: role.get().parse().unwrap_or(Role::Viewer),
            password: password.get(),
        });
    };
    view! {
        <form class="editor" on:submit=submit>
            <h3>"Add a user"</h3>
            <label>"Username" <input type="text" bind:value=username required autocomplete="off" /></label>
            <label>"Role" <select bind:value=role>{role_options(Role::Operator)}</select></label>
            <label>"Password (at least 12 characters)" <input type="password" bind:value=password required autocomplete="new-password" /></label>
            <p class="error" role="alert">{error}</p>
            <div class="actions"><button type="submit" disabled=move || add.pending().get()>"Add user"</button></div>
        </form>
    }
}

#[component]
fn Tokens(tokens: Vec<ApiToken>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    if tokens.is_empty() {
        return view! { <p class="empty">"No API tokens yet. Create one for each integration."</p> }.erase();
    }
    let error = action_error(revoke);
    let now = chrono::Utc::now();
    view! {
        <p class="error" role="alert">{error}</p>
        <table class="list" data-test="tokens">
            <thead><tr>
                <th scope="col">"ID"</th><th scope="col">"For"</th><th scope="col">"Role"</th>
                <th scope="col">"Created"</th><th scope="col">"Expires"</th><th scope="col">"State"</th><th></th>
            </tr></thead>
            <tbody>
                {tokens.into_iter().map(|t| {
                    let id = t.id;
                    let live = t.live(now);
                    let state = if t.revoked_at.is_some() { "revoked" } else if live { "live" } else { "expired" };
                    let confirming = RwSignal::new(false);
                    view! {
                        <tr data-test="token-row">
                            <td>{id}</td>
                            <td>{t.name.clone()}</td>
                            <td>{t.role.as_str()}</td>
                            <td><Time at=t.created_at /></td>
                            <td>{match t.expires_at { Some(at) => view! { <Time at /> }.erase(), None => "never".erase() }}</td>
                            <td><Badge text=state /></td>
                            <td>
                                {live.then(|| view! {
                                    <Show when=move || confirming.get() fallback=move || view! {
                                        <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Revoke"</button>
                                    }>
                                        <button type="button" class="danger" on:click=move |_| { revoke.dispatch(RevokeToken { id }); }>"Revoke"</button>
                                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep"</button>
                                    </Show>
                                })}
                            </td>
                        </tr>
                    }
                    .erase()
                }).collect_view()}
            </tbody>
        </table>
    }
    .erase()
}

#[component]
fn CreateTokenForm(create: ServerAction<CreateToken>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator.as_str().to_owned());
    let days = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);
    let error = action_error(create);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let expires_days = match days.get().trim() {
            "" => None,
            text => match text.parse::<u32>() {
                Ok(d) if d > 0 => Some(d),
                _ => {
                    local_error.set(Some(
                        "expiry is a whole number of days, or empty for never".into(),
                    ));
                    return;
                }
            },
        };
        local_error.set(None);
        create.dispatch(CreateToken {
            name: name.get(),
            role: role.get().parse().unwrap_or(Role::Viewer),
            expires_days,
        });
    };
    view! {
        <form class="editor" on:submit=submit>
            <h3>"Create a token"</h3>
            <label>"What it is for" <input type="text" bind:value=name required placeholder="scada-integration" /></label>
            <label>"Role" <select bind:value=role>{role_options(Role::Operator)}</select></label>
            <label>"Expires after (days, empty: never)" <input type="text" inputmode="numeric" bind:value=days /></label>
            <p class="error" role="alert">{move || local_error.get().or_else(error)}</p>
            <div class="actions"><button type="submit" disabled=move || create.pending().get()>"Create token"</button></div>
        </form>
    }
}
