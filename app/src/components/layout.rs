//! The frame of every signed-in page: navigation, who is signed in, sign-out.
//! Anonymous visitors are sent to the login page.
//!
//! The signed-in user is a resource in the context, read only inside
//! `Suspense` (see [`Editors`]): the page itself renders outside the header's
//! `Suspense`, so its own resources are created once, not once per pass of
//! an enclosing `Suspense`.

use super::{Erase, ErrorBox, Json, resource};
use crate::AppError;
use crate::auth::{Logout, current_user};
use crate::models::{Role, SessionUser};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

type UserResource = Resource<Result<SessionUser, AppError>, Json>;

fn rank(role: Role) -> u8 {
    match role {
        Role::Viewer => 0,
        Role::Operator => 1,
        Role::Admin => 2,
    }
}

/// Shows its children only to users whose role is at least `min` (operator
/// by default). The server checks the role again on every call.
#[component]
pub fn Editors(children: ChildrenFn, #[prop(default = Role::Operator)] min: Role) -> impl IntoView {
    let user = use_context::<UserResource>();
    let allowed = move || {
        user.and_then(|u| u.get())
            .and_then(Result::ok)
            .is_some_and(|u| rank(u.role) >= rank(min))
    };
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            <Show when=allowed>{move || children.with_value(|c| c())}</Show>
        </Suspense>
    }
}

/// Navigation around the signed-in pages.
#[component]
pub fn Layout() -> impl IntoView {
    let user: UserResource = resource(|| (), |_| current_user());
    provide_context(user);
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"OpenADR VTN"</a>
            <nav aria-label="Main">
                <A href="/" exact=true>"Overview"</A>
                <A href="/customers">"Customers"</A>
                <A href="/events">"DR events"</A>
                <Editors min=Role::Admin>
                    <A href="/programs">"DR programs"</A>
                    <A href="/certificates">"Certificates"</A>
                    <A href="/users">"Users"</A>
                    <A href="/audit">"Audit log"</A>
                </Editors>
            </nav>
            <Suspense fallback=|| ()>
                {move || {
                    user.get()
                        .map(|result| match result {
                            Ok(user) => view! {
                                <span class="who">
                                    "Signed in as " <strong>{user.username}</strong> " (" {user.role.as_str()} ")"
                                </span>
                            }
                                .erase(),
                            Err(error) => view! { <ErrorBox error /> }.erase(),
                        })
                }}
            </Suspense>
            <ActionForm action=logout>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
        <main class="page">
            <Outlet />
        </main>
    }
}
