//! Push mode: one HTTPS listener for all simulated VENs. VEN n registers the
//! transport address `https://<listen>/ven/<n>/OpenADR2/Simple/2.0b`; the VTN
//! posts each message to that address plus `/<service>`, over mTLS with its
//! own client certificate. The listener hands the message to VEN n and
//! answers with what the VEN answers, which the VTN handles as if the VEN had
//! posted it.
//!
//! The listener's certificate comes from the VTN's VEN CA, the CA the VTN
//! trusts for push endpoints unless told otherwise (`vtn --push-ca`); the
//! VTN's client certificate is checked against the server CA that issued it.

use crate::client::SERVICE_PATH;
use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use openadr::{Message, ReadOptions};
use server::pki::CertificateAuthority;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// The path of VEN n starts with this, then n, then [`SERVICE_PATH`].
const VEN_PREFIX: &str = "/ven/";
/// The VTN gives up on a push after 15 s; answering sooner tells it why.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest pushed message read.
const MAX_BODY: usize = 4 << 20;

/// Push failures by reason.
type Errors = Arc<Mutex<BTreeMap<&'static str, u64>>>;

/// A pushed message on its way to its VEN, and where the VEN's answer goes.
#[derive(Debug)]
pub struct Pushed {
    /// What the VTN sent.
    pub message: Message,
    /// The VEN's answer, sent back to the VTN as the HTTP answer.
    pub answer: oneshot::Sender<Message>,
}

/// Where the listener listens, and its TLS identity.
#[derive(Clone)]
pub struct Endpoint {
    listen: SocketAddr,
    tls: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint")
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An endpoint on `listen` (port 0: any free port) with a certificate
    /// for its IP address from the VEN CA in `pki_dir` (`ven-ca.pem`,
    /// `ven-ca.key`), accepting clients with certificates from the server CA
    /// (`server-ca.pem`). The VTN connects to this very address, so it must
    /// not be unspecified (0.0.0.0).
    pub fn from_pki(pki_dir: &Path, listen: SocketAddr) -> Result<Self> {
        if listen.ip().is_unspecified() {
            bail!("the push listener needs an address the VTN can connect to, not {listen}");
        }
        let read = |name: &str| {
            std::fs::read_to_string(pki_dir.join(name))
                .with_context(|| format!("reading {}", pki_dir.join(name).display()))
        };
        let ca = CertificateAuthority::load(&read("ven-ca.pem")?, &read("ven-ca.key")?)?;
        let issued = ca.issue_server(&[&listen.ip().to_string()])?;
        let certs = rustls_pemfile::certs(&mut issued.cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()?;
        let key = rustls_pemfile::private_key(&mut issued.key_pem.as_bytes())?
            .context("no private key in the issued certificate")?;
        let mut roots = rustls::RootCertStore::empty();
        for ca in rustls_pemfile::certs(&mut read("server-ca.pem")?.as_bytes()) {
            roots.add(ca?)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()?;
        let tls = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_client_cert_verifier(verifier)
            .with_single_cert(certs, key)?;
        Ok(Self {
            listen,
            tls: Arc::new(tls),
        })
    }
}

/// The running listener.
pub struct Listener {
    addr: SocketAddr,
    errors: Errors,
    task: JoinHandle<()>,
}

impl Listener {
    /// Listens on the endpoint; a message for VEN n goes to `vens[n]`.
    pub async fn start(endpoint: &Endpoint, vens: Vec<mpsc::Sender<Pushed>>) -> Result<Self> {
        let listener = TcpListener::bind(endpoint.listen)
            .await
            .with_context(|| format!("listening on {}", endpoint.listen))?;
        let addr = listener.local_addr()?;
        let errors = Errors::default();
        let router = Arc::new(Router {
            vens,
            errors: errors.clone(),
        });
        let acceptor = TlsAcceptor::from(endpoint.tls.clone());
        let task = tokio::spawn(accept(listener, acceptor, router));
        Ok(Self { addr, errors, task })
    }

    /// The transport address VEN n registers.
    pub fn transport_address(&self, n: usize) -> String {
        transport_address(self.addr, n)
    }

    /// Stops listening (pushes in flight are dropped) and returns the
    /// failures by reason.
    pub fn stop(self) -> BTreeMap<&'static str, u64> {
        self.task.abort();
        std::mem::take(&mut *lock(&self.errors))
    }
}

impl Drop for Listener {
    /// A run that fails half-way does not leave the listener behind.
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Accepts connections until aborted; aborting drops the connections too.
async fn accept(listener: TcpListener, acceptor: TlsAcceptor, router: Arc<Router>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((tcp, _)) = listener.accept().await else {
            // Out of file descriptors, say: let connections close first.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let (acceptor, router) = (acceptor.clone(), router.clone());
        connections.spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                router.count("TLS handshake");
                return;
            };
            let service = hyper::service::service_fn(move |request| {
                let router = router.clone();
                async move { Ok::<_, Infallible>(router.answer(request).await) }
            });
            // The VTN opens a connection per push and closes it once answered.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}

/// Hands pushed messages to their VENs.
struct Router {
    vens: Vec<mpsc::Sender<Pushed>>,
    errors: Errors,
}

impl Router {
    async fn answer(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let Some(ven) = ven_index(request.uri().path()).and_then(|n| self.vens.get(n)) else {
            return self.refuse("unknown VEN", StatusCode::NOT_FOUND);
        };
        let Ok(body) = Limited::new(request.into_body(), MAX_BODY).collect().await else {
            return self.refuse("unreadable", StatusCode::BAD_REQUEST);
        };
        let Ok(parsed) = openadr::read(&body.to_bytes(), ReadOptions::default()) else {
            return self.refuse("not OpenADR", StatusCode::BAD_REQUEST);
        };
        let message = parsed.message;
        let (answer, answered) = oneshot::channel();
        if ven.send(Pushed { message, answer }).await.is_err() {
            return self.refuse("VEN stopped", StatusCode::SERVICE_UNAVAILABLE);
        }
        match tokio::time::timeout(ANSWER_TIMEOUT, answered).await {
            Ok(Ok(answer)) => {
                let mut response = Response::new(Full::new(Bytes::from(answer.to_xml())));
                response.headers_mut().insert(
                    hyper::header::CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static("application/xml"),
                );
                response
            }
            Ok(Err(_)) => self.refuse("VEN stopped", StatusCode::SERVICE_UNAVAILABLE),
            Err(_) => self.refuse("no answer in time", StatusCode::SERVICE_UNAVAILABLE),
        }
    }

    fn refuse(&self, reason: &'static str, status: StatusCode) -> Response<Full<Bytes>> {
        self.count(reason);
        let mut response = Response::new(Full::new(Bytes::from(reason)));
        *response.status_mut() = status;
        response
    }

    fn count(&self, reason: &'static str) {
        *lock(&self.errors).entry(reason).or_default() += 1;
    }
}

/// A poisoned lock only means another task panicked while counting; the
/// counts are still usable.
fn lock(errors: &Errors) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, u64>> {
    errors
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn transport_address(addr: SocketAddr, n: usize) -> String {
    format!("https://{addr}{VEN_PREFIX}{n}{SERVICE_PATH}")
}

/// The VEN a push path is for: `/ven/<n>/OpenADR2/Simple/2.0b/<service>`.
fn ven_index(path: &str) -> Option<usize> {
    let (n, rest) = path.strip_prefix(VEN_PREFIX)?.split_once('/')?;
    let service = rest.strip_prefix(&SERVICE_PATH[1..])?.strip_prefix('/')?;
    if service.is_empty() || service.contains('/') {
        return None;
    }
    n.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_paths_name_the_ven_and_anything_else_is_refused() {
        assert_eq!(ven_index("/ven/0/OpenADR2/Simple/2.0b/EiEvent"), Some(0));
        assert_eq!(ven_index("/ven/17/OpenADR2/Simple/2.0b/EiReport"), Some(17));
        for bad in [
            "/ven/x/OpenADR2/Simple/2.0b/EiEvent",
            "/ven/1/OpenADR2/Simple/2.0b/",
            "/ven/1/OpenADR2/Simple/2.0b",
            "/ven/1/EiEvent",
            "/ven/-1/OpenADR2/Simple/2.0b/EiEvent",
            "/OpenADR2/Simple/2.0b/EiEvent",
            "/ven/1/OpenADR2/Simple/2.0b/EiEvent/more",
        ] {
            assert_eq!(ven_index(bad), None, "{bad}");
        }
    }

    #[test]
    fn transport_addresses_lead_back_to_their_ven() {
        let address = transport_address("127.0.0.1:4000".parse().unwrap(), 3);
        assert_eq!(address, "https://127.0.0.1:4000/ven/3/OpenADR2/Simple/2.0b");
        let path = format!(
            "{}/EiEvent",
            address.trim_start_matches("https://127.0.0.1:4000")
        );
        assert_eq!(ven_index(&path), Some(3));
        let v6 = transport_address("[::1]:4000".parse().unwrap(), 0);
        assert_eq!(v6, "https://[::1]:4000/ven/0/OpenADR2/Simple/2.0b");
    }
}
