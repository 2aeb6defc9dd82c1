//! How a simulated VEN reaches the VTN: HTTP/1.1 keep-alive connections, over
//! TLS (with or without a client certificate) or plain HTTP, and the path its
//! messages are posted to.
//!
//! A VEN known by its certificate needs a connection of its own, since the
//! VTN reads its identity from the TLS session. A VEN known by a URL token
//! (or by venID, for openleadr's VTN) carries its identity in each request, so
//! many such VENs can share a small [`Pool`] of connections: that is how one
//! process simulates 100,000 of them without 100,000 sockets.

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The path every OpenADR 2.0b Simple HTTP service lives under.
pub(crate) const SERVICE_PATH: &str = "/OpenADR2/Simple/2.0b";

/// Where the VTN is.
#[derive(Debug, Clone)]
pub struct Target {
    /// Address to connect to.
    pub addr: SocketAddr,
    /// Host name in the VTN's certificate.
    pub host: String,
    /// The VTN's CA (PEM); `None` speaks plain HTTP (to a gateway, or to a VTN
    /// such as openleadr's that knows VENs by venID).
    pub ca_pem: Option<Arc<Vec<u8>>>,
}

/// One HTTP/1.1 keep-alive connection, reopened when the VTN closes it.
pub struct Connection {
    target: Target,
    connector: Option<TlsConnector>,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// Connections opened (each a full TLS handshake with TLS).
    pub handshakes: u64,
}

impl Connection {
    /// A connection presenting this client certificate and key (PEM), or none;
    /// plain HTTP when the target has no CA.
    pub fn new(target: Target, client_cert: Option<(&str, &str)>) -> Result<Self> {
        let Some(ca_pem) = target.ca_pem.clone() else {
            return Ok(Self {
                target,
                connector: None,
                sender: None,
                handshakes: 0,
            });
        };
        let mut roots = rustls::RootCertStore::empty();
        for ca in rustls_pemfile::certs(&mut ca_pem.as_slice()) {
            roots.add(ca?)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots);
        let config = match client_cert {
            Some((cert_pem, key_pem)) => {
                let certs = rustls_pemfile::certs(&mut cert_pem.as_bytes())
                    .collect::<Result<Vec<_>, _>>()?;
                let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())?
                    .context("no private key")?;
                builder.with_client_auth_cert(certs, key)?
            }
            None => builder.with_no_client_auth(),
        };
        Ok(Self {
            target,
            connector: Some(TlsConnector::from(Arc::new(config))),
            sender: None,
            handshakes: 0,
        })
    }

    async fn open(&mut self) -> Result<&mut SendRequest<Full<Bytes>>> {
        if self.sender.as_ref().is_none_or(|s| s.is_closed()) {
            let tcp = TcpStream::connect(self.target.addr)
                .await
                .context("connecting to the VTN")?;
            tcp.set_nodelay(true)?;
            let sender = match &self.connector {
                Some(connector) => {
                    let name = ServerName::try_from(self.target.host.clone())?;
                    let tls = connector
                        .connect(name, tcp)
                        .await
                        .context("TLS handshake")?;
                    let (sender, connection) =
                        hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
                    tokio::spawn(connection);
                    sender
                }
                None => {
                    let (sender, connection) =
                        hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
                    tokio::spawn(connection);
                    sender
                }
            };
            self.sender = Some(sender);
            self.handshakes += 1;
        }
        self.sender.as_mut().ok_or_else(|| anyhow!("no connection"))
    }

    /// Posts an XML body to `path` and returns the answer's body.
    pub async fn post(&mut self, path: &str, xml: String) -> Result<Bytes> {
        let host = self.target.host.clone();
        let sender = self.open().await?;
        sender.ready().await?;
        let request = Request::post(path)
            .header("host", host)
            .header("content-type", "application/xml")
            .body(Full::new(Bytes::from(xml)))?;
        let response = match sender.send_request(request).await {
            Ok(response) => response,
            Err(error) => {
                self.sender = None;
                return Err(error.into());
            }
        };
        if !response.status().is_success() {
            bail!("HTTP {}", response.status());
        }
        Ok(response.into_body().collect().await?.to_bytes())
    }

    /// Closes the connection (the next request makes a full handshake).
    pub fn close(&mut self) {
        self.sender = None;
    }
}

/// Keep-alive connections shared by VENs that carry their identity in the
/// request. Requests go round-robin; one waits only when its connection is
/// still busy with an earlier request.
pub struct Pool {
    connections: Vec<tokio::sync::Mutex<Connection>>,
    next: AtomicUsize,
}

impl Pool {
    /// `size` connections (at least one) to `target`, without client
    /// certificates. Nothing is opened until used.
    pub fn new(target: &Target, size: usize) -> Result<Self> {
        let connections = (0..size.max(1))
            .map(|_| Connection::new(target.clone(), None).map(tokio::sync::Mutex::new))
            .collect::<Result<_>>()?;
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    async fn post(&self, path: &str, xml: String) -> Result<Bytes> {
        let n = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        self.connections[n].lock().await.post(path, xml).await
    }

    /// Connections opened so far (waits for requests in flight).
    pub async fn handshakes(&self) -> u64 {
        let mut total = 0;
        for connection in &self.connections {
            total += connection.lock().await.handshakes;
        }
        total
    }
}

/// How one VEN sends: the path prefix that identifies it (a URL token, or
/// nothing) and its own connection or a shared pool.
pub struct Link {
    /// `/OpenADR2/Simple/2.0b`, after `/<token>` for token-URL VENs.
    base: String,
    route: Route,
}

enum Route {
    Own(Connection),
    Shared(Arc<Pool>),
}

impl Link {
    /// A VEN with its own connection.
    pub fn own(connection: Connection, token: Option<&str>) -> Result<Self> {
        Ok(Self {
            base: base_path(token)?,
            route: Route::Own(connection),
        })
    }

    /// A VEN using a shared pool.
    pub fn shared(pool: Arc<Pool>, token: Option<&str>) -> Result<Self> {
        Ok(Self {
            base: base_path(token)?,
            route: Route::Shared(pool),
        })
    }

    /// Posts a message to a service and returns the answer's body.
    pub async fn post(&mut self, service: &str, xml: String) -> Result<Bytes> {
        let path = format!("{}/{service}", self.base);
        match &mut self.route {
            Route::Own(connection) => connection.post(&path, xml).await,
            Route::Shared(pool) => pool.post(&path, xml).await,
        }
    }

    /// Full TLS handshakes made on the VEN's own connection (a pool counts its
    /// own, see [`Pool::handshakes`]).
    pub fn handshakes(&self) -> u64 {
        match &self.route {
            Route::Own(connection) => connection.handshakes,
            Route::Shared(_) => 0,
        }
    }

    /// Closes the VEN's own connection so the next request makes a new
    /// handshake; a shared pool is left alone.
    pub fn close(&mut self) {
        if let Route::Own(connection) = &mut self.route {
            connection.close();
        }
    }
}

/// The service path, under the token when there is one. A token goes into the
/// URL as it is, so anything but letters, digits, `-` and `_` is refused
/// rather than sent as a malformed request.
fn base_path(token: Option<&str>) -> Result<String> {
    match token {
        None => Ok(SERVICE_PATH.to_owned()),
        Some(token)
            if !token.is_empty()
                && token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            Ok(format!("/{token}{SERVICE_PATH}"))
        }
        Some(token) => {
            bail!("URL token {token:?} is empty or has characters a URL path cannot carry")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_prefix_the_service_path_and_bad_ones_are_refused() {
        assert_eq!(base_path(None).unwrap(), "/OpenADR2/Simple/2.0b");
        assert_eq!(
            base_path(Some("ab12-x_Y")).unwrap(),
            "/ab12-x_Y/OpenADR2/Simple/2.0b"
        );
        for bad in ["", "a/b", "a b", "tök", "a?b"] {
            assert!(base_path(Some(bad)).is_err(), "{bad:?} accepted");
        }
    }
}
