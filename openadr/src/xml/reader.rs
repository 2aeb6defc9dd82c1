//! Reads a document into an [`Element`] tree, resolving namespaces and
//! refusing what a protocol peer has no business sending: DOCTYPEs (so no
//! entity declarations, no XXE, no billion laughs), unknown entities, invalid
//! UTF-8, and documents over the size, depth or element-count limits.
//!
//! Why a tree and not serde: OpenADR peers disagree on prefixes and sometimes
//! on namespaces. A tree of (namespace URI, local name) lets the decoders match
//! by local name, notice a wrong namespace, and report it as a deviation
//! instead of silently accepting or blindly rejecting it. The documents are
//! small (a poll is four elements, a large report a few thousand), so building
//! the tree costs little.

use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::ops::Range;

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

/// The namespace of an element or attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespace {
    /// One of the OpenADR schema's namespaces.
    Known(Ns),
    /// Some other namespace URI.
    Other(String),
    /// No namespace.
    None,
}

impl Namespace {
    /// The namespace URI, empty for none.
    pub fn uri(&self) -> &str {
        match self {
            Namespace::Known(ns) => ns.uri(),
            Namespace::Other(uri) => uri,
            Namespace::None => "",
        }
    }

    fn resolve(result: &ResolveResult<'_>) -> Self {
        match result {
            ResolveResult::Bound(ns) => match Ns::from_uri(ns.as_ref()) {
                Some(known) => Namespace::Known(known),
                None => Namespace::Other(String::from_utf8_lossy(ns.as_ref()).into_owned()),
            },
            // An undeclared prefix: treat it as no namespace; decoders report it.
            ResolveResult::Unbound | ResolveResult::Unknown(_) => Namespace::None,
        }
    }
}

/// An attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// Its namespace (unprefixed attributes have none).
    pub ns: Namespace,
    /// Local name.
    pub name: String,
    /// Unescaped value.
    pub value: String,
}

/// An element with its namespace, attributes, children and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Namespace.
    pub ns: Namespace,
    /// Local name (without prefix).
    pub name: String,
    /// Attributes, excluding namespace declarations.
    pub attributes: Vec<Attribute>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Text content directly inside this element (not inside children).
    pub text: String,
    /// Byte range of the whole element in the document.
    pub span: Range<usize>,
}

impl Element {
    /// The attribute with this local name, in any namespace.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// Parses a whole document and returns its root element.
pub fn parse_document(input: &[u8], limits: Limits) -> Result<Element, Error> {
    if input.len() > limits.max_bytes {
        return Err(ErrorKind::TooLarge {
            limit: limits.max_bytes,
        }
        .into());
    }
    let text = std::str::from_utf8(input).map_err(|e| ErrorKind::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut reader = NsReader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let (ns, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (Namespace::resolve(&resolved), event),
            Err(error) => return Err(syntax(&error, reader.error_position())),
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(ErrorKind::Syntax("content after the root element".into()).into());
            }
            Event::Start(tag) => {
                elements += 1;
                check_counts(elements, stack.len() + 1, limits)?;
                stack.push(element(&reader, ns, &tag, start)?);
            }
            Event::Empty(tag) => {
                elements += 1;
                check_counts(elements, stack.len() + 1, limits)?;
                let mut element = element(&reader, ns, &tag, start)?;
                element.span.end = position(&reader);
                attach(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                let Some(mut element) = stack.pop() else {
                    return Err(ErrorKind::Syntax("unexpected end tag".into()).into());
                };
                element.span.end = position(&reader);
                attach(&mut stack, &mut root, element);
            }
            Event::Text(text) => {
                let content = text
                    .decode()
                    .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                push_text(&mut stack, &root, &content)?;
            }
            Event::CData(data) => {
                let content = data
                    .decode()
                    .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                push_text(&mut stack, &root, &content)?;
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
                push_text(&mut stack, &root, &resolved)?;
            }
            Event::DocType(_) => return Err(ErrorKind::Doctype.into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(ErrorKind::Truncated.into());
    }
    root.ok_or_else(|| ErrorKind::Syntax("no root element".into()).into())
}

fn position(reader: &NsReader<&[u8]>) -> usize {
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

fn check_counts(elements: usize, depth: usize, limits: Limits) -> Result<(), Error> {
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

fn element(
    reader: &NsReader<&[u8]>,
    ns: Namespace,
    tag: &BytesStart<'_>,
    start: usize,
) -> Result<Element, Error> {
    let name = std::str::from_utf8(tag.local_name().into_inner())
        .map_err(|e| ErrorKind::Syntax(e.to_string()))?
        .to_owned();
    let mut attributes = Vec::new();
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(|e| ErrorKind::Syntax(e.to_string()))?;
        let key = attribute.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = reader.resolve_attribute(key);
        let value = attribute.unescape_value().map_err(|e| match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(
                _,
                entity,
            )) => Error::from(ErrorKind::UnknownEntity(entity)),
            other => ErrorKind::Syntax(other.to_string()).into(),
        })?;
        attributes.push(Attribute {
            ns: Namespace::resolve(&resolved),
            name: String::from_utf8_lossy(local.into_inner()).into_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element {
        ns,
        name,
        attributes,
        children: Vec::new(),
        text: String::new(),
        span: start..start,
    })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

fn push_text(stack: &mut [Element], root: &Option<Element>, content: &str) -> Result<(), Error> {
    match stack.last_mut() {
        Some(parent) => parent.text.push_str(content),
        None if content.trim().is_empty() => {}
        None if root.is_some() => {
            return Err(ErrorKind::Syntax("text after the root element".into()).into());
        }
        None => return Err(ErrorKind::Syntax("text before the root element".into()).into()),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(xml: &str) -> Result<Element, Error> {
        parse_document(xml.as_bytes(), Limits::default())
    }

    #[test]
    fn resolves_namespaces_whatever_the_prefix() {
        let root = parse(
            r#"<a:root xmlns:a="http://openadr.org/oadr-2.0b/2012/07" xmlns="http://docs.oasis-open.org/ns/energyinterop/201110"><venID>v &amp; w</venID><x:y xmlns:x="urn:other"/></a:root>"#,
        )
        .unwrap();
        assert_eq!(root.ns, Namespace::Known(Ns::Oadr));
        assert_eq!(root.children[0].ns, Namespace::Known(Ns::Ei));
        assert_eq!(root.children[0].text, "v & w");
        assert_eq!(root.children[1].ns, Namespace::Other("urn:other".into()));
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
        let root = parse(xml).unwrap();
        assert_eq!(&xml[root.children[0].span.clone()], "<b x=\"1\">t</b>");
        assert_eq!(&xml[root.children[1].span.clone()], "<c/>");
    }
}
