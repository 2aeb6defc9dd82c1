//! Messages produced by other implementations (fixtures, with the command that
//! made them next to them).

use openadr::event::ResponseRequired;
use openadr::report::PayloadValue;
use openadr::values::{EventStatus, ReportName, SignalName};
use openadr::{Message, Mode, ReadOptions, read};
use std::path::PathBuf;

pub fn fixtures(dir: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn strict() -> ReadOptions {
    ReadOptions {
        mode: Mode::Strict,
        ..ReadOptions::default()
    }
}

#[test]
fn every_openleadr_message_reads_strictly() {
    let files = fixtures("openleadr");
    assert_eq!(files.len(), 24);
    for (stem, xml) in files {
        let parsed = read(xml.as_bytes(), strict()).unwrap_or_else(|e| panic!("{stem}: {e}"));
        assert_eq!(
            parsed.message.name(),
            stem.trim_start_matches("signed-"),
            "{stem}"
        );
        assert_eq!(parsed.signature.is_some(), stem.starts_with("signed-"));
    }
}

#[test]
fn openleadr_event_and_report_values_are_read_correctly() {
    let xml = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openleadr/oadrDistributeEvent.xml"),
    )
    .unwrap();
    let Message::DistributeEvent(distribute) = read(xml.as_bytes(), strict()).unwrap().message
    else {
        panic!()
    };
    let event = &distribute.events[0];
    assert_eq!(event.descriptor.event_id.as_str(), "event-1");
    assert_eq!(event.descriptor.status, EventStatus::Far);
    assert_eq!(event.response_required, ResponseRequired::Always);
    let signal = &event.signals[0];
    assert_eq!(signal.name, SignalName::Simple);
    assert_eq!(
        signal.intervals.iter().map(|i| i.value).collect::<Vec<_>>(),
        [1.0, 2.0]
    );
    assert_eq!(
        event
            .active_period
            .duration
            .to_time_delta()
            .unwrap()
            .num_hours(),
        2
    );
    assert_eq!(event.target.ven_ids[0].as_str(), "ven-1");

    let xml = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/openleadr/signed-oadrUpdateReport.xml"),
    )
    .unwrap();
    let parsed = read(xml.as_bytes(), strict()).unwrap();
    assert!(
        parsed
            .signature
            .as_deref()
            .unwrap()
            .starts_with("<ds:Signature")
    );
    let Message::UpdateReport(update) = parsed.message else {
        panic!()
    };
    let report = &update.reports[0];
    assert_eq!(report.report_name, Some(ReportName::TelemetryUsage));
    let values: Vec<_> = report
        .intervals
        .iter()
        .map(|i| i.payloads[0].value.clone())
        .collect();
    assert_eq!(
        values,
        [PayloadValue::Float(1234.5), PayloadValue::Float(1100.0)]
    );
}

/// Rewrites every prefix (and the declarations) to other names, as peers that
/// choose their own prefixes do.
fn rename_prefixes(xml: &str) -> String {
    let mut out = xml.to_owned();
    for (prefix, other) in [
        ("oadr", "n1"),
        ("ei", "n2"),
        ("pyld", "n3"),
        ("emix", "n4"),
        ("strm", "n5"),
        ("xcal", "n6"),
        ("power", "n7"),
        ("scale", "n8"),
    ] {
        out = out.replace(&format!("<{prefix}:"), &format!("<{other}:"));
        out = out.replace(&format!("</{prefix}:"), &format!("</{other}:"));
        out = out.replace(&format!("xmlns:{prefix}="), &format!("xmlns:{other}="));
        out = out.replace(&format!(" {prefix}:"), &format!(" {other}:"));
    }
    out
}

#[test]
fn prefixes_do_not_matter() {
    for (stem, xml) in fixtures("openleadr") {
        let renamed = rename_prefixes(&xml);
        assert_ne!(renamed, xml);
        let original = read(xml.as_bytes(), strict()).unwrap();
        let parsed =
            read(renamed.as_bytes(), strict()).unwrap_or_else(|e| panic!("{stem}: {e}\n{renamed}"));
        assert_eq!(parsed.message, original.message, "{stem}");
    }
    for message in crate::samples::all_messages() {
        let xml = message.to_xml();
        let parsed = read(rename_prefixes(&xml).as_bytes(), strict()).unwrap();
        assert_eq!(parsed.message, message);
    }
}
