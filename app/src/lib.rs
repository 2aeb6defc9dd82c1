//! The VTN's operator app: typed models shared by server and browser, the
//! Leptos components, and the server functions they call.
//!
//! Server-only code (database access, sessions) lives behind the `ssr` feature
//! so that nothing of it reaches the WASM build.

pub mod auth;
mod components;
pub mod error;
pub mod functions;
pub mod models;
mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod local_day;
#[cfg(feature = "ssr")]
pub mod pki;
#[cfg(feature = "ssr")]
mod throttle;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

pub use error::AppError;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: stylesheet, title and the router.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, so this flips once the WASM has hydrated
    // the page; end-to-end tests wait for it before they click.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let page_ready = RwSignal::new(true);
    provide_context(pages::PageReady(page_ready));

    view! {
        <Stylesheet id="leptos" href="/pkg/vtn.css" />
        <Title text="OpenADR VTN" />
        <Router>
            <div class="app" data-hydrated=move || (hydrated.get() && page_ready.get()).to_string()>
                <Routes fallback=pages::NotFound>
                    <Route path=path!("/login") view=pages::LoginPage />
                    <ParentRoute path=path!("") view=components::Layout>
                        <Route path=path!("") view=pages::OverviewPage />
                        <Route path=path!("/customers") view={Lazy::<pages::Customers>::new()} />
                        <Route path=path!("/customers/:id") view={Lazy::<pages::Customer>::new()} />
                        <Route path=path!("/sites/new") view={Lazy::<pages::SiteForm>::new()} />
                        <Route path=path!("/sites/:id") view={Lazy::<pages::Site>::new()} />
                        <Route path=path!("/sites/:id/edit") view={Lazy::<pages::SiteForm>::new()} />
                        <Route path=path!("/programs") view={Lazy::<pages::Programs>::new()} />
                        <Route path=path!("/audit") view={Lazy::<pages::Audit>::new()} />
                        <Route path=path!("/certificates") view={Lazy::<pages::Certificates>::new()} />
                        <Route path=path!("/users") view={Lazy::<pages::Users>::new()} />
                        <Route path=path!("/events") view={Lazy::<pages::Events>::new()} />
                        <Route path=path!("/events/new") view={Lazy::<pages::NewEvent>::new()} />
                        <Route path=path!("/events/:id") view={Lazy::<pages::Event>::new()} />
                    </ParentRoute>
                </Routes>
            </div>
        </Router>
    }
}
