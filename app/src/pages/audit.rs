use crate::components::{Erase, ErrorBox, Pager, Time, page_param, resource};
use crate::functions::audit::{PER_PAGE, get_audit};
use leptos::prelude::*;

/// Who did what, when, from where (admins).
#[component]
pub fn AuditPage() -> impl IntoView {
    let page = page_param();
    let entries = resource(page, get_audit);
    view! {
        <div class="heading">
            <h1>"Audit log"</h1>
            <a class="button secondary" href="/export/audit.csv" download>"Export (CSV)"</a>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || entries.get().map(|result| match result {
                Ok(list) if list.entries.is_empty() => view! { <p class="empty">"Nothing recorded yet."</p> }.erase(),
                Ok(list) => {
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
                        <Pager
                            total=list.total
                            per_page=PER_PAGE
                            current=page()
                            noun="Entries"
                            href=|p| format!("/audit?page={p}")
                        />
                    }.erase()
                }
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Transition>
    }
}
