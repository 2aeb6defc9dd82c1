use crate::components::{Badge, Erase, ErrorBox, Pager, Time, action_error, page_param, resource};
use crate::functions::certificates::{
    ImportVenCa, InitVenCa, IssueCertificate, PER_PAGE, RevokeCertificate, list_certificates,
};
use crate::functions::sites::find_sites;
use crate::models::certificate::{Certificate, CertificateList, IssuedCertificate, KeyType};
use leptos::prelude::*;

/// VEN certificates (admins): the VEN CA (initialise, import), issue for a
/// site (key, certificate and chain downloaded once), list with expiry, revoke.
#[component]
pub fn CertificatesPage() -> impl IntoView {
    let issue = ServerAction::<IssueCertificate>::new();
    let revoke = ServerAction::<RevokeCertificate>::new();
    let init = ServerAction::<InitVenCa>::new();
    let import = ServerAction::<ImportVenCa>::new();
    let page = page_param();
    let list = resource(
        move || {
            (
                page(),
                issue.version().get(),
                revoke.version().get(),
                init.version().get(),
                import.version().get(),
            )
        },
        |(page, ..)| list_certificates(page),
    );
    view! {
        <div class="heading"><h1>"VEN certificates"</h1></div>
        {move || issue.value().get().and_then(Result::ok).map(|issued| view! { <Issued issued issue /> })}
        <IssueForm issue />
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || list.get().map(|result| match result {
                Ok(list) => view! {
                    <CaFacts list=list.clone() />
                    <CaSetup has_ca=list.ca.is_some() init import />
                    <Certificates list=list.clone() revoke />
                    <Pager
                        total=list.total
                        per_page=PER_PAGE
                        current=page()
                        noun="Certificates"
                        href=|p| format!("/certificates?page={p}")
                    />
                }.erase(),
                Err(error) => view! { <ErrorBox error /> }.erase(),
            })}
        </Suspense>
    }
}

#[component]
fn CaFacts(list: CertificateList) -> impl IntoView {
    match list.ca {
        Some(ca) => view! {
            <dl class="facts" data-test="ven-ca">
                <dt>"VEN client CA"</dt><dd>{ca.common_name}</dd>
                <dt>"Valid until"</dt><dd><Time at=ca.not_after /></dd>
                <dt>"Issuing"</dt>
                <dd>{if ca.can_issue { "available" } else { "not available: the VTN has no CA key (set --ven-ca-key)" }}</dd>
            </dl>
        }
        .erase(),
        None => view! {
            <p class="error" role="alert" data-test="no-ven-ca">
                "No VEN CA yet: VENs cannot authenticate with certificates. Initialise one or import yours below."
            </p>
        }
        .erase(),
    }
}

/// Initialise a new VEN CA or import one made elsewhere. With a CA in place
/// both replace it, which the admin must confirm: its certificates stop working.
#[component]
fn CaSetup(
    has_ca: bool,
    init: ServerAction<InitVenCa>,
    import: ServerAction<ImportVenCa>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let cert = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let replace = RwSignal::new(false);
    let init_error = action_error(init);
    let import_error = action_error(import);
    let done = move || {
        (init.value().get().is_some_and(|r| r.is_ok())
            || import.value().get().is_some_and(|r| r.is_ok()))
        .then_some(
            "VEN CA installed. New VEN connections are checked against it within a few seconds.",
        )
    };
    let blocked = move || has_ca && !replace.get();
    view! {
        <details class="editor" open=!has_ca data-test="ca-setup">
            <summary>{if has_ca { "Replace the VEN CA" } else { "Set up the VEN CA" }}</summary>
            {has_ca.then(|| view! {
                <label class="check">
                    <input type="checkbox" bind:checked=replace />
                    "Replace the current CA: every VEN certificate it issued stops working"
                </label>
            })}
            <p role="status" data-test="ca-installed">{done}</p>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                init.dispatch(InitVenCa { common_name: name.get(), replace: replace.get() });
            }>
                <h3>"Initialise a new CA"</h3>
                <label>"Name" <input bind:value=name placeholder="Utility VEN CA" required /></label>
                <p class="error" role="alert">{init_error}</p>
                <button type="submit" disabled=move || blocked() || init.pending().get()>"Initialise"</button>
            </form>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                import.dispatch(ImportVenCa { certificate_pem: cert.get(), key_pem: key.get(), replace: replace.get() });
            }>
                <h3>"Import a CA"</h3>
                <label>"CA certificate (PEM)" <textarea bind:value=cert rows="4" required></textarea></label>
                <label>"CA private key (PEM; stored readable by the VTN only, never shown again)"
                    <textarea bind:value=key rows="4" required></textarea>
                </label>
                <p class="error" role="alert">{import_error}</p>
                <button type="submit" disabled=move || blocked() || import.pending().get()>"Import"</button>
            </form>
        </details>
    }
}

#[component]
fn IssueForm(issue: ServerAction<IssueCertificate>) -> impl IntoView {
    let find = RwSignal::new(String::new());
    let sites = resource(move || find.get(), find_sites);
    let site = RwSignal::new(String::new());
    // A new search lists other sites: nothing is chosen until the admin picks one.
    Effect::new(move |_| {
        find.track();
        site.set(String::new());
    });
    let key_type = RwSignal::new(KeyType::EcdsaP256.as_str().to_owned());
    let local_error = RwSignal::new(None::<String>);
    let error = action_error(issue);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(site_id) = site.get().parse::<i32>() else {
            local_error.set(Some(
                "choose the site whose VEN gets the certificate".into(),
            ));
            return;
        };
        local_error.set(None);
        let key_type = key_type.get().parse().unwrap_or_default();
        issue.dispatch(IssueCertificate { site_id, key_type });
    };
    view! {
        <form class="editor" on:submit=submit data-test="issue-certificate">
            <h2>"Issue a certificate"</h2>
            <p class="muted">"The site is bound to the new certificate at once; a certificate it had before stops identifying it."</p>
            <label>"Find by name"
                <input type="search" bind:value=find placeholder="part of a site or VEN name" />
            </label>
            // The whole select inside the Transition: markers inside a select do not hydrate reliably.
            <Transition fallback=|| view! { <p class="loading">"Loading sites…"</p> }>
                {move || sites.get().map(|result| {
                    let list = result.unwrap_or_default();
                    view! {
                        <label>"Site"
                            <select bind:value=site>
                                <option value="">"Choose a site…"</option>
                                {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                            </select>
                        </label>
                    }
                })}
            </Transition>
            <label>"Key"
                <select bind:value=key_type>
                    <option value="ecdsa-p256">"ECDSA P-256 (recommended)"</option>
                    <option value="rsa-2048">"RSA 2048"</option>
                </select>
            </label>
            <p class="error" role="alert">{move || local_error.get().or_else(error)}</p>
            <div class="actions">
                <button type="submit" disabled=move || issue.pending().get()>
                    {move || if issue.pending().get() { "Issuing…" } else { "Issue certificate" }}
                </button>
            </div>
        </form>
    }
}

/// A text as a `data:` URL a link can download.
fn data_url(text: &str) -> String {
    let mut url = String::from("data:application/x-pem-file;charset=utf-8,");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// The newly issued key and certificate, until the admin closes the panel.
#[component]
fn Issued(issued: IssuedCertificate, issue: ServerAction<IssueCertificate>) -> impl IntoView {
    let name = issued.certificate.common_name.clone();
    view! {
        <section class="once" role="status" data-test="issued">
            <h2>{format!("Certificate issued for {name}")}</h2>
            <p>"Download the private key now: the VTN does not keep it and cannot show it again."</p>
            <p>"Fingerprint: " <code data-test="issued-fingerprint">{issued.certificate.fingerprint.clone()}</code></p>
            <div class="downloads">
                <a class="button" href=data_url(&issued.private_key_pem) download=format!("{name}.key")>{format!("{name}.key (private key)")}</a>
                <a class="button secondary" href=data_url(&issued.certificate_pem) download=format!("{name}.pem")>{format!("{name}.pem (certificate)")}</a>
                <a class="button secondary" href=data_url(&issued.chain_pem) download=format!("{name}-chain.pem")>{format!("{name}-chain.pem (with the CA)")}</a>
            </div>
            <button type="button" class="secondary" on:click=move |_| issue.value().set(None)>"Done, I have the files"</button>
        </section>
    }
}

#[component]
fn Certificates(list: CertificateList, revoke: ServerAction<RevokeCertificate>) -> impl IntoView {
    let error = action_error(revoke);
    if list.certificates.is_empty() {
        return view! { <p class="empty">"No certificates issued yet. Issue one for a site above."</p> }.erase();
    }
    view! {
        <p class="error" role="alert">{error}</p>
        <table class="list" data-test="certificates">
            <thead><tr>
                <th scope="col">"ID"</th><th scope="col">"VEN"</th><th scope="col">"Site"</th>
                <th scope="col">"Fingerprint"</th><th scope="col">"Key"</th><th scope="col">"Expires"</th>
                <th scope="col">"State"</th><th scope="col">"Issued"</th><th></th>
            </tr></thead>
            <tbody>
                {list.certificates.into_iter().map(|c| view! { <Row c revoke /> }).collect_view()}
            </tbody>
        </table>
    }
    .erase()
}

#[component]
fn Row(c: Certificate, revoke: ServerAction<RevokeCertificate>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let id = c.id;
    let live = c.revoked_at.is_none();
    let site = c.site_id.map(|sid| view! {
        <a href=format!("/sites/{sid}")>{c.site_name.clone().unwrap_or_else(|| format!("site {sid}"))}</a>
    });
    view! {
        <tr data-test="certificate-row">
            <td>{id}</td>
            <td>{c.common_name.clone()}</td>
            <td>{site}</td>
            <td><code>{c.fingerprint.clone()}</code></td>
            <td>{c.key_type.as_str()}</td>
            <td><Time at=c.not_after /></td>
            <td><Badge text=c.state.label() /></td>
            <td><Time at=c.issued_at /> " by " {c.issued_by.clone()}</td>
            <td>
                {live.then(|| view! {
                    <Show
                        when=move || confirming.get()
                        fallback=move || view! {
                            <button type="button" class="secondary" on:click=move |_| confirming.set(true)>"Revoke"</button>
                        }
                    >
                        <span>"Refuse this VEN from now on? "</span>
                        <button type="button" class="danger" on:click=move |_| { revoke.dispatch(RevokeCertificate { id }); }>"Revoke"</button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(false)>"Keep"</button>
                    </Show>
                })}
            </td>
        </tr>
    }
    // Erased, so the list's view type stays shallow enough for the WASM build.
    .erase()
}
