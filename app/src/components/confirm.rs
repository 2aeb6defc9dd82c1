use leptos::prelude::*;

/// A button for something that cannot be undone: the first click asks, the
/// second does it, "Keep" backs out.
#[component]
pub fn ConfirmButton(
    /// The button's text, e.g. "Revoke".
    label: &'static str,
    /// What the second click will do, asked before it.
    question: &'static str,
    /// Runs on the confirming click.
    on_confirm: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="secondary" on:click=move |_| asking.set(true)>{label}</button>
            }
        >
            <span>{question} " "</span>
            <button type="button" class="danger" on:click=move |_| on_confirm()>{label}</button>
            <button type="button" class="secondary" on:click=move |_| asking.set(false)>"Keep"</button>
        </Show>
    }
}
