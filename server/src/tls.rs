//! The rustls configuration: the server's certificate, and VEN client
//! certificates verified against the VEN client CA but optional at the TLS
//! layer, so that browsers without a certificate still reach the UI. A
//! revoked VEN certificate fails the handshake.

use anyhow::{Context, Result, bail};
use openadr::Fingerprint;
use rustls::RootCertStore;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::UnixTime;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::path::Path;
use std::sync::Arc;

/// The verified client certificate of a connection, put into every request's
/// extensions. Absent when the peer presented none.
#[derive(Debug, Clone)]
pub struct ClientCertificate {
    /// The leaf certificate (DER).
    pub der: Arc<[u8]>,
    /// Its OpenADR 2.0b fingerprint, the VEN's identity, as text (written
    /// once per connection rather than for every request).
    pub fingerprint: Arc<str>,
}

impl ClientCertificate {
    /// Wraps a verified peer certificate.
    pub fn new(der: &[u8]) -> Self {
        Self {
            der: der.into(),
            fingerprint: Fingerprint::of_der(der).to_string().into(),
        }
    }
}

/// ring's, with the AES-128-GCM suites first: they hash with SHA-256, which
/// CPUs with SHA extensions run in hardware, where the AES-256 suites' SHA-384
/// is software (about 4 % of the VTN's CPU per full handshake).
fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    use rustls::CipherSuite::{
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TLS13_AES_128_GCM_SHA256,
    };
    let mut provider = rustls::crypto::ring::default_provider();
    provider.cipher_suites.sort_by_key(|suite| {
        !matches!(
            suite.suite(),
            TLS13_AES_128_GCM_SHA256
                | TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
                | TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
        )
    });
    Arc::new(provider)
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let certs = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("parsing certificates in {}", path.display()))?;
    if certs.is_empty() {
        bail!("{} holds no PEM certificate", path.display());
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    rustls_pemfile::private_key(&mut pem.as_slice())
        .with_context(|| format!("parsing the private key in {}", path.display()))?
        .with_context(|| format!("{} holds no PEM private key", path.display()))
}

/// Verifies VEN certificates against the VEN CA. Until a VEN CA is installed
/// (`vtn pki init|import`, or the Certificates page), none is asked for:
/// VENs use token URLs or a gateway.
fn client_verifier(ven_ca: &Path) -> Result<Arc<dyn ClientCertVerifier>> {
    if !ven_ca.exists() {
        tracing::warn!(ven_ca = %ven_ca.display(), "no VEN CA yet: VENs cannot authenticate with certificates until one is initialised or imported");
        return Ok(WebPkiClientVerifier::no_client_auth());
    }
    let mut roots = RootCertStore::empty();
    for ca in read_certs(ven_ca)? {
        roots
            .add(ca)
            .with_context(|| format!("adding the VEN CA from {}", ven_ca.display()))?;
    }
    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
        .allow_unauthenticated()
        .build()
        .context("building the client certificate verifier")
}

/// Builds the server's TLS configuration from PEM files.
pub fn server_config(cert: &Path, key: &Path, ven_ca: &Path) -> Result<rustls::ServerConfig> {
    let verifier = Arc::new(NotRevoked(client_verifier(ven_ca)?));
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("choosing TLS versions")?
        .with_client_cert_verifier(verifier)
        .with_single_cert(read_certs(cert)?, read_key(key)?)
        .with_context(|| {
            format!(
                "using the certificate {} with key {}",
                cert.display(),
                key.display()
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    // The suites in the provider's order, whatever the client prefers.
    config.ignore_client_order = true;
    // A resumed session skips client certificate verification: a revoked VEN
    // could come back on an old session. Every connection verifies in full.
    config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    Ok(config)
}

/// Verifies client certificates with the VEN CA, then refuses the revoked
/// ones ([`app::pki::revoked::REVOKED`]): the handshake fails, so a revoked
/// VEN cannot open a connection from the moment it is revoked.
#[derive(Debug)]
struct NotRevoked(Arc<dyn ClientCertVerifier>);

impl ClientCertVerifier for NotRevoked {
    fn offer_client_auth(&self) -> bool {
        self.0.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.0.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.0.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        let verified = self.0.verify_client_cert(end_entity, intermediates, now)?;
        let fingerprint = Fingerprint::of_der(end_entity).to_string();
        if app::pki::revoked::REVOKED.contains(&fingerprint) {
            tracing::info!(%fingerprint, "revoked VEN certificate refused");
            return Err(rustls::Error::InvalidCertificate(CertificateError::Revoked));
        }
        Ok(verified)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The client configuration for pushing to VENs: the VTN's certificate, and
/// the CA that signs the VENs' endpoints.
pub fn client_config(cert: &Path, key: &Path, ca: &Path) -> Result<rustls::ClientConfig> {
    let mut roots = RootCertStore::empty();
    for root in read_certs(ca)? {
        roots
            .add(root)
            .with_context(|| format!("adding the push CA from {}", ca.display()))?;
    }
    rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .context("choosing TLS versions")?
        .with_root_certificates(roots)
        .with_client_auth_cert(read_certs(cert)?, read_key(key)?)
        .with_context(|| {
            format!(
                "using the push certificate {} with key {}",
                cert.display(),
                key.display()
            )
        })
}
