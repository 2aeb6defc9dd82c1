//! The OpenADR 2.0b Simple HTTP endpoints a VEN talks to. Each handler is one
//! line; [`exchange`] identifies the VEN, reads the message, dispatches it to
//! its service and logs the exchange.

mod distribute;
mod error;
mod event;
mod exchange;
mod opt;
mod poll;
mod register;
mod report;

pub use exchange::{OadrSettings, Service};

use crate::state::AppState;
use crate::tls::ClientCertificate;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;

type Cert = Option<Extension<ClientCertificate>>;

/// `POST /OpenADR2/Simple/2.0b/EiRegisterParty`.
pub async fn ei_register_party(State(state): State<AppState>, cert: Cert, body: Bytes) -> Response {
    exchange::serve(&state, cert, body, Service::EiRegisterParty).await
}

/// `POST /OpenADR2/Simple/2.0b/EiEvent`.
pub async fn ei_event(State(state): State<AppState>, cert: Cert, body: Bytes) -> Response {
    exchange::serve(&state, cert, body, Service::EiEvent).await
}

/// `POST /OpenADR2/Simple/2.0b/EiReport`.
pub async fn ei_report(State(state): State<AppState>, cert: Cert, body: Bytes) -> Response {
    exchange::serve(&state, cert, body, Service::EiReport).await
}

/// `POST /OpenADR2/Simple/2.0b/EiOpt`.
pub async fn ei_opt(State(state): State<AppState>, cert: Cert, body: Bytes) -> Response {
    exchange::serve(&state, cert, body, Service::EiOpt).await
}

/// `POST /OpenADR2/Simple/2.0b/OadrPoll`.
pub async fn oadr_poll(State(state): State<AppState>, cert: Cert, body: Bytes) -> Response {
    exchange::serve(&state, cert, body, Service::OadrPoll).await
}
