//! The development PKI that `make run` creates on first start (the CA itself
//! is [`app::pki::ca`]).
//!
//! Two separate CAs, as in production deployments: one signs the server's TLS
//! certificate (browsers and VENs trust it), the other signs VEN client
//! certificates (the server trusts it).

use anyhow::{Context, Result};
pub use app::pki::ca::{CertificateAuthority, Issued};
use std::fs;
use std::path::{Path, PathBuf};

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
    /// Its private key (0600), to issue VEN certificates.
    pub ven_ca_key: PathBuf,
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
            ven_ca_key: dir.join("ven-ca.key"),
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
        // A VEN CA made or imported with `vtn pki` before the first start stays.
        let ven_ca = if pki.ven_ca.exists() && pki.ven_ca_key.exists() {
            CertificateAuthority::load(
                &fs::read_to_string(&pki.ven_ca).context("reading ven-ca.pem")?,
                &fs::read_to_string(&pki.ven_ca_key).context("reading ven-ca.key")?,
            )?
        } else {
            CertificateAuthority::generate("OpenADR VTN development VEN CA")?
        };
        let demo = ven_ca.issue_client("demo-ven")?;

        write_public(&pki.server_ca, &server_ca.certificate.cert_pem)?;
        write_private(&dir.join("server-ca.key"), &server_ca.certificate.key_pem)?;
        write_public(&pki.ven_ca, &ven_ca.certificate.cert_pem)?;
        write_private(&pki.ven_ca_key, &ven_ca.certificate.key_pem)?;
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

pub(crate) fn write_public(path: &Path, contents: &str) -> Result<()> {
    app::pki::install::write_public(path, contents)
        .with_context(|| format!("writing {}", path.display()))
}

/// Private keys are readable by their owner only.
pub(crate) fn write_private(path: &Path, contents: &str) -> Result<()> {
    app::pki::install::write_private(path, contents)
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
}
