//! The VTN's operator app: typed models shared by server and browser, the
//! Leptos components, and the server functions they call.
//!
//! Server-only code (database access, sessions) lives behind the `ssr` feature
//! so that nothing of it reaches the WASM build.

pub mod auth;
pub mod error;
pub mod models;
pub mod overview;
mod pages;

#[cfg(feature = "ssr")]
pub mod db;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
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

    view! {
        <Stylesheet id="leptos" href="/pkg/vtn.css" />
        <Title text="OpenADR VTN" />
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().to_string()>
                <Routes fallback=pages::NotFound>
                    <Route path=StaticSegment("") view=pages::OverviewPage />
                    <Route path=StaticSegment("login") view=pages::LoginPage />
                </Routes>
            </div>
        </Router>
    }
}
