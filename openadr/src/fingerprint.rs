//! The OpenADR 2.0b certificate fingerprint, the identity of a VEN.
//!
//! 2.0b defines it as the last 10 bytes of the SHA-256 digest of the leaf
//! certificate's DER, written as uppercase hex pairs joined by colons. Peers such
//! as openleadr compare it as an exact string, so we always emit that form and
//! accept configured values in any case.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

const LEN: usize = 10;

/// A VEN certificate fingerprint, e.g. `C7:8F:B8:73:70:AA:8F:EE:56:37`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint([u8; LEN]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded X.509 certificate.
    pub fn of_der(certificate_der: &[u8]) -> Self {
        let digest = Sha256::digest(certificate_der);
        let mut tail = [0; LEN];
        tail.copy_from_slice(&digest[digest.len() - LEN..]);
        Self(tail)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

/// Why a string is not a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFingerprintError(String);

impl fmt::Display for ParseFingerprintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not an OpenADR 2.0b fingerprint (10 colon-separated hex bytes, e.g. C7:8F:B8:73:70:AA:8F:EE:56:37)",
            self.0
        )
    }
}

impl std::error::Error for ParseFingerprintError {}

impl FromStr for Fingerprint {
    type Err = ParseFingerprintError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseFingerprintError(s.to_owned());
        let mut bytes = [0; LEN];
        let mut parts = s.trim().split(':');
        for byte in &mut bytes {
            let part = parts.next().ok_or_else(error)?;
            if part.len() != 2 {
                return Err(error());
            }
            *byte = u8::from_str_radix(part, 16).map_err(|_| error())?;
        }
        if parts.next().is_some() {
            return Err(error());
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_last_ten_bytes_of_sha256_in_uppercase_hex() {
        // SHA-256("abc") = ba7816bf...f20015ad; its last 10 bytes:
        let fp = Fingerprint::of_der(b"abc");
        assert_eq!(fp.to_string(), "7A:9C:B4:10:FF:61:F2:00:15:AD");
    }

    #[test]
    fn parses_any_case_and_prints_canonical_form() {
        let fp: Fingerprint = "c7:8f:b8:73:70:aa:8f:ee:56:37".parse().unwrap();
        assert_eq!(fp.to_string(), "C7:8F:B8:73:70:AA:8F:EE:56:37");
    }

    #[test]
    fn rejects_wrong_lengths_and_non_hex() {
        for bad in [
            "",
            "C7:8F",
            "C7:8F:B8:73:70:AA:8F:EE:56:37:00",
            "C7:8F:B8:73:70:AA:8F:EE:56:3",
            "G7:8F:B8:73:70:AA:8F:EE:56:37",
            "C78FB87370AA8FEE5637",
        ] {
            assert!(bad.parse::<Fingerprint>().is_err(), "{bad:?} accepted");
        }
    }
}
