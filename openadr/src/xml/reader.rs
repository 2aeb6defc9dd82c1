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
///
/// Names and most text are ranges of the input rather than slices, and
/// attributes, namespaces and the rare text that had to be assembled (entity
/// references, CDATA, text split by child elements) live in side tables: an
/// element is a few integers, so a large report is one small allocation.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    input: &'a str,
    nodes: Vec<Node>,
    namespaces: Vec<Namespace>,
    attributes: Vec<Attribute<'a>>,
    owned_text: Vec<String>,
}

/// No child, or no next sibling: the root (index 0) is neither.
const NONE: u32 = 0;

#[derive(Debug, Clone)]
struct Node {
    /// Index into [`Document::namespaces`].
    ns: u32,
    /// The local name's byte range in the input.
    name: (u32, u32),
    text: Text,
    span: (u32, u32),
    /// Range of [`Document::attributes`].
    attributes: (u32, u32),
    first_child: u32,
    next_sibling: u32,
    children: u32,
}

/// An element's own text: a range of the input, or assembled.
#[derive(Debug, Clone, Copy)]
enum Text {
    Input(u32, u32),
    /// Index into [`Document::owned_text`].
    Owned(u32),
}

/// The namespace table starts with no namespace and then ours, in
/// [`crate::ns::ALL`] order, so that resolving one of them allocates nothing.
fn namespace_table() -> Vec<Namespace> {
    let mut table = Vec::with_capacity(crate::ns::ALL.len() + 1);
    table.push(Namespace::None);
    table.extend(crate::ns::ALL.map(Namespace::Known));
    table
}

impl<'a> Document<'a> {
    /// The root element.
    pub fn root(&self) -> Element<'_> {
        Element {
            doc: self,
            index: 0,
        }
    }

    fn text(&self, text: Text) -> &str {
        match text {
            Text::Input(start, end) => self.input.get(start as usize..end as usize),
            Text::Owned(index) => self.owned_text.get(index as usize).map(String::as_str),
        }
        // Ranges and indices are only made by the builder, for this input.
        .unwrap_or_default()
    }
}

/// Documents are equal when their trees are: same namespaces, names,
/// attributes, text and spans, however the text was assembled.
impl PartialEq for Document<'_> {
    fn eq(&self, other: &Self) -> bool {
        fn same(a: Element<'_>, b: Element<'_>) -> bool {
            a.ns() == b.ns()
                && a.name() == b.name()
                && a.text() == b.text()
                && a.span() == b.span()
                && a.attributes() == b.attributes()
                && a.child_count() == b.child_count()
                && a.children().zip(b.children()).all(|(x, y)| same(x, y))
        }
        same(self.root(), other.root())
    }
}

impl Eq for Document<'_> {}

/// An element of a [`Document`]: its namespace, local name, attributes,
/// children and text. A cheap copyable view.
#[derive(Debug, Clone, Copy)]
pub struct Element<'d> {
    doc: &'d Document<'d>,
    index: u32,
}

impl<'d> Element<'d> {
    fn node(&self) -> &'d Node {
        // Views are only made for indices of the same document's nodes.
        &self.doc.nodes[self.index as usize]
    }

    /// Namespace.
    pub fn ns(&self) -> &'d Namespace {
        &self.doc.namespaces[self.node().ns as usize]
    }

    /// Local name (without prefix).
    pub fn name(&self) -> &'d str {
        let (start, end) = self.node().name;
        self.doc
            .input
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Whether the local name is `name`. The decoders ask this of every
    /// child they pass over: comparing lengths first, from the node, spares
    /// slicing the input for most of them.
    pub(crate) fn is_named(&self, name: &str) -> bool {
        let (start, end) = self.node().name;
        (end - start) as usize == name.len()
            && self.doc.input.as_bytes().get(start as usize..end as usize) == Some(name.as_bytes())
    }

    /// Whether the element is in one of our namespaces, without comparing
    /// [`Namespace`] values.
    pub(crate) fn is_in(&self, ns: Ns) -> bool {
        let index = self.node().ns as usize;
        index > 0 && crate::ns::ALL.get(index - 1) == Some(&ns)
    }

    /// Text content directly inside this element (not inside children).
    pub fn text(&self) -> &'d str {
        self.doc.text(self.node().text)
    }

    /// Byte range of the whole element in the document.
    pub fn span(&self) -> Range<usize> {
        let (start, end) = self.node().span;
        start as usize..end as usize
    }

    /// Attributes, excluding namespace declarations.
    pub fn attributes(&self) -> &'d [Attribute<'d>] {
        let (start, end) = self.node().attributes;
        &self.doc.attributes[start as usize..end as usize]
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
            doc: self.doc,
            next: self.node().first_child,
        }
    }
}

/// The children of an [`Element`].
#[derive(Debug, Clone)]
pub struct Children<'d> {
    doc: &'d Document<'d>,
    next: u32,
}

impl<'d> Iterator for Children<'d> {
    type Item = Element<'d>;

    fn next(&mut self) -> Option<Element<'d>> {
        if self.next == NONE {
            return None;
        }
        let element = Element {
            doc: self.doc,
            index: self.next,
        };
        self.next = element.node().next_sibling;
        Some(element)
    }
}

/// The document being built, and for each open element its index and that of
/// its last child so far. Both readers build with it, so they agree on what a
/// tree is and on the errors about content outside the root.
pub(super) struct Builder<'a> {
    doc: Document<'a>,
    pub(super) open: Vec<(u32, u32)>,
}

/// A start tag's position and names, as byte offsets in the input.
pub(super) struct Tag {
    /// The `<`.
    pub(super) start: usize,
    /// The local name.
    pub(super) name: Range<usize>,
    /// Index into the namespace table.
    pub(super) ns: u32,
    /// Where this element's attributes begin in the attribute table.
    pub(super) attributes: usize,
}

/// The largest input whose offsets fit the tree's 32-bit ranges.
const MAX_OFFSET: usize = u32::MAX as usize;

fn offset(at: usize) -> u32 {
    // Inputs are refused beyond `MAX_OFFSET` before any node is built.
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl<'a> Builder<'a> {
    pub(super) fn new(input: &'a str, limits: Limits) -> Self {
        // About one element per 24 bytes in compact documents: one allocation.
        let guess = (input.len() / 24).min(limits.max_elements) + 1;
        Self {
            doc: Document {
                input,
                nodes: Vec::with_capacity(guess),
                namespaces: namespace_table(),
                attributes: Vec::new(),
                owned_text: Vec::new(),
            },
            open: Vec::new(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.doc.nodes.len()
    }

    /// The index of a namespace URI in the table, added if new.
    pub(super) fn namespace(&mut self, uri: &[u8]) -> u32 {
        let index = if uri.is_empty() {
            0
        } else if let Some(known) = crate::ns::ALL
            .iter()
            .position(|ns| ns.uri().as_bytes() == uri)
        {
            known + 1
        } else {
            let uri = String::from_utf8_lossy(uri);
            match self.doc.namespaces.iter().position(|ns| ns.uri() == uri) {
                Some(index) => index,
                None => {
                    self.doc.namespaces.push(Namespace::Other(uri.into_owned()));
                    self.doc.namespaces.len() - 1
                }
            }
        };
        offset(index)
    }

    pub(super) fn input(&self) -> &'a str {
        self.doc.input
    }

    /// The namespace at this index of the table.
    pub(super) fn namespace_at(&self, index: u32) -> Namespace {
        self.doc.namespaces[index as usize].clone()
    }

    pub(super) fn push_attribute(&mut self, attribute: Attribute<'a>) {
        self.doc.attributes.push(attribute);
    }

    pub(super) fn attribute_count(&self) -> usize {
        self.doc.attributes.len()
    }

    /// Adds an element as the last child of the innermost open one.
    pub(super) fn add(&mut self, tag: Tag) -> Result<u32, Error> {
        let index = u32::try_from(self.doc.nodes.len())
            .map_err(|_| Error::from(ErrorKind::Syntax("too many elements".into())))?;
        let nodes = &mut self.doc.nodes;
        match self.open.last_mut() {
            Some((parent, last)) => {
                if *last == NONE {
                    nodes[*parent as usize].first_child = index;
                } else {
                    nodes[*last as usize].next_sibling = index;
                }
                nodes[*parent as usize].children += 1;
                *last = index;
            }
            None if nodes.is_empty() => {}
            None => {
                return Err(ErrorKind::Syntax("content after the root element".into()).into());
            }
        }
        nodes.push(Node {
            ns: tag.ns,
            name: (offset(tag.name.start), offset(tag.name.end)),
            text: Text::Input(0, 0),
            span: (offset(tag.start), offset(tag.start)),
            attributes: (offset(tag.attributes), offset(self.doc.attributes.len())),
            first_child: NONE,
            next_sibling: NONE,
            children: 0,
        });
        Ok(index)
    }

    pub(super) fn set_end(&mut self, index: u32, end: usize) {
        self.doc.nodes[index as usize].span.1 = offset(end);
    }

    /// Adds text that is `range` of the input, already known to be UTF-8 on
    /// character boundaries.
    pub(super) fn push_input_text(&mut self, range: Range<usize>) -> Result<(), Error> {
        let content = self.doc.input.get(range.clone()).unwrap_or_default();
        check_chars(content)?;
        self.check_text_place(content)?;
        let Some((parent, _)) = self.open.last() else {
            return Ok(());
        };
        let node = &mut self.doc.nodes[*parent as usize];
        match node.text {
            Text::Input(start, end) if start == end => {
                node.text = Text::Input(offset(range.start), offset(range.end));
            }
            _ => self.append_text(*parent, content.to_owned()),
        }
        Ok(())
    }

    /// Adds text that had to be assembled (references, CDATA).
    pub(super) fn push_owned_text(&mut self, content: String) -> Result<(), Error> {
        check_chars(&content)?;
        self.check_text_place(&content)?;
        if let Some((parent, _)) = self.open.last() {
            self.append_text(*parent, content);
        }
        Ok(())
    }

    /// Text outside the root element may only be whitespace.
    fn check_text_place(&self, content: &str) -> Result<(), Error> {
        if !self.open.is_empty() || content.trim().is_empty() {
            Ok(())
        } else if self.doc.nodes.is_empty() {
            Err(ErrorKind::Syntax("text before the root element".into()).into())
        } else {
            Err(ErrorKind::Syntax("text after the root element".into()).into())
        }
    }

    fn append_text(&mut self, parent: u32, content: String) {
        let node = &mut self.doc.nodes[parent as usize];
        match node.text {
            Text::Owned(index) => self.doc.owned_text[index as usize].push_str(&content),
            Text::Input(start, end) => {
                let mut text = self
                    .doc
                    .input
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
                    .to_owned();
                text.push_str(&content);
                node.text = Text::Owned(offset(self.doc.owned_text.len()));
                self.doc.owned_text.push(text);
            }
        }
    }

    pub(super) fn finish(self) -> Result<Document<'a>, Error> {
        if !self.open.is_empty() {
            return Err(ErrorKind::Truncated.into());
        }
        if self.doc.nodes.is_empty() {
            return Err(ErrorKind::Syntax("no root element".into()).into());
        }
        Ok(self.doc)
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
