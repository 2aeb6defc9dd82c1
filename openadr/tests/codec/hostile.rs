//! Hostile and broken input: each is a typed error, quickly, never a panic.

use openadr::{ErrorKind, ReadOptions, read};

fn error(xml: &[u8]) -> openadr::Error {
    read(xml, ReadOptions::default()).expect_err("must be refused")
}

#[test]
fn xxe_and_billion_laughs_are_refused_before_any_expansion() {
    let xxe =
        br#"<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>"#;
    assert_eq!(error(xxe).kind, ErrorKind::Doctype);
    let mut laughs = String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str("]><lolz>&lol9;</lolz>");
    assert_eq!(error(laughs.as_bytes()).kind, ErrorKind::Doctype);
    // Without a DTD an undeclared entity is just an error.
    assert!(matches!(
        error(b"<oadrPayload>&lol9;</oadrPayload>").kind,
        ErrorKind::UnknownEntity(_)
    ));
}

#[test]
fn deep_nesting_is_refused() {
    let deep = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
    assert!(matches!(
        error(deep.as_bytes()).kind,
        ErrorKind::TooDeep { .. }
    ));
}

#[test]
fn oversized_bodies_are_refused_without_parsing() {
    let mut big = Vec::with_capacity(50 * 1024 * 1024 + 64);
    big.extend_from_slice(b"<oadrPayload>");
    big.resize(50 * 1024 * 1024, b'x');
    let e = error(&big);
    assert!(matches!(e.kind, ErrorKind::TooLarge { .. }));
    assert_eq!(e.response_code(), 413);
}

#[test]
fn too_many_elements_are_refused() {
    let many = format!("<oadrPayload>{}</oadrPayload>", "<x/>".repeat(250_000));
    assert!(matches!(
        error(many.as_bytes()).kind,
        ErrorKind::TooManyElements { .. }
    ));
}

#[test]
fn invalid_utf8_and_truncation_are_typed_errors() {
    assert!(matches!(
        error(b"<oadrPayload>\xff\xfe</oadrPayload>").kind,
        ErrorKind::InvalidUtf8 { .. }
    ));
    let xml = openadr::Message::from(openadr::poll::Poll { ven_id: "v".into() }).to_xml();
    for cut in [10, xml.len() / 2, xml.len() - 5] {
        let e = error(&xml.as_bytes()[..cut]);
        assert!(
            matches!(e.kind, ErrorKind::Truncated | ErrorKind::Syntax(_)),
            "cut at {cut}: {e}"
        );
    }
}

#[test]
fn wrong_or_missing_content_names_the_element() {
    let e = error(b"<html/>");
    assert!(matches!(e.kind, ErrorKind::UnknownMessage(_)));
    assert_eq!(e.response_code(), 453);
    let poll = openadr::Message::from(openadr::poll::Poll { ven_id: "v".into() }).to_xml();
    let e = error(poll.replace("<ei:venID>v</ei:venID>", "").as_bytes());
    assert_eq!(e.kind, ErrorKind::Missing("venID"));
    assert_eq!(e.path, "oadrPayload/oadrSignedObject/oadrPoll/venID");
    let bad_number = openadr::Message::from(openadr::register::Response {
        response: openadr::EiResponse::ok("r".into()),
        ven_id: None,
    })
    .to_xml()
    .replace(">200<", ">2x0<");
    let e = error(bad_number.as_bytes());
    assert_eq!(e.response_code(), 454, "{e}");
}

#[test]
fn non_finite_numbers_and_control_characters_are_refused() {
    let report = crate::samples::data_report(1, 1);
    let xml = openadr::Message::from(openadr::report::UpdateReport {
        request_id: "r".into(),
        reports: vec![report],
        ven_id: None,
    })
    .to_xml();
    let value = xml
        .split("<ei:value>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    for bad in ["NaN", "inf", "-infinity"] {
        let e = error(
            xml.replace(&format!("<ei:value>{value}<"), &format!("<ei:value>{bad}<"))
                .as_bytes(),
        );
        assert_eq!(e.response_code(), 454, "{bad}: {e}");
    }
    let poll = openadr::Message::from(openadr::poll::Poll { ven_id: "v".into() }).to_xml();
    assert!(matches!(
        error(poll.replace(">v<", ">v\u{1}<").as_bytes()).kind,
        ErrorKind::Syntax(_)
    ));
    assert!(matches!(
        error(poll.replace(">v<", ">v&#1;<").as_bytes()).kind,
        ErrorKind::Syntax(_)
    ));
}
