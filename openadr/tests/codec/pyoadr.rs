//! Messages exactly as pyoadr-ven 0.6.0 (a VEN in production) sends them,
//! with its schema deviations (fixtures/pyoadr-ven/generate_pyoadr.py).

use crate::interop::fixtures;
use openadr::report::PayloadValue;
use openadr::{ErrorKind, ItemKind, Message, Mode, ReadOptions, read};

#[test]
fn every_pyoadr_message_is_accepted_leniently_and_refused_strictly() {
    let files = fixtures("pyoadr-ven");
    assert_eq!(files.len(), 9);
    for (stem, xml) in files {
        let parsed =
            read(xml.as_bytes(), ReadOptions::default()).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(parsed.message.name(), stem);
        assert!(!parsed.deviations.is_empty(), "{stem} has known deviations");
        let strict = read(
            xml.as_bytes(),
            ReadOptions {
                mode: Mode::Strict,
                ..ReadOptions::default()
            },
        );
        let error = strict.expect_err("strict mode refuses deviations");
        assert!(
            matches!(error.kind, ErrorKind::Deviation(_)),
            "{stem}: {error}"
        );
        assert_eq!(error.response_code(), 460);
    }
}

fn codes(stem: &str) -> (Message, Vec<String>) {
    let (_, xml) = fixtures("pyoadr-ven")
        .into_iter()
        .find(|(s, _)| s == stem)
        .unwrap();
    let parsed = read(xml.as_bytes(), ReadOptions::default()).unwrap();
    let codes = parsed
        .deviations
        .iter()
        .map(|d| format!("{} {}", d.kind.code(), d.path))
        .collect();
    (parsed.message, codes)
}

#[test]
fn update_report_deviations_are_listed_and_the_data_is_right() {
    let (message, deviations) = codes("oadrUpdateReport");
    for expected in [
        "wrong-namespace oadrPayload/oadrSignedObject/oadrUpdateReport",
        "wrong-namespace oadrPayload/oadrSignedObject/oadrUpdateReport/oadrReport/intervals/interval/oadrReportPayload",
        "wrong-namespace oadrPayload/oadrSignedObject/oadrUpdateReport/oadrReport/intervals/interval/oadrReportPayload/payloadFloat",
        "date-time-without-zone oadrPayload/oadrSignedObject/oadrUpdateReport/oadrReport/dtstart/date-time",
    ] {
        assert!(
            deviations.iter().any(|d| d == expected),
            "{expected} not in {deviations:#?}"
        );
    }
    let Message::UpdateReport(update) = message else {
        panic!()
    };
    let interval = &update.reports[0].intervals[0];
    assert_eq!(interval.payloads[0].rid.as_str(), "actual_power");
    assert_eq!(interval.payloads[0].value, PayloadValue::Float(1520.5));
    assert_eq!(interval.payloads[1].value, PayloadValue::Float(2000.0));
    assert_eq!(
        interval.dtstart.unwrap().to_rfc3339(),
        "2026-11-23T13:58:00+00:00"
    );
}

#[test]
fn register_report_type_name_alias_and_missing_request_id_are_tolerated() {
    let (message, deviations) = codes("oadrRegisterReport");
    assert!(
        deviations.iter().any(|d| d.starts_with("element-alias")),
        "{deviations:#?}"
    );
    assert!(
        deviations.iter().any(|d| d.starts_with("missing-element")),
        "{deviations:#?}"
    );
    let Message::RegisterReport(register) = message else {
        panic!()
    };
    let report = &register.reports[0];
    assert_eq!(report.report_request_id.as_str(), "0");
    let power = report
        .descriptions
        .iter()
        .find_map(|d| d.item_base.as_ref())
        .expect("an item base");
    assert_eq!(power.kind, ItemKind::PowerReal);
}

#[test]
fn created_event_without_request_id_is_read() {
    let (message, deviations) = codes("oadrCreatedEvent");
    assert!(
        deviations.iter().any(|d| d.contains("requestID")),
        "{deviations:#?}"
    );
    let Message::CreatedEvent(created) = message else {
        panic!()
    };
    assert_eq!(created.event_responses.len(), 1);
    assert!(matches!(
        created.event_responses[0].opt_type,
        openadr::values::OptType::OptIn
    ));
}
