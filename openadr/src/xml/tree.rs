//! The element tree a document is read into: elements in document order,
//! linked by index, with names and most text as ranges of the input. Both
//! readers ([`super::reader`] with quick-xml, [`super::scan`] on its own)
//! build it with the one [`Builder`], so they agree on what a tree is.
//!
//! Why a tree and not serde: OpenADR peers disagree on prefixes and sometimes
//! on namespaces. A tree of (namespace URI, local name) lets the decoders match
//! by local name, notice a wrong namespace, and report it as a deviation
//! instead of silently accepting or blindly rejecting it. The documents are
//! small (a poll is four elements, a large report a few thousand), and the
//! tree is one vector of nodes: building it allocates nothing per element.

use super::reader::Limits;
use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use std::borrow::Cow;
use std::ops::Range;

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
pub(super) const NONE: u32 = 0;

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
pub(super) const MAX_OFFSET: usize = u32::MAX as usize;

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
        check_chars(self.doc.input.get(range.clone()).unwrap_or_default())?;
        self.push_plain_text(range)
    }

    /// [`Self::push_input_text`] for text the caller has already found free
    /// of control characters: the fast reader's text scan stops at them, and
    /// looking again cost an eighth of building a large report's tree.
    pub(super) fn push_plain_text(&mut self, range: Range<usize>) -> Result<(), Error> {
        let content = self.doc.input.get(range.clone()).unwrap_or_default();
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
