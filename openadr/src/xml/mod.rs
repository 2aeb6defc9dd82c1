//! A small XML layer: a bounded, namespace-resolving reader that builds an
//! element tree, and a writer that emits the schema's prefixes.

pub mod reader;
mod scan;
mod tree;
pub mod writer;

pub use reader::{Element, Limits, parse_document};
pub use writer::Writer;
