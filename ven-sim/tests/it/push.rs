//! Push VENs: the VTN delivers an event by posting it to each VEN's listener,
//! and stores what each VEN answered in the HTTP answer.

use crate::common::{never_stop, program, start_vtn};
use app::models::event::NewEvent;
use chrono::{TimeDelta, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use std::sync::Arc;
use std::time::Duration;
use ven_sim::client::Target;
use ven_sim::push::Endpoint;
use ven_sim::ven::Policy;
use ven_sim::{Settings, provision};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushed_events_are_delivered_and_the_vens_answers_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (server, pki) = start_vtn(dir.path(), &["--push-interval", "100ms"]).await;
    let db = server.db.clone();
    let program = program(&db).await;
    let identities = provision::provision(&db, &pki, "push", 20, Some(program))
        .await
        .unwrap();
    let mut site_ids = Vec::new();
    for identity in &identities {
        let site = app::db::sites::by_ven_name(&db, &identity.ven_name)
            .await
            .unwrap()
            .unwrap();
        site_ids.push(site.id);
    }
    let event = app::db::events::create(
        &db,
        &NewEvent {
            notification_secs: 3600,
            ..NewEvent::simple(
                program,
                site_ids.clone(),
                Utc::now() - TimeDelta::minutes(1),
                3600,
                2.0,
            )
        },
    )
    .await
    .unwrap();

    let settings = Settings {
        target: Target {
            addr: server.https_addr,
            host: "localhost".into(),
            ca_pem: Some(Arc::new(std::fs::read(pki.join("server-ca.pem")).unwrap())),
        },
        duration: Duration::from_secs(6),
        poll_interval: Duration::from_millis(500),
        // Every VEN opts out: an opt the VTN stored can only have come from
        // the VENs' answers, never from a default.
        policy: Policy {
            script: Default::default(),
            opt_out_fraction: 1.0,
            update_every: 1,
            baseline_w: 10_000.0,
            report_intervals: 1,
        },
        concurrency: 8,
        connections: 0,
        no_keep_alive: false,
        progress: false,
        push: Some(Endpoint::from_pki(&pki, "127.0.0.1:0".parse().unwrap()).unwrap()),
    };
    let summary = ven_sim::run(settings, identities, never_stop())
        .await
        .unwrap();
    let lines = summary.stats.lines(summary.polling);
    let report = format!(
        "{lines:?}\npushed {:?}\nunanswered {:?}",
        summary.stats.pushed, summary.stats.push_errors
    );
    eprintln!("{report}");
    assert_eq!(summary.registered, 20, "{report}");
    assert_eq!(summary.stats.errors(), 0, "{report}");
    assert_eq!(summary.stats.count("oadrPoll"), 0, "push VENs do not poll");
    let pushed = |message: &str| summary.stats.pushed.get(message).copied().unwrap_or(0);
    assert!(pushed("oadrDistributeEvent") >= 20, "{report}");
    assert!(pushed("oadrRegisterReport") >= 20, "{report}");

    for site in &site_ids {
        let stored = app::db::sites::get(&db, *site).await.unwrap().unwrap();
        assert_eq!(stored.http_pull_model, Some(false));
        let address = stored.transport_address.unwrap_or_default();
        assert!(
            address.starts_with("https://127.0.0.1:") && address.ends_with("/OpenADR2/Simple/2.0b"),
            "{address}"
        );
        let delivery = app::db::events::delivery(&db, event.id, *site)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(delivery.delivered_modification, Some(0), "{delivery:?}");
        assert_eq!(delivery.opt_type.as_deref(), Some("optOut"), "{delivery:?}");
    }
    // The report requests reached them too: telemetry arrived and was committed.
    let stored = app::db::entity::reading::Entity::find()
        .count(&db)
        .await
        .unwrap();
    assert!(summary.stats.readings > 0, "{report}");
    assert_eq!(stored, summary.stats.readings);
    server.shutdown().await;
}
