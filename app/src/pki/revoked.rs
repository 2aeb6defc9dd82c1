//! The fingerprints of revoked VEN certificates, process-wide, so that the
//! TLS handshake and every OpenADR request can refuse them without a database
//! query. Revocations made in this process (operator app, API) are added at
//! once; the server reloads the whole set from the database every few
//! seconds for those made by other processes (`vtn pki revoke`).

use std::collections::HashSet;
use std::sync::{LazyLock, PoisonError, RwLock};

/// A set of revoked fingerprints (OpenADR form).
#[derive(Debug, Default)]
pub struct Revoked {
    fingerprints: RwLock<HashSet<String>>,
}

impl Revoked {
    /// Whether this fingerprint was revoked.
    pub fn contains(&self, fingerprint: &str) -> bool {
        let set = self
            .fingerprints
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        !set.is_empty() && set.contains(fingerprint)
    }

    /// Adds one revocation.
    pub fn insert(&self, fingerprint: String) {
        self.fingerprints
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(fingerprint);
    }

    /// Adds what the database holds. A revocation is final, so the set only
    /// grows (and several servers in one process, as in tests, share it
    /// safely: fingerprints are unique).
    pub fn extend(&self, fingerprints: HashSet<String>) {
        let mut set = self
            .fingerprints
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if !fingerprints.is_subset(&set) {
            set.extend(fingerprints);
        }
    }
}

/// The revoked certificates of this process.
pub static REVOKED: LazyLock<Revoked> = LazyLock::new(Revoked::default);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_and_loaded_fingerprints_are_refused() {
        let revoked = Revoked::default();
        assert!(!revoked.contains("AA"));
        revoked.insert("AA".into());
        assert!(revoked.contains("AA"));
        revoked.extend(HashSet::from(["BB".to_owned()]));
        assert!(revoked.contains("AA"), "a revocation is final");
        assert!(revoked.contains("BB"));
        assert!(!revoked.contains("CC"));
    }
}
