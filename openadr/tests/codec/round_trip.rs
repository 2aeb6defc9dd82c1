use crate::samples::all_messages;
use openadr::{Mode, ReadOptions, read};

#[test]
fn every_message_reads_back_equal_without_deviations() {
    let messages = all_messages();
    let names: std::collections::BTreeSet<_> = messages.iter().map(|m| m.name()).collect();
    assert_eq!(names.len(), 23, "every message type is covered: {names:?}");
    for message in messages {
        let xml = message.to_xml();
        let strict = ReadOptions {
            mode: Mode::Strict,
            ..ReadOptions::default()
        };
        let parsed = read(xml.as_bytes(), strict)
            .unwrap_or_else(|e| panic!("{}: {e}\n{xml}", message.name()));
        assert_eq!(parsed.message, message, "{xml}");
        assert!(parsed.deviations.is_empty());
        assert!(parsed.signature.is_none());
    }
}
