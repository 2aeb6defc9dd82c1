//! Polling VENs: 200 with certificates for 10 seconds in a closed loop
//! (`make test` runs this smoke), and VENs with URL tokens sharing a few
//! connections; each time the VTN stored what they sent.

use crate::common::{never_stop, program, start_vtn};
use app::models::event::NewEvent;
use chrono::{TimeDelta, Utc};
use sea_orm::{EntityTrait, PaginatorTrait};
use std::sync::Arc;
use std::time::Duration;
use ven_sim::client::Target;
use ven_sim::provision::{Credential, Identity};
use ven_sim::script::OptScript;
use ven_sim::ven::Policy;
use ven_sim::{Settings, provision};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_simulated_vens_run_ten_seconds_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (server, pki) = start_vtn(dir.path(), &[]).await;
    let db = server.db.clone();
    let program = program(&db).await;
    let identities = provision::provision(&db, &pki, "sim", 200, Some(program))
        .await
        .unwrap();
    let site_ids: Vec<i32> = {
        let mut ids = Vec::new();
        for identity in &identities {
            ids.push(
                app::db::sites::by_ven_name(&db, &identity.ven_name)
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
            );
        }
        ids
    };
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
        duration: Duration::from_secs(10),
        poll_interval: Duration::ZERO,
        // Scripted: the VENs whose names start with sim-1 opt out of this
        // event, the others (the share is zero) opt in.
        policy: Policy {
            script: Arc::new(
                OptScript::parse(&format!("sim-1*,{},optOut\n", event.event_id)).unwrap(),
            ),
            opt_out_fraction: 0.0,
            update_every: 5,
            baseline_w: 10_000.0,
            report_intervals: 1,
        },
        concurrency: 32,
        connections: 0,
        no_keep_alive: false,
        progress: false,
        push: None,
    };
    let identities_names: Vec<String> = identities.iter().map(|i| i.ven_name.clone()).collect();
    let summary = ven_sim::run(settings, identities, never_stop())
        .await
        .unwrap();
    for line in summary.stats.lines(summary.polling) {
        eprintln!("{line:?}");
    }
    assert_eq!(summary.registered, 200);
    assert_eq!(summary.stats.errors(), 0);
    assert!(summary.stats.count("oadrPoll") >= 200, "every VEN polled");
    assert_eq!(
        summary.connections.handshakes, 200,
        "one keep-alive connection per VEN"
    );

    // What the VTN stored: every VEN registered, answered the event as the
    // script says, and sent telemetry whose measured power is below the
    // baseline while the event is active.
    let mut opted_out = 0;
    for (site, identity) in site_ids.iter().zip(&identities_names) {
        let stored = app::db::sites::get(&db, *site).await.unwrap().unwrap();
        assert!(stored.registration_id.is_some());
        let delivery = app::db::events::delivery(&db, event.id, *site)
            .await
            .unwrap()
            .unwrap();
        let expected = if identity.starts_with("sim-1") {
            opted_out += 1;
            "optOut"
        } else {
            "optIn"
        };
        assert_eq!(delivery.opt_type.as_deref(), Some(expected), "{identity}");
    }
    assert!(opted_out > 0 && opted_out < 200, "{opted_out}");
    let (from, to) = (
        Utc::now() - TimeDelta::hours(1),
        Utc::now() + TimeDelta::hours(1),
    );
    let measured = app::db::readings::window(&db, site_ids[0], "power", from, to)
        .await
        .unwrap();
    let baseline = app::db::readings::window(&db, site_ids[0], "baseline", from, to)
        .await
        .unwrap();
    assert!(!measured.is_empty() && measured.len() == baseline.len());
    for (m, b) in measured.iter().zip(&baseline) {
        assert!(
            m.value.unwrap() < b.value.unwrap(),
            "the shed shows: {m:?} vs {b:?}"
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_url_vens_share_connections_and_are_known_by_their_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (server, pki) = start_vtn(dir.path(), &[]).await;
    let db = server.db.clone();
    let program = program(&db).await;
    let identities = provision::provision_tokens(&db, "tok", 40, Some(program))
        .await
        .unwrap();
    let settings = Settings {
        target: Target {
            addr: server.https_addr,
            host: "localhost".into(),
            ca_pem: Some(Arc::new(std::fs::read(pki.join("server-ca.pem")).unwrap())),
        },
        duration: Duration::from_secs(4),
        poll_interval: Duration::ZERO,
        policy: Policy {
            script: Default::default(),
            opt_out_fraction: 0.0,
            update_every: 2,
            baseline_w: 10_000.0,
            report_intervals: 12,
        },
        concurrency: 8,
        connections: 4,
        no_keep_alive: false,
        progress: false,
        push: None,
    };
    let summary = ven_sim::run(settings.clone(), identities.clone(), never_stop())
        .await
        .unwrap();
    assert_eq!(summary.registered, 40);
    assert_eq!(
        summary.stats.errors(),
        0,
        "{:?}",
        summary.stats.lines(summary.polling)
    );
    assert_eq!(
        summary.connections.handshakes, 4,
        "40 VENs over 4 shared connections"
    );

    // Each VEN is a site of its own to the VTN, found by its token (none has
    // a certificate), and every reading it acknowledged was committed.
    let mut fleet = Vec::new();
    for identity in &identities {
        let site = app::db::sites::by_ven_name(&db, &identity.ven_name)
            .await
            .unwrap()
            .unwrap();
        assert!(site.fingerprint.is_none());
        assert!(
            site.registration_id.is_some(),
            "{} registered",
            site.ven_name
        );
        fleet.push(Identity {
            ven_id: Some(site.ven_id),
            ..identity.clone()
        });
    }
    let stored = app::db::entity::reading::Entity::find()
        .count(&db)
        .await
        .unwrap();
    assert!(summary.stats.readings > 0);
    assert_eq!(
        stored, summary.stats.readings,
        "readings committed = acknowledged"
    );

    // The same VENs again as an already registered fleet on a schedule: they
    // only poll. A VEN with a token the VTN never issued is refused (464).
    fleet.push(Identity {
        ven_name: "stranger".into(),
        credential: Credential::Token("not-a-token-of-this-vtn".into()),
        ven_id: Some("ven-stranger".into()),
    });
    let again = ven_sim::run(
        Settings {
            duration: Duration::from_secs(3),
            poll_interval: Duration::from_secs(1),
            policy: Policy {
                update_every: 0,
                ..settings.policy
            },
            ..settings
        },
        fleet,
        never_stop(),
    )
    .await
    .unwrap();
    let lines = again.stats.lines(again.polling);
    assert_eq!(
        again.stats.count("oadrCreatePartyRegistration"),
        0,
        "{lines:?}"
    );
    assert!(again.stats.count("oadrPoll") >= 41 * 2, "{lines:?}");
    let poll = lines.iter().find(|l| l.message == "oadrPoll").unwrap();
    let refused = poll.errors.get("464").copied().unwrap_or_default();
    assert!(refused >= 2 && refused == again.stats.errors(), "{lines:?}");
    server.shutdown().await;
}
