use crate::AppError;
use crate::auth::Logout;
use crate::models::Overview;
use crate::overview::get_overview;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// The landing page after sign-in.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_overview());
    let logout = ServerAction::<Logout>::new();

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Ok(overview) => view! {
                            <Header overview=overview.clone() logout />
                            <Figures overview on_refresh=move || data.refetch() />
                        }
                            .into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login" /> }.into_any(),
                        Err(error) => view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Header(overview: Overview, logout: ServerAction<Logout>) -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand">"OpenADR VTN"</span>
            <span class="who">
                "Signed in as " <strong>{overview.user.username}</strong> " (" {overview.user.role.as_str()} ")"
            </span>
            <ActionForm action=logout>
                <button type="submit" class="secondary">"Sign out"</button>
            </ActionForm>
        </header>
    }
}

#[component]
fn Figures(overview: Overview, on_refresh: impl Fn() + 'static) -> impl IntoView {
    view! {
        <main class="overview">
            <h1>"Overview"</h1>
            <dl class="figures">
                <div>
                    <dt>"User accounts"</dt>
                    <dd data-test="users">{overview.users}</dd>
                </div>
                <div>
                    <dt>"Database"</dt>
                    <dd data-test="database">{overview.database}</dd>
                </div>
                <div>
                    <dt>"As of"</dt>
                    <dd data-test="as-of">{overview.as_of.format("%Y-%m-%d %H:%M:%S UTC").to_string()}</dd>
                </div>
            </dl>
            <button type="button" on:click=move |_| on_refresh()>"Refresh"</button>
        </main>
    }
}
