//! The OpenADR 2.0b Simple HTTP endpoints a VEN talks to. The handlers only
//! work out who is calling; [`exchange`] reads the message, dispatches it to
//! its service and logs the exchange.

mod distribute;
mod error;
mod event;
mod exchange;
pub mod gateway;
mod opt;
pub mod outbox;
mod poll;
mod register;
mod report;

pub use error::OadrError;
pub use exchange::{OadrSettings, Service, from_ven};

use crate::state::AppState;
use crate::tls::ClientCertificate;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gateway::GatewayConnection;

/// How a VEN identifies itself.
#[derive(Debug, Clone)]
pub enum Caller {
    /// A verified client certificate (from TLS, or from a trusted gateway).
    Certificate(ClientCertificate),
    /// A token in the URL.
    Token(String),
    /// Nothing.
    Anonymous,
    /// A claim the VTN does not believe, and why.
    Refused(String),
}

/// `POST /OpenADR2/Simple/2.0b/{service}`: VENs with a client certificate.
pub async fn by_certificate(
    State(state): State<AppState>,
    Path(service): Path<String>,
    cert: Option<Extension<ClientCertificate>>,
    gateway: Option<Extension<GatewayConnection>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(service) = Service::parse(&service) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let caller = match (cert, gateway) {
        (Some(Extension(cert)), _) => Caller::Certificate(cert),
        (None, Some(Extension(connection))) => {
            gateway::caller(&state.oadr.gateway, connection, &headers)
        }
        (None, None) => Caller::Anonymous,
    };
    exchange::serve(&state, caller, body, service).await
}

/// `POST /{token}/OpenADR2/Simple/2.0b/{service}`: VENs known by a URL token.
pub async fn by_token(
    State(state): State<AppState>,
    Path((token, service)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Some(service) = Service::parse(&service) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    exchange::serve(&state, Caller::Token(token), body, service).await
}
