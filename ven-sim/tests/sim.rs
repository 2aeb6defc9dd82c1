//! ven-sim against the real server in-process: 200 VENs, 10 seconds, closed
//! loop, and the VTN stored what they sent. (`make test` runs this smoke.)

use app::models::event::NewEvent;
use chrono::{TimeDelta, Utc};
use clap::Parser;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;
use ven_sim::client::Target;
use ven_sim::ven::Policy;
use ven_sim::{Settings, provision};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_simulated_vens_run_ten_seconds_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db_url = format!("sqlite://{}?mode=rwc", dir.path().join("vtn.db").display());
    let pki = dir.path().join("pki");
    let cli = server::config::Cli::try_parse_from([
        "vtn",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        &db_url,
        "--dev-pki-dir",
        pki.to_str().unwrap(),
        "--admin-password",
        "simulation-password",
    ])
    .unwrap();
    let server = server::start(cli.config).await.unwrap();
    let db = server.db.clone();
    let program = app::db::programs::create(&db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap();
    app::db::programs::set_report_defaults(&db, program.id, (1, 1), (300, 300))
        .await
        .unwrap();
    let identities = provision::provision(&db, &pki, "sim", 200, Some(program.id))
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
                program.id,
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
        policy: Policy {
            opt_out_fraction: 0.1,
            update_every: 5,
            baseline_w: 10_000.0,
        },
        concurrency: 32,
        no_keep_alive: false,
        progress: false,
    };
    let summary = ven_sim::run(settings, identities, Arc::new(AtomicBool::new(false)))
        .await
        .unwrap();
    for line in summary.stats.lines(summary.polling) {
        eprintln!("{line:?}");
    }
    assert_eq!(summary.registered, 200);
    assert_eq!(summary.stats.errors(), 0);
    assert!(summary.stats.count("oadrPoll") >= 200, "every VEN polled");
    assert_eq!(summary.handshakes, 200, "one keep-alive connection per VEN");

    // What the VTN stored: every VEN registered, answered the event, and sent telemetry
    // whose measured power is below the baseline while the event is active.
    let mut answered = 0;
    for site in &site_ids {
        let stored = app::db::sites::get(&db, *site).await.unwrap().unwrap();
        assert!(stored.registration_id.is_some());
        let delivery = app::db::events::delivery(&db, event.id, *site)
            .await
            .unwrap()
            .unwrap();
        if matches!(delivery.opt_type.as_deref(), Some("optIn" | "optOut")) {
            answered += 1;
        }
    }
    assert_eq!(answered, 200);
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
