//! Building blocks the pages share, one idea per file.

mod chart;
mod erase;
mod field_checks;
mod layout;
mod live;
mod pager;
mod params;
mod resource;
mod time;

pub use chart::ChartView;
#[cfg(feature = "ssr")]
pub use chart::chart_html;
pub use erase::Erase;
pub use field_checks::{FieldChecks, FieldProblem};
pub use layout::{Editors, Layout};
pub use live::refresh_every;
pub use pager::{Pager, page_param};
pub use params::{LevelOptions, route_id};
pub use resource::{Json, resource};
pub use time::{Time, duration_text, to_utc};

use crate::AppError;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Shows a server function's error; an expired session goes to the login page.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! { <Redirect path="/login" /> }.erase(),
        other => view! { <p class="error" role="alert">{other.to_string()}</p> }.erase(),
    }
}

/// The error of the last run of an action, if it failed, as text.
pub fn action_error<I, O>(action: ServerAction<I>) -> impl Fn() -> Option<String> + Copy
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    }
}

/// A small coloured label for a state (`online`, `active`, `optIn`…).
#[component]
pub fn Badge(#[prop(into)] text: String) -> impl IntoView {
    let class = format!("badge badge-{}", text.to_lowercase().replace(' ', "-"));
    view! { <span class=class>{text}</span> }
}
