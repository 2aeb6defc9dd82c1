//! The server's TLS configuration kept in step with its files. When the
//! server certificate, its key or the VEN CA changes on disk (a renewed
//! certificate; a VEN CA initialised or imported from the UI, the API or
//! `vtn pki`), new connections use the new files within [`CHECK_EVERY`]
//! without a restart; open connections keep what they were accepted with.

use crate::tls::server_config;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};
use tokio_rustls::TlsAcceptor;

/// How often the files are looked at.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// What the files looked like when last read: modification time and length.
type Stamp = Vec<Option<(SystemTime, u64)>>;

/// The TLS files and the acceptor built from them.
pub struct TlsFiles {
    cert: PathBuf,
    key: PathBuf,
    ven_ca: PathBuf,
    current: RwLock<(Stamp, TlsAcceptor)>,
}

fn stamp_of(paths: [&Path; 3]) -> Stamp {
    paths
        .iter()
        .map(|p| {
            let meta = std::fs::metadata(p).ok()?;
            Some((meta.modified().ok()?, meta.len()))
        })
        .collect()
}

impl TlsFiles {
    /// Reads the files; fails when they do not make a TLS configuration.
    pub fn load(cert: &Path, key: &Path, ven_ca: &Path) -> Result<Arc<Self>> {
        let stamp = stamp_of([cert, key, ven_ca]);
        let acceptor = TlsAcceptor::from(Arc::new(server_config(cert, key, ven_ca)?));
        Ok(Arc::new(Self {
            cert: cert.to_owned(),
            key: key.to_owned(),
            ven_ca: ven_ca.to_owned(),
            current: RwLock::new((stamp, acceptor)),
        }))
    }

    /// The acceptor for a new connection.
    pub fn acceptor(&self) -> TlsAcceptor {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .1
            .clone()
    }

    /// Re-reads the files if they changed. Files that no longer make a
    /// configuration (e.g. a key that does not match the certificate) are
    /// refused with an error in the log, and the previous configuration stays.
    pub fn refresh(&self) {
        let stamp = stamp_of([&self.cert, &self.key, &self.ven_ca]);
        if self
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .0
            == stamp
        {
            return;
        }
        let built = server_config(&self.cert, &self.key, &self.ven_ca);
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        // Either way, do not retry the same files every few seconds.
        current.0 = stamp;
        match built {
            Ok(config) => {
                current.1 = TlsAcceptor::from(Arc::new(config));
                tracing::info!(ven_ca = %self.ven_ca.display(), cert = %self.cert.display(), "TLS files changed: new connections use them");
            }
            Err(error) => tracing::error!(
                error = format!("{error:#}"),
                "TLS files changed but are unusable; keeping the previous ones"
            ),
        }
    }
}

/// Looks at the files every [`CHECK_EVERY`] until `stop`.
pub async fn watch_until(files: Arc<TlsFiles>, stop: tokio::sync::watch::Receiver<bool>) {
    crate::periodic::every(CHECK_EVERY, stop, async || {
        let files = files.clone();
        // Reading and parsing files blocks; keep it off the request threads.
        let _ = tokio::task::spawn_blocking(move || files.refresh()).await;
    })
    .await;
}
