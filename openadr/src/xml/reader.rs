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
use std::borrow::Cow;
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
pub struct Attribute<'a> {
    /// Its namespace (unprefixed attributes have none).
    pub ns: Namespace,
    /// Local name.
    pub name: Cow<'a, str>,
    /// Unescaped value.
    pub value: Cow<'a, str>,
}

/// An element with its namespace, attributes, children and text. Names and
/// text borrow from the document where they can, so building the tree
/// allocates little more than the child lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element<'a> {
    /// Namespace.
    pub ns: Namespace,
    /// Local name (without prefix).
    pub name: Cow<'a, str>,
    /// Attributes, excluding namespace declarations.
    pub attributes: Vec<Attribute<'a>>,
    /// Child elements in document order.
    pub children: Vec<Element<'a>>,
    /// Text content directly inside this element (not inside children).
    pub text: Cow<'a, str>,
    /// Byte range of the whole element in the document.
    pub span: Range<usize>,
}

impl<'a> Element<'a> {
    /// The attribute with this local name, in any namespace.
    pub fn attribute(&self, name: &str) -> Option<&Attribute<'a>> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// Parses a whole document and returns its root element.
pub fn parse_document(input: &[u8], limits: Limits) -> Result<Element<'_>, Error> {
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

    let mut stack: Vec<Element<'_>> = Vec::new();
    let mut root: Option<Element<'_>> = None;
    let mut elements = 0usize;
    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => return Err(syntax(&error, reader.error_position())),
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(ErrorKind::Syntax("content after the root element".into()).into());
            }
            Event::Start(tag) => {
                elements += 1;
                check_counts(elements, stack.len() + 1, limits)?;
                stack.push(element(&reader, text, tag, start)?);
            }
            Event::Empty(tag) => {
                elements += 1;
                check_counts(elements, stack.len() + 1, limits)?;
                let mut element = element(&reader, text, tag, start)?;
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
                push_text(&mut stack, &root, content)?;
            }
            Event::CData(data) => {
                let content = data
                    .decode()
                    .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                push_text(&mut stack, &root, content)?;
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
                push_text(&mut stack, &root, Cow::Owned(resolved))?;
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

/// The input is valid UTF-8 (checked up front) and quick-xml splits it only at
/// ASCII delimiters, so every borrowed slice is valid UTF-8 too.
fn utf8(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, str>, Error> {
    let invalid = |e: std::str::Utf8Error| {
        Error::from(ErrorKind::InvalidUtf8 {
            offset: e.valid_up_to(),
        })
    };
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b).map(Cow::Borrowed).map_err(invalid),
        Cow::Owned(b) => String::from_utf8(b)
            .map(Cow::Owned)
            .map_err(|e| invalid(e.utf8_error())),
    }
}

/// Builds an element from its start tag, which begins at byte `start` of `input`.
fn element<'a>(
    reader: &NsReader<&'a [u8]>,
    input: &'a str,
    tag: BytesStart<'a>,
    start: usize,
) -> Result<Element<'a>, Error> {
    let (resolved, _) = reader.resolve_element(tag.name());
    let ns = Namespace::resolve(&resolved);
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
            name: Cow::Owned(String::from_utf8_lossy(local.into_inner()).into_owned()),
            value: Cow::Owned(value.into_owned()),
        });
    }
    let qualified = tag.name().as_ref().len();
    let local = tag.local_name().as_ref().len();
    // The tag starts with `<` and its qualified name; borrow the local part.
    let name = match input.get(start + 1 + qualified - local..start + 1 + qualified) {
        Some(name) if input.as_bytes().get(start) == Some(&b'<') => Cow::Borrowed(name),
        _ => utf8(Cow::Owned(tag.local_name().as_ref().to_vec()))?,
    };
    Ok(Element {
        ns,
        name,
        attributes,
        children: Vec::new(),
        text: Cow::Borrowed(""),
        span: start..start,
    })
}

fn attach<'a>(stack: &mut [Element<'a>], root: &mut Option<Element<'a>>, element: Element<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

/// XML 1.0 allows no control characters but tab, newline and carriage return;
/// refusing them here means everything read can be written back.
fn check_chars(content: &str) -> Result<(), Error> {
    match content
        .bytes()
        .find(|b| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        Some(byte) => {
            Err(ErrorKind::Syntax(format!("control character 0x{byte:02x} in text")).into())
        }
        None => Ok(()),
    }
}

fn push_text<'a>(
    stack: &mut [Element<'a>],
    root: &Option<Element<'a>>,
    content: Cow<'a, str>,
) -> Result<(), Error> {
    check_chars(&content)?;
    match stack.last_mut() {
        Some(parent) if parent.text.is_empty() => parent.text = content,
        Some(parent) => parent.text.to_mut().push_str(&content),
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

    fn parse(xml: &str) -> Result<Element<'_>, Error> {
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
