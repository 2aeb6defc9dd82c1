//! A server under test, and an HTTPS client that can present a certificate.

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use server::config::Cli;
use server::pki::Issued;
use std::path::Path;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

pub const ADMIN_PASSWORD: &str = "integration-test-password";

/// A running server with its own directory (database and PKI).
pub struct TestServer {
    pub server: server::Server,
    pub dir: TempDir,
    /// The database URL, for the `vtn` binary run beside the server.
    pub db_url: String,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_in(tempfile::tempdir().unwrap()).await
    }

    /// Starts on an existing directory (to test restarts).
    pub async fn start_in(dir: TempDir) -> Self {
        Self::start_with(dir, &[]).await
    }

    /// Starts on a directory with extra command-line settings (which win).
    pub async fn start_with(dir: TempDir, extra: &[&str]) -> Self {
        let db = database_url(dir.path()).await;
        let pki = dir.path().join("pki");
        let cli = Cli::try_parse_from(
            [
                "vtn",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                &db,
                "--dev-pki-dir",
                pki.to_str().unwrap(),
                "--admin-password",
                ADMIN_PASSWORD,
            ]
            .into_iter()
            .chain(extra.iter().copied()),
        )
        .unwrap();
        let server = server::start(cli.config).await.unwrap();
        Self {
            server,
            dir,
            db_url: db,
        }
    }

    pub fn pki(&self) -> &server::pki::DevPki {
        self.server.dev_pki.as_ref().unwrap()
    }

    /// The demo VEN certificate the dev PKI issued.
    pub fn demo_ven(&self) -> Issued {
        let pki = self.pki();
        let cert_pem = std::fs::read_to_string(&pki.demo_ven_cert).unwrap();
        let key_pem = std::fs::read_to_string(&pki.demo_ven_key).unwrap();
        issued(cert_pem, key_pem)
    }

    /// Stops the server and hands back its directory.
    pub async fn stop(self) -> TempDir {
        self.server.shutdown().await;
        self.dir
    }

    /// A new VEN certificate from the dev VEN CA, bound to a new site.
    pub async fn new_ven(&self, ven_name: &str) -> (Issued, app::db::entity::site::Model) {
        let dir = self.dir.path().join("pki");
        let ca = server::pki::CertificateAuthority::load(
            &std::fs::read_to_string(dir.join("ven-ca.pem")).unwrap(),
            &std::fs::read_to_string(dir.join("ven-ca.key")).unwrap(),
        )
        .unwrap();
        let cert = ca.issue_client(ven_name).unwrap();
        let fingerprint = openadr::Fingerprint::of_der(&cert.der).to_string();
        let site = app::db::sites::create(&self.server.db, ven_name, ven_name, Some(&fingerprint))
            .await
            .unwrap();
        (cert, site)
    }

    pub fn client(&self, identity: Option<&Issued>) -> Client {
        Client::new(self.server.https_addr, &self.pki().server_ca, identity)
    }
}

/// A certificate and key as the CA would have handed them out.
pub fn issued(cert_pem: String, key_pem: String) -> Issued {
    let der = first_cert(cert_pem.as_bytes()).to_vec();
    let (_, not_after) = app::pki::ca::describe(&der).unwrap();
    Issued {
        cert_pem,
        key_pem,
        der,
        serial: String::new(),
        not_after,
    }
}

/// A SQLite file in the test's directory, or, when `TEST_DATABASE_URL` is set,
/// a PostgreSQL schema of the test's own (kept across restarts of the test).
async fn database_url(dir: &Path) -> String {
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        return format!("sqlite://{}?mode=rwc", dir.join("vtn.db").display());
    };
    let marker = dir.join("pg-schema");
    let schema = match std::fs::read_to_string(&marker) {
        Ok(schema) => schema,
        Err(_) => {
            let schema = format!("it{:016x}", rand::random::<u64>());
            let admin = sea_orm::Database::connect(&url)
                .await
                .expect("connect TEST_DATABASE_URL");
            sea_orm::ConnectionTrait::execute_unprepared(
                &admin,
                &format!("CREATE SCHEMA {schema}"),
            )
            .await
            .unwrap();
            std::fs::write(&marker, &schema).unwrap();
            schema
        }
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

fn first_cert(pem: &[u8]) -> CertificateDer<'static> {
    rustls_pemfile::certs(&mut &pem[..])
        .next()
        .unwrap()
        .unwrap()
}

/// An HTTPS client trusting the server CA, optionally with a client certificate.
pub struct Client {
    addr: std::net::SocketAddr,
    connector: TlsConnector,
}

/// A response with its body read.
pub struct Response {
    pub status: StatusCode,
    pub headers: hyper::HeaderMap,
    pub body: String,
}

impl Client {
    fn new(addr: std::net::SocketAddr, server_ca: &Path, identity: Option<&Issued>) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(first_cert(&std::fs::read(server_ca).unwrap()))
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots);
        let config = match identity {
            Some(id) => {
                let key: PrivateKeyDer<'static> =
                    rustls_pemfile::private_key(&mut id.key_pem.as_bytes())
                        .unwrap()
                        .unwrap();
                builder
                    .with_client_auth_cert(vec![first_cert(id.cert_pem.as_bytes())], key)
                    .unwrap()
            }
            None => builder.with_no_client_auth(),
        };
        Self {
            addr,
            connector: TlsConnector::from(Arc::new(config)),
        }
    }

    /// A raw TLS connection, for tests that write HTTP by hand.
    pub async fn connect(&self) -> tokio_rustls::client::TlsStream<TcpStream> {
        let tcp = TcpStream::connect(self.addr).await.unwrap();
        self.connector
            .connect(ServerName::try_from("localhost").unwrap(), tcp)
            .await
            .unwrap()
    }

    /// Sends one request on a fresh connection.
    pub async fn send(
        &self,
        request: Request<Full<Bytes>>,
    ) -> Result<Response, Box<dyn std::error::Error + Send + Sync>> {
        let tcp = TcpStream::connect(self.addr).await?;
        let tls = self
            .connector
            .connect(ServerName::try_from("localhost")?, tcp)
            .await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
        tokio::spawn(connection);
        let response = sender.send_request(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    pub async fn get(
        &self,
        path: &str,
    ) -> Result<Response, Box<dyn std::error::Error + Send + Sync>> {
        self.send(
            Request::get(path)
                .header("host", "localhost")
                .body(Full::default())
                .unwrap(),
        )
        .await
    }
}

/// Waits up to 30 s for `check` to return something.
pub async fn eventually<T, F: std::future::Future<Output = Option<T>>>(
    what: &str,
    mut check: impl FnMut() -> F,
) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}
