//! A certificate authority: the VEN client CA that issues VEN certificates,
//! and the development server CA. Keys are generated here and handed out,
//! never stored by this module.

use crate::models::certificate::KeyType;
use chrono::{DateTime, Datelike, TimeZone, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SerialNumber, date_time_ymd,
};
use std::fmt;

/// What went wrong with a CA or a certificate.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    /// The CA's files could not be read or do not fit together.
    #[error("{0}")]
    Unusable(String),
    /// Generating or signing failed.
    #[error("could not issue the certificate: {0}")]
    Issue(String),
}

fn unusable(what: &str) -> impl FnOnce(rcgen::Error) -> CaError + '_ {
    move |e| CaError::Unusable(format!("{what}: {e}"))
}

fn issue_error(e: impl fmt::Display) -> CaError {
    CaError::Issue(e.to_string())
}

/// A certificate and its private key, PEM-encoded.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The certificate (PEM).
    pub cert_pem: String,
    /// The PKCS#8 private key (PEM).
    pub key_pem: String,
    /// The certificate (DER), e.g. for its fingerprint.
    pub der: Vec<u8>,
    /// Serial number, hex.
    pub serial: String,
    /// Valid until.
    pub not_after: DateTime<Utc>,
}

/// A certificate authority that can issue server and client certificates.
pub struct CertificateAuthority {
    issuer: Issuer<'static, KeyPair>,
    /// The CA's own certificate.
    pub certificate: Issued,
}

impl fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificateAuthority")
            .field("serial", &self.certificate.serial)
            .finish_non_exhaustive()
    }
}

/// Sets the validity from yesterday (clock skew) to `years` from today and
/// returns the end.
fn validity(params: &mut CertificateParams, years: i32) -> DateTime<Utc> {
    let now = Utc::now().date_naive();
    let yesterday = now.pred_opt().unwrap_or(now);
    params.not_before = date_time_ymd(
        yesterday.year(),
        yesterday.month() as u8,
        yesterday.day() as u8,
    );
    // Day 28 exists in every month, so the end date is always valid.
    let (year, month, day) = (now.year() + years, now.month(), now.day().min(28));
    params.not_after = date_time_ymd(year, month as u8, day as u8);
    Utc.with_ymd_and_hms(year, month, day, 0, 0, 0)
        .single()
        .unwrap_or_else(Utc::now)
}

/// A random positive 128-bit serial number (RFC 5280 allows up to 20 octets).
fn serial(params: &mut CertificateParams) -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from(bytes.to_vec()));
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn named(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "OpenADR VTN");
    name.push(DnType::CommonName, common_name);
    name
}

fn generate_key(key_type: KeyType) -> Result<KeyPair, CaError> {
    match key_type {
        KeyType::EcdsaP256 => KeyPair::generate().map_err(issue_error),
        KeyType::Rsa2048 => {
            // ring, rcgen's backend here, cannot generate RSA keys.
            use rsa::pkcs8::EncodePrivateKey;
            let key =
                rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(issue_error)?;
            let der = key.to_pkcs8_der().map_err(issue_error)?;
            KeyPair::from_pkcs8_der_and_sign_algo(&der.as_bytes().into(), &rcgen::PKCS_RSA_SHA256)
                .map_err(issue_error)
        }
    }
}

/// The first certificate in a PEM text (DER).
pub fn first_certificate(pem: &str) -> Result<Vec<u8>, CaError> {
    rustls_pemfile::certs(&mut pem.as_bytes())
        .next()
        .ok_or_else(|| CaError::Unusable("no certificate in the PEM text".into()))?
        .map(|der| der.to_vec())
        .map_err(|e| CaError::Unusable(format!("unreadable PEM: {e}")))
}

/// Subject common name and end of validity of a certificate (DER).
pub fn describe(der: &[u8]) -> Result<(String, DateTime<Utc>), CaError> {
    let (_, cert) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| CaError::Unusable(format!("unreadable certificate: {e}")))?;
    let common_name = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .unwrap_or_default()
        .to_owned();
    let not_after = Utc
        .timestamp_opt(cert.validity().not_after.timestamp(), 0)
        .single()
        .unwrap_or_default();
    Ok((common_name, not_after))
}

impl CertificateAuthority {
    /// A new self-signed CA (ECDSA P-256, valid ten years).
    pub fn generate(common_name: &str) -> Result<Self, CaError> {
        let key = KeyPair::generate().map_err(issue_error)?;
        let mut params = CertificateParams::default();
        params.distinguished_name = named(common_name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let not_after = validity(&mut params, 10);
        let serial = serial(&mut params);
        let cert = params.self_signed(&key).map_err(issue_error)?;
        let certificate = Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
            serial,
            not_after,
        };
        Ok(Self {
            issuer: Issuer::new(params, key),
            certificate,
        })
    }

    /// Loads a CA from its certificate and key (PEM), refusing a key that
    /// does not belong to the certificate or a certificate that is no CA.
    pub fn load(cert_pem: &str, key_pem: &str) -> Result<Self, CaError> {
        let key = KeyPair::from_pem(key_pem).map_err(unusable("the CA private key"))?;
        let der = first_certificate(cert_pem)?;
        let (_, cert) = x509_parser::parse_x509_certificate(&der)
            .map_err(|e| CaError::Unusable(format!("unreadable CA certificate: {e}")))?;
        if cert.tbs_certificate.subject_pki.raw != key.subject_public_key_info().as_slice() {
            return Err(CaError::Unusable(
                "the private key does not belong to the CA certificate".into(),
            ));
        }
        if !cert.is_ca() {
            return Err(CaError::Unusable(
                "the certificate is not a CA (no basicConstraints CA:TRUE)".into(),
            ));
        }
        let (_, not_after) = describe(&der)?;
        let serial = cert.raw_serial_as_string().replace(':', "").to_uppercase();
        let issuer =
            Issuer::from_ca_cert_pem(cert_pem, key).map_err(unusable("the CA certificate"))?;
        Ok(Self {
            issuer,
            certificate: Issued {
                cert_pem: cert_pem.to_owned(),
                key_pem: key_pem.to_owned(),
                der,
                serial,
                not_after,
            },
        })
    }

    /// A TLS server certificate for these DNS names or IP addresses.
    pub fn issue_server(&self, names: &[&str]) -> Result<Issued, CaError> {
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .map_err(issue_error)?;
        params.distinguished_name = named(names.first().copied().unwrap_or("vtn"));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        self.issue(params, KeyType::EcdsaP256)
    }

    /// A TLS client certificate (ECDSA P-256), e.g. for a VEN with its name
    /// as common name.
    pub fn issue_client(&self, common_name: &str) -> Result<Issued, CaError> {
        self.issue_client_as(common_name, KeyType::EcdsaP256)
    }

    /// A TLS client certificate with a key of this type.
    pub fn issue_client_as(&self, common_name: &str, key_type: KeyType) -> Result<Issued, CaError> {
        let mut params = CertificateParams::default();
        params.distinguished_name = named(common_name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        self.issue(params, key_type)
    }

    fn issue(&self, mut params: CertificateParams, key_type: KeyType) -> Result<Issued, CaError> {
        // Client and server authentication only sign the handshake, whatever the key.
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let not_after = validity(&mut params, 2);
        let serial = serial(&mut params);
        let key = generate_key(key_type)?;
        let cert = params.signed_by(&key, &self.issuer).map_err(issue_error)?;
        Ok(Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            der: cert.der().to_vec(),
            serial,
            not_after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loaded_ca_issues_certificates_it_signed() {
        let ca = CertificateAuthority::generate("test CA").unwrap();
        let loaded =
            CertificateAuthority::load(&ca.certificate.cert_pem, &ca.certificate.key_pem).unwrap();
        assert_eq!(loaded.certificate.serial, ca.certificate.serial);
        let leaf = loaded.issue_client("ven-1").unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&leaf.der).unwrap();
        assert_eq!(cert.issuer().to_string(), "O=OpenADR VTN, CN=test CA");
        assert_eq!(describe(&leaf.der).unwrap().0, "ven-1");
        assert_eq!(describe(&leaf.der).unwrap().1, leaf.not_after);
        assert!(leaf.not_after > Utc::now() + chrono::TimeDelta::days(700));
    }

    #[test]
    fn a_key_of_another_ca_is_refused() {
        let a = CertificateAuthority::generate("a").unwrap();
        let b = CertificateAuthority::generate("b").unwrap();
        let error = CertificateAuthority::load(&a.certificate.cert_pem, &b.certificate.key_pem)
            .unwrap_err();
        assert!(error.to_string().contains("does not belong"), "{error}");
    }

    #[test]
    fn a_leaf_certificate_is_not_accepted_as_ca() {
        let ca = CertificateAuthority::generate("ca").unwrap();
        let leaf = ca.issue_client("ven").unwrap();
        let error = CertificateAuthority::load(&leaf.cert_pem, &leaf.key_pem).unwrap_err();
        assert!(error.to_string().contains("not a CA"), "{error}");
    }

    #[test]
    fn rsa_certificates_carry_an_rsa_key() {
        let ca = CertificateAuthority::generate("ca").unwrap();
        let leaf = ca.issue_client_as("ven-rsa", KeyType::Rsa2048).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&leaf.der).unwrap();
        let key = cert.public_key().parsed().unwrap();
        assert!(
            matches!(key, x509_parser::public_key::PublicKey::RSA(rsa) if rsa.key_size() == 2048)
        );
        assert!(leaf.key_pem.contains("BEGIN PRIVATE KEY"));
    }
}
