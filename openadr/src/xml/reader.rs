//! Reads a document into a [`Document`] tree, resolving namespaces and
//! refusing what a protocol peer has no business sending: DOCTYPEs (so no
//! entity declarations, no XXE, no billion laughs), unknown entities, invalid
//! UTF-8, and documents over the size, depth or element-count limits.

use crate::error::{Error, ErrorKind};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::reader::Reader;
use std::borrow::Cow;

pub use super::tree::{Attribute, Document, Element, Namespace};
use super::tree::{Builder, MAX_OFFSET, NONE, Tag};

/// Bounds on what the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Most elements in one document.
    pub max_elements: usize,
}

impl Default for Limits {
    /// 4 MiB, depth 64, 200,000 elements: far above any real OpenADR message
    /// (a day of 1-minute readings for 10 points is about 50,000 elements).
    fn default() -> Self {
        Self {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 64,
            max_elements: 200_000,
        }
    }
}

/// Parses a whole document and returns its root element.
///
/// Two readers share the work. [`super::scan`] reads the documents peers
/// actually send (plain elements, attributes and text) in one pass over the
/// bytes; it gives up on anything else, malformed or merely unusual (comments,
/// CDATA, references, a DOCTYPE), without deciding what it means. Then the
/// document is read again with quick-xml, which decides, and whose errors are
/// the ones reported. So the fast reader only has to be right about what it
/// accepts, and the tests check it builds the same tree as quick-xml.
pub fn parse_document(input: &[u8], limits: Limits) -> Result<Document<'_>, Error> {
    if input.len() > limits.max_bytes || input.len() > MAX_OFFSET {
        return Err(ErrorKind::TooLarge {
            limit: limits.max_bytes.min(MAX_OFFSET),
        }
        .into());
    }
    let text = std::str::from_utf8(input).map_err(|e| ErrorKind::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    match super::scan::scan(text, limits) {
        Some(document) => Ok(document),
        None => parse_with_quick_xml(text, limits),
    }
}

/// Reads any document quick-xml can, with the same limits and refusals.
///
/// Namespaces are resolved here rather than by quick-xml's `NsReader`: that
/// resolves every start and end tag by comparing prefixes and then hands back
/// the URI, which we would compare again with each known URI.
pub(super) fn parse_with_quick_xml(text: &str, limits: Limits) -> Result<Document<'_>, Error> {
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut scopes = Scopes::default();
    let mut tree = Builder::new(text, limits);
    loop {
        let start = position(&reader);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => return Err(syntax(&error, reader.error_position())),
        };
        match event {
            Event::Start(tag) => {
                check_counts(tree.len() + 1, tree.open.len() + 1, limits)?;
                let tag =
                    element(&mut scopes, &mut tree, &tag, start).map_err(|e| at_byte(e, start))?;
                let index = tree.add(tag)?;
                tree.open.push((index, NONE));
            }
            Event::Empty(tag) => {
                check_counts(tree.len() + 1, tree.open.len() + 1, limits)?;
                let tag =
                    element(&mut scopes, &mut tree, &tag, start).map_err(|e| at_byte(e, start))?;
                scopes.close();
                let index = tree.add(tag)?;
                tree.set_end(index, position(&reader));
            }
            Event::End(_) => {
                let Some((index, _)) = tree.open.pop() else {
                    return Err(ErrorKind::Syntax("unexpected end tag".into()).into());
                };
                scopes.close();
                tree.set_end(index, position(&reader));
            }
            Event::Text(_) => {
                // The event's bytes are exactly `start..position` of the
                // input, already checked as UTF-8.
                let end = position(&reader);
                if text.get(start..end).is_none() {
                    return Err(ErrorKind::Syntax("text outside the document".into()).into());
                }
                tree.push_input_text(start..end)?;
            }
            Event::CData(data) => {
                let content = data
                    .decode()
                    .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                tree.push_owned_text(content.into_owned())?;
            }
            Event::GeneralRef(reference) => {
                let resolved = if reference.is_char_ref() {
                    match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => {
                            return Err(
                                ErrorKind::Syntax("invalid character reference".into()).into()
                            );
                        }
                    }
                } else {
                    let name = reference
                        .decode()
                        .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                    match resolve_predefined_entity(&name) {
                        Some(value) => value.to_owned(),
                        None => return Err(ErrorKind::UnknownEntity(name.into_owned()).into()),
                    }
                };
                tree.push_owned_text(resolved)?;
            }
            Event::DocType(_) => return Err(ErrorKind::Doctype.into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    tree.finish()
}

fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn syntax(error: &quick_xml::Error, at: u64) -> Error {
    match error {
        quick_xml::Error::Syntax(quick_xml::errors::SyntaxError::UnclosedTag)
        | quick_xml::Error::IllFormed(quick_xml::errors::IllFormedError::MissingEndTag(_)) => {
            ErrorKind::Truncated.into()
        }
        other => ErrorKind::Syntax(format!("{other} (at byte {at})")).into(),
    }
}

/// Adds the position of the tag to a syntax error found in it.
fn at_byte(mut error: Error, at: usize) -> Error {
    if let ErrorKind::Syntax(message) = &mut error.kind {
        message.push_str(&format!(" (at byte {at})"));
    }
    error
}

pub(super) fn check_counts(elements: usize, depth: usize, limits: Limits) -> Result<(), Error> {
    if depth > limits.max_depth {
        return Err(ErrorKind::TooDeep {
            limit: limits.max_depth,
        }
        .into());
    }
    if elements > limits.max_elements {
        return Err(ErrorKind::TooManyElements {
            limit: limits.max_elements,
        }
        .into());
    }
    Ok(())
}

pub(super) const XML_URI: &[u8] = b"http://www.w3.org/XML/1998/namespace";
pub(super) const XMLNS_URI: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// One namespace declaration in scope: `prefix` empty for the default one.
struct Binding {
    prefix: Box<[u8]>,
    ns: u32,
}

/// The namespace declarations in scope, innermost last, and for each open
/// element how many there were before it.
#[derive(Default)]
struct Scopes {
    bindings: Vec<Binding>,
    marks: Vec<usize>,
}

impl Scopes {
    /// Opens an element's scope with its declarations (the `xmlns` and
    /// `xmlns:*` attributes), refusing those XML Namespaces forbids.
    fn open(&mut self, tree: &mut Builder<'_>, tag: &BytesStart<'_>) -> Result<(), Error> {
        self.marks.push(self.bindings.len());
        for attribute in tag.attributes().with_checks(false) {
            let attribute = attribute.map_err(|e| ErrorKind::Syntax(e.to_string()))?;
            let Some(declared) = attribute.key.as_namespace_binding() else {
                continue;
            };
            let prefix: &[u8] = match declared {
                PrefixDeclaration::Default => b"",
                PrefixDeclaration::Named(prefix) => prefix,
            };
            let uri = attribute.value.as_ref();
            let refused = match prefix {
                b"xml" if uri != XML_URI => Some("the xml prefix bound to another namespace"),
                // Always bound; nothing to add.
                b"xml" => continue,
                b"xmlns" => Some("the xmlns prefix declared"),
                _ if uri == XML_URI => Some("the XML namespace bound to another prefix"),
                _ if uri == XMLNS_URI => Some("the xmlns namespace bound to a prefix"),
                _ => None,
            };
            if let Some(reason) = refused {
                return Err(ErrorKind::Syntax(format!("namespace declaration: {reason}")).into());
            }
            self.bindings.push(Binding {
                prefix: prefix.into(),
                ns: tree.namespace(uri),
            });
        }
        Ok(())
    }

    /// Closes the innermost element's scope.
    fn close(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.bindings.truncate(mark);
        }
    }

    /// The namespace of a name with this prefix. Unprefixed element names
    /// take the default namespace, unprefixed attributes none; an undeclared
    /// prefix reads as no namespace, which the decoders report.
    fn resolve(&self, tree: &mut Builder<'_>, prefix: Option<&[u8]>, element: bool) -> u32 {
        let prefix = match prefix {
            Some(b"xml") => return tree.namespace(XML_URI),
            Some(prefix) => prefix,
            None if element => b"",
            None => return 0,
        };
        match self.bindings.iter().rev().find(|b| *b.prefix == *prefix) {
            Some(binding) => binding.ns,
            None => 0,
        }
    }
}

/// Reads a start tag beginning at byte `start` of the input: opens its
/// namespace scope (closed by the caller) and adds its attributes.
fn element<'a>(
    scopes: &mut Scopes,
    tree: &mut Builder<'a>,
    tag: &BytesStart<'a>,
    start: usize,
) -> Result<Tag, Error> {
    scopes.open(tree, tag)?;
    let (local, prefix) = tag.name().decompose();
    let ns = scopes.resolve(tree, prefix.as_ref().map(|p| p.as_ref()), true);
    let attributes = tree.attribute_count();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| ErrorKind::Syntax(e.to_string()))?;
        let key = attribute.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (name, prefix) = key.decompose();
        let value = attribute.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(
                _,
                entity,
            )) => Error::from(ErrorKind::UnknownEntity(entity)),
            other => ErrorKind::Syntax(other.to_string()).into(),
        })?;
        let ns = scopes.resolve(tree, prefix.as_ref().map(|p| p.as_ref()), false);
        tree.push_attribute(Attribute {
            ns: tree.namespace_at(ns),
            name: Cow::Owned(String::from_utf8_lossy(name.into_inner()).into_owned()),
            value: Cow::Owned(value.into_owned()),
        });
    }
    let qualified = tag.name().as_ref().len();
    let local = local.as_ref().len();
    // The tag starts with `<` and its qualified name; the local part ends it.
    let name = start + 1 + qualified - local..start + 1 + qualified;
    if tree.input().as_bytes().get(start) != Some(&b'<') || tree.input().get(name.clone()).is_none()
    {
        return Err(ErrorKind::Syntax("malformed start tag".into()).into());
    }
    Ok(Tag {
        start,
        name,
        ns,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns::Ns;

    fn parse(xml: &str) -> Result<Document<'_>, Error> {
        parse_document(xml.as_bytes(), Limits::default())
    }

    fn children<'d>(element: &Element<'d>) -> Vec<Element<'d>> {
        element.children().collect()
    }

    #[test]
    fn resolves_namespaces_whatever_the_prefix() {
        let document = parse(
            r#"<a:root xmlns:a="http://openadr.org/oadr-2.0b/2012/07" xmlns="http://docs.oasis-open.org/ns/energyinterop/201110"><venID>v &amp; w</venID><x:y xmlns:x="urn:other"/></a:root>"#,
        )
        .unwrap();
        let root = document.root();
        let children = children(&root);
        assert_eq!(*root.ns(), Namespace::Known(Ns::Oadr));
        assert_eq!(*children[0].ns(), Namespace::Known(Ns::Ei));
        assert_eq!(children[0].text(), "v & w");
        assert_eq!(*children[1].ns(), Namespace::Other("urn:other".into()));
    }

    #[test]
    fn namespace_declarations_hold_within_their_element() {
        let document = parse(
            r#"<root xmlns="urn:a" xmlns:p="urn:p"><p:x xmlns:p="urn:q"/><p:y/><z xmlns=""/><q:w/></root>"#,
        )
        .unwrap();
        let root = document.root();
        let children = children(&root);
        assert_eq!(*root.ns(), Namespace::Other("urn:a".into()));
        assert_eq!(*children[0].ns(), Namespace::Other("urn:q".into()));
        assert_eq!(*children[1].ns(), Namespace::Other("urn:p".into()));
        assert_eq!(*children[2].ns(), Namespace::None);
        assert_eq!(*children[3].ns(), Namespace::None, "undeclared prefix");
    }

    #[test]
    fn attributes_take_only_their_own_prefix() {
        let document = parse(
            r#"<root xmlns="urn:a" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110" a="1" ei:b="2" xml:lang="en"/>"#,
        )
        .unwrap();
        let root = document.root();
        assert_eq!(root.attribute("a").unwrap().ns, Namespace::None);
        assert_eq!(root.attribute("b").unwrap().ns, Namespace::Known(Ns::Ei));
        assert_eq!(
            root.attribute("lang").unwrap().ns.uri(),
            "http://www.w3.org/XML/1998/namespace"
        );
    }

    #[test]
    fn refuses_reserved_namespace_declarations() {
        for xml in [
            r#"<a xmlns:xml="urn:x"/>"#,
            r#"<a xmlns:xmlns="urn:x"/>"#,
            r#"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#,
            r#"<a xmlns:p="http://www.w3.org/2000/xmlns/"/>"#,
        ] {
            assert!(
                matches!(parse(xml).unwrap_err().kind, ErrorKind::Syntax(_)),
                "{xml}"
            );
        }
    }

    #[test]
    fn text_around_references_is_joined() {
        let document = parse("<a>x &lt; y &#65;\r\nz</a>").unwrap();
        assert_eq!(document.root().text(), "x < y A\r\nz");
    }

    #[test]
    fn refuses_doctype_and_unknown_entities() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>"#;
        assert_eq!(parse(xxe).unwrap_err().kind, ErrorKind::Doctype);
        assert!(matches!(
            parse("<a>&x;</a>").unwrap_err().kind,
            ErrorKind::UnknownEntity(_)
        ));
    }

    #[test]
    fn refuses_truncated_documents() {
        assert_eq!(
            parse("<a><b>text</b>").unwrap_err().kind,
            ErrorKind::Truncated
        );
        assert_eq!(parse("<a><b>te").unwrap_err().kind, ErrorKind::Truncated);
    }

    #[test]
    fn enforces_depth_and_size_limits() {
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(
            parse(&deep).unwrap_err().kind,
            ErrorKind::TooDeep { limit: 64 }
        );
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let error = parse_document(b"<aaaaaaaaaaaaaaa/>", limits).unwrap_err();
        assert_eq!(error.kind, ErrorKind::TooLarge { limit: 10 });
    }

    #[test]
    fn records_element_spans() {
        let xml = "<a><b x=\"1\">t</b><c/></a>";
        let document = parse(xml).unwrap();
        let children = children(&document.root());
        assert_eq!(&xml[children[0].span()], "<b x=\"1\">t</b>");
        assert_eq!(&xml[children[1].span()], "<c/>");
    }
}
