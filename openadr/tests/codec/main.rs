//! Codec tests against real things: the official XSD (xmllint), messages
//! produced by openleadr, and hostile input.

mod hostile;
mod interop;
mod round_trip;
mod samples;
mod schema;
