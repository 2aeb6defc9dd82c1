//! Interoperability with a VEN nobody on this team wrote: openleadr (PyPI),
//! run as a real process (end2end/interop/openleadr_ven.py) against this
//! server over mTLS. Assertions are on what the VTN stored and on what the
//! VEN says it received.

use crate::common::{TestServer, eventually};
use app::db::{events, programs, sites, ven_messages};
use app::models::event::{ExtraTargets, Interval, NewEvent, Signal};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Ven {
    child: Child,
    output: PathBuf,
}

impl Drop for Ven {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Ven {
    fn start(port: u16, ven_name: &str, files: &Path, server_ca: &Path) -> Self {
        let python = root().join(".tools/venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run `make tools`",
            python.display()
        );
        let output = files.join(format!("{ven_name}.jsonl"));
        let log = std::fs::File::create(files.join(format!("{ven_name}.log"))).unwrap();
        let child = Command::new(python)
            .arg(root().join("end2end/interop/openleadr_ven.py"))
            .arg(format!("https://localhost:{port}/OpenADR2/Simple/2.0b"))
            .arg(ven_name)
            .arg(files.join("ven.pem"))
            .arg(files.join("ven.key"))
            .arg(server_ca)
            .arg(&output)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        Self { child, output }
    }

    fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.output)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn seen(&self, event_id: &str, modification: u64) -> Option<Value> {
        self.lines()
            .into_iter()
            .find(|l| l["event_id"] == event_id && l["modification_number"] == modification)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn event(
    program_id: i32,
    site_id: i32,
    dtstart: DateTime<Utc>,
    signal: Signal,
    comment: &str,
) -> NewEvent {
    NewEvent {
        program_id,
        site_ids: vec![site_id],
        dtstart,
        notification_secs: 2 * 86_400,
        signals: vec![signal],
        ramp_up_secs: None,
        recovery_secs: None,
        start_after_secs: None,
        priority: None,
        test_event: false,
        vtn_comment: Some(comment.into()),
        response_required: true,
        targets: ExtraTargets::default(),
    }
}

async fn opt_of(vtn: &TestServer, event_pk: i32, site_id: i32) -> Option<(String, i32)> {
    let state = events::delivery(&vtn.server.db, event_pk, site_id)
        .await
        .unwrap()?;
    Some((state.opt_type?, state.opt_modification?))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openleadr_ven_registers_receives_events_answers_them_and_reregisters() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let settings = ["--listen", listen.as_str(), "--poll-interval", "1s"];
    let vtn = TestServer::start_with(tempfile::tempdir().unwrap(), &settings).await;
    let (cert, site) = vtn.new_ven("openleadr-ven").await;
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("ven.pem"), &cert.cert_pem).unwrap();
    std::fs::write(files.path().join("ven.key"), &cert.key_pem).unwrap();
    let server_ca = vtn.pki().server_ca.clone();
    let ven = Ven::start(port, "openleadr-ven", files.path(), &server_ca);

    // openleadr computes the same fingerprint the VTN bound.
    let fingerprint = eventually("the VEN's fingerprint", || async {
        ven.lines()
            .into_iter()
            .find(|l| l["kind"] == "fingerprint")
            .map(|l| l["value"].as_str().unwrap_or_default().to_owned())
    })
    .await;
    assert_eq!(fingerprint, site.fingerprint.clone().unwrap());

    let registered = eventually("registration", || async {
        sites::get(&vtn.server.db, site.id)
            .await
            .unwrap()
            .filter(|s| s.registration_id.is_some())
    })
    .await;
    assert_eq!(registered.profile_name.as_deref(), Some("2.0b"));
    assert_eq!(registered.http_pull_model, Some(true));

    let program = programs::create(&vtn.server.db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap();
    programs::add_site(&vtn.server.db, program.id, site.id)
        .await
        .unwrap();
    let db = &vtn.server.db;

    // A SIMPLE event: received and opted in.
    let start = (Utc::now() + TimeDelta::hours(2))
        .with_nanosecond(0)
        .unwrap();
    let simple = Signal {
        name: "SIMPLE".into(),
        signal_type: "level".into(),
        id: "simple".into(),
        intervals: vec![Interval {
            duration_secs: 3600,
            value: 2.0,
        }],
    };
    let shed = events::create(
        db,
        &event(program.id, site.id, start, simple.clone(), "shed"),
    )
    .await
    .unwrap();
    let seen = eventually("the SIMPLE event at the VEN", || async {
        ven.seen(&shed.event_id, 0)
    })
    .await;
    assert_eq!(seen["signals"][0]["intervals"][0]["value"], 2.0);
    assert_eq!(
        eventually("the optIn", || opt_of(&vtn, shed.id, site.id)).await,
        ("optIn".to_owned(), 0)
    );

    // A day-ahead price event: 24 hourly intervals, exact values and times.
    let tomorrow = (Utc::now() + TimeDelta::days(1))
        .with_hour(0)
        .unwrap()
        .with_minute(0)
        .unwrap()
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    // Prices as an operator types them: a few decimals (the nearest doubles print back exactly).
    let prices: Vec<f64> = (0..24)
        .map(|h| f64::from(800 + h * 125) / 10_000.0)
        .collect();
    let price = Signal {
        name: "ELECTRICITY_PRICE".into(),
        signal_type: "price".into(),
        id: "prices".into(),
        intervals: prices
            .iter()
            .map(|p| Interval {
                duration_secs: 3600,
                value: *p,
            })
            .collect(),
    };
    let day_ahead = events::create(db, &event(program.id, site.id, tomorrow, price, "prices"))
        .await
        .unwrap();
    let seen = eventually("the price event at the VEN", || async {
        ven.seen(&day_ahead.event_id, 0)
    })
    .await;
    let intervals = seen["signals"][0]["intervals"].as_array().unwrap().clone();
    assert_eq!(intervals.len(), 24);
    for (hour, interval) in intervals.iter().enumerate() {
        assert_eq!(
            interval["value"].as_f64().unwrap(),
            prices[hour],
            "hour {hour}"
        );
        assert_eq!(interval["duration"].as_f64().unwrap(), 3600.0);
    }
    // Intervals follow each other from the event's start (openleadr gives no per-interval start).
    let start_at_ven: DateTime<Utc> = seen["dtstart"]
        .as_str()
        .unwrap()
        .replace(' ', "T")
        .parse()
        .unwrap();
    assert_eq!(start_at_ven, tomorrow);
    assert_eq!(seen["signals"][0]["name"], "ELECTRICITY_PRICE");

    // An event the VEN opts out of.
    let declined = events::create(
        db,
        &event(program.id, site.id, start, simple.clone(), "please opt-out"),
    )
    .await
    .unwrap();
    assert_eq!(
        eventually("the optOut", || opt_of(&vtn, declined.id, site.id)).await,
        ("optOut".to_owned(), 0)
    );

    // A modification, then a cancellation.
    let longer = Signal {
        intervals: vec![Interval {
            duration_secs: 7200,
            value: 3.0,
        }],
        ..simple
    };
    events::modify_signals(db, shed.id, vec![longer], "longer")
        .await
        .unwrap();
    let seen = eventually("the modification at the VEN", || async {
        ven.seen(&shed.event_id, 1)
    })
    .await;
    assert_eq!(seen["duration"], 7200.0);
    assert_eq!(
        eventually("the answer to the modification", || async {
            opt_of(&vtn, shed.id, site.id)
                .await
                .filter(|(_, m)| *m == 1)
        })
        .await,
        ("optIn".to_owned(), 1)
    );
    events::cancel(db, shed.id).await.unwrap();
    eventually("delivery of the cancellation", || async {
        events::delivery(db, shed.id, site.id)
            .await
            .unwrap()
            .filter(|d| d.delivered_modification == Some(2))
    })
    .await;

    // The VTN restarts on the same port; asked to, the VEN registers again and keeps its ID.
    let before = sites::get(db, site.id).await.unwrap().unwrap();
    let dir = vtn.stop().await;
    let vtn = TestServer::start_with(dir, &settings).await;
    ven_messages::queue(&vtn.server.db, site.id, ven_messages::REREGISTER)
        .await
        .unwrap();
    let after = eventually("re-registration after the restart", || async {
        sites::get(&vtn.server.db, site.id)
            .await
            .unwrap()
            .filter(|s| s.registered_at > before.registered_at)
    })
    .await;
    assert_eq!(after.ven_id, before.ven_id);
    assert_eq!(after.registration_id, before.registration_id);

    // Everything the VTN sent in this exchange is schema-valid.
    vtn.server.logbook.flush().await;
    let log = app::db::message_log::recent(&vtn.server.db, site.id, 1000)
        .await
        .unwrap();
    assert!(log.len() > 10);
    assert!(
        log.iter().all(|entry| entry.response_code == 200),
        "{:#?}",
        log.iter()
            .filter(|e| e.response_code != 200)
            .collect::<Vec<_>>()
    );
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = log
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let path = dir.path().join(format!("{i}.xml"));
            std::fs::write(&path, &entry.response_xml).unwrap();
            path
        })
        .collect();
    crate::oadr::assert_files_schema_valid(&files);
    drop(ven);
    vtn.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyoadr_ven_registers_and_answers_a_simple_event_despite_its_deviations() {
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let vtn = TestServer::start_with(
        tempfile::tempdir().unwrap(),
        &["--listen", listen.as_str(), "--poll-interval", "1s"],
    )
    .await;
    let (cert, site) = vtn.new_ven("pyoadr-ven").await;
    // Its known trap: it cannot read oadrRequestedOadrPollFreq.
    sites::set_send_poll_freq(&vtn.server.db, site.id, false)
        .await
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let bundle = files.path().join("bundle.pem");
    std::fs::write(&bundle, format!("{}{}", cert.key_pem, cert.cert_pem)).unwrap();
    let python = root().join(".tools/pyoadr-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run `make tools`",
        python.display()
    );
    let server_ca = vtn.pki().server_ca.clone();
    let log = std::fs::File::create(files.path().join("pyoadr.log")).unwrap();
    let child = Command::new(python)
        .arg(root().join("end2end/interop/run_pyoadr_ven.py"))
        .arg(format!("https://localhost:{port}"))
        .arg(&site.ven_id)
        .arg("pyoadr-ven")
        .arg(&bundle)
        .arg(&server_ca)
        .env("REQUESTS_CA_BUNDLE", &server_ca)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let _ven = Ven {
        child,
        output: files.path().join("unused"),
    };
    let db = &vtn.server.db;

    eventually("registration by VEN name", || async {
        sites::get(db, site.id)
            .await
            .unwrap()
            .filter(|s| s.registration_id.is_some())
    })
    .await;

    let program = programs::create(db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap();
    programs::add_site(db, program.id, site.id).await.unwrap();
    let signal = Signal {
        name: "SIMPLE".into(),
        signal_type: "level".into(),
        id: "simple".into(),
        intervals: vec![Interval {
            duration_secs: 600,
            value: 1.0,
        }],
    };
    let shed = events::create(
        db,
        &event(
            program.id,
            site.id,
            Utc::now() + TimeDelta::seconds(3),
            signal,
            "shed",
        ),
    )
    .await
    .unwrap();
    eventually("delivery to pyoadr-ven", || async {
        events::delivery(db, shed.id, site.id)
            .await
            .unwrap()
            .filter(|d| d.delivered_modification == Some(0))
    })
    .await;
    // Its first answer says optType "none" (no decision yet); once the event is
    // active its default decision (optIn) follows.
    let (opt, _) = eventually("pyoadr-ven's answer", || opt_of(&vtn, shed.id, site.id)).await;
    assert!(["none", "optIn"].contains(&opt.as_str()), "{opt}");
    vtn.server.logbook.flush().await;
    let log = app::db::message_log::recent(db, site.id, 200)
        .await
        .unwrap();
    assert!(
        log.iter().any(|e| !e.deviations.is_empty()),
        "its schema deviations were logged"
    );
    assert!(
        log.iter()
            .filter(|e| e.message_type == "oadrCreatedEvent")
            .all(|e| e.response_code == 200)
    );
    vtn.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openleadr_ven_reports_telemetry_that_the_vtn_stores_exactly_until_cancelled() {
    use app::db::{readings, reports};
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let vtn = TestServer::start_with(
        tempfile::tempdir().unwrap(),
        &["--listen", listen.as_str(), "--poll-interval", "1s"],
    )
    .await;
    let (cert, site) = vtn.new_ven("reporting-ven").await;
    let db = &vtn.server.db;
    let program = programs::create(db, "Telemetry", "http://utility.example/telemetry", 3600)
        .await
        .unwrap();
    programs::add_site(db, program.id, site.id).await.unwrap();
    // Every 2 s a reading, sent every 4 s.
    programs::set_report_defaults(db, program.id, (2, 4), (300, 300))
        .await
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    std::fs::write(files.path().join("ven.pem"), &cert.cert_pem).unwrap();
    std::fs::write(files.path().join("ven.key"), &cert.key_pem).unwrap();
    let ven = Ven::start(
        port,
        "reporting-ven",
        files.path(),
        &vtn.pki().server_ca.clone(),
    );

    let request = eventually("the report request to be acknowledged", || async {
        reports::requests(db, site.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.state != reports::REQUESTED)
    })
    .await;
    assert_eq!((request.granularity_secs, request.report_back_secs), (2, 4));
    let offered = reports::offered(db, site.id).await.unwrap();
    assert_eq!(offered[0].rid, "power");
    assert_eq!(offered[0].report_name, "TELEMETRY_USAGE");

    let (from, to) = (
        Utc::now() - TimeDelta::hours(1),
        Utc::now() + TimeDelta::hours(1),
    );
    let stored = eventually("three readings", || async {
        let stored = readings::window(db, site.id, "power", from, to)
            .await
            .unwrap();
        (stored.len() >= 3).then_some(stored)
    })
    .await;
    let sent: Vec<f64> = ven
        .lines()
        .iter()
        .filter(|l| l["kind"] == "reading")
        .filter_map(|l| l["value"].as_f64())
        .collect();
    for reading in &stored {
        assert!(
            sent.contains(&reading.value.unwrap()),
            "stored {:?} was never sent ({sent:?})",
            reading.value
        );
    }
    let mut starts: Vec<_> = stored.iter().map(|r| r.dtstart).collect();
    starts.dedup();
    assert_eq!(starts.len(), stored.len(), "one reading per interval");

    // The VTN cancels; the VEN confirms and stops.
    reports::cancel(db, &request).await.unwrap();
    eventually("the cancellation to be confirmed", || async {
        reports::request(db, site.id, &request.report_request_id)
            .await
            .unwrap()
            .filter(|r| r.state == reports::CANCELLED)
    })
    .await;
    let settled = readings::window(db, site.id, "power", from, to)
        .await
        .unwrap()
        .len();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        readings::window(db, site.id, "power", from, to)
            .await
            .unwrap()
            .len(),
        settled,
        "no data after the cancellation"
    );
    drop(ven);
    vtn.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pyoadr_ven_reports_telemetry_that_the_vtn_stores() {
    use app::db::{readings, reports};
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let vtn = TestServer::start_with(
        tempfile::tempdir().unwrap(),
        &["--listen", listen.as_str(), "--poll-interval", "1s"],
    )
    .await;
    let (cert, site) = vtn.new_ven("pyoadr-reporter").await;
    let db = &vtn.server.db;
    sites::set_send_poll_freq(db, site.id, false).await.unwrap();
    let program = programs::create(db, "Telemetry", "http://utility.example/telemetry", 3600)
        .await
        .unwrap();
    programs::add_site(db, program.id, site.id).await.unwrap();
    programs::set_report_defaults(db, program.id, (60, 2), (300, 300))
        .await
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let bundle = files.path().join("bundle.pem");
    std::fs::write(&bundle, format!("{}{}", cert.key_pem, cert.cert_pem)).unwrap();
    let server_ca = vtn.pki().server_ca.clone();
    let log_path = files.path().join("pyoadr.log");
    let child = Command::new(root().join(".tools/pyoadr-venv/bin/python"))
        .arg(root().join("end2end/interop/run_pyoadr_ven.py"))
        .arg(format!("https://localhost:{port}"))
        .arg(&site.ven_id)
        .arg("pyoadr-reporter")
        .arg(&bundle)
        .arg(&server_ca)
        .env("REQUESTS_CA_BUNDLE", &server_ca)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let _ven = Ven {
        child,
        output: files.path().join("unused"),
    };

    let offered = eventually("pyoadr-ven's report registration", || async {
        let offered = reports::offered(db, site.id).await.unwrap();
        (!offered.is_empty()).then_some(offered)
    })
    .await;
    assert_eq!(
        offered.iter().map(|d| d.rid.as_str()).collect::<Vec<_>>(),
        ["actual_power", "baseline_power"]
    );
    let (from, to) = (
        Utc::now() - TimeDelta::hours(1),
        Utc::now() + TimeDelta::hours(2),
    );
    let stored = eventually("pyoadr-ven's readings", || async {
        let stored = readings::window(db, site.id, "actual_power", from, to)
            .await
            .unwrap();
        (!stored.is_empty()).then_some(stored)
    })
    .await;
    assert!(
        stored
            .iter()
            .all(|r| r.value.is_some_and(|v| (1500.0..1600.0).contains(&v))),
        "{stored:?}"
    );
    let baseline = readings::window(db, site.id, "baseline_power", from, to)
        .await
        .unwrap();
    assert!(baseline.iter().all(|r| r.value == Some(2000.0)));
    vtn.server.logbook.flush().await;
    let log = app::db::message_log::recent(db, site.id, 500)
        .await
        .unwrap();
    assert!(
        log.iter()
            .filter(|e| e.message_type == "oadrUpdateReport")
            .all(|e| e.response_code == 200)
    );
    vtn.server.shutdown().await;
}
