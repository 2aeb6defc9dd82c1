//! OpenADR 2.0b wire model and XML codec. No IO: callers bring the bytes.
//!
//! ```
//! use openadr::{Message, ReadOptions, poll::Poll};
//!
//! let xml = Message::from(Poll { ven_id: "ven-1".into() }).to_xml();
//! let parsed = openadr::read(xml.as_bytes(), ReadOptions::default()).unwrap();
//! assert_eq!(parsed.message.name(), "oadrPoll");
//! assert!(parsed.deviations.is_empty());
//! ```
//!
//! # Design
//!
//! * **Writing is strict**: every message is written with the official
//!   schema's prefixes and element order, all namespaces declared on the root,
//!   and validates against `oadr_20b.xsd` (checked by the test suite with
//!   `xmllint`).
//! * **Reading is lenient and honest**: elements are matched by namespace URI
//!   and local name, never by prefix. Field VENs deviate from the schema
//!   (elements in the wrong namespace, `oadr:PowerRealType` for
//!   `power:powerReal`, date-times without a zone); where the meaning is
//!   unambiguous the reader accepts them and returns the list of
//!   [`Deviation`]s beside the message. In [`Mode::Strict`] each deviation is an
//!   error instead.
//! * **Hostile input is refused early**: no DOCTYPE (hence no entity
//!   declarations, XXE or entity expansion), only the five predefined entities,
//!   UTF-8 only, and bounded size, nesting depth and element count
//!   ([`Limits`]).
//! * The reader builds a small element tree with quick-xml and decodes it by
//!   hand rather than with serde: serde's XML support matches prefixes, cannot
//!   say which element was in the wrong namespace, and cannot tolerate a
//!   deviation while reporting it. Messages are small, so the tree is cheap.
//! * Errors are typed ([`ErrorKind`]) with the path of the element concerned,
//!   and map to OpenADR response codes ([`Error::response_code`]).
//! * Enumerations are open: values outside the schema's lists (`x-…`) are kept
//!   in an `Other` variant.
//! * A `ds:Signature` is kept as the XML that was sent; it is not verified.

mod common;
mod decode;
pub mod deviation;
pub mod error;
pub mod event;
pub mod fingerprint;
mod message;
pub mod ns;
pub mod opt;
pub mod poll;
pub mod register;
pub mod report;
pub mod values;
pub mod xml;

pub use common::{EiResponse, EiTarget, ItemBase, ItemKind, PowerAttributes};
pub use deviation::{Deviation, DeviationKind, Mode};
pub use error::{Error, ErrorKind};
pub use fingerprint::Fingerprint;
pub use message::{Message, Parsed, ReadOptions, read};
pub use xml::Limits;
