//! Idle polls answered from memory: whatever a site is given after it polled
//! idle (an event, a cancellation, a queued message, a report request) goes
//! out on its next poll, and an announced event on the first poll after its
//! notification time.

use crate::common::TestServer;
use crate::oadr::{post, program_with, simple_event};
use app::db::{events, ven_messages};
use chrono::{TimeDelta, Utc};
use openadr::Message;
use openadr::poll::Poll;
use openadr::values::EventStatus;

#[tokio::test]
async fn an_event_message_or_report_request_arriving_after_an_idle_poll_goes_out_on_the_next() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    let db = &vtn.server.db;
    let program = program_with(&vtn, site.id).await;
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    let idle = async || {
        for _ in 0..2 {
            let answer = post(&ven, "OadrPoll", poll()).await;
            assert!(matches!(answer, Message::Response(_)), "idle: {answer:?}");
        }
    };

    idle().await;
    let event = events::create(
        db,
        &simple_event(program, site.id, TimeDelta::hours(1), &[1.0]),
    )
    .await
    .unwrap();
    let Message::DistributeEvent(d) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected the new event")
    };
    assert_eq!(d.events[0].descriptor.modification_number, 0);

    idle().await;
    events::cancel(db, event.id).await.unwrap();
    let Message::DistributeEvent(d) = post(&ven, "OadrPoll", poll()).await else {
        panic!("expected the cancellation")
    };
    assert_eq!(d.events[0].descriptor.status, EventStatus::Cancelled);

    idle().await;
    ven_messages::queue(db, site.id, ven_messages::REREGISTER)
        .await
        .unwrap();
    let answer = post(&ven, "OadrPoll", poll()).await;
    assert!(
        matches!(answer, Message::RequestReregistration(_)),
        "expected the queued message: {answer:?}"
    );

    idle().await;
    let request = app::db::reports::create_request(
        db,
        site.id,
        app::db::reports::NewRequest {
            report_specifier_id: "usage".into(),
            report_name: "TELEMETRY_USAGE".into(),
            granularity_secs: 60,
            report_back_secs: 60,
            interval_start: Utc::now(),
            interval_secs: 3600,
            rids: vec!["power".into()],
            sent: false,
        },
    )
    .await
    .unwrap();
    let answer = post(&ven, "OadrPoll", poll()).await;
    assert!(
        matches!(answer, Message::CreateReport(_)),
        "expected the report request: {answer:?}"
    );

    idle().await;
    app::db::reports::cancel(db, &request).await.unwrap();
    let answer = post(&ven, "OadrPoll", poll()).await;
    assert!(
        matches!(answer, Message::CancelReport(_)),
        "expected the report cancellation: {answer:?}"
    );
    idle().await;
    vtn.server.shutdown().await;
}

/// A site with an event announced for later polls idle until the event's
/// notification time, then gets it.
#[tokio::test]
async fn an_event_goes_out_on_the_first_poll_after_its_notification_time() {
    let vtn = TestServer::start().await;
    let (cert, site) = vtn.new_ven("v").await;
    let ven = vtn.client(Some(&cert));
    let program = program_with(&vtn, site.id).await;
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    let mut event = simple_event(program, site.id, TimeDelta::seconds(5), &[1.0]);
    event.notification_secs = 3;
    events::create(&vtn.server.db, &event).await.unwrap();
    for _ in 0..2 {
        let answer = post(&ven, "OadrPoll", poll()).await;
        assert!(
            matches!(answer, Message::Response(_)),
            "not yet: {answer:?}"
        );
    }
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let answer = post(&ven, "OadrPoll", poll()).await;
    assert!(
        matches!(answer, Message::DistributeEvent(_)),
        "due now: {answer:?}"
    );
    vtn.server.shutdown().await;
}
