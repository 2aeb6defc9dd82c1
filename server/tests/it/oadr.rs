//! The OpenADR endpoints over real HTTPS with VEN client certificates. Every
//! answer the VTN sends here is checked against the official 2.0b XSD.

use crate::common::{Client, TestServer};
use app::db::{events, programs, ven_messages};
use app::models::event::{ExtraTargets, Interval, NewEvent, Signal};
use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use http_body_util::Full;
use hyper::Request;
use openadr::event::{CreatedEvent, EventResponse, RequestEvent};
use openadr::opt::{CancelOpt, CreateOpt};
use openadr::poll::Poll;
use openadr::register::{CreatePartyRegistration, QueryRegistration};
use openadr::values::{EventStatus, OptReason, OptType};
use openadr::{EiResponse, EiTarget, Message, Mode, ReadOptions};
use std::path::PathBuf;

fn schema() -> PathBuf {
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/lib");
    std::fs::read_dir(&venv)
        .unwrap_or_else(|e| panic!("{}: {e} (run `make tools`)", venv.display()))
        .filter_map(Result::ok)
        .map(|e| e.path().join("site-packages/openleadr/schema/oadr_20b.xsd"))
        .find(|p| p.exists())
        .expect("the OpenADR XSD from openleadr (run `make tools`)")
}

fn assert_schema_valid(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("answer.xml");
    std::fs::write(&file, xml).unwrap();
    assert_files_schema_valid(&[file]);
}

/// Validates files with xmllint against the official 2.0b XSD.
pub fn assert_files_schema_valid(files: &[PathBuf]) {
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema())
        .args(files)
        .output()
        .unwrap();
    let invalid: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.ends_with(" validates"))
        .map(str::to_owned)
        .collect();
    assert!(
        out.status.success() && invalid.is_empty(),
        "the VTN sent schema-invalid messages:\n{}",
        invalid.join("\n")
    );
}

/// Posts a message to a service and returns the VTN's answer, which must be
/// schema-valid.
pub async fn post(client: &Client, service: &str, message: impl Into<Message>) -> Message {
    post_raw(client, service, message.into().to_xml()).await
}

async fn post_raw(client: &Client, service: &str, xml: String) -> Message {
    let request = Request::post(format!("/OpenADR2/Simple/2.0b/{service}"))
        .header("host", "localhost")
        .header("content-type", "application/xml")
        .body(Full::new(Bytes::from(xml)))
        .unwrap();
    let response = client.send(request).await.unwrap();
    assert_eq!(response.status, 200, "{}", response.body);
    assert_schema_valid(&response.body);
    openadr::read(
        response.body.as_bytes(),
        ReadOptions {
            mode: Mode::Strict,
            ..ReadOptions::default()
        },
    )
    .unwrap()
    .message
}

pub fn code(message: &Message) -> u16 {
    match message {
        Message::Response(r) => r.response.code,
        other => panic!("expected oadrResponse, got {}", other.name()),
    }
}

pub fn registration(ven_name: &str) -> CreatePartyRegistration {
    CreatePartyRegistration {
        request_id: "req-reg".into(),
        registration_id: None,
        ven_id: None,
        profile_name: "2.0b".into(),
        transport_name: "simpleHttp".into(),
        transport_address: None,
        report_only: false,
        xml_signature: false,
        ven_name: Some(ven_name.into()),
        http_pull_model: Some(true),
    }
}

#[tokio::test]
async fn a_ven_queries_registers_reregisters_and_cancels() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("building-7").await;
    let ven = vtn.client(Some(&cert));

    let Message::CreatedPartyRegistration(query) = post(
        &ven,
        "EiRegisterParty",
        QueryRegistration {
            request_id: "q1".into(),
        },
    )
    .await
    else {
        panic!()
    };
    assert_eq!(query.response.request_id.as_str(), "q1");
    assert_eq!(query.registration_id, None);
    assert_eq!(query.vtn_id.as_str(), "openadr-vtn");
    assert_eq!(query.profiles[0].name, "2.0b");
    assert_eq!(query.poll_freq.unwrap().to_string(), "PT10S");

    let Message::CreatedPartyRegistration(created) =
        post(&ven, "EiRegisterParty", registration("building-7")).await
    else {
        panic!()
    };
    assert_eq!(created.ven_id.as_ref().unwrap().as_str(), site.ven_id);
    let registration_id = created.registration_id.clone().unwrap();

    // Re-registration keeps both IDs.
    let mut again = registration("building-7");
    again.registration_id = Some(registration_id.clone());
    again.ven_id = Some(site.ven_id.as_str().into());
    let Message::CreatedPartyRegistration(re) = post(&ven, "EiRegisterParty", again).await else {
        panic!()
    };
    assert_eq!(
        (re.ven_id, re.registration_id.clone()),
        (created.ven_id, Some(registration_id.clone()))
    );

    // Another VEN name than the site's is refused.
    assert_eq!(
        code(&post(&ven, "EiRegisterParty", registration("someone-else")).await),
        452
    );

    let cancel = openadr::register::CancelPartyRegistration {
        request_id: "c1".into(),
        registration_id: registration_id.clone(),
        ven_id: Some(site.ven_id.as_str().into()),
    };
    let Message::CanceledPartyRegistration(canceled) = post(&ven, "EiRegisterParty", cancel).await
    else {
        panic!()
    };
    assert_eq!(canceled.response.code, 200);
    // Last contact is written in batches.
    vtn.server
        .sites
        .flush_contacts(&vtn.server.db)
        .await
        .unwrap();
    let stored = app::db::sites::get(&vtn.server.db, site.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.registration_id, None);
    assert!(stored.last_contact.is_some());
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn unknown_certificates_and_foreign_ven_ids_are_refused() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("a").await;
    let (_, other) = vtn.new_ven("b").await;
    let poll = |ven_id: &str| Poll {
        ven_id: ven_id.into(),
    };
    // No certificate: no VEN identity.
    assert_eq!(
        code(&post(&vtn.client(None), "OadrPoll", poll("x")).await),
        464
    );
    // A valid certificate of the VEN CA that no site is bound to.
    let dir = vtn.dir.path().join("pki");
    let ca = server::pki::CertificateAuthority::load(
        &std::fs::read_to_string(dir.join("ven-ca.pem")).unwrap(),
        &std::fs::read_to_string(dir.join("ven-ca.key")).unwrap(),
    )
    .unwrap();
    let unbound = ca.issue_client("nobody").unwrap();
    assert_eq!(
        code(&post(&vtn.client(Some(&unbound)), "OadrPoll", poll("x")).await),
        464
    );
    // One VEN cannot speak for another.
    assert_eq!(
        code(&post(&vtn.client(Some(&cert)), "OadrPoll", poll(&other.ven_id)).await),
        452
    );
    // Garbage gets a protocol answer, not an HTTP error.
    let garbage = post_raw(&vtn.client(Some(&cert)), "OadrPoll", "<not-xml".into()).await;
    assert_eq!(code(&garbage), 400);
    // A message sent to the wrong service.
    assert_eq!(
        code(&post(&vtn.client(Some(&cert)), "EiEvent", poll(&site.ven_id)).await),
        453
    );
    vtn.server.shutdown().await;
}

pub async fn program_with(vtn: &TestServer, site_id: i32) -> i32 {
    let program = programs::create(&vtn.server.db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap();
    programs::add_site(&vtn.server.db, program.id, site_id)
        .await
        .unwrap();
    program.id
}

pub fn simple_event(
    program_id: i32,
    site_id: i32,
    starts_in: TimeDelta,
    levels: &[f64],
) -> NewEvent {
    NewEvent {
        program_id,
        site_ids: vec![site_id],
        dtstart: Utc::now() + starts_in,
        notification_secs: 86_400,
        signals: vec![Signal {
            name: "SIMPLE".into(),
            signal_type: "level".into(),
            id: "simple".into(),
            intervals: levels
                .iter()
                .map(|v| Interval {
                    duration_secs: 1800,
                    value: *v,
                })
                .collect(),
        }],
        ramp_up_secs: Some(300),
        recovery_secs: None,
        start_after_secs: Some(120),
        priority: Some(1),
        test_event: false,
        vtn_comment: Some("shed please".into()),
        response_required: true,
        targets: ExtraTargets::default(),
    }
}

fn answer(
    request_id: &str,
    event_id: &str,
    modification: u32,
    opt: OptType,
    ven_id: &str,
) -> CreatedEvent {
    CreatedEvent {
        response: EiResponse::ok(request_id.into()),
        event_responses: vec![EventResponse {
            code: 200,
            description: None,
            request_id: request_id.into(),
            event_id: event_id.into(),
            modification_number: modification,
            opt_type: opt,
        }],
        ven_id: ven_id.into(),
    }
}

#[tokio::test]
async fn events_are_polled_answered_modified_and_cancelled() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("building-7").await;
    let ven = vtn.client(Some(&cert));
    let db = &vtn.server.db;
    let program = program_with(&vtn, site.id).await;
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };

    assert_eq!(
        code(&post(&ven, "OadrPoll", poll()).await),
        200,
        "nothing pending yet"
    );
    let created = events::create(
        db,
        &simple_event(program, site.id, TimeDelta::hours(2), &[1.0, 2.0, 3.0]),
    )
    .await
    .unwrap();

    assert_eq!(events::count_pending(db, Utc::now()).await.unwrap(), 1);
    let Message::DistributeEvent(distribution) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected the event")
    };
    let event = &distribution.events[0];
    assert_eq!(event.descriptor.event_id.as_str(), created.event_id);
    assert_eq!(event.descriptor.modification_number, 0, "rule 4");
    assert_eq!(event.descriptor.status, EventStatus::Far);
    assert_eq!(
        event.descriptor.market_context,
        "http://utility.example/shed"
    );
    assert_eq!(
        event.descriptor.test_event.as_deref(),
        Some("false"),
        "rule 6"
    );
    assert_eq!(event.target.ven_ids[0].as_str(), site.ven_id);
    let signal = &event.signals[0];
    assert_eq!(
        signal
            .intervals
            .iter()
            .map(|i| i.uid.as_str())
            .collect::<Vec<_>>(),
        ["0", "1", "2"],
        "rule 2"
    );
    let total: i64 = signal
        .intervals
        .iter()
        .map(|i| i.duration.to_time_delta().unwrap().num_seconds())
        .sum();
    assert_eq!(
        total,
        event
            .active_period
            .duration
            .to_time_delta()
            .unwrap()
            .num_seconds(),
        "rule 8"
    );
    assert_eq!(signal.current_value, Some(0.0), "rule 14: not active yet");
    assert_eq!(event.active_period.start_after.unwrap().to_string(), "PT2M");

    assert_eq!(
        code(&post(&ven, "OadrPoll", poll()).await),
        200,
        "delivered once, not again"
    );
    assert_eq!(events::count_pending(db, Utc::now()).await.unwrap(), 0);

    // Answers: optIn, then a later asynchronous optOut replaces it (rules 16/17).
    assert_eq!(
        code(
            &post(
                &ven,
                "EiEvent",
                answer("r1", &created.event_id, 0, OptType::OptIn, &site.ven_id)
            )
            .await
        ),
        200
    );
    let state = events::delivery(db, created.id, site.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (state.opt_type.as_deref(), state.delivered_modification),
        (Some("optIn"), Some(0))
    );
    assert_eq!(
        code(
            &post(
                &ven,
                "EiEvent",
                answer("r2", &created.event_id, 0, OptType::OptOut, &site.ven_id)
            )
            .await
        ),
        200
    );
    let state = events::delivery(db, created.id, site.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.opt_type.as_deref(), Some("optOut"));
    // An answer to an unknown event.
    assert_eq!(
        code(
            &post(
                &ven,
                "EiEvent",
                answer("r3", "no-such-event", 0, OptType::OptIn, &site.ven_id)
            )
            .await
        ),
        452
    );

    // A modification is delivered with the next number (rule 5).
    let new_signals = vec![Signal {
        name: "SIMPLE".into(),
        signal_type: "level".into(),
        id: "simple".into(),
        intervals: vec![Interval {
            duration_secs: 3600,
            value: 2.0,
        }],
    }];
    events::modify_signals(db, created.id, new_signals, "shorter")
        .await
        .unwrap();
    let Message::DistributeEvent(modified) = post(&ven, "OadrPoll", poll()).await else {
        panic!()
    };
    assert_eq!(modified.events[0].descriptor.modification_number, 1);
    assert_eq!(
        modified.events[0].active_period.duration.to_string(),
        "PT1H"
    );

    // oadrRequestEvent returns the current events.
    let ask = RequestEvent {
        request_id: "ask".into(),
        ven_id: site.ven_id.as_str().into(),
        reply_limit: None,
    };
    let Message::DistributeEvent(asked) = post(&ven, "EiEvent", ask).await else {
        panic!()
    };
    assert_eq!(asked.response.as_ref().unwrap().request_id.as_str(), "ask");
    assert_eq!(asked.events.len(), 1);

    // Cancellation: delivered once with status cancelled and a new number.
    events::cancel(db, created.id).await.unwrap();
    let Message::DistributeEvent(cancelled) = post(&ven, "OadrPoll", poll()).await else {
        panic!()
    };
    assert_eq!(
        cancelled.events[0].descriptor.status,
        EventStatus::Cancelled
    );
    assert_eq!(cancelled.events[0].descriptor.modification_number, 2);
    assert_eq!(code(&post(&ven, "OadrPoll", poll()).await), 200);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn an_event_is_not_sent_before_its_notification_time_and_active_events_carry_their_value() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    let program = program_with(&vtn, site.id).await;
    let mut later = simple_event(program, site.id, TimeDelta::days(3), &[1.0]);
    later.notification_secs = 3600;
    events::create(&vtn.server.db, &later).await.unwrap();
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    assert_eq!(code(&post(&ven, "OadrPoll", poll()).await), 200);

    let running = simple_event(program, site.id, -TimeDelta::minutes(10), &[3.0, 1.0]);
    events::create(&vtn.server.db, &running).await.unwrap();
    let Message::DistributeEvent(d) = post(&ven, "OadrPoll", poll()).await else {
        panic!()
    };
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].descriptor.status, EventStatus::Active);
    assert_eq!(d.events[0].signals[0].current_value, Some(3.0));
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn opts_are_stored_and_cancelled_and_event_opts_count_for_the_event() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    let program = program_with(&vtn, site.id).await;
    let event = events::create(
        &vtn.server.db,
        &simple_event(program, site.id, TimeDelta::hours(1), &[1.0]),
    )
    .await
    .unwrap();
    let opt = CreateOpt {
        opt_id: "opt-1".into(),
        opt_type: OptType::OptOut,
        opt_reason: OptReason::Participating,
        market_context: None,
        ven_id: site.ven_id.as_str().into(),
        availability: None,
        created: Utc::now(),
        request_id: "o1".into(),
        event: Some((event.event_id.as_str().into(), 0)),
        target: EiTarget::vens([site.ven_id.as_str().into()]),
    };
    let Message::CreatedOpt(created) = post(&ven, "EiOpt", opt).await else {
        panic!()
    };
    assert_eq!(created.opt_id.as_str(), "opt-1");
    let state = events::delivery(&vtn.server.db, event.id, site.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.opt_type.as_deref(), Some("optOut"));

    let cancel = CancelOpt {
        request_id: "o2".into(),
        opt_id: "opt-1".into(),
        ven_id: site.ven_id.as_str().into(),
    };
    let Message::CanceledOpt(canceled) = post(&ven, "EiOpt", cancel).await else {
        panic!()
    };
    assert_eq!(canceled.response.code, 200);
    let unknown = CancelOpt {
        request_id: "o3".into(),
        opt_id: "nope".into(),
        ven_id: site.ven_id.as_str().into(),
    };
    assert_eq!(code(&post(&ven, "EiOpt", unknown).await), 452);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn reregistration_requests_wait_for_the_next_poll() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    ven_messages::queue(&vtn.server.db, site.id, ven_messages::REREGISTER)
        .await
        .unwrap();
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    let Message::RequestReregistration(request) = post(&ven, "OadrPoll", poll()).await else {
        panic!()
    };
    assert_eq!(request.ven_id.as_str(), site.ven_id);
    assert_eq!(code(&post(&ven, "OadrPoll", poll()).await), 200);
    vtn.server.shutdown().await;
}

/// Idle polls are answered from memory; whatever arrives after one must still
/// go out on the next.
#[tokio::test]
async fn pending_deliveries_survive_a_restart_and_delivered_ones_are_not_resent() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let program = program_with(&vtn, site.id).await;
    events::create(
        &vtn.server.db,
        &simple_event(program, site.id, TimeDelta::hours(1), &[1.0]),
    )
    .await
    .unwrap();
    let dir = vtn.stop().await;

    let vtn = TestServer::start_in(dir).await;
    let ven = vtn.client(Some(&cert));
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    let Message::DistributeEvent(d) = post(&ven, "OadrPoll", poll()).await else {
        panic!("the event survived")
    };
    assert_eq!(d.events.len(), 1);
    let dir = vtn.stop().await;

    let vtn = TestServer::start_in(dir).await;
    assert_eq!(
        code(&post(&vtn.client(Some(&cert)), "OadrPoll", poll()).await),
        200
    );
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn exchanges_are_in_the_message_log_but_idle_polls_only_count() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let client = vtn.client(Some(&cert));
    let poll = |ven_id: &str| Poll {
        ven_id: ven_id.into(),
    };
    // Nothing due: answered, the contact recorded, nothing logged.
    assert_eq!(
        code(&post(&client, "OadrPoll", poll(&site.ven_id)).await),
        200
    );
    // A refused poll and a poll that delivers something are logged.
    assert_eq!(
        code(&post(&client, "OadrPoll", poll("someone-else")).await),
        452
    );
    ven_messages::queue(&vtn.server.db, site.id, ven_messages::REREGISTER)
        .await
        .unwrap();
    let delivered = post(&client, "OadrPoll", poll(&site.ven_id)).await;
    assert_eq!(delivered.name(), "oadrRequestReregistration");
    assert_eq!(
        code(&post(&client, "OadrPoll", poll(&site.ven_id)).await),
        200
    );
    vtn.server.logbook.flush().await;
    let log = app::db::message_log::recent(&vtn.server.db, site.id, 10)
        .await
        .unwrap();
    let logged: Vec<(&str, &str, &str, i32)> = log
        .iter()
        .rev()
        .map(|e| {
            (
                e.service.as_str(),
                e.message_type.as_str(),
                e.response_type.as_str(),
                e.response_code,
            )
        })
        .collect();
    assert_eq!(
        logged,
        [
            ("OadrPoll", "oadrPoll", "oadrResponse", 452),
            ("OadrPoll", "oadrPoll", "oadrRequestReregistration", 200),
        ]
    );
    let delivery = &log[0];
    assert!(
        delivery.request_xml.contains("oadrPoll")
            && delivery.response_xml.contains("oadrRequestReregistration")
    );
    vtn.server.shutdown().await;
}
