//! One VEN's HTTP/1.1 keep-alive connection to the VTN over mTLS with its
//! own certificate (the VTN knows VENs by certificate, so connections are
//! not shared between VENs).

use anyhow::{Context, Result, anyhow, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

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

/// A VEN's connection, reopened when the VTN closes it.
pub struct Connection {
    target: Target,
    connector: Option<TlsConnector>,
    sender: Option<SendRequest<Full<Bytes>>>,
    /// Connections opened (each a full TLS handshake with TLS).
    pub handshakes: u64,
}

impl Connection {
    /// A connection for a VEN with this certificate and key (PEM); plain HTTP
    /// when the target has no CA.
    pub fn new(target: Target, cert_pem: &str, key_pem: &str) -> Result<Self> {
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
        let certs =
            rustls_pemfile::certs(&mut cert_pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
        let key =
            rustls_pemfile::private_key(&mut key_pem.as_bytes())?.context("no private key")?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_client_auth_cert(certs, key)?;
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

    /// Posts a message to a service and returns the answer's body.
    pub async fn post(&mut self, service: &str, xml: String) -> Result<Bytes> {
        let host = self.target.host.clone();
        let sender = self.open().await?;
        sender.ready().await?;
        let request = Request::post(format!("/OpenADR2/Simple/2.0b/{service}"))
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
