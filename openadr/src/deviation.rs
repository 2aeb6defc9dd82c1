//! Schema deviations: things real peers send that the schema forbids but whose
//! meaning is unambiguous. A lenient reader accepts them and lists them; a
//! strict reader refuses them.

use std::fmt;

/// How the reader treats deviations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Accept unambiguous deviations and report them.
    #[default]
    Lenient,
    /// Refuse any deviation (for certification-style deployments).
    Strict,
}

/// One deviation from the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// Where: local names from the root.
    pub path: String,
    /// What.
    pub kind: DeviationKind,
}

/// The kinds of deviation the reader tolerates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviationKind {
    /// An element or attribute in another namespace than the schema's.
    WrongNamespace {
        /// Local name.
        name: String,
        /// The schema's namespace URI.
        expected: &'static str,
        /// The namespace found (empty for none).
        found: String,
    },
    /// A date-time without a time zone, read as UTC.
    DateTimeWithoutZone {
        /// The text as sent.
        value: String,
    },
    /// A date-time with a numeric offset; the schema allows only `Z`.
    DateTimeWithOffset {
        /// The text as sent.
        value: String,
    },
    /// A required element is absent but its value is implied (e.g. `0` for the
    /// reportRequestID of a METADATA report).
    MissingElement {
        /// The element.
        name: &'static str,
        /// The value assumed.
        assumed: &'static str,
    },
    /// An element name used in place of the schema's one.
    ElementAlias {
        /// The name sent.
        found: String,
        /// The schema's name it was read as.
        read_as: &'static str,
    },
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DeviationKind::WrongNamespace {
                name,
                expected,
                found,
            } => {
                let found = if found.is_empty() {
                    "no namespace"
                } else {
                    found
                };
                write!(f, "{name} in {found} instead of {expected}")?;
            }
            DeviationKind::DateTimeWithoutZone { value } => {
                write!(f, "date-time {value:?} has no time zone (read as UTC)")?
            }
            DeviationKind::DateTimeWithOffset { value } => {
                write!(f, "date-time {value:?} has an offset instead of Z")?
            }
            DeviationKind::ElementAlias { found, read_as } => {
                write!(f, "{found} used for {read_as}")?
            }
            DeviationKind::MissingElement { name, assumed } => {
                write!(f, "{name} missing (read as {assumed:?})")?
            }
        }
        write!(f, " at {}", self.path)
    }
}

impl DeviationKind {
    /// A short stable name, for counting deviations by kind.
    pub fn code(&self) -> &'static str {
        match self {
            DeviationKind::WrongNamespace { .. } => "wrong-namespace",
            DeviationKind::DateTimeWithoutZone { .. } => "date-time-without-zone",
            DeviationKind::DateTimeWithOffset { .. } => "date-time-with-offset",
            DeviationKind::ElementAlias { .. } => "element-alias",
            DeviationKind::MissingElement { .. } => "missing-element",
        }
    }
}
