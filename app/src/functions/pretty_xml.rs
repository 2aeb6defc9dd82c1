//! Indents XML for people reading the message log. Anything that does not
//! parse is shown as it was.

/// The document indented by two spaces per level.
pub fn indent(xml: &str) -> String {
    use quick_xml::{Reader, Writer, events::Event};
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(event) => {
                if writer.write_event(event).is_err() {
                    return xml.to_owned();
                }
            }
            Err(_) => return xml.to_owned(),
        }
    }
    String::from_utf8(writer.into_inner()).unwrap_or_else(|_| xml.to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_elements_get_one_line_each_and_broken_xml_is_kept() {
        assert_eq!(super::indent("<a><b>x</b></a>"), "<a>\n  <b>x</b>\n</a>");
        assert_eq!(super::indent("<a><b></a>"), "<a><b></a>");
    }
}
