//! The report lifecycle over mTLS: registration of what a VEN offers,
//! requests, acknowledgement, data, cancellation, later requests.

use crate::common::TestServer;
use crate::oadr::{code, post, program_with};
use app::db::{programs, readings, reports};
use chrono::{TimeZone, Utc};
use openadr::poll::Poll;
use openadr::report::{
    CanceledReport, CreatedReport, PayloadValue, RegisterReport, Report, ReportDescription,
    ReportInterval, ReportPayload, SamplingRate, UpdateReport,
};
use openadr::values::{Duration, ReadingType, ReportName, ReportType};
use openadr::{EiResponse, ItemBase, Message};

pub fn description(rid: &str, item: Option<ItemBase>, min_period: &str) -> ReportDescription {
    ReportDescription {
        rid: rid.into(),
        subject: None,
        data_source: None,
        report_type: ReportType::Usage,
        item_base: item,
        reading_type: ReadingType::DirectRead,
        market_context: None,
        sampling_rate: Some(SamplingRate {
            min_period: min_period.parse().unwrap(),
            max_period: "PT1H".parse().unwrap(),
            on_change: false,
        }),
    }
}

pub fn metadata(specifier: &str, name: ReportName, descriptions: Vec<ReportDescription>) -> Report {
    Report {
        dtstart: None,
        duration: None,
        intervals: Vec::new(),
        report_id: None,
        descriptions,
        report_request_id: "0".into(),
        report_specifier_id: specifier.into(),
        report_name: Some(name),
        created: Utc::now(),
    }
}

pub fn data(request_id: &str, values: &[(&str, f64)], intervals: usize) -> Report {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap();
    Report {
        dtstart: Some(start),
        duration: None,
        intervals: (0..intervals)
            .map(|i| ReportInterval {
                dtstart: None,
                duration: Some(Duration::from_seconds(60)),
                uid: Some(i.to_string()),
                payloads: values
                    .iter()
                    .map(|(rid, v)| ReportPayload {
                        rid: (*rid).into(),
                        confidence: Some(100),
                        accuracy: None,
                        value: PayloadValue::Float(v + i as f64),
                        data_quality: None,
                    })
                    .collect(),
            })
            .collect(),
        report_id: Some("r".into()),
        descriptions: Vec::new(),
        report_request_id: request_id.into(),
        report_specifier_id: "usage".into(),
        report_name: Some(ReportName::TelemetryUsage),
        created: Utc::now(),
    }
}

#[tokio::test]
async fn the_report_lifecycle_from_registration_to_cancellation() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    let db = &vtn.server.db;
    let program = program_with(&vtn, site.id).await;
    programs::set_report_defaults(db, program, (30, 600), (300, 300))
        .await
        .unwrap();

    let register = RegisterReport {
        request_id: "reg-reports".into(),
        reports: vec![
            metadata(
                "usage",
                ReportName::MetadataTelemetryUsage,
                vec![
                    description("power", Some(ItemBase::power_real("k")), "PT1M"),
                    description("energy", Some(ItemBase::energy_real("k")), "PT1M"),
                ],
            ),
            metadata(
                "status",
                ReportName::MetadataTelemetryStatus,
                vec![description("state", None, "PT1M")],
            ),
            metadata(
                "history",
                ReportName::MetadataHistoryUsage,
                vec![description("h", None, "PT1M")],
            ),
        ],
        ven_id: Some(site.ven_id.as_str().into()),
        report_request_id: None,
    };
    let Message::RegisteredReport(registered) = post(&ven, "EiReport", register).await else {
        panic!()
    };
    assert_eq!(
        registered.requests.len(),
        2,
        "TELEMETRY_USAGE and TELEMETRY_STATUS, not HISTORY_USAGE"
    );
    let usage = registered
        .requests
        .iter()
        .find(|r| r.specifier.report_specifier_id.as_str() == "usage")
        .unwrap();
    // The program asks 30 s, but the VEN samples no faster than 1 minute.
    assert_eq!(usage.specifier.granularity.to_string(), "PT1M");
    assert_eq!(usage.specifier.report_back_duration.to_string(), "PT10M");
    assert!(
        usage.specifier.report_interval.is_some(),
        "always sent (pyoadr-ven needs it)"
    );
    let rids: Vec<&str> = usage
        .specifier
        .payloads
        .iter()
        .map(|p| p.rid.as_str())
        .collect();
    assert_eq!(rids, ["power", "energy"]);
    let usage_id = usage.report_request_id.to_string();
    let stored = reports::request(db, site.id, &usage_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, reports::REQUESTED);

    let created = CreatedReport {
        response: EiResponse::ok("reg-reports".into()),
        pending: registered
            .requests
            .iter()
            .map(|r| r.report_request_id.clone())
            .collect(),
        ven_id: Some(site.ven_id.as_str().into()),
    };
    assert_eq!(code(&post(&ven, "EiReport", created).await), 200);
    assert_eq!(
        reports::request(db, site.id, &usage_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        reports::CREATED
    );

    // Data: 4 intervals × 2 points, committed before the answer; a resend adds nothing.
    let update = || UpdateReport {
        request_id: "u1".into(),
        reports: vec![data(&usage_id, &[("power", 1000.0), ("energy", 20.0)], 4)],
        ven_id: Some(site.ven_id.as_str().into()),
    };
    let Message::UpdatedReport(updated) = post(&ven, "EiReport", update()).await else {
        panic!()
    };
    assert_eq!(updated.response.code, 200);
    let from = Utc
        .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap();
    let to = from + chrono::TimeDelta::days(1);
    let power = readings::window(db, site.id, "power", from, to)
        .await
        .unwrap();
    assert_eq!(
        power.iter().map(|r| r.value.unwrap()).collect::<Vec<_>>(),
        [1000.0, 1001.0, 1002.0, 1003.0]
    );
    assert_eq!(
        power[1].dtstart,
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 1, 0)
            .single()
            .unwrap()
    );
    post(&ven, "EiReport", update()).await;
    assert_eq!(
        readings::window(db, site.id, "power", from, to)
            .await
            .unwrap()
            .len(),
        4,
        "idempotent"
    );
    assert_eq!(
        reports::request(db, site.id, &usage_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        reports::RECEIVING
    );

    // An unknown rID refuses the whole message: nothing partial is stored.
    let mut bad = data(&usage_id, &[("power", 5.0), ("nope", 1.0)], 1);
    bad.dtstart = Some(
        Utc.with_ymd_and_hms(2026, 11, 23, 18, 0, 0)
            .single()
            .unwrap(),
    );
    let refused = UpdateReport {
        request_id: "u2".into(),
        reports: vec![bad],
        ven_id: None,
    };
    assert_eq!(code(&post(&ven, "EiReport", refused).await), 454);
    assert_eq!(
        readings::window(db, site.id, "power", from, to)
            .await
            .unwrap()
            .len(),
        4
    );
    // Another VEN's (or an invented) request ID.
    let foreign = UpdateReport {
        request_id: "u3".into(),
        reports: vec![data("rr-invented", &[("power", 1.0)], 1)],
        ven_id: None,
    };
    assert_eq!(code(&post(&ven, "EiReport", foreign).await), 452);

    // Accepted reports are logged once a minute per VEN (the resend above
    // is not); refusals always.
    vtn.server.logbook.flush().await;
    let mut reports_logged: Vec<(String, i32)> = app::db::message_log::recent(db, site.id, 20)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.message_type == "oadrUpdateReport")
        .map(|e| (e.request_id.unwrap_or_default(), e.response_code))
        .collect();
    reports_logged.reverse();
    assert_eq!(
        reports_logged,
        [("u1".into(), 200), ("u2".into(), 454), ("u3".into(), 452)]
    );

    // Cancellation by the VTN: sent on the next poll, confirmed by the VEN.
    reports::cancel(db, &stored).await.unwrap();
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    let Message::CancelReport(cancel) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected oadrCancelReport")
    };
    assert_eq!(cancel.report_request_ids[0].as_str(), usage_id);
    let canceled = CanceledReport {
        response: EiResponse::ok(cancel.request_id.clone()),
        pending: Vec::new(),
        ven_id: None,
    };
    assert_eq!(code(&post(&ven, "EiReport", canceled).await), 200);
    assert_eq!(
        reports::request(db, site.id, &usage_id)
            .await
            .unwrap()
            .unwrap()
            .state,
        reports::CANCELLED
    );
    assert_eq!(
        code(&post(&ven, "EiReport", update()).await),
        452,
        "no data for a cancelled request"
    );

    // A later request (e.g. a one-shot history) goes out on a poll as oadrCreateReport.
    let later = reports::NewRequest {
        report_specifier_id: "history".into(),
        report_name: "HISTORY_USAGE".into(),
        granularity_secs: 3600,
        report_back_secs: 3600,
        interval_start: from,
        interval_secs: 86_400,
        rids: vec!["h".into()],
        sent: false,
    };
    let later = reports::create_request(db, site.id, later).await.unwrap();
    let Message::CreateReport(create) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected oadrCreateReport")
    };
    assert_eq!(
        create.requests[0].report_request_id.as_str(),
        later.report_request_id
    );
    assert_eq!(code(&post(&ven, "OadrPoll", poll()).await), 200);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn readings_and_requests_survive_a_restart() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let register = RegisterReport {
        request_id: "r".into(),
        reports: vec![metadata(
            "usage",
            ReportName::MetadataTelemetryUsage,
            vec![description("power", None, "PT1M")],
        )],
        ven_id: None,
        report_request_id: None,
    };
    let Message::RegisteredReport(registered) =
        post(&vtn.client(Some(&cert)), "EiReport", register).await
    else {
        panic!()
    };
    let id = registered.requests[0].report_request_id.to_string();
    let update = UpdateReport {
        request_id: "u".into(),
        reports: vec![data(&id, &[("power", 7.0)], 3)],
        ven_id: None,
    };
    post(&vtn.client(Some(&cert)), "EiReport", update).await;
    let dir = vtn.stop().await;
    let vtn = TestServer::start_in(dir).await;
    let from = Utc
        .with_ymd_and_hms(2026, 11, 23, 0, 0, 0)
        .single()
        .unwrap();
    let stored = readings::window(
        &vtn.server.db,
        site.id,
        "power",
        from,
        from + chrono::TimeDelta::days(1),
    )
    .await
    .unwrap();
    assert_eq!(stored.len(), 3);
    assert_eq!(
        reports::request(&vtn.server.db, site.id, &id)
            .await
            .unwrap()
            .unwrap()
            .state,
        reports::RECEIVING
    );
    vtn.server.shutdown().await;
}
