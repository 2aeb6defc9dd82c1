//! OpenADR 2.0b wire model and XML codec. No IO: callers bring the bytes.

pub mod fingerprint;

pub use fingerprint::Fingerprint;
