//! The VTN server as a library: `main.rs` and the integration tests both call
//! [`start`].
// The operator app's views are deeply nested types; the default limit (128)
// is too low for laying out their futures.
#![recursion_limit = "256"]

pub mod api;
pub mod config;
pub mod data_cli;
pub mod db;
pub mod export;
pub mod health;
pub mod ingest;
pub mod logbook;
pub mod metrics;
pub mod middleware;
pub mod openadr;
pub mod periodic;
pub mod pki;
pub mod pki_cli;
pub mod publisher;
pub mod push;
pub mod revocations;
pub mod routes;
pub mod serve;
pub mod session;
pub mod sites;
pub mod state;
pub mod tls;
pub mod tls_files;
pub mod tokens_cli;
pub mod users_cli;
pub mod whoami;

use anyhow::{Context, Result};
use config::Config;
use pki::DevPki;
use state::AppState;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// A running server.
#[derive(Debug)]
pub struct Server {
    /// Where HTTPS is served.
    pub https_addr: SocketAddr,
    /// Where plain HTTP is served for a gateway, if enabled.
    pub http_addr: Option<SocketAddr>,
    /// The development PKI in use, when no certificate was configured.
    pub dev_pki: Option<DevPki>,
    /// The `admin` password generated on this start, to show once.
    pub generated_admin_password: Option<String>,
    /// The database pool (for the CLI and tests).
    pub db: sea_orm::DatabaseConnection,
    /// The message log writer (tests flush it before reading the log).
    pub logbook: logbook::Logbook,
    /// The sites in memory (tests flush last contacts before reading them).
    pub sites: sites::SiteIndex,
    shutdown: watch::Sender<bool>,
    listeners: JoinSet<()>,
}

impl Server {
    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        while self.listeners.join_next().await.is_some() {}
        self.logbook.flush().await;
        if let Err(error) = self.sites.flush_contacts(&self.db).await {
            tracing::warn!(%error, "could not record the VENs' last contact");
        }
    }
}

/// Opens the database, applies migrations, prepares TLS and starts serving.
pub async fn start(config: Config) -> Result<Server> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    let generated_admin_password =
        app::db::users::ensure_admin(&db, config.admin_password.as_deref())
            .await
            .context("creating the admin account (VTN_ADMIN_PASSWORD)")?;

    let (cert, key, ven_ca, dev_pki) = match (&config.tls_cert, &config.tls_key, &config.ven_ca) {
        (Some(cert), Some(key), Some(ven_ca)) => (cert.clone(), key.clone(), ven_ca.clone(), None),
        _ => {
            let (pki, created) = DevPki::ensure(&config.dev_pki_dir).with_context(|| {
                format!(
                    "creating the development PKI in {}",
                    config.dev_pki_dir.display()
                )
            })?;
            if created {
                tracing::info!(dir = %config.dev_pki_dir.display(), "generated a development PKI");
            }
            (
                pki.server_cert.clone(),
                pki.server_key.clone(),
                pki.ven_ca.clone(),
                Some(pki),
            )
        }
    };
    revocations::load(&db)
        .await
        .context("reading the revoked VEN certificates")?;
    let tls = tls_files::TlsFiles::load(&cert, &key, &ven_ca)?;

    let https = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {} (VTN_LISTEN)", config.listen))?;
    let https_addr = https.local_addr()?;
    let http = match config.http_listen {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr} (VTN_HTTP_LISTEN)"))?,
        ),
        None => None,
    };
    let http_addr = http.as_ref().map(TcpListener::local_addr).transpose()?;

    if let Some(pki) = &dev_pki {
        ensure_demo_site(&db, pki).await?;
    }
    let oadr = openadr::OadrSettings {
        vtn_id: config.vtn_id.clone(),
        poll_freq: ::openadr::values::Duration::from_seconds(
            i64::try_from(config.poll_interval.as_secs()).unwrap_or(10),
        ),
        mode: if config.strict_schema {
            ::openadr::Mode::Strict
        } else {
            ::openadr::Mode::Lenient
        },
        offline_after: config.offline_after,
        gateway: openadr::gateway::GatewaySettings {
            trusted: config.gateway_trusted.clone(),
            cert_header: config.gateway_cert_header.to_ascii_lowercase(),
            verify_header: config.gateway_verify_header.to_ascii_lowercase(),
        },
    };
    let logbook = logbook::Logbook::spawn(db.clone());
    let site_index = sites::SiteIndex::load(&db)
        .await
        .context("loading the sites")?;
    let state = AppState::new(state::Shared {
        leptos: leptos_options(&config, https_addr)?,
        db: db.clone(),
        metrics: metrics::handle(),
        oadr: Arc::new(oadr),
        logbook: logbook.clone(),
        ingest: ingest::Ingest::spawn(db.clone()),
        sites: site_index.clone(),
        ven_ca: Arc::new(config.ven_ca()),
    });
    let push_state = state.clone();
    let app = routes::router(state, config.request_timeout);

    let (shutdown, stop) = watch::channel(false);
    let mut listeners = JoinSet::new();
    listeners.spawn(serve::serve(
        https,
        Some(tls.clone()),
        app.clone(),
        stop.clone(),
    ));
    listeners.spawn(tls_files::watch_until(tls, stop.clone()));
    listeners.spawn(
        site_index
            .clone()
            .flush_contacts_until(db.clone(), stop.clone()),
    );
    listeners.spawn(
        site_index
            .clone()
            .keep_fresh_until(db.clone(), stop.clone()),
    );
    listeners.spawn(revocations::refresh_until(db.clone(), stop.clone()));
    listeners.spawn(metrics::upkeep_until(metrics::handle(), stop.clone()));
    listeners.spawn(publisher::run_until(db.clone(), stop.clone()));
    if let Some(pusher) = pusher(&config, dev_pki.as_ref(), &ven_ca)? {
        listeners.spawn(pusher.run(push_state, stop.clone()));
    }
    if let Some(http) = http {
        listeners.spawn(serve::serve(http, None, app, stop));
    }
    tracing::info!(%https_addr, ?http_addr, "serving");
    Ok(Server {
        https_addr,
        http_addr,
        dev_pki,
        generated_admin_password,
        db,
        logbook,
        sites: site_index,
        shutdown,
        listeners,
    })
}

/// The push worker, when the VTN has a client certificate to push with.
fn pusher(
    config: &Config,
    dev_pki: Option<&DevPki>,
    ven_ca: &std::path::Path,
) -> Result<Option<push::Pusher>> {
    let identity = match (&config.push_cert, &config.push_key, dev_pki) {
        (Some(cert), Some(key), _) => (cert.clone(), key.clone()),
        (_, _, Some(pki)) => (pki.push_cert.clone(), pki.push_key.clone()),
        _ => return Ok(None),
    };
    let ca = config
        .push_ca
        .clone()
        .unwrap_or_else(|| ven_ca.to_path_buf());
    let client = tls::client_config(&identity.0, &identity.1, &ca)?;
    Ok(Some(push::Pusher::new(client, config.push_interval)))
}

/// With the development PKI, the demo VEN certificate belongs to a demo site,
/// so a VEN started with it can register right away.
async fn ensure_demo_site(db: &sea_orm::DatabaseConnection, pki: &DevPki) -> Result<()> {
    let fingerprint = pki.demo_ven_fingerprint()?.to_string();
    // Once made, the demo site is the operator's: it may have been given
    // another certificate since.
    if app::db::sites::by_ven_name(db, "demo-ven").await?.is_none() {
        let site = app::db::sites::create(db, "Demo site", "demo-ven", Some(&fingerprint)).await?;
        tracing::info!(ven_id = %site.ven_id, %fingerprint, "created the demo site for the demo VEN certificate");
    }
    Ok(())
}

fn leptos_options(config: &Config, addr: SocketAddr) -> Result<leptos::prelude::LeptosOptions> {
    let mut options = leptos::prelude::get_configuration(None)
        .context("reading the LEPTOS_* environment")?
        .leptos_options;
    // Set by cargo-leptos at build time; plain `cargo build` leaves it empty.
    if options.output_name.is_empty() {
        options.output_name = "vtn".into();
    }
    options.site_root = config.site_root.to_string_lossy().into_owned().into();
    options.site_addr = addr;
    Ok(options)
}
