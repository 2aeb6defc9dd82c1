//! Certificates: a small certificate authority for development and tests, and
//! the development PKI that `make run` creates on first start.
//!
//! Two separate CAs, as in production deployments: one signs the server's TLS
//! certificate (browsers and VENs trust it), the other signs VEN client
//! certificates (the server trusts it).

use anyhow::{Context, Result};
use chrono::{Datelike, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, date_time_ymd,
};
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// A certificate and its private key, PEM-encoded.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The certificate (PEM).
    pub cert_pem: String,
    /// The PKCS#8 private key (PEM).
    pub key_pem: String,
    /// The certificate (DER), e.g. for its fingerprint.
    pub der: Vec<u8>,
}

/// A certificate authority that can issue server and client certificates.
pub struct CertificateAuthority {
    issuer: Issuer<'static, KeyPair>,
    /// The CA's own certificate.
    pub certificate: Issued,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority")
            .finish_non_exhaustive()
    }
}

fn validity(params: &mut CertificateParams, years: i32) {
    let now = Utc::now().date_naive();
    let yesterday = now.pred_opt().unwrap_or(now);
    params.not_before = date_time_ymd(
        yesterday.year(),
        yesterday.month() as u8,
        yesterday.day() as u8,
    );
    // Day 28 exists in every month, so the end date is always valid.
    params.not_after = date_time_ymd(
        now.year() + years,
        now.month() as u8,
        now.day().min(28) as u8,
    );
}

fn named(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "OpenADR VTN");
    name.push(DnType::CommonName, common_name);
    name
}

impl CertificateAuthority {
    /// A new self-signed CA (ECDSA P-256, valid ten years).
    pub fn generate(common_name: &str) -> Result<Self> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        params.distinguished_name = named(common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        validity(&mut params, 10);
        let cert = params.self_signed(&key)?;
        let certificate = Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        };
        Ok(Self {
            issuer: Issuer::new(params, key),
            certificate,
        })
    }

    /// Loads a CA from its certificate and key (PEM).
    pub fn load(cert_pem: &str, key_pem: &str) -> Result<Self> {
        let key = KeyPair::from_pem(key_pem).context("CA private key")?;
        let issuer = Issuer::from_ca_cert_pem(cert_pem, key).context("CA certificate")?;
        let der = rustls_pemfile::certs(&mut cert_pem.as_bytes())
            .next()
            .context("no certificate in the CA PEM")??
            .to_vec();
        let certificate = Issued {
            cert_pem: cert_pem.to_owned(),
            key_pem: key_pem.to_owned(),
            der,
        };
        Ok(Self {
            issuer,
            certificate,
        })
    }

    /// A TLS server certificate for these DNS names or IP addresses.
    pub fn issue_server(&self, names: &[&str]) -> Result<Issued> {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
        params.distinguished_name = named(names.first().copied().unwrap_or("vtn"));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params)
    }

    /// A TLS client certificate for a VEN, with the VEN's name as common name.
    pub fn issue_client(&self, common_name: &str) -> Result<Issued> {
        let mut params = CertificateParams::default();
        params.distinguished_name = named(common_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params)
    }

    fn issue(&self, mut params: CertificateParams) -> Result<Issued> {
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        validity(&mut params, 2);
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
        })
    }
}

/// Where the development PKI keeps its files.
#[derive(Debug, Clone)]
pub struct DevPki {
    /// Server certificate chain (leaf, then CA).
    pub server_cert: PathBuf,
    /// Server private key.
    pub server_key: PathBuf,
    /// The CA that browsers and VENs trust for the server.
    pub server_ca: PathBuf,
    /// The CA that signs VEN client certificates.
    pub ven_ca: PathBuf,
    /// A demo VEN's certificate.
    pub demo_ven_cert: PathBuf,
    /// The demo VEN's private key.
    pub demo_ven_key: PathBuf,
    /// The VTN's client certificate for pushing to VENs (from the server CA).
    pub push_cert: PathBuf,
    /// Its private key.
    pub push_key: PathBuf,
}

impl DevPki {
    /// The file layout under `dir`.
    pub fn at(dir: &Path) -> Self {
        Self {
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            server_ca: dir.join("server-ca.pem"),
            ven_ca: dir.join("ven-ca.pem"),
            demo_ven_cert: dir.join("ven-demo.pem"),
            demo_ven_key: dir.join("ven-demo.key"),
            push_cert: dir.join("vtn-client.pem"),
            push_key: dir.join("vtn-client.key"),
        }
    }

    /// The OpenADR fingerprint of the demo VEN's certificate.
    pub fn demo_ven_fingerprint(&self) -> Result<openadr::Fingerprint> {
        let pem = fs::read(&self.demo_ven_cert)
            .with_context(|| format!("reading {}", self.demo_ven_cert.display()))?;
        let der = rustls_pemfile::certs(&mut pem.as_slice())
            .next()
            .with_context(|| format!("no certificate in {}", self.demo_ven_cert.display()))??;
        Ok(openadr::Fingerprint::of_der(&der))
    }

    /// Development PKIs made before push delivery lack the VTN's client
    /// certificate: issue it from the server CA.
    fn ensure_push_identity(&self, dir: &Path) -> Result<()> {
        if self.push_cert.exists() {
            return Ok(());
        }
        let ca_key =
            fs::read_to_string(dir.join("server-ca.key")).context("reading server-ca.key")?;
        let ca_cert = fs::read_to_string(&self.server_ca).context("reading server-ca.pem")?;
        let push = CertificateAuthority::load(&ca_cert, &ca_key)?.issue_client("openadr-vtn")?;
        write_private(&self.push_key, &push.key_pem)?;
        write_public(&self.push_cert, &push.cert_pem)
    }

    /// Creates the development PKI in `dir` unless it is already there.
    /// Returns the layout and whether it was created now.
    pub fn ensure(dir: &Path) -> Result<(Self, bool)> {
        let pki = Self::at(dir);
        if pki.server_cert.exists() {
            pki.ensure_push_identity(dir)?;
            return Ok((pki, false));
        }
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let server_ca = CertificateAuthority::generate("OpenADR VTN development server CA")?;
        let server = server_ca.issue_server(&["localhost", "127.0.0.1", "::1"])?;
        let ven_ca = CertificateAuthority::generate("OpenADR VTN development VEN CA")?;
        let demo = ven_ca.issue_client("demo-ven")?;

        write_public(&pki.server_ca, &server_ca.certificate.cert_pem)?;
        write_private(&dir.join("server-ca.key"), &server_ca.certificate.key_pem)?;
        write_public(&pki.ven_ca, &ven_ca.certificate.cert_pem)?;
        write_private(&dir.join("ven-ca.key"), &ven_ca.certificate.key_pem)?;
        write_public(&pki.demo_ven_cert, &demo.cert_pem)?;
        write_private(&pki.demo_ven_key, &demo.key_pem)?;
        write_private(&pki.server_key, &server.key_pem)?;
        let push = server_ca.issue_client("openadr-vtn")?;
        write_private(&pki.push_key, &push.key_pem)?;
        write_public(&pki.push_cert, &push.cert_pem)?;
        // The certificate last: its presence marks the PKI as complete.
        write_public(
            &pki.server_cert,
            &format!("{}{}", server.cert_pem, server_ca.certificate.cert_pem),
        )?;
        Ok((pki, true))
    }
}

fn write_public(path: &Path, contents: &str) -> Result<()> {
    fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

/// Private keys are readable by their owner only.
fn write_private(path: &Path, contents: &str) -> Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn dev_pki_is_created_once_with_private_keys_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let (pki, created) = DevPki::ensure(dir.path()).unwrap();
        assert!(created);
        let first = fs::read_to_string(&pki.server_cert).unwrap();
        assert_eq!(first.matches("BEGIN CERTIFICATE").count(), 2, "leaf and CA");
        let mode = fs::metadata(&pki.server_key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let (_, created_again) = DevPki::ensure(dir.path()).unwrap();
        assert!(!created_again);
        assert_eq!(fs::read_to_string(&pki.server_cert).unwrap(), first);
    }

    #[test]
    fn a_loaded_ca_issues_certificates_like_the_original() {
        let ca = CertificateAuthority::generate("test CA").unwrap();
        let loaded =
            CertificateAuthority::load(&ca.certificate.cert_pem, &ca.certificate.key_pem).unwrap();
        let leaf = loaded.issue_client("ven-1").unwrap();
        assert!(leaf.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        assert_ne!(leaf.der, ca.certificate.der);
    }
}
