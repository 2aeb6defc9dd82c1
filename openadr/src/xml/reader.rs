//! Reads a document into a [`Document`] tree, resolving namespaces and
//! refusing what a protocol peer has no business sending: DOCTYPEs (so no
//! entity declarations, no XXE, no billion laughs), unknown entities, invalid
//! UTF-8, and documents over the size, depth or element-count limits.
//!
//! Why a tree and not serde: OpenADR peers disagree on prefixes and sometimes
//! on namespaces. A tree of (namespace URI, local name) lets the decoders match
//! by local name, notice a wrong namespace, and report it as a deviation
//! instead of silently accepting or blindly rejecting it. The documents are
//! small (a poll is four elements, a large report a few thousand), and the
//! tree is one vector of nodes in document order linked by index: building it
//! allocates nothing per element, and names and text borrow from the input.

use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::PrefixDeclaration;
use quick_xml::reader::Reader;
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

/// A parsed document: its elements in document order, the root first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    nodes: Vec<Node<'a>>,
}

/// No child, or no next sibling: the root (index 0) is neither.
const NONE: u32 = 0;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Node<'a> {
    ns: Namespace,
    name: &'a str,
    attributes: Vec<Attribute<'a>>,
    text: Cow<'a, str>,
    span: Range<usize>,
    first_child: u32,
    next_sibling: u32,
    children: u32,
}

impl Document<'_> {
    /// The root element.
    pub fn root(&self) -> Element<'_> {
        Element {
            nodes: &self.nodes,
            index: 0,
        }
    }
}

/// An element of a [`Document`]: its namespace, local name, attributes,
/// children and text. A cheap copyable view.
#[derive(Debug, Clone, Copy)]
pub struct Element<'d> {
    nodes: &'d [Node<'d>],
    index: u32,
}

impl<'d> Element<'d> {
    fn node(&self) -> &'d Node<'d> {
        // Views are only made for indices of the same document's nodes.
        &self.nodes[self.index as usize]
    }

    /// Namespace.
    pub fn ns(&self) -> &'d Namespace {
        &self.node().ns
    }

    /// Local name (without prefix).
    pub fn name(&self) -> &'d str {
        self.node().name
    }

    /// Text content directly inside this element (not inside children).
    pub fn text(&self) -> &'d str {
        &self.node().text
    }

    /// Byte range of the whole element in the document.
    pub fn span(&self) -> Range<usize> {
        self.node().span.clone()
    }

    /// Attributes, excluding namespace declarations.
    pub fn attributes(&self) -> &'d [Attribute<'d>] {
        &self.node().attributes
    }

    /// The attribute with this local name, in any namespace.
    pub fn attribute(&self, name: &str) -> Option<&'d Attribute<'d>> {
        self.attributes().iter().find(|a| a.name == name)
    }

    /// How many child elements.
    pub fn child_count(&self) -> usize {
        self.node().children as usize
    }

    /// Child elements in document order.
    pub fn children(&self) -> Children<'d> {
        Children {
            nodes: self.nodes,
            next: self.node().first_child,
        }
    }
}

/// The children of an [`Element`].
#[derive(Debug, Clone)]
pub struct Children<'d> {
    nodes: &'d [Node<'d>],
    next: u32,
}

impl<'d> Iterator for Children<'d> {
    type Item = Element<'d>;

    fn next(&mut self) -> Option<Element<'d>> {
        if self.next == NONE {
            return None;
        }
        let element = Element {
            nodes: self.nodes,
            index: self.next,
        };
        self.next = element.node().next_sibling;
        Some(element)
    }
}

/// The document being built: nodes, and for each open element its index and
/// that of its last child so far.
struct Builder<'a> {
    nodes: Vec<Node<'a>>,
    open: Vec<(u32, u32)>,
}

impl<'a> Builder<'a> {
    /// Adds an element as the last child of the innermost open one.
    fn add(&mut self, node: Node<'a>) -> Result<u32, Error> {
        let index = u32::try_from(self.nodes.len())
            .map_err(|_| Error::from(ErrorKind::Syntax("too many elements".into())))?;
        match self.open.last_mut() {
            Some((parent, last)) => {
                if *last == NONE {
                    self.nodes[*parent as usize].first_child = index;
                } else {
                    self.nodes[*last as usize].next_sibling = index;
                }
                self.nodes[*parent as usize].children += 1;
                *last = index;
            }
            None if self.nodes.is_empty() => {}
            None => {
                return Err(ErrorKind::Syntax("content after the root element".into()).into());
            }
        }
        self.nodes.push(node);
        Ok(index)
    }

    fn set_end(&mut self, index: u32, end: usize) {
        self.nodes[index as usize].span.end = end;
    }

    fn push_text(&mut self, content: Cow<'a, str>) -> Result<(), Error> {
        check_chars(&content)?;
        match self.open.last() {
            Some((parent, _)) => {
                let text = &mut self.nodes[*parent as usize].text;
                if text.is_empty() {
                    *text = content;
                } else {
                    text.to_mut().push_str(&content);
                }
            }
            None if content.trim().is_empty() => {}
            None if !self.nodes.is_empty() => {
                return Err(ErrorKind::Syntax("text after the root element".into()).into());
            }
            None => return Err(ErrorKind::Syntax("text before the root element".into()).into()),
        }
        Ok(())
    }
}

/// Parses a whole document and returns its root element.
///
/// Namespaces are resolved here rather than by quick-xml's `NsReader`: that
/// resolves every start and end tag by comparing prefixes and then hands back
/// the URI, which we would compare again with each known URI. Declarations are
/// few (usually all on the root), so each is turned into a [`Namespace`] once
/// and an element costs one comparison of its short prefix per binding.
pub fn parse_document(input: &[u8], limits: Limits) -> Result<Document<'_>, Error> {
    if input.len() > limits.max_bytes {
        return Err(ErrorKind::TooLarge {
            limit: limits.max_bytes,
        }
        .into());
    }
    let text = std::str::from_utf8(input).map_err(|e| ErrorKind::InvalidUtf8 {
        offset: e.valid_up_to(),
    })?;
    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut scopes = Scopes::default();
    // About one element per 24 bytes in compact documents: one allocation.
    let guess = (input.len() / 24).min(limits.max_elements) + 1;
    let mut tree = Builder {
        nodes: Vec::with_capacity(guess),
        open: Vec::new(),
    };
    loop {
        let start = position(&reader);
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => return Err(syntax(&error, reader.error_position())),
        };
        match event {
            Event::Start(tag) => {
                check_counts(tree.nodes.len() + 1, tree.open.len() + 1, limits)?;
                let node =
                    element(&mut scopes, text, &tag, start).map_err(|e| at_byte(e, start))?;
                let index = tree.add(node)?;
                tree.open.push((index, NONE));
            }
            Event::Empty(tag) => {
                check_counts(tree.nodes.len() + 1, tree.open.len() + 1, limits)?;
                let node =
                    element(&mut scopes, text, &tag, start).map_err(|e| at_byte(e, start))?;
                scopes.close();
                let index = tree.add(node)?;
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
                // input, already checked as UTF-8: slicing borrows them
                // without checking again.
                let content = text.get(start..position(&reader)).ok_or_else(|| {
                    Error::from(ErrorKind::Syntax("text outside the document".into()))
                })?;
                tree.push_text(Cow::Borrowed(content))?;
            }
            Event::CData(data) => {
                let content = data
                    .decode()
                    .map_err(|e| ErrorKind::Syntax(e.to_string()))?;
                tree.push_text(content)?;
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
                tree.push_text(Cow::Owned(resolved))?;
            }
            Event::DocType(_) => return Err(ErrorKind::Doctype.into()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !tree.open.is_empty() {
        return Err(ErrorKind::Truncated.into());
    }
    if tree.nodes.is_empty() {
        return Err(ErrorKind::Syntax("no root element".into()).into());
    }
    Ok(Document { nodes: tree.nodes })
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

const XML_URI: &[u8] = b"http://www.w3.org/XML/1998/namespace";
const XMLNS_URI: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// One namespace declaration in scope: `prefix` empty for the default one.
struct Binding {
    prefix: Box<[u8]>,
    ns: Namespace,
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
    fn open(&mut self, tag: &BytesStart<'_>) -> Result<(), Error> {
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
            let ns = if uri.is_empty() {
                Namespace::None
            } else {
                match Ns::from_uri(uri) {
                    Some(known) => Namespace::Known(known),
                    None => Namespace::Other(String::from_utf8_lossy(uri).into_owned()),
                }
            };
            self.bindings.push(Binding {
                prefix: prefix.into(),
                ns,
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
    fn resolve(&self, prefix: Option<&[u8]>, element: bool) -> Namespace {
        let prefix = match prefix {
            Some(b"xml") => {
                return Namespace::Other(String::from_utf8_lossy(XML_URI).into_owned());
            }
            Some(prefix) => prefix,
            None if element => b"",
            None => return Namespace::None,
        };
        match self.bindings.iter().rev().find(|b| *b.prefix == *prefix) {
            Some(binding) => binding.ns.clone(),
            None => Namespace::None,
        }
    }
}

/// Builds an element from its start tag, which begins at byte `start` of
/// `input`, opening its namespace scope (closed by the caller).
fn element<'a>(
    scopes: &mut Scopes,
    input: &'a str,
    tag: &BytesStart<'a>,
    start: usize,
) -> Result<Node<'a>, Error> {
    scopes.open(tag)?;
    let (local, prefix) = tag.name().decompose();
    let ns = scopes.resolve(prefix.as_ref().map(|p| p.as_ref()), true);
    let mut attributes = Vec::new();
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
        attributes.push(Attribute {
            ns: scopes.resolve(prefix.as_ref().map(|p| p.as_ref()), false),
            name: Cow::Owned(String::from_utf8_lossy(name.into_inner()).into_owned()),
            value: Cow::Owned(value.into_owned()),
        });
    }
    let qualified = tag.name().as_ref().len();
    let local = local.as_ref().len();
    // The tag starts with `<` and its qualified name; borrow the local part.
    let name = match input.get(start + 1 + qualified - local..start + 1 + qualified) {
        Some(name) if input.as_bytes().get(start) == Some(&b'<') => name,
        _ => return Err(ErrorKind::Syntax("malformed start tag".into()).into()),
    };
    Ok(Node {
        ns,
        name,
        attributes,
        text: Cow::Borrowed(""),
        span: start..start,
        first_child: NONE,
        next_sibling: NONE,
        children: 0,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

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
