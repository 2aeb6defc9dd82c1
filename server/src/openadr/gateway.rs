//! VEN identity behind a TLS-terminating gateway. The 2.0b cipher suites
//! (TLS 1.2 with AES-128-CBC-SHA256) are outside rustls, so deployments that
//! need them terminate TLS in nginx, which forwards the verified client
//! certificate in a header. The header is believed only on the plain-HTTP
//! listener and only from the configured gateway addresses.

use super::Caller;
use crate::tls::ClientCertificate;
use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// Marks requests that arrived on the plain-HTTP (gateway) listener.
#[derive(Debug, Clone, Copy)]
pub struct GatewayConnection {
    /// The connecting address.
    pub remote: SocketAddr,
}

/// Which gateways to believe and where they put the certificate.
#[derive(Debug, Clone)]
pub struct GatewaySettings {
    /// Addresses whose certificate headers are believed.
    pub trusted: Vec<IpAddr>,
    /// Header with the percent-encoded PEM certificate (nginx `$ssl_client_escaped_cert`).
    pub cert_header: String,
    /// Header with the gateway's verification result (nginx `$ssl_client_verify`), `SUCCESS`.
    pub verify_header: String,
}

/// The caller of a request that came through the gateway listener.
pub fn caller(
    settings: &GatewaySettings,
    connection: GatewayConnection,
    headers: &HeaderMap,
) -> Caller {
    let Some(header) = headers.get(settings.cert_header.as_str()) else {
        return Caller::Anonymous;
    };
    if !settings.trusted.contains(&connection.remote.ip()) {
        tracing::warn!(remote = %connection.remote, "certificate header from an address that is not a trusted gateway");
        return Caller::Refused(format!(
            "{} is not a trusted gateway",
            connection.remote.ip()
        ));
    }
    let verified = headers
        .get(settings.verify_header.as_str())
        .and_then(|v| v.to_str().ok());
    if verified != Some("SUCCESS") {
        return Caller::Refused(format!(
            "the gateway did not verify the client certificate ({})",
            verified.unwrap_or("no result")
        ));
    }
    match header
        .to_str()
        .ok()
        .and_then(percent_decode)
        .and_then(|pem| first_certificate(&pem))
    {
        Some(der) => Caller::Certificate(ClientCertificate::new(&der)),
        None => Caller::Refused("the gateway's certificate header holds no PEM certificate".into()),
    }
}

fn first_certificate(pem: &[u8]) -> Option<Vec<u8>> {
    rustls_pemfile::certs(&mut &pem[..])
        .next()?
        .ok()
        .map(|der| der.to_vec())
}

/// Decodes `%XX` escapes (as in nginx's `$ssl_client_escaped_cert`).
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_handles_escapes_and_refuses_broken_ones() {
        assert_eq!(
            percent_decode("-----BEGIN%20CERT%0A").unwrap(),
            b"-----BEGIN CERT\n"
        );
        assert_eq!(percent_decode("%2"), None);
        assert_eq!(percent_decode("%zz"), None);
    }
}
