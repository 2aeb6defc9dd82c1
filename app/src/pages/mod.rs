//! The app's pages, one per file.
//!
//! The overview (where operators land) and the login page are in the main
//! WASM module. Every other page is a lazy route: `cargo leptos build --split`
//! (required: without it the WASM imports a loader that does not exist) puts
//! its code in WASM chunks the browser loads when it shows that page; the
//! server lists the chunks the requested page needs in the HTML, so they
//! download alongside the main module.

mod audit;
mod certificates;
mod customers;
mod event;
pub(crate) mod event_new;
mod events;
mod login;
mod not_found;
mod overview;
mod programs;
mod site;
mod site_form;
mod users;

use crate::components::Erase;
use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

pub use login::LoginPage;
pub use not_found::NotFound;
pub use overview::OverviewPage;

/// Whether the page shown has hydrated. A lazy page's code arrives after the
/// app's, and until its own effects have run its buttons do nothing: the app
/// is ready for clicks (`data-hydrated`, which the browser tests wait for)
/// only then.
#[derive(Debug, Clone, Copy)]
pub struct PageReady(pub RwSignal<bool>);

/// A lazy route named `$route` that shows the page component `$page`.
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                if let Some(PageReady(ready)) = use_context() {
                    ready.set(false);
                }
                Self
            }

            fn view(_this: Self) -> AnyView {
                if let Some(PageReady(ready)) = use_context() {
                    Effect::new(move |_| ready.set(true));
                }
                view! { <$page /> }.erase()
            }
        }
    )*};
}

lazy_page! {
    Audit => audit::AuditPage,
    Certificates => certificates::CertificatesPage,
    Customers => customers::CustomersPage,
    Customer => customers::CustomerPage,
    Event => event::EventPage,
    NewEvent => event_new::NewEventPage,
    Events => events::EventsPage,
    Programs => programs::ProgramsPage,
    Site => site::SitePage,
    SiteForm => site_form::SiteFormPage,
    Users => users::UsersPage,
}
