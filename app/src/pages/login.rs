use crate::auth::Login;
use leptos::prelude::*;

/// The sign-in form. Works before hydration too (a plain form POST).
#[component]
pub fn LoginPage() -> impl IntoView {
    let login = ServerAction::<Login>::new();
    let error = move || {
        login
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| e.to_string())
    };

    view! {
        <main class="login">
            <h1>"OpenADR VTN"</h1>
            <p class="subtitle">"Sign in to operate demand response."</p>
            <ActionForm action=login>
                <label>
                    "Username"
                    <input type="text" name="username" autocomplete="username" required />
                </label>
                <label>
                    "Password"
                    <input type="password" name="password" autocomplete="current-password" required />
                </label>
                <button type="submit" disabled=move || login.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <Show when=move || error().is_some()>
                <p class="error" role="alert">{error}</p>
            </Show>
        </main>
    }
}
