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
    /// Whether the open connection has already carried an exchange.
    reused: bool,
    /// What it took to keep connected.
    pub counts: Counts,
}

/// Reconnections, over a run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Connections opened (each a full TLS handshake with TLS).
    pub handshakes: u64,
    /// Requests sent again on a new connection because the VTN had closed the
    /// kept-alive one (after 30 s idle) before answering them.
    pub resent: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.handshakes += other.handshakes;
        self.resent += other.resent;
    }
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
                reused: false,
                counts: Counts::default(),
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
            reused: false,
            counts: Counts::default(),
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
            self.reused = false;
            self.counts.handshakes += 1;
        }
        self.sender.as_mut().ok_or_else(|| anyhow!("no connection"))
    }

    /// Posts an XML body to `path` and returns the answer's body.
    ///
    /// A server may close a kept-alive connection while a request is on its
    /// way (the VTN closes connections idle for 30 s); like any HTTP client,
    /// a request that failed that way before any answer is sent once more on a
    /// new connection. On a new connection nothing is retried.
    pub async fn post(&mut self, path: &str, xml: String) -> Result<Bytes> {
        let body = Bytes::from(xml);
        let reused = self.reused && self.sender.as_ref().is_some_and(|s| !s.is_closed());
        match self.exchange(path, body.clone()).await {
            Err(Failure::Unanswered(_)) if reused => {
                self.counts.resent += 1;
                self.exchange(path, body).await.map_err(Failure::into_error)
            }
            answer => answer.map_err(Failure::into_error),
        }
    }

    async fn exchange(&mut self, path: &str, body: Bytes) -> Result<Bytes, Failure> {
        let host = self.target.host.clone();
        let sender = self.open().await.map_err(Failure::Other)?;
        if let Err(error) = sender.ready().await {
            self.sender = None;
            return Err(Failure::Unanswered(error));
        }
        let request = Request::post(path)
            .header("host", host)
            .header("content-type", "application/xml")
            .body(Full::new(body))
            .map_err(|e| Failure::Other(e.into()))?;
        let response = match sender.send_request(request).await {
            Ok(response) => response,
            Err(error) => {
                self.sender = None;
                return Err(if closed_unanswered(&error) {
                    Failure::Unanswered(error)
                } else {
                    Failure::Other(error.into())
                });
            }
        };
        self.reused = true;
        if !response.status().is_success() {
            return Err(Failure::Other(anyhow!("HTTP {}", response.status())));
        }
        let body = response.into_body().collect().await;
        Ok(body.map_err(|e| Failure::Other(e.into()))?.to_bytes())
    }

    /// Closes the connection (the next request makes a full handshake).
    pub fn close(&mut self) {
        self.sender = None;
    }
}

/// Whether the connection ended before any answer: closed, or reset because
/// the VTN closed it with the request unread. Over TLS a close without
/// close_notify (the VTN dropping a connection idle for 30 s) reads as an
/// unexpected end of file.
fn closed_unanswered(error: &hyper::Error) -> bool {
    let ended = std::error::Error::source(error)
        .and_then(|cause| cause.downcast_ref::<std::io::Error>())
        .is_some_and(|io| {
            matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            )
        });
    error.is_canceled() || error.is_incomplete_message() || ended
}

/// A short reason for a failed exchange, for the statistics.
pub fn reason(error: &anyhow::Error) -> &'static str {
    let top = error.to_string();
    if top.starts_with("connecting to the VTN") {
        return "connect";
    }
    if top.starts_with("TLS handshake") {
        return "TLS handshake";
    }
    if top.starts_with("HTTP ") {
        return "HTTP status";
    }
    for cause in error.chain() {
        if let Some(error) = cause.downcast_ref::<hyper::Error>() {
            if error.is_incomplete_message() || error.is_canceled() {
                return "connection closed before an answer";
            }
            if error.is_timeout() {
                return "timeout";
            }
        }
        if let Some(error) = cause.downcast_ref::<std::io::Error>() {
            return match error.kind() {
                std::io::ErrorKind::ConnectionReset => "connection reset",
                std::io::ErrorKind::BrokenPipe => "broken pipe",
                std::io::ErrorKind::TimedOut => "timeout",
                std::io::ErrorKind::UnexpectedEof => "connection closed before an answer",
                _ => "I/O",
            };
        }
    }
    "other"
}

/// Why an exchange failed.
enum Failure {
    /// The connection closed before any answer came.
    Unanswered(hyper::Error),
    /// Anything else.
    Other(anyhow::Error),
}

impl Failure {
    fn into_error(self) -> anyhow::Error {
        match self {
            Failure::Unanswered(error) => error.into(),
            Failure::Other(error) => error,
        }
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

    /// Reconnections so far (waits for requests in flight).
    pub async fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for connection in &self.connections {
            total += connection.lock().await.counts;
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

    /// Reconnections of the VEN's own connection (a pool counts its own, see
    /// [`Pool::counts`]).
    pub fn counts(&self) -> Counts {
        match &self.route {
            Route::Own(connection) => connection.counts,
            Route::Shared(_) => Counts::default(),
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
    use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
    use tokio::net::TcpListener;

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

    /// Reads one request (headers and a Content-Length body); false at EOF.
    async fn read_request(socket: &mut (impl AsyncRead + Unpin)) -> bool {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            if let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&seen[..end]).to_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if seen.len() >= end + 4 + length {
                    return true;
                }
            }
            match socket.read(&mut buf).await.unwrap() {
                0 => return false,
                n => seen.extend_from_slice(&buf[..n]),
            }
        }
    }

    async fn answer(socket: &mut (impl AsyncWrite + Unpin), body: &str) {
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(response.as_bytes()).await.unwrap();
    }

    /// A plain HTTP server whose first connection answers one request and
    /// then drops the next one unanswered (closing the connection, or
    /// resetting it); later connections answer all.
    async fn closing_server(reset: bool) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut first, _) = listener.accept().await.unwrap();
            assert!(read_request(&mut first).await);
            answer(&mut first, "one").await;
            assert!(read_request(&mut first).await);
            if reset {
                // With a zero linger, closing sends a reset.
                first.set_zero_linger().unwrap();
            }
            drop(first);
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    while read_request(&mut socket).await {
                        answer(&mut socket, "again").await;
                    }
                });
            }
        });
        addr
    }

    fn plain(addr: SocketAddr) -> Connection {
        let target = Target {
            addr,
            host: "localhost".into(),
            ca_pem: None,
        };
        Connection::new(target, None).unwrap()
    }

    #[tokio::test]
    async fn a_request_the_server_dropped_on_a_kept_alive_connection_is_sent_again() {
        for reset in [false, true] {
            let mut connection = plain(closing_server(reset).await);
            answered_once_then_resent(&mut connection).await;
        }
    }

    /// Posts twice to a server that answers the first request and drops the
    /// second (then answers on a new connection): the second is sent again.
    async fn answered_once_then_resent(connection: &mut Connection) {
        assert_eq!(connection.post("/a", "<x/>".into()).await.unwrap(), "one");
        assert_eq!(connection.post("/b", "<x/>".into()).await.unwrap(), "again");
        assert_eq!(
            connection.counts,
            Counts {
                handshakes: 2,
                resent: 1
            }
        );
    }

    #[tokio::test]
    async fn a_request_dropped_without_close_notify_on_a_kept_alive_tls_connection_is_sent_again() {
        // As the VTN drops a connection idle for 30 s: no TLS close_notify.
        let dir = tempfile::tempdir().unwrap();
        let (pki, _) = server::pki::DevPki::ensure(dir.path()).unwrap();
        let config =
            server::tls::server_config(&pki.server_cert, &pki.server_key, &pki.ven_ca).unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut first = 0;
            loop {
                let (socket, _) = listener.accept().await.unwrap();
                let mut tls = acceptor.accept(socket).await.unwrap();
                first += 1;
                tokio::spawn(async move {
                    while read_request(&mut tls).await {
                        if first == 1 {
                            answer(&mut tls, "one").await;
                            assert!(read_request(&mut tls).await);
                            return;
                        }
                        answer(&mut tls, "again").await;
                    }
                });
            }
        });
        let target = Target {
            addr,
            host: "localhost".into(),
            ca_pem: Some(Arc::new(std::fs::read(&pki.server_ca).unwrap())),
        };
        let cert = std::fs::read_to_string(&pki.demo_ven_cert).unwrap();
        let key = std::fs::read_to_string(&pki.demo_ven_key).unwrap();
        let mut connection = Connection::new(target, Some((&cert, &key))).unwrap();
        answered_once_then_resent(&mut connection).await;
    }

    #[tokio::test]
    async fn a_request_dropped_on_a_new_connection_fails() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                read_request(&mut socket).await;
            }
        });
        let mut connection = plain(addr);
        let error = connection.post("/a", "<x/>".into()).await.unwrap_err();
        assert_eq!(reason(&error), "connection closed before an answer");
        assert_eq!(connection.counts.resent, 0);
    }

    #[tokio::test]
    async fn a_vtn_that_is_not_there_is_a_connect_failure() {
        let addr = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let error = plain(addr).post("/a", "<x/>".into()).await.unwrap_err();
        assert_eq!(reason(&error), "connect");
    }
}
