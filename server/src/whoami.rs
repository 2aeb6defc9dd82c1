//! `GET /whoami`: the client certificate the VTN verified on this connection.
//! Installers use it to check a VEN's certificate and read its fingerprint.

use crate::tls::ClientCertificate;
use axum::{Extension, Json};
use serde::Serialize;

/// What the VTN knows about the caller.
#[derive(Debug, Serialize)]
pub struct WhoAmI {
    /// The OpenADR 2.0b fingerprint of the verified client certificate, if any.
    pub fingerprint: Option<String>,
}

/// Handler.
pub async fn show(cert: Option<Extension<ClientCertificate>>) -> Json<WhoAmI> {
    Json(WhoAmI {
        fingerprint: cert.map(|Extension(cert)| cert.fingerprint.to_string()),
    })
}
