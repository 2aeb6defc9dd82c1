//! Integration tests: the real server, in-process, on an ephemeral port with a
//! SQLite file and a generated PKI, spoken to over real TLS.

mod api;
mod api_resources;
mod cli;
mod common;
mod day_ahead;
mod gateway;
mod http;
mod idle;
mod interop;
mod oadr;
mod pki;
mod push;
mod reports;
mod tls;
