use crate::components::{ErrorBox, Time};
use crate::functions::audit::{PER_PAGE, get_audit};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Who did what, when, from where (admins).
#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let page = move || {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let entries = Resource::new(page, get_audit);
    view! {
        <div class="heading">
            <h1>"Audit log"</h1>
            <a class="button secondary" href="/export/audit.csv" download>"Export (CSV)"</a>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || entries.get().map(|result| match result {
                Ok(list) if list.entries.is_empty() => view! { <p class="empty">"Nothing recorded yet."</p> }.into_any(),
                Ok(list) => {
                    let pages = list.total.div_ceil(PER_PAGE).max(1);
                    let current = page();
                    view! {
                        <table class="list" data-test="audit">
                            <thead><tr>
                                <th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th>
                                <th scope="col">"Target"</th><th scope="col">"From"</th>
                            </tr></thead>
                            <tbody>
                                {list.entries.into_iter().map(|e| view! {
                                    <tr>
                                        <td><Time at=e.at /></td><td>{e.actor}</td><td><code>{e.action}</code></td>
                                        <td>{e.target}</td><td>{e.source}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <nav class="pager" aria-label="Pages">
                            <span>{format!("{} entries · page {} of {pages}", list.total, current + 1)}</span>
                            {(current > 0).then(|| view! { <a href=format!("/audit?page={}", current - 1)>"Newer"</a> })}
                            {(current + 1 < pages).then(|| view! { <a href=format!("/audit?page={}", current + 1)>"Older"</a> })}
                        </nav>
                    }.into_any()
                }
                Err(error) => view! { <ErrorBox error /> }.into_any(),
            })}
        </Transition>
    }
}
