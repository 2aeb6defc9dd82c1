//! The decoding context: finds children by local name, checks their namespace,
//! records deviations (or refuses them in strict mode), and reports errors with
//! the path of the element concerned.

use crate::deviation::{Deviation, DeviationKind, Mode};
use crate::error::{Error, ErrorKind};
use crate::ns::Ns;
use crate::values::{self, DateTime, Duration};
use crate::xml::Element;
use crate::xml::reader::Namespace;
use std::str::FromStr;

pub(crate) struct Decoder {
    mode: Mode,
    pub(crate) deviations: Vec<Deviation>,
    /// Element names from the root; static so that descending costs no allocation.
    path: Vec<&'static str>,
}

impl Decoder {
    pub(crate) fn new(mode: Mode) -> Self {
        Self {
            mode,
            deviations: Vec::new(),
            path: Vec::new(),
        }
    }

    /// Runs `f` with `name` appended to the current path.
    pub(crate) fn within<T>(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&mut Self) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.path.push(name);
        let result = f(self);
        if result.is_ok() {
            self.path.pop();
        }
        result
    }

    pub(crate) fn path_to(&self, leaf: &str) -> String {
        let mut path = self.path.join("/");
        if !leaf.is_empty() {
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(leaf);
        }
        path
    }

    pub(crate) fn error(&self, kind: ErrorKind, leaf: &str) -> Error {
        Error::at(kind, self.path_to(leaf))
    }

    pub(crate) fn invalid(&self, leaf: &str, value: &str, reason: impl Into<String>) -> Error {
        self.error(
            ErrorKind::Invalid {
                element: leaf.to_owned(),
                value: value.to_owned(),
                reason: reason.into(),
            },
            leaf,
        )
    }

    /// Records a deviation, or refuses it in strict mode.
    pub(crate) fn deviate(&mut self, leaf: &str, kind: DeviationKind) -> Result<(), Error> {
        let deviation = Deviation {
            path: self.path_to(leaf),
            kind,
        };
        match self.mode {
            Mode::Lenient => {
                self.deviations.push(deviation);
                Ok(())
            }
            Mode::Strict => Err(Error::at(
                ErrorKind::Deviation(deviation.clone()),
                deviation.path,
            )),
        }
    }

    /// Checks that `element` is in `ns`; another namespace is a deviation.
    /// Small enough to inline: decoders check every child they use.
    pub(crate) fn check_ns(&mut self, element: &Element, ns: Ns) -> Result<(), Error> {
        if element.is_in(ns) {
            Ok(())
        } else {
            self.wrong_ns(element, ns)
        }
    }

    #[cold]
    fn wrong_ns(&mut self, element: &Element, ns: Ns) -> Result<(), Error> {
        let found = match element.ns() {
            Namespace::Known(other) => other.uri().to_owned(),
            Namespace::Other(uri) => uri.clone(),
            Namespace::None => String::new(),
        };
        self.deviate(
            element.name(),
            DeviationKind::WrongNamespace {
                name: element.name().to_owned(),
                expected: ns.uri(),
                found,
            },
        )
    }

    /// The first child with this local name, namespace checked.
    pub(crate) fn child<'x>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<Element<'x>>, Error> {
        match parent.children().find(|c| c.is_named(name)) {
            Some(child) => {
                self.check_ns(&child, ns)?;
                Ok(Some(child))
            }
            None => Ok(None),
        }
    }

    /// The required child with this local name.
    pub(crate) fn required<'x>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
    ) -> Result<Element<'x>, Error> {
        self.child(parent, ns, name)?
            .ok_or_else(|| self.error(ErrorKind::Missing(name), name))
    }

    /// Every child with this local name, in order.
    pub(crate) fn children<'x>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
    ) -> Result<Vec<Element<'x>>, Error> {
        let found: Vec<Element<'x>> = parent.children().filter(|c| c.is_named(name)).collect();
        for child in &found {
            self.check_ns(child, ns)?;
        }
        Ok(found)
    }

    /// Every child with this local name, decoded by `f` within its name, in
    /// order. As with [`Self::children`], all their namespaces are checked
    /// before any is decoded; walking the children twice spares a vector of
    /// them, and the result is allocated once (a report has hundreds).
    pub(crate) fn each<'x, T>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
        mut f: impl FnMut(&mut Self, &Element<'x>) -> Result<T, Error>,
    ) -> Result<Vec<T>, Error> {
        let mut count = 0;
        for child in parent.children().filter(|c| c.is_named(name)) {
            self.check_ns(&child, ns)?;
            count += 1;
        }
        let mut decoded = Vec::with_capacity(count);
        for child in parent.children().filter(|c| c.is_named(name)) {
            decoded.push(self.within(name, |d| f(d, &child))?);
        }
        Ok(decoded)
    }

    /// The trimmed text of a required child.
    pub(crate) fn text(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<String, Error> {
        self.text_ref(parent, ns, name).map(str::to_owned)
    }

    /// The trimmed text of a required child, borrowed: values parsed from
    /// text need no copy of it.
    fn text_ref<'x>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
    ) -> Result<&'x str, Error> {
        Ok(trim(self.required(parent, ns, name)?.text()))
    }

    /// The trimmed text of an optional child, borrowed.
    fn opt_text_ref<'x>(
        &mut self,
        parent: &Element<'x>,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<&'x str>, Error> {
        Ok(self.child(parent, ns, name)?.map(|c| trim(c.text())))
    }

    /// The text of a required child whose absence some peers get away with:
    /// absent, it reads as `assumed` and is reported as a deviation.
    pub(crate) fn text_or_assume(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
        assumed: &'static str,
    ) -> Result<String, Error> {
        match self.opt_text(parent, ns, name)? {
            Some(text) => Ok(text),
            None => {
                self.deviate(name, DeviationKind::MissingElement { name, assumed })?;
                Ok(assumed.to_owned())
            }
        }
    }

    /// The trimmed text of an optional child.
    pub(crate) fn opt_text(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<String>, Error> {
        Ok(self.opt_text_ref(parent, ns, name)?.map(str::to_owned))
    }

    /// A required child parsed with `FromStr`.
    pub(crate) fn parse<T: FromStr>(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<T, Error>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text_ref(parent, ns, name)?;
        text.parse()
            .map_err(|e: T::Err| self.invalid(name, text, e.to_string()))
    }

    /// An optional child parsed with `FromStr`.
    pub(crate) fn opt_parse<T: FromStr>(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<T>, Error>
    where
        T::Err: std::fmt::Display,
    {
        match self.opt_text_ref(parent, ns, name)? {
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e: T::Err| self.invalid(name, text, e.to_string())),
            None => Ok(None),
        }
    }

    /// A required finite number. `NaN` and infinities parse as floats in Rust
    /// but are useless as readings or prices and would not survive a round trip.
    pub(crate) fn finite<T>(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<T, Error>
    where
        T: FromStr + Copy + Into<f64>,
        T::Err: std::fmt::Display,
    {
        let value: T = self.parse(parent, ns, name)?;
        self.check_finite(value, name)
    }

    /// An optional finite number.
    pub(crate) fn opt_finite<T>(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<T>, Error>
    where
        T: FromStr + Copy + Into<f64>,
        T::Err: std::fmt::Display,
    {
        match self.opt_parse::<T>(parent, ns, name)? {
            Some(value) => self.check_finite(value, name).map(Some),
            None => Ok(None),
        }
    }

    fn check_finite<T: Copy + Into<f64>>(&self, value: T, name: &'static str) -> Result<T, Error> {
        let number: f64 = value.into();
        if number.is_finite() {
            Ok(value)
        } else {
            Err(self.invalid(name, &number.to_string(), "expected a finite number"))
        }
    }

    /// `xs:boolean`: true, false, 1 or 0.
    pub(crate) fn boolean(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<bool, Error> {
        let text = self.text_ref(parent, ns, name)?;
        parse_bool(text).ok_or_else(|| self.invalid(name, text, "expected true or false"))
    }

    /// An optional `xs:boolean`.
    pub(crate) fn opt_boolean(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<bool>, Error> {
        match self.opt_text_ref(parent, ns, name)? {
            Some(text) => parse_bool(text)
                .map(Some)
                .ok_or_else(|| self.invalid(name, text, "expected true or false")),
            None => Ok(None),
        }
    }

    /// The text of an element as a date-time, with zone deviations recorded.
    pub(crate) fn date_time_text(&mut self, element: &Element) -> Result<DateTime, Error> {
        let text = trim(element.text());
        let (value, deviation) = values::parse_date_time(text)
            .map_err(|reason| self.invalid(element.name(), text, reason))?;
        if let Some(kind) = deviation {
            self.deviate(element.name(), kind)?;
        }
        Ok(value)
    }

    /// A required child holding a date-time directly (e.g. `ei:createdDateTime`).
    pub(crate) fn date_time(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<DateTime, Error> {
        let element = self.required(parent, ns, name)?;
        self.date_time_text(&element)
    }

    /// An optional child holding a date-time directly.
    pub(crate) fn opt_date_time(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<DateTime>, Error> {
        match self.child(parent, ns, name)? {
            Some(element) => self.date_time_text(&element).map(Some),
            None => Ok(None),
        }
    }

    /// `xcal:dtstart/xcal:date-time` under `parent`, if present.
    pub(crate) fn opt_dtstart(&mut self, parent: &Element) -> Result<Option<DateTime>, Error> {
        match self.child(parent, Ns::Xcal, "dtstart")? {
            Some(dtstart) => self
                .within("dtstart", |d| d.date_time(&dtstart, Ns::Xcal, "date-time"))
                .map(Some),
            None => Ok(None),
        }
    }

    /// A required `xcal:dtstart`.
    pub(crate) fn dtstart(&mut self, parent: &Element) -> Result<DateTime, Error> {
        self.opt_dtstart(parent)?
            .ok_or_else(|| self.error(ErrorKind::Missing("dtstart"), "dtstart"))
    }

    /// A duration property: `<name><xcal:duration>PT1H</xcal:duration></name>`.
    pub(crate) fn opt_duration_prop(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Option<Duration>, Error> {
        match self.child(parent, ns, name)? {
            Some(prop) => self
                .within(name, |d| d.parse(&prop, Ns::Xcal, "duration"))
                .map(Some),
            None => Ok(None),
        }
    }

    /// A required duration property.
    pub(crate) fn duration_prop(
        &mut self,
        parent: &Element,
        ns: Ns,
        name: &'static str,
    ) -> Result<Duration, Error> {
        self.opt_duration_prop(parent, ns, name)?
            .ok_or_else(|| self.error(ErrorKind::Missing(name), name))
    }
}

/// `str::trim`, without looking for Unicode spaces in the usual value that
/// begins and ends with a visible ASCII character: a character-by-character
/// trim of every value was a twentieth of decoding a large report.
fn trim(text: &str) -> &str {
    match text.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        [only] if only.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trim_is_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "ab",
            "a b",
            "\t1.5\n",
            "\u{a0}x",
            "x\u{a0}",
            "\u{3000}",
            "\u{2028}7\u{2029}",
            "é",
            " é ",
            "x\u{85}",
            "\r\n",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }
}
