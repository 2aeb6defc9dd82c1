//! Typed decoding errors, each mapped to the OpenADR response code a VTN or
//! VEN should answer with.

use crate::deviation::Deviation;
use std::fmt;

/// What is wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The document is bigger than the configured limit.
    #[error("the document is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Elements nest deeper than the limit.
    #[error("elements nest deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More elements than the limit.
    #[error("the document has more than {limit} elements")]
    TooManyElements {
        /// The limit.
        limit: usize,
    },
    /// The bytes are not UTF-8.
    #[error("the document is not valid UTF-8 (at byte {offset})")]
    InvalidUtf8 {
        /// Where the invalid bytes start.
        offset: usize,
    },
    /// DOCTYPE declarations are refused (no DTDs, no entity expansion).
    #[error("DOCTYPE declarations are not allowed")]
    Doctype,
    /// An entity reference other than the five predefined ones.
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
    /// The document ends before its root element is closed.
    #[error("the document is truncated")]
    Truncated,
    /// Not well-formed XML.
    #[error("malformed XML: {0}")]
    Syntax(String),
    /// The root is not an OpenADR payload, or the payload is not a 2.0b message.
    #[error("not an OpenADR 2.0b message: {0}")]
    UnknownMessage(String),
    /// A required element is absent.
    #[error("missing required element {0}")]
    Missing(&'static str),
    /// An element's value cannot be used.
    #[error("invalid value {value:?} in {element}: {reason}")]
    Invalid {
        /// The element.
        element: String,
        /// Its text.
        value: String,
        /// Why it is refused.
        reason: String,
    },
    /// A schema deviation, refused because the reader is strict.
    #[error("schema deviation: {0}")]
    Deviation(Deviation),
}

/// A decoding error with the path of the element where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Where: local names from the root, e.g. `oadrPayload/oadrSignedObject/oadrPoll`.
    pub path: String,
}

impl Error {
    /// An error at a path.
    pub fn at(kind: ErrorKind, path: impl Into<String>) -> Self {
        Self {
            kind,
            path: path.into(),
        }
    }

    /// The OpenADR response code for this error (2.0b profile, table of
    /// response codes): 413 for oversize input, 460 (compliance error) for
    /// schema deviations refused in strict mode, 453 (not recognized) for an
    /// unknown message, 454 (invalid data) for unusable values, 400 otherwise.
    pub fn response_code(&self) -> u16 {
        match self.kind {
            ErrorKind::TooLarge { .. } | ErrorKind::TooManyElements { .. } => 413,
            ErrorKind::Deviation(_) => 460,
            ErrorKind::UnknownMessage(_) => 453,
            ErrorKind::Invalid { .. } => 454,
            _ => 400,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self {
            kind,
            path: String::new(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{} (at {})", self.kind, self.path)
        }
    }
}

impl std::error::Error for Error {}
