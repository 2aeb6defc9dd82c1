//! The XML namespaces of OpenADR 2.0b and the prefixes the official schema uses.
//!
//! The writer always uses these prefixes; the reader never looks at prefixes,
//! only at namespace URIs.

/// A namespace of the OpenADR 2.0b schema set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ns {
    /// `oadr`: OpenADR 2.0b payloads.
    Oadr,
    /// `ei`: Energy Interoperation.
    Ei,
    /// `pyld`: Energy Interoperation payloads.
    Pyld,
    /// `emix`: market context, item base.
    Emix,
    /// `strm`: streams and intervals.
    Strm,
    /// `xcal`: iCalendar in XML.
    Xcal,
    /// `power`: power and energy units, targets.
    Power,
    /// `scale`: SI scale codes.
    Scale,
    /// `ds`: XML digital signatures.
    Ds,
}

/// Every namespace, in the order the writer declares them.
pub const ALL: [Ns; 9] = [
    Ns::Oadr,
    Ns::Pyld,
    Ns::Ei,
    Ns::Emix,
    Ns::Strm,
    Ns::Xcal,
    Ns::Power,
    Ns::Scale,
    Ns::Ds,
];

impl Ns {
    /// The namespace URI.
    pub const fn uri(self) -> &'static str {
        match self {
            Ns::Oadr => "http://openadr.org/oadr-2.0b/2012/07",
            Ns::Ei => "http://docs.oasis-open.org/ns/energyinterop/201110",
            Ns::Pyld => "http://docs.oasis-open.org/ns/energyinterop/201110/payloads",
            Ns::Emix => "http://docs.oasis-open.org/ns/emix/2011/06",
            Ns::Strm => "urn:ietf:params:xml:ns:icalendar-2.0:stream",
            Ns::Xcal => "urn:ietf:params:xml:ns:icalendar-2.0",
            Ns::Power => "http://docs.oasis-open.org/ns/emix/2011/06/power",
            Ns::Scale => "http://docs.oasis-open.org/ns/emix/2011/06/siscale",
            Ns::Ds => "http://www.w3.org/2000/09/xmldsig#",
        }
    }

    /// The prefix the official schema uses.
    pub const fn prefix(self) -> &'static str {
        match self {
            Ns::Oadr => "oadr",
            Ns::Ei => "ei",
            Ns::Pyld => "pyld",
            Ns::Emix => "emix",
            Ns::Strm => "strm",
            Ns::Xcal => "xcal",
            Ns::Power => "power",
            Ns::Scale => "scale",
            Ns::Ds => "ds",
        }
    }

    /// The namespace with this URI, if it is one of ours.
    pub fn from_uri(uri: &[u8]) -> Option<Self> {
        ALL.into_iter().find(|ns| ns.uri().as_bytes() == uri)
    }
}
