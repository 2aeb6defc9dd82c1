//! Codec speed: `make bench` records the figures in BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use openadr::event::DistributeEvent;
use openadr::poll::Poll;
use openadr::report::UpdateReport;
use openadr::xml::{Limits, parse_document};
use openadr::{Message, ReadOptions, read};
use std::hint::black_box;

#[path = "../tests/codec/samples.rs"]
#[expect(dead_code, reason = "the benchmarks use a few of the test samples")]
mod samples;

fn codec(c: &mut Criterion) {
    let poll = Message::from(Poll {
        ven_id: "ven-0123456789".into(),
    });
    let poll_xml = poll.to_xml();
    c.bench_function("oadrPoll/parse", |b| {
        b.iter(|| read(black_box(poll_xml.as_bytes()), ReadOptions::default()))
    });
    c.bench_function("oadrPoll/write", |b| b.iter(|| black_box(&poll).to_xml()));

    let distribute = Message::from(DistributeEvent {
        response: None,
        request_id: "req-1".into(),
        vtn_id: "vtn-1".into(),
        events: vec![samples::price_event(24)],
    });
    let distribute_xml = distribute.to_xml();
    c.bench_function("oadrDistributeEvent-24h/write", |b| {
        b.iter(|| black_box(&distribute).to_xml())
    });
    c.bench_function("oadrDistributeEvent-24h/parse", |b| {
        b.iter(|| read(black_box(distribute_xml.as_bytes()), ReadOptions::default()))
    });

    let update = Message::from(UpdateReport {
        request_id: "req-2".into(),
        reports: vec![samples::data_report(96, 2)],
        ven_id: Some("ven-1".into()),
    });
    let update_xml = update.to_xml();
    c.bench_function("oadrUpdateReport-96x2/parse", |b| {
        b.iter(|| read(black_box(update_xml.as_bytes()), ReadOptions::default()))
    });
    // The element tree alone, without decoding it into the message.
    c.bench_function("oadrUpdateReport-96x2/tree-only", |b| {
        b.iter(|| {
            parse_document(black_box(update_xml.as_bytes()), Limits::default())
                .map(|d| d.root().child_count())
        })
    });
    // Floors: tokenizing alone, with quick-xml's plain reader (what `read`
    // is built on; it resolves namespaces itself, once per declaration) and
    // with its `NsReader`, which resolves every start and end tag and so is
    // no floor for `read`. Both check the whole document was read.
    let events = count_events(&update_xml);
    eprintln!("96x2: {} bytes, {events} events", update_xml.len());
    c.bench_function("oadrUpdateReport-96x2/quick-xml-events-only", |b| {
        b.iter(|| {
            let mut reader = quick_xml::reader::Reader::from_str(black_box(&update_xml));
            let mut n = 0usize;
            while !matches!(
                reader.read_event(),
                Ok(quick_xml::events::Event::Eof) | Err(_)
            ) {
                n += 1;
            }
            assert_eq!(n, events);
        })
    });
    c.bench_function("oadrUpdateReport-96x2/quick-xml-ns-events-only", |b| {
        b.iter(|| {
            let mut reader = quick_xml::reader::NsReader::from_str(black_box(&update_xml));
            let mut n = 0usize;
            while !matches!(
                reader.read_resolved_event(),
                Ok((_, quick_xml::events::Event::Eof)) | Err(_)
            ) {
                n += 1;
            }
            assert_eq!(n, events);
        })
    });
    c.bench_function("oadrUpdateReport-96x2/write", |b| {
        b.iter(|| black_box(&update).to_xml())
    });
}

/// The events in a document, which must be well-formed.
fn count_events(xml: &str) -> usize {
    let mut reader = quick_xml::reader::Reader::from_str(xml);
    let mut n = 0usize;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return n,
            Ok(_) => n += 1,
            Err(e) => panic!("the benchmark document is not well-formed: {e}"),
        }
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
