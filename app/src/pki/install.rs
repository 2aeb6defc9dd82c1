//! Putting a VEN CA where the VTN reads it: generated here (`init`) or
//! brought from elsewhere (`import`). The key is written 0600 and each file
//! is replaced whole (written beside, then renamed), so a server re-reading
//! the CA never sees half a file. A running server trusts the new CA within
//! a few seconds.

use super::VenCa;
use super::ca::{CaError, CertificateAuthority};
use crate::models::certificate::CaSummary;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why a VEN CA was not installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A CA is already installed and replacing it was not asked for.
    #[error("{0}")]
    Exists(String),
    /// The certificate or key is not a usable CA.
    #[error("{0}")]
    Ca(#[from] CaError),
    /// The files could not be written.
    #[error("{0}")]
    Io(String),
}

/// Writes a file readable by its owner only, replacing any earlier one whole.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    write(path, contents, 0o600)
}

/// Writes a file anyone may read, replacing any earlier one whole.
pub fn write_public(path: &Path, contents: &str) -> std::io::Result<()> {
    write(path, contents, 0o644)
}

fn write(path: &Path, contents: &str, mode: u32) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut staged = path.as_os_str().to_owned();
    staged.push(".new");
    let staged = std::path::PathBuf::from(staged);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(&staged)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&staged, path)
}

impl VenCa {
    fn key_path(&self) -> Result<&Path, InstallError> {
        self.key.as_deref().ok_or_else(|| {
            InstallError::Io(
                "the VTN has no place for the VEN CA key (set --ven-ca-key / VTN_VEN_CA_KEY)"
                    .into(),
            )
        })
    }

    /// Generates a new VEN CA named `common_name`. Replacing an installed
    /// CA must be asked for: the VEN certificates it issued stop working.
    pub fn init(&self, common_name: &str, replace: bool) -> Result<CaSummary, InstallError> {
        let common_name = common_name.trim();
        if common_name.is_empty() {
            return Err(CaError::Unusable("the CA needs a name".into()).into());
        }
        if (self.cert.exists() || self.key_path()?.exists()) && !replace {
            return Err(InstallError::Exists(format!(
                "a VEN CA is already at {}; replace it explicitly (the certificates it issued stop working)",
                self.cert.display()
            )));
        }
        self.install(&CertificateAuthority::generate(common_name)?)
    }

    /// Installs a CA certificate and its key (PEM), checked to belong together
    /// and to be a CA. Replacing an installed CA must be asked for: the VEN
    /// certificates it issued stop working.
    pub fn import(
        &self,
        cert_pem: &str,
        key_pem: &str,
        replace: bool,
    ) -> Result<CaSummary, InstallError> {
        let ca = CertificateAuthority::load(cert_pem, key_pem)?;
        if self.cert.exists() && !replace {
            return Err(InstallError::Exists(format!(
                "a VEN CA is already at {}; replace it explicitly (the certificates it issued stop working)",
                self.cert.display()
            )));
        }
        self.install(&ca)
    }

    fn install(&self, ca: &CertificateAuthority) -> Result<CaSummary, InstallError> {
        let key = self.key_path()?;
        let failed = |path: &Path, e: std::io::Error| {
            InstallError::Io(format!("cannot write {}: {e}", path.display()))
        };
        write_private(key, &ca.certificate.key_pem).map_err(|e| failed(key, e))?;
        write_public(&self.cert, &ca.certificate.cert_pem).map_err(|e| failed(&self.cert, e))?;
        Ok(self.summary()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn ven_ca(dir: &Path) -> VenCa {
        VenCa {
            cert: dir.join("ca/ven-ca.pem"),
            key: Some(dir.join("ca/ven-ca.key")),
        }
    }

    #[test]
    fn init_writes_a_ca_once_with_its_key_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ven_ca(dir.path());
        let summary = ca.init("Utility VEN CA", false).unwrap();
        assert_eq!(summary.common_name, "Utility VEN CA");
        assert!(summary.can_issue);
        let mode = std::fs::metadata(ca.key.as_ref().unwrap())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            ca.init("Again", false),
            Err(InstallError::Exists(_))
        ));
        assert!(ca.load().unwrap().issue_client("ven-1").is_ok());
        assert_eq!(ca.init("Again", true).unwrap().common_name, "Again");
    }

    #[test]
    fn import_checks_the_pair_and_replaces_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let ca = ven_ca(dir.path());
        ca.init("Old CA", false).unwrap();
        let new = CertificateAuthority::generate("New CA").unwrap();
        let other = CertificateAuthority::generate("Other CA").unwrap();
        let (cert, key) = (&new.certificate.cert_pem, &new.certificate.key_pem);
        assert!(matches!(
            ca.import(cert, key, false),
            Err(InstallError::Exists(_))
        ));
        assert!(matches!(
            ca.import(cert, &other.certificate.key_pem, true),
            Err(InstallError::Ca(_))
        ));
        assert_eq!(ca.summary().unwrap().common_name, "Old CA", "unchanged");
        assert_eq!(ca.import(cert, key, true).unwrap().common_name, "New CA");
    }
}
