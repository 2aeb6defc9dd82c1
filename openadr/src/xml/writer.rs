//! Writes XML with the official schema's prefixes. Only the codec's encoders
//! use it, so element names are trusted; text and attribute values are escaped.

use crate::ns::{self, Ns};

/// An XML string under construction.
#[derive(Debug, Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// A writer with room for a typical message.
    pub fn new() -> Self {
        Self {
            out: String::with_capacity(2048),
        }
    }

    /// The XML declaration and the `oadrPayload` root start tag, declaring every
    /// namespace once.
    pub fn begin_document(&mut self) {
        self.out
            .push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
        self.out.push('\n');
        self.out.push_str("<oadr:oadrPayload");
        for ns in ns::ALL {
            self.out.push_str(" xmlns:");
            self.out.push_str(ns.prefix());
            self.out.push_str("=\"");
            self.out.push_str(ns.uri());
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// Closes the root and returns the document.
    pub fn finish_document(mut self) -> String {
        self.out.push_str("</oadr:oadrPayload>");
        self.out
    }

    fn name(&mut self, ns: Ns, name: &str) {
        self.out.push_str(ns.prefix());
        self.out.push(':');
        self.out.push_str(name);
    }

    /// `<ns:name>`.
    pub fn start(&mut self, ns: Ns, name: &str) {
        self.out.push('<');
        self.name(ns, name);
        self.out.push('>');
    }

    /// `<ns:name a="v" …>` with namespaced attributes.
    pub fn start_with(&mut self, ns: Ns, name: &str, attributes: &[(Ns, &str, &str)]) {
        self.out.push('<');
        self.name(ns, name);
        for (attr_ns, attr, value) in attributes {
            self.out.push(' ');
            self.name(*attr_ns, attr);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// `</ns:name>`.
    pub fn end(&mut self, ns: Ns, name: &str) {
        self.out.push_str("</");
        self.name(ns, name);
        self.out.push('>');
    }

    /// `<ns:name>text</ns:name>`.
    pub fn leaf(&mut self, ns: Ns, name: &str, text: &str) {
        self.start(ns, name);
        escape_into(&mut self.out, text);
        self.end(ns, name);
    }

    /// A leaf whose text is produced by `Display` (numbers, dates), without an
    /// intermediate string.
    pub fn leaf_display(&mut self, ns: Ns, name: &str, value: impl std::fmt::Display) {
        use std::fmt::Write;
        self.start(ns, name);
        let _ = write!(self.out, "{value}");
        self.end(ns, name);
    }

    /// `<ns:name/>`.
    pub fn empty(&mut self, ns: Ns, name: &str) {
        self.out.push('<');
        self.name(ns, name);
        self.out.push_str("/>");
    }

    /// Raw, already well-formed XML (e.g. a kept `ds:Signature`).
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut w = Writer::new();
        w.start_with(Ns::Ei, "a", &[(Ns::Ei, "schemaVersion", "\"2.0b\"")]);
        w.leaf(Ns::Ei, "b", "x < y & z");
        w.end(Ns::Ei, "a");
        assert_eq!(
            w.out,
            r#"<ei:a ei:schemaVersion="&quot;2.0b&quot;"><ei:b>x &lt; y &amp; z</ei:b></ei:a>"#
        );
    }
}
