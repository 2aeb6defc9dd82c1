//! Codec tests against real things: the official XSD (xmllint), messages
//! produced by openleadr, and hostile input.

mod hostile;
mod interop;
mod pyoadr;
mod round_trip;
mod samples;
mod schema;
