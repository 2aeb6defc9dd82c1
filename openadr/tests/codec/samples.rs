//! One fully populated instance of every message type.

use chrono::{TimeZone, Utc};
use openadr::event::*;
use openadr::opt::*;
use openadr::poll::Poll;
use openadr::register::*;
use openadr::report::*;
use openadr::values::*;
use openadr::{EiResponse, EiTarget, ItemBase, Message};

fn at(hour: u32) -> DateTime {
    Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0)
        .single()
        .unwrap()
}

fn hours(n: i64) -> Duration {
    Duration::from_seconds(n * 3600)
}

fn ok() -> EiResponse {
    EiResponse {
        code: 200,
        description: Some("OK".into()),
        request_id: "req-1".into(),
    }
}

/// A day-ahead price event: 24 hourly intervals.
pub fn price_event(intervals: usize) -> Event {
    Event {
        descriptor: EventDescriptor {
            event_id: "event-1".into(),
            modification_number: 2,
            modification_date_time: Some(at(9)),
            modification_reason: Some("price update".into()),
            priority: Some(1),
            market_context: "http://utility.example/programs/day-ahead".into(),
            created: at(8),
            status: EventStatus::Far,
            test_event: Some("false".into()),
            vtn_comment: Some("tomorrow's prices".into()),
        },
        active_period: ActivePeriod {
            dtstart: at(0) + chrono::TimeDelta::days(1),
            duration: hours(intervals as i64),
            start_after: Some("PT5M".parse().unwrap()),
            notification: Some("P1D".parse().unwrap()),
            ramp_up: Some("PT15M".parse().unwrap()),
            recovery: Some("PT30M".parse().unwrap()),
        },
        signals: vec![EventSignal {
            intervals: (0..intervals)
                .map(|i| EventInterval {
                    dtstart: None,
                    duration: hours(1),
                    uid: i.to_string(),
                    value: 0.1 + i as f64 / 100.0,
                })
                .collect(),
            target: Some(EiTarget {
                resource_ids: vec!["meter-1".into()],
                ..EiTarget::default()
            }),
            name: SignalName::ElectricityPrice,
            signal_type: SignalType::Price,
            id: "signal-1".into(),
            item_base: Some(ItemBase::currency_per_kwh("USD")),
            current_value: Some(0.0),
        }],
        baseline: Some(Baseline {
            dtstart: at(0) + chrono::TimeDelta::days(1),
            duration: hours(2),
            intervals: vec![
                EventInterval {
                    dtstart: None,
                    duration: hours(1),
                    uid: "0".into(),
                    value: 12.5,
                },
                EventInterval {
                    dtstart: None,
                    duration: hours(1),
                    uid: "1".into(),
                    value: 13.0,
                },
            ],
            id: "baseline-1".into(),
            resource_ids: vec!["meter-1".into()],
            name: "10 in 10".into(),
            item_base: Some(ItemBase::power_real("k")),
        }),
        target: EiTarget {
            group_ids: vec!["group-a".into()],
            group_names: vec!["North".into()],
            resource_ids: vec!["res-1".into()],
            ven_ids: vec!["ven-1".into(), "ven-2".into()],
            party_ids: vec!["party-1".into()],
        },
        response_required: ResponseRequired::Always,
    }
}

fn simple_event() -> Event {
    Event {
        descriptor: EventDescriptor {
            event_id: "event-2".into(),
            modification_number: 0,
            modification_date_time: None,
            modification_reason: None,
            priority: None,
            market_context: "http://utility.example/programs/shed".into(),
            created: at(8),
            status: EventStatus::Active,
            test_event: None,
            vtn_comment: None,
        },
        active_period: ActivePeriod {
            dtstart: at(14),
            duration: hours(2),
            start_after: None,
            notification: None,
            ramp_up: None,
            recovery: None,
        },
        signals: vec![EventSignal {
            intervals: vec![EventInterval {
                dtstart: Some(at(14)),
                duration: hours(2),
                uid: "0".into(),
                value: 2.0,
            }],
            target: None,
            name: SignalName::Simple,
            signal_type: SignalType::Level,
            id: "s".into(),
            item_base: None,
            current_value: None,
        }],
        baseline: None,
        target: EiTarget::vens(["ven-1".into()]),
        response_required: ResponseRequired::Never,
    }
}

fn metadata_report() -> Report {
    let description = |rid: &str, kind: ReportType, item: Option<ItemBase>| ReportDescription {
        rid: rid.into(),
        subject: None,
        data_source: Some(EiTarget {
            resource_ids: vec!["meter-1".into()],
            ..EiTarget::default()
        }),
        report_type: kind,
        item_base: item,
        reading_type: ReadingType::DirectRead,
        market_context: Some("http://utility.example/programs/shed".into()),
        sampling_rate: Some(SamplingRate {
            min_period: "PT1M".parse().unwrap(),
            max_period: "PT1H".parse().unwrap(),
            on_change: false,
        }),
    };
    Report {
        dtstart: None,
        duration: Some(hours(2)),
        intervals: Vec::new(),
        report_id: None,
        descriptions: vec![
            description(
                "power",
                ReportType::Usage,
                Some(ItemBase::power_real("none")),
            ),
            description(
                "energy",
                ReportType::Usage,
                Some(ItemBase::energy_real("k")),
            ),
            description(
                "volts",
                ReportType::Reading,
                Some(ItemBase::voltage("none")),
            ),
            description("amps", ReportType::Reading, Some(ItemBase::current("none"))),
            description(
                "temp",
                ReportType::Reading,
                Some(ItemBase::temperature("celsius")),
            ),
            description(
                "pulses",
                ReportType::Reading,
                Some(ItemBase::pulse_count(0.5)),
            ),
            description("status", ReportType::ResourceStatus, None),
        ],
        report_request_id: "0".into(),
        report_specifier_id: "spec-telemetry".into(),
        report_name: Some(ReportName::MetadataTelemetryUsage),
        created: at(8),
    }
}

/// A TELEMETRY_USAGE report with `intervals` intervals of `rids` readings.
pub fn data_report(intervals: usize, rids: usize) -> Report {
    Report {
        dtstart: Some(at(0)),
        duration: Some(Duration::from_seconds(intervals as i64 * 900)),
        intervals: (0..intervals)
            .map(|i| ReportInterval {
                dtstart: Some(at(0) + chrono::TimeDelta::minutes(15 * i as i64)),
                duration: Some("PT15M".parse().unwrap()),
                uid: Some(i.to_string()),
                payloads: (0..rids)
                    .map(|r| ReportPayload {
                        rid: format!("rid-{r}").into(),
                        confidence: Some(100),
                        accuracy: Some(0.5),
                        value: PayloadValue::Float(1000.0 + i as f64 + r as f64 / 10.0),
                        data_quality: Some("Quality Good - Non Specific".into()),
                    })
                    .collect(),
            })
            .collect(),
        report_id: Some("report-1".into()),
        descriptions: Vec::new(),
        report_request_id: "rr-1".into(),
        report_specifier_id: "spec-telemetry".into(),
        report_name: Some(ReportName::TelemetryUsage),
        created: at(1),
    }
}

fn status_report() -> Report {
    let value = |current: f32| {
        Some(LoadControlValue {
            min: Some(0.0),
            max: Some(100.0),
            current,
            normal: Some(50.0),
        })
    };
    Report {
        intervals: vec![ReportInterval {
            dtstart: Some(at(1)),
            duration: None,
            uid: None,
            payloads: vec![ReportPayload {
                rid: "status".into(),
                confidence: None,
                accuracy: None,
                value: PayloadValue::ResourceStatus(ResourceStatus {
                    online: true,
                    manual_override: false,
                    load_control: Some(LoadControlState {
                        capacity: value(80.0),
                        level_offset: None,
                        percent_offset: value(10.0),
                        set_point: None,
                    }),
                }),
                data_quality: None,
            }],
        }],
        report_name: Some(ReportName::TelemetryStatus),
        ..data_report(0, 0)
    }
}

fn report_request() -> ReportRequest {
    ReportRequest {
        report_request_id: "rr-1".into(),
        specifier: ReportSpecifier {
            report_specifier_id: "spec-telemetry".into(),
            granularity: "PT15M".parse().unwrap(),
            report_back_duration: "PT1H".parse().unwrap(),
            report_interval: Some((at(0), "P1D".parse().unwrap())),
            payloads: vec![
                SpecifierPayload {
                    rid: "power".into(),
                    item_base: Some(ItemBase::power_real("k")),
                    reading_type: ReadingType::DirectRead,
                },
                SpecifierPayload {
                    rid: "x".into(),
                    item_base: None,
                    reading_type: ReadingType::Other("x-custom".into()),
                },
            ],
        },
    }
}

/// Every message type, with every optional part filled in somewhere.
pub fn all_messages() -> Vec<Message> {
    let cancel_report = CancelReport {
        request_id: "req-9".into(),
        report_request_ids: vec!["rr-1".into(), "rr-2".into()],
        report_to_follow: true,
        ven_id: Some("ven-1".into()),
    };
    vec![
        QueryRegistration {
            request_id: "req-1".into(),
        }
        .into(),
        CreatePartyRegistration {
            request_id: "req-1".into(),
            registration_id: Some("reg-1".into()),
            ven_id: Some("ven-1".into()),
            profile_name: "2.0b".into(),
            transport_name: "simpleHttp".into(),
            transport_address: Some("https://ven.example/OpenADR2/Simple/2.0b".into()),
            report_only: false,
            xml_signature: false,
            ven_name: Some("building-7".into()),
            http_pull_model: Some(true),
        }
        .into(),
        CreatedPartyRegistration {
            response: ok(),
            registration_id: Some("reg-1".into()),
            ven_id: Some("ven-1".into()),
            vtn_id: "vtn-1".into(),
            profiles: vec![
                Profile {
                    name: "2.0a".into(),
                    transports: vec!["simpleHttp".into()],
                },
                Profile {
                    name: "2.0b".into(),
                    transports: vec!["simpleHttp".into(), "xmpp".into()],
                },
            ],
            poll_freq: Some("PT10S".parse().unwrap()),
            service_specific_info: vec![ServiceInfo {
                name: "EiEvent".into(),
                info: vec![("k".into(), "v & w".into())],
            }],
        }
        .into(),
        CancelPartyRegistration {
            request_id: "req-2".into(),
            registration_id: "reg-1".into(),
            ven_id: Some("ven-1".into()),
        }
        .into(),
        CanceledPartyRegistration {
            response: ok(),
            registration_id: Some("reg-1".into()),
            ven_id: Some("ven-1".into()),
        }
        .into(),
        RequestReregistration {
            ven_id: "ven-1".into(),
        }
        .into(),
        Response {
            response: ok(),
            ven_id: Some("ven-1".into()),
        }
        .into(),
        RequestEvent {
            request_id: "req-3".into(),
            ven_id: "ven-1".into(),
            reply_limit: Some(10),
        }
        .into(),
        DistributeEvent {
            response: Some(ok()),
            request_id: "req-4".into(),
            vtn_id: "vtn-1".into(),
            events: vec![price_event(24), simple_event()],
        }
        .into(),
        DistributeEvent {
            response: None,
            request_id: "req-5".into(),
            vtn_id: "vtn-1".into(),
            events: Vec::new(),
        }
        .into(),
        CreatedEvent {
            response: ok(),
            event_responses: vec![
                EventResponse {
                    code: 200,
                    description: Some("OK".into()),
                    request_id: "req-4".into(),
                    event_id: "event-1".into(),
                    modification_number: 2,
                    opt_type: OptType::OptIn,
                },
                EventResponse {
                    code: 200,
                    description: None,
                    request_id: "req-4".into(),
                    event_id: "event-2".into(),
                    modification_number: 0,
                    opt_type: OptType::OptOut,
                },
            ],
            ven_id: "ven-1".into(),
        }
        .into(),
        RegisterReport {
            request_id: "req-6".into(),
            reports: vec![metadata_report()],
            ven_id: Some("ven-1".into()),
            report_request_id: Some("0".into()),
        }
        .into(),
        RegisterReport {
            request_id: "req-6b".into(),
            reports: Vec::new(),
            ven_id: None,
            report_request_id: None,
        }
        .into(),
        RegisteredReport {
            response: ok(),
            requests: vec![report_request()],
            ven_id: Some("ven-1".into()),
        }
        .into(),
        CreateReport {
            request_id: "req-7".into(),
            requests: vec![report_request()],
            ven_id: Some("ven-1".into()),
        }
        .into(),
        CreatedReport {
            response: ok(),
            pending: vec!["rr-1".into()],
            ven_id: Some("ven-1".into()),
        }
        .into(),
        CreatedReport {
            response: ok(),
            pending: Vec::new(),
            ven_id: None,
        }
        .into(),
        UpdateReport {
            request_id: "req-8".into(),
            reports: vec![data_report(4, 2), status_report()],
            ven_id: Some("ven-1".into()),
        }
        .into(),
        UpdatedReport {
            response: ok(),
            cancel: Some(cancel_report.clone()),
            ven_id: Some("ven-1".into()),
        }
        .into(),
        cancel_report.into(),
        CanceledReport {
            response: ok(),
            pending: vec!["rr-2".into()],
            ven_id: Some("ven-1".into()),
        }
        .into(),
        CreateOpt {
            opt_id: "opt-1".into(),
            opt_type: OptType::OptOut,
            opt_reason: OptReason::Schedule,
            market_context: Some("http://utility.example/programs/shed".into()),
            ven_id: "ven-1".into(),
            availability: Some(vec![Availability {
                dtstart: at(12),
                duration: hours(4),
            }]),
            created: at(8),
            request_id: "req-10".into(),
            event: None,
            target: EiTarget {
                resource_ids: vec!["res-1".into()],
                ..EiTarget::default()
            },
        }
        .into(),
        CreateOpt {
            opt_id: "opt-2".into(),
            opt_type: OptType::OptOut,
            opt_reason: OptReason::Other("x-tenant-request".into()),
            market_context: None,
            ven_id: "ven-1".into(),
            availability: None,
            created: at(8),
            request_id: "req-11".into(),
            event: Some(("event-1".into(), 2)),
            target: EiTarget::vens(["ven-1".into()]),
        }
        .into(),
        CreatedOpt {
            response: ok(),
            opt_id: "opt-1".into(),
        }
        .into(),
        CancelOpt {
            request_id: "req-12".into(),
            opt_id: "opt-1".into(),
            ven_id: "ven-1".into(),
        }
        .into(),
        CanceledOpt {
            response: ok(),
            opt_id: Some("opt-1".into()),
        }
        .into(),
        Poll {
            ven_id: "ven-1".into(),
        }
        .into(),
    ]
}
