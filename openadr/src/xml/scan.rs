//! The fast reader: one pass over the bytes for the documents peers send —
//! an optional XML declaration, then elements, attributes and plain text.
//!
//! It answers `None` for anything else, well-formed or not: comments, CDATA,
//! processing instructions after the start, references other than the five
//! predefined entities in text, a DOCTYPE, unusual
//! names, a limit exceeded, any syntax error. The caller then reads the
//! document with quick-xml, which decides and reports. So this reader never
//! has to produce an error, only to accept nothing quick-xml would refuse and
//! to build the same tree (checked by the tests at the end of this file).
//!
//! Why it is faster than quick-xml's `Reader` plus our tree: no event values
//! to build and match, attributes parsed once rather than twice, end tags
//! compared directly against the open element's name, and namespace prefixes
//! compared as one integer.

use super::reader::{Limits, XML_URI, XMLNS_URI, check_counts};
use super::tree::{Attribute, Builder, Document, Tag};
use std::borrow::Cow;
use std::ops::Range;

/// Bytes that stand for themselves in text: not `<`, not `&`, and no control
/// character but tab, newline and carriage return.
const TEXT: u8 = 1;
/// Bytes that may continue a name (the colon is handled apart).
const NAME: u8 = 2;
/// Bytes that may start a name.
const NAME_START: u8 = 4;

static CLASS: [u8; 256] = classes();

const fn classes() -> [u8; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut class = 0;
        if (b >= 0x20 && b != b'<' && b != b'&') || matches!(b, b'\t' | b'\n' | b'\r') {
            class |= TEXT;
        }
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') {
            class |= NAME;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            class |= NAME_START;
        }
        table[i] = class;
        i += 1;
    }
    table
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A namespace declaration in scope. Prefixes of up to eight bytes (all real
/// ones) are compared as one integer.
struct Binding<'a> {
    key: u64,
    prefix: &'a [u8],
    ns: u32,
}

/// Stands for every prefix longer than eight bytes.
const LONG: u64 = u64::MAX;

fn key(prefix: &[u8]) -> u64 {
    if prefix.len() > 8 {
        return LONG;
    }
    // A loop rather than a copy into a buffer: no call for three bytes.
    prefix
        .iter()
        .rev()
        .fold(0, |key, b| (key << 8) | u64::from(*b))
}

/// Equal byte strings, eight bytes at a time: names are short and a call to
/// `memcmp` for each end tag costs more than the comparison.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut a = a.chunks_exact(8);
    let mut b = b.chunks_exact(8);
    for (x, y) in (&mut a).zip(&mut b) {
        if x != y {
            return false;
        }
    }
    a.remainder().iter().zip(b.remainder()).all(|(x, y)| x == y)
}

/// The first byte of `bytes` from `at` that cannot stand for itself in text,
/// or the length. Eight bytes at a time: a report's values are short, but
/// pretty-printed documents have long runs of indentation.
fn text_end(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // Bytes below 0x20, and bytes equal to `<` or `&`; a flag can only be
        // wrong above the first true one, so the lowest flag is exact.
        let low = word.wrapping_sub(ONES * 0x20) & !word;
        let lt = word ^ (ONES * u64::from(b'<'));
        let amp = word ^ (ONES * u64::from(b'&'));
        let found = (low | (lt.wrapping_sub(ONES) & !lt) | (amp.wrapping_sub(ONES) & !amp)) & HIGH;
        if found == 0 {
            at += 8;
            continue;
        }
        at += (found.trailing_zeros() / 8) as usize;
        if !matches!(bytes[at], b'\t' | b'\n' | b'\r') {
            return at;
        }
        at += 1;
    }
    while CLASS[usize::from(bytes.get(at).copied().unwrap_or(0))] & TEXT != 0 {
        at += 1;
    }
    at.min(bytes.len())
}

/// The namespace declarations in scope, innermost last, and the answers to
/// recent lookups. Every element resolves its prefix, and searching the
/// nine bindings a document declares at its root each time was about a tenth
/// of building a large report's tree.
struct Scope<'a> {
    bindings: Vec<Binding<'a>>,
    /// Prefix key and namespace, at the slot [`slot`] gives the key; `LONG`
    /// for none.
    recent: [(u64, u32); 16],
    /// Whether the bindings changed since `recent` was last emptied. It is
    /// emptied at the next lookup rather than at each change: a root
    /// declares nine namespaces, and emptying it nine times made reading a
    /// poll slower.
    changed: bool,
}

/// The slot of a key in [`Scope::recent`]: the schema's prefixes (`oadr`,
/// `ei`, `xcal`, ...) fall in different slots but `ei` and `scale`, and
/// `power` and `ds`.
fn slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60) as usize
}

impl<'a> Scope<'a> {
    fn new() -> Self {
        Self {
            bindings: Vec::new(),
            recent: [(LONG, 0); 16],
            changed: false,
        }
    }

    fn len(&self) -> usize {
        self.bindings.len()
    }

    fn declare(&mut self, binding: Binding<'a>) {
        self.bindings.push(binding);
        self.changed = true;
    }

    /// Ends the declarations made after the first `mark`.
    fn end(&mut self, mark: usize) {
        if self.bindings.len() > mark {
            self.bindings.truncate(mark);
            self.changed = true;
        }
    }

    /// The namespace bound to `prefix` (empty for the default), or none.
    fn resolve(&mut self, prefix: &[u8]) -> u32 {
        let key = key(prefix);
        if key == LONG {
            return self
                .bindings
                .iter()
                .rev()
                .find(|b| b.prefix == prefix)
                .map_or(0, |b| b.ns);
        }
        if self.changed {
            self.recent = [(LONG, 0); 16];
            self.changed = false;
        }
        let slot = slot(key);
        if self.recent[slot].0 == key {
            return self.recent[slot].1;
        }
        let ns = self
            .bindings
            .iter()
            .rev()
            .find(|b| b.key == key)
            .map_or(0, |b| b.ns);
        self.recent[slot] = (key, ns);
        ns
    }
}

/// An open element: its qualified name, and how many bindings were in scope
/// before it.
struct Open {
    name: Range<usize>,
    mark: usize,
}

/// An attribute as read: qualified name, where its colon is, value.
struct Raw {
    name: Range<usize>,
    colon: Option<usize>,
    value: Range<usize>,
}

/// The byte reader. `byte` answers 0 past the end, which no rule accepts, so
/// running off the end is just another way to give up.
struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    fn skip_space(&mut self) {
        while is_space(self.byte(self.at)) {
            self.at += 1;
        }
    }

    /// A name, optionally prefixed (`p:name`): its range and its colon.
    fn name(&mut self) -> Option<(Range<usize>, Option<usize>)> {
        let start = self.at;
        self.part()?;
        let mut colon = None;
        if self.byte(self.at) == b':' {
            colon = Some(self.at);
            self.at += 1;
            self.part()?;
        }
        Some((start..self.at, colon))
    }

    fn part(&mut self) -> Option<()> {
        if CLASS[usize::from(self.byte(self.at))] & NAME_START == 0 {
            return None;
        }
        self.at += 1;
        while CLASS[usize::from(self.byte(self.at))] & NAME != 0 {
            self.at += 1;
        }
        Some(())
    }
}

/// Reads `input` if it is made only of what this reader knows; see the module
/// documentation.
pub(super) fn scan(input: &str, limits: Limits) -> Option<Document<'_>> {
    let bytes = input.as_bytes();
    let mut tree = Builder::new(input, limits);
    let mut scope = Scope::new();
    let mut open: Vec<Open> = Vec::new();
    let mut raw: Vec<Raw> = Vec::new();
    let mut r = Bytes { bytes, at: 0 };
    if bytes.starts_with(b"<?") {
        r.at = declaration(bytes)?;
    }
    loop {
        // Compact documents mostly have no text between tags.
        if r.byte(r.at) != b'<' {
            let text = r.at;
            r.at = text_end(bytes, r.at);
            if r.at > text {
                tree.push_plain_text(text..r.at).ok()?;
            }
        }
        if r.at == bytes.len() {
            break;
        }
        if r.byte(r.at) == b'&' {
            // The five predefined entities; character references and the
            // rest are quick-xml's to judge.
            let (length, value) = [
                ("&lt;", "<"),
                ("&gt;", ">"),
                ("&amp;", "&"),
                ("&apos;", "'"),
                ("&quot;", "\""),
            ]
            .into_iter()
            .find(|(reference, _)| bytes[r.at..].starts_with(reference.as_bytes()))
            .map(|(reference, value)| (reference.len(), value))?;
            tree.push_owned_text(value.to_owned()).ok()?;
            r.at += length;
            continue;
        }
        if r.byte(r.at) != b'<' {
            return None;
        }
        if r.byte(r.at + 1) == b'/' {
            let element = open.pop()?;
            let name = bytes.get(element.name.clone())?;
            let at = r.at + 2;
            if !same(bytes.get(at..at + name.len())?, name) {
                return None;
            }
            r.at = at + name.len();
            r.skip_space();
            if r.byte(r.at) != b'>' {
                return None;
            }
            r.at += 1;
            scope.end(element.mark);
            let (index, _) = tree.open.pop()?;
            tree.set_end(index, r.at);
            continue;
        }

        // A start tag (`<?` and `<!` are not names, so end up here too and
        // are refused by `name`).
        let start = r.at;
        r.at += 1;
        let (name, colon) = r.name()?;
        check_counts(tree.len() + 1, tree.open.len() + 1, limits).ok()?;
        raw.clear();
        let empty = loop {
            let space = r.at;
            r.skip_space();
            match r.byte(r.at) {
                b'>' => {
                    r.at += 1;
                    break false;
                }
                b'/' if r.byte(r.at + 1) == b'>' => {
                    r.at += 2;
                    break true;
                }
                _ if r.at == space => return None,
                _ => {}
            }
            let (key, key_colon) = r.name()?;
            r.skip_space();
            if r.byte(r.at) != b'=' {
                return None;
            }
            r.at += 1;
            r.skip_space();
            let quote = r.byte(r.at);
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            r.at += 1;
            let value = r.at;
            loop {
                match r.byte(r.at) {
                    b if b == quote => break,
                    0 | b'<' | b'&' => return None,
                    _ => r.at += 1,
                }
            }
            r.at += 1;
            let name = &bytes[key.clone()];
            if raw.iter().any(|a| bytes[a.name.clone()] == *name) {
                return None;
            }
            raw.push(Raw {
                name: key,
                colon: key_colon,
                value: value..r.at - 1,
            });
        };

        let mark = scope.len();
        for attribute in &raw {
            let name = &bytes[attribute.name.clone()];
            let prefix = match attribute.colon {
                None if name == b"xmlns" => b"".as_slice(),
                Some(colon) if name.starts_with(b"xmlns:") && colon == attribute.name.start + 5 => {
                    &bytes[colon + 1..attribute.name.end]
                }
                _ => continue,
            };
            let uri = &bytes[attribute.value.clone()];
            // Reserved prefixes and namespaces: quick-xml's reader decides.
            if prefix == b"xml" || prefix == b"xmlns" || uri == XML_URI || uri == XMLNS_URI {
                return None;
            }
            scope.declare(Binding {
                key: key(prefix),
                prefix,
                ns: tree.namespace(uri),
            });
        }
        let prefix = colon.map_or(b"".as_slice(), |c| &bytes[name.start..c]);
        if prefix == b"xml" {
            return None;
        }
        let ns = scope.resolve(prefix);
        let first_attribute = tree.attribute_count();
        for attribute in &raw {
            let (ns, local) = match attribute.colon {
                None if &bytes[attribute.name.clone()] == b"xmlns" => continue,
                None => (0, attribute.name.clone()),
                Some(colon) => match &bytes[attribute.name.start..colon] {
                    b"xmlns" => continue,
                    b"xml" => return None,
                    prefix => (scope.resolve(prefix), colon + 1..attribute.name.end),
                },
            };
            tree.push_attribute(Attribute {
                ns: tree.namespace_at(ns),
                name: Cow::Borrowed(input.get(local)?),
                value: Cow::Borrowed(input.get(attribute.value.clone())?),
            });
        }
        let local = colon.map_or(name.start, |c| c + 1)..name.end;
        let index = tree
            .add(Tag {
                start,
                name: local,
                ns,
                attributes: first_attribute,
            })
            .ok()?;
        if empty {
            scope.end(mark);
            tree.set_end(index, r.at);
        } else {
            tree.open.push((index, 0));
            open.push(Open { name, mark });
        }
    }
    tree.finish().ok()
}

/// The end of an XML declaration at the start of the document, if it is a
/// plain one: `<?xml`, a space, and no `>` before the closing `?>`.
fn declaration(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(b"<?xml") || !is_space(*bytes.get(5)?) {
        return None;
    }
    let end = 6 + bytes.get(6..)?.iter().position(|b| *b == b'>')?;
    (bytes[end - 1] == b'?').then_some(end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ns::Ns;
    use crate::xml::reader::{Element, Namespace, parse_with_quick_xml};
    use std::path::Path;

    /// Both readers on one document: if the fast one accepts, quick-xml must
    /// accept too and build the same tree. Answers whether it accepted.
    fn agree(xml: &str) -> bool {
        let limits = Limits::default();
        let Some(fast) = scan(xml, limits) else {
            return false;
        };
        match parse_with_quick_xml(xml, limits) {
            Ok(slow) => assert_eq!(fast, slow, "the readers disagree on {xml:?}"),
            Err(e) => panic!("the fast reader accepted what quick-xml refuses ({e}): {xml:?}"),
        }
        true
    }

    fn fixtures() -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut found = Vec::new();
        for peer in std::fs::read_dir(dir).unwrap() {
            let peer = peer.unwrap().path();
            if !peer.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(peer).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "xml") {
                    found.push(std::fs::read_to_string(file).unwrap());
                }
            }
        }
        assert!(found.len() > 20, "fixtures not found");
        found
    }

    #[test]
    fn builds_the_same_tree_as_quick_xml_for_every_fixture() {
        for xml in fixtures() {
            assert!(agree(&xml), "the fast reader gave up on {xml}");
        }
    }

    #[test]
    fn namespaces_follow_declarations_not_prefixes() {
        let xml = r#"<?xml version="1.0"?>
<p xmlns="http://openadr.org/oadr-2.0b/2012/07" xmlns:e="http://docs.oasis-open.org/ns/energyinterop/201110">
  <e:a e:k='1' k="2"><b/><e:c xmlns:e="urn:other"/><e:d/></e:a>
  <q xmlns=""><r/></q>
  <u:v/>
  <w xmlns="urn:x" xmlns:very-long-prefix="http://docs.oasis-open.org/ns/energyinterop/201110"><very-long-prefix:x/></w>
</p>"#;
        assert!(agree(xml));
        let document = scan(xml, Limits::default()).unwrap();
        let root = document.root();
        let ns = |e: Element<'_>| e.ns().clone();
        let children: Vec<_> = root.children().collect();
        let a: Vec<_> = children[0].children().collect();
        assert_eq!(ns(root), Namespace::Known(Ns::Oadr), "default namespace");
        assert_eq!(ns(children[0]), Namespace::Known(Ns::Ei));
        assert_eq!(
            children[0].attribute("k").unwrap().ns,
            Namespace::Known(Ns::Ei)
        );
        assert_eq!(children[0].attributes()[1].ns, Namespace::None);
        assert_eq!(ns(a[0]), Namespace::Known(Ns::Oadr), "inherited default");
        assert_eq!(ns(a[1]), Namespace::Other("urn:other".into()), "redeclared");
        assert_eq!(ns(a[2]), Namespace::Known(Ns::Ei), "redeclaration ended");
        assert_eq!(ns(children[1]), Namespace::None, "default undeclared");
        assert_eq!(ns(children[1].children().next().unwrap()), Namespace::None);
        assert_eq!(ns(children[2]), Namespace::None, "undeclared prefix");
        let x = children[3].children().next().unwrap();
        assert_eq!(ns(x), Namespace::Known(Ns::Ei), "long prefix");
        assert_eq!(children[0].text(), "");
        assert_eq!(root.text(), "\n  \n  \n  \n  \n");
    }

    /// The table of recent prefix lookups must not outlive the bindings it
    /// was filled from: redeclared, undeclared and redeclared back.
    #[test]
    fn prefix_lookups_follow_every_change_of_bindings() {
        let xml = r#"<e:a xmlns:e="urn:1"><e:b/><e:c xmlns:e="urn:2"><e:d e:k="v"/><e:d/></e:c><e:f/><g xmlns:e="urn:1"><e:h/></g><e:i xmlns:x="urn:3"/><e:j/></e:a>"#;
        assert!(agree(xml));
        let document = scan(xml, Limits::default()).unwrap();
        let uri = |e: Element<'_>| e.ns().uri().to_owned();
        let root = document.root();
        let children: Vec<_> = root.children().collect();
        let c: Vec<_> = children[1].children().collect();
        assert_eq!(uri(root), "urn:1");
        assert_eq!(uri(children[0]), "urn:1");
        assert_eq!(uri(children[1]), "urn:2");
        assert_eq!(uri(c[0]), "urn:2");
        assert_eq!(c[0].attributes()[0].ns.uri(), "urn:2");
        assert_eq!(uri(c[1]), "urn:2");
        assert_eq!(uri(children[2]), "urn:1");
        assert_eq!(uri(children[3].children().next().unwrap()), "urn:1");
        assert_eq!(uri(children[4]), "urn:1");
        assert_eq!(uri(children[5]), "urn:1");
    }

    #[test]
    fn reads_predefined_entities_in_text() {
        let xml = "<a>tomorrow&apos;s &lt;b&gt; &amp; &quot;c&quot;<b/>&amp;</a>";
        assert!(agree(xml));
        let document = scan(xml, Limits::default()).unwrap();
        assert_eq!(document.root().text(), "tomorrow's <b> & \"c\"&");
    }

    #[test]
    fn leaves_the_unusual_and_the_malformed_to_quick_xml() {
        for xml in [
            "<a><!-- c --></a>",
            "<a><![CDATA[x]]></a>",
            "<a>&#65;</a>",
            "<a>&nbsp;</a>",
            "<a>&amp</a>",
            "&amp;<a/>",
            "<a b='&amp;'/>",
            "<!DOCTYPE a><a/>",
            "<a><?pi x?></a>",
            " <?xml version='1.0'?><a/>",
            "<a xml:lang='en'/>",
            "<a xmlns:xml='http://www.w3.org/XML/1998/namespace'/>",
            "<a b='1' b='2'/>",
            "<a b='1'c='2'/>",
            "<a></b>",
            "<a>",
            "<a/><b/>",
            "x<a/>",
            "<a>\u{1}</a>",
            "<a:b:c/>",
            "<1a/>",
            "<a b=1/>",
        ] {
            assert!(scan(xml, Limits::default()).is_none(), "{xml}");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(scan(&deep, Limits::default()).is_none());
    }

    /// Deterministic mutations of real documents: whatever the fast reader
    /// still accepts, quick-xml must accept the same way.
    #[test]
    fn accepts_nothing_quick_xml_refuses() {
        const PIECES: [&str; 16] = [
            "<", ">", "/", "'", "\"", "=", ":", " ", "\n", "&", "!", "?", "x", "<a>", "</a>",
            "\u{1}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut accepted = 0;
        for xml in fixtures().iter().filter(|x| x.len() < 4000) {
            for _ in 0..300 {
                let mut mutated = xml.clone();
                for _ in 0..1 + next(3) {
                    let mut at = next(mutated.len());
                    while !mutated.is_char_boundary(at) {
                        at -= 1;
                    }
                    match next(3) {
                        0 => {
                            let mut end = (at + 1 + next(4)).min(mutated.len());
                            while !mutated.is_char_boundary(end) {
                                end += 1;
                            }
                            mutated.replace_range(at..end, "");
                        }
                        _ => mutated.insert_str(at, PIECES[next(PIECES.len())]),
                    }
                }
                if agree(&mutated) {
                    accepted += 1;
                }
            }
        }
        assert!(
            accepted > 100,
            "too few mutations accepted to mean anything"
        );
    }
}
