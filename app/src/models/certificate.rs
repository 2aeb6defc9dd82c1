//! VEN client certificates as admins see them, and what an issue hands out once.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Certificates expiring within this long are flagged.
pub const WARN_BEFORE: TimeDelta = TimeDelta::days(30);

/// The key algorithm of an issued certificate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum KeyType {
    /// ECDSA on P-256 with SHA-256: small and fast (the default).
    #[default]
    EcdsaP256,
    /// RSA 2048 with SHA-256, for VENs whose TLS stack needs RSA.
    Rsa2048,
}

impl KeyType {
    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::Rsa2048 => "rsa-2048",
        }
    }
}

impl fmt::Display for KeyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KeyType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ecdsa-p256" | "ecdsa" => Ok(KeyType::EcdsaP256),
            "rsa-2048" | "rsa" => Ok(KeyType::Rsa2048),
            other => Err(format!(
                "unknown key type {other:?} (ecdsa-p256 or rsa-2048)"
            )),
        }
    }
}

/// Where a certificate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CertificateState {
    /// Valid and bound to its site.
    Active,
    /// Valid, but its site now uses another certificate.
    Superseded,
    /// Valid for less than [`WARN_BEFORE`].
    ExpiresSoon,
    /// Past its end date.
    Expired,
    /// Refused from its revocation on.
    Revoked,
}

impl CertificateState {
    /// What the list shows.
    pub fn label(self) -> &'static str {
        match self {
            CertificateState::Active => "active",
            CertificateState::Superseded => "superseded",
            CertificateState::ExpiresSoon => "expires soon",
            CertificateState::Expired => "expired",
            CertificateState::Revoked => "revoked",
        }
    }

    /// The state of a certificate at `now`.
    pub fn at(
        now: DateTime<Utc>,
        not_after: DateTime<Utc>,
        revoked: bool,
        bound_to_site: bool,
    ) -> Self {
        if revoked {
            CertificateState::Revoked
        } else if not_after <= now {
            CertificateState::Expired
        } else if !bound_to_site {
            CertificateState::Superseded
        } else if not_after - now < WARN_BEFORE {
            CertificateState::ExpiresSoon
        } else {
            CertificateState::Active
        }
    }
}

/// An issued certificate, without its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// Primary key.
    pub id: i32,
    /// The site it was issued for.
    pub site_id: Option<i32>,
    /// That site's name.
    pub site_name: Option<String>,
    /// Subject common name (the VEN name).
    pub common_name: String,
    /// OpenADR 2.0b fingerprint.
    pub fingerprint: String,
    /// Key algorithm.
    pub key_type: KeyType,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// When and by whom it was issued.
    pub issued_at: DateTime<Utc>,
    /// `user:NAME`, `token:NAME` or `cli`.
    pub issued_by: String,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Where it stands now.
    pub state: CertificateState,
}

/// A newly issued certificate with its private key: handed out once, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IssuedCertificate {
    /// The stored record.
    pub certificate: Certificate,
    /// The certificate (PEM).
    pub certificate_pem: String,
    /// Its PKCS#8 private key (PEM).
    pub private_key_pem: String,
    /// The certificate followed by the VEN CA's (PEM): what a VEN presents.
    pub chain_pem: String,
}

/// How long before the VEN CA expires the overview warns.
pub const CA_WARN_BEFORE: TimeDelta = TimeDelta::days(90);

/// A certificate the VTN depends on that expires soon (or has expired while
/// still in use): a VEN's bound certificate, or the VEN CA.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExpiryWarning {
    /// What expires, e.g. `demo-ven (Demo site)` or `VEN CA Utility VEN CA`.
    pub subject: String,
    /// The site whose VEN uses it (none for the CA).
    pub site_id: Option<i32>,
    /// When.
    pub not_after: DateTime<Utc>,
}

/// The VEN CA as the certificates page describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaSummary {
    /// Subject common name.
    pub common_name: String,
    /// Valid until.
    pub not_after: DateTime<Utc>,
    /// Whether the VTN has the CA's key and can issue.
    pub can_issue: bool,
}

/// What the certificates page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CertificateList {
    /// The VEN client CA, if readable.
    pub ca: Option<CaSummary>,
    /// A page of the issued certificates, newest first.
    pub certificates: Vec<Certificate>,
    /// How many certificates were issued in all.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_prefers_revoked_then_expired_then_superseded() {
        let now = Utc::now();
        let later = now + TimeDelta::days(365);
        let soon = now + TimeDelta::days(3);
        let past = now - TimeDelta::days(1);
        assert_eq!(
            CertificateState::at(now, later, true, true),
            CertificateState::Revoked
        );
        assert_eq!(
            CertificateState::at(now, past, false, true),
            CertificateState::Expired
        );
        assert_eq!(
            CertificateState::at(now, later, false, false),
            CertificateState::Superseded
        );
        assert_eq!(
            CertificateState::at(now, soon, false, true),
            CertificateState::ExpiresSoon
        );
        assert_eq!(
            CertificateState::at(now, later, false, true),
            CertificateState::Active
        );
    }

    #[test]
    fn key_types_parse_their_names_and_short_forms() {
        assert_eq!("rsa".parse::<KeyType>(), Ok(KeyType::Rsa2048));
        assert_eq!("ecdsa-p256".parse::<KeyType>(), Ok(KeyType::EcdsaP256));
        assert!("dsa".parse::<KeyType>().unwrap_err().contains("dsa"));
    }
}
