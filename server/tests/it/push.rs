//! Push delivery to a VEN endpoint (a small HTTPS server in the test, with a
//! certificate from the VEN CA, requiring the VTN's client certificate).

use crate::common::{TestServer, eventually};
use crate::oadr::{post, registration};
use app::db::{events, programs, reports, ven_messages};
use app::models::event::NewEvent;
use bytes::Bytes;
use chrono::{TimeDelta, Utc};
use http_body_util::{BodyExt, Full};
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use openadr::event::{CreatedEvent, EventResponse};
use openadr::report::{CanceledReport, CreatedReport};
use openadr::values::OptType;
use openadr::{EiResponse, Message, ReadOptions};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// What the VEN endpoint received: (path, message name).
type Received = Arc<Mutex<Vec<(String, String)>>>;

/// Serves the VEN side of push on `listener`: answers an oadrDistributeEvent
/// with optIn for every event, oadrCreateReport and oadrCancelReport as a VEN
/// does, anything else with oadrResponse 200.
fn serve_ven(listener: TcpListener, acceptor: TlsAcceptor, ven_id: String, received: Received) {
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, ven_id, received) = (acceptor.clone(), ven_id.clone(), received.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let (ven_id, received) = (ven_id.clone(), received.clone());
                        async move {
                            let path = request.uri().path().to_owned();
                            let body = request.into_body().collect().await.unwrap().to_bytes();
                            let message = openadr::read(&body, ReadOptions::default())
                                .unwrap()
                                .message;
                            received
                                .lock()
                                .unwrap()
                                .push((path, message.name().to_owned()));
                            let answer: Message = match message {
                                Message::DistributeEvent(d) => CreatedEvent {
                                    response: EiResponse::ok(d.request_id.clone()),
                                    event_responses: d
                                        .events
                                        .iter()
                                        .map(|e| EventResponse {
                                            code: 200,
                                            description: None,
                                            request_id: d.request_id.clone(),
                                            event_id: e.descriptor.event_id.clone(),
                                            modification_number: e.descriptor.modification_number,
                                            opt_type: OptType::OptIn,
                                        })
                                        .collect(),
                                    ven_id: ven_id.as_str().into(),
                                }
                                .into(),
                                Message::CreateReport(c) => CreatedReport {
                                    response: EiResponse::ok(c.request_id.clone()),
                                    pending: c
                                        .requests
                                        .iter()
                                        .map(|r| r.report_request_id.clone())
                                        .collect(),
                                    ven_id: Some(ven_id.as_str().into()),
                                }
                                .into(),
                                Message::CancelReport(c) => CanceledReport {
                                    response: EiResponse::ok(c.request_id.clone()),
                                    pending: Vec::new(),
                                    ven_id: Some(ven_id.as_str().into()),
                                }
                                .into(),
                                _ => openadr::register::Response {
                                    response: EiResponse::ok("".into()),
                                    ven_id: None,
                                }
                                .into(),
                            };
                            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(
                                answer.to_xml(),
                            ))))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
}

/// A VEN endpoint's TLS: a certificate for localhost from the VTN's VEN CA
/// (which the VTN trusts for push endpoints), and the VTN's client
/// certificate required.
fn endpoint_tls(vtn: &TestServer) -> TlsAcceptor {
    let pki = vtn.dir.path().join("pki");
    let ca = server::pki::CertificateAuthority::load(
        &std::fs::read_to_string(pki.join("ven-ca.pem")).unwrap(),
        &std::fs::read_to_string(pki.join("ven-ca.key")).unwrap(),
    )
    .unwrap();
    let endpoint = ca.issue_server(&["localhost"]).unwrap();
    let tls = ven_tls(
        &endpoint.cert_pem,
        &endpoint.key_pem,
        &std::fs::read(pki.join("server-ca.pem")).unwrap(),
    );
    TlsAcceptor::from(Arc::new(tls))
}

/// The VEN endpoint's TLS: its own certificate, and the VTN's client
/// certificate required, verified against the server CA.
fn ven_tls(cert_pem: &str, key_pem: &str, server_ca_pem: &[u8]) -> rustls::ServerConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(
            rustls_pemfile::certs(&mut &server_ca_pem[..])
                .next()
                .unwrap()
                .unwrap(),
        )
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let certs = rustls_pemfile::certs(&mut cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())
        .unwrap()
        .unwrap();
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_pushed_answered_and_kept_pending_while_the_ven_is_down() {
    let vtn = pushing_vtn().await;
    let (cert, site) = vtn.new_ven("push-ven").await;
    let db = &vtn.server.db;
    // The VEN's endpoint address is chosen now; nothing listens there yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut register = registration("push-ven");
    register.http_pull_model = Some(false);
    register.transport_address = Some(format!("https://localhost:{port}/OpenADR2/Simple/2.0b"));
    post(&vtn.client(Some(&cert)), "EiRegisterParty", register).await;

    let program = shed_program(db).await;
    programs::add_site(db, program.id, site.id).await.unwrap();
    let event = shed_in_an_hour(db, program.id, vec![site.id]).await;

    // The VEN is down: the event stays pending.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let pending = events::delivery(db, event.id, site.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.delivered_modification, None);

    // The VEN comes up with a certificate from the VEN CA and requires the VTN's client certificate.
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .unwrap();
    let received: Received = Arc::default();
    serve_ven(
        listener,
        endpoint_tls(&vtn),
        site.ven_id.clone(),
        received.clone(),
    );

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = events::delivery(db, event.id, site.id)
            .await
            .unwrap()
            .unwrap();
        if state.opt_type.as_deref() == Some("optIn") {
            assert_eq!(state.delivered_modification, Some(0));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the event was not pushed and answered: {state:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Then the rest of the outbox: the VTN's (empty) METADATA, to EiReport.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let received = received.lock().unwrap().clone();
        let event = received.contains(&(
            "/OpenADR2/Simple/2.0b/EiEvent".to_owned(),
            "oadrDistributeEvent".to_owned(),
        ));
        let metadata = received
            .iter()
            .any(|(path, name)| path.ends_with("/EiReport") && name == "oadrRegisterReport");
        if event && metadata {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not everything was pushed: {received:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    vtn.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ven_that_never_answers_holds_up_only_itself() {
    let vtn = pushing_vtn().await;
    let db = &vtn.server.db;
    let program = shed_program(db).await;
    // The silent VEN registers first, so a VTN that pushed to one VEN at a
    // time would wait out its whole timeout before reaching the other.
    let mut sites = Vec::new();
    let mut listeners = Vec::new();
    for name in ["silent-ven", "live-ven"] {
        let (cert, site) = vtn.new_ven(name).await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut register = registration(name);
        register.http_pull_model = Some(false);
        register.transport_address = Some(format!("https://localhost:{port}/OpenADR2/Simple/2.0b"));
        post(&vtn.client(Some(&cert)), "EiRegisterParty", register).await;
        programs::add_site(db, program.id, site.id).await.unwrap();
        sites.push(site);
        listeners.push(listener);
    }
    let (live_listener, silent_listener) = (listeners.pop().unwrap(), listeners.pop().unwrap());
    // Accepts connections and never says a word.
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = silent_listener.accept().await {
            held.push(tcp);
        }
    });
    let received: Received = Arc::default();
    serve_ven(
        live_listener,
        endpoint_tls(&vtn),
        sites[1].ven_id.clone(),
        received.clone(),
    );

    let event = shed_in_an_hour(db, program.id, sites.iter().map(|s| s.id).collect()).await;
    let started = Instant::now();
    // Well inside the 15 s a push to the silent VEN takes to time out.
    let deadline = started + Duration::from_secs(8);
    loop {
        let live = events::delivery(db, event.id, sites[1].id)
            .await
            .unwrap()
            .unwrap();
        if live.opt_type.as_deref() == Some("optIn") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the live VEN waited behind the silent one: {live:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let silent = events::delivery(db, event.id, sites[0].id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(silent.delivered_modification, None, "nothing answered it");
    // The rest of its outbox (the VTN's METADATA) follows.
    let deadline = Instant::now() + Duration::from_secs(8);
    while !received
        .lock()
        .unwrap()
        .iter()
        .any(|(_, name)| name == "oadrRegisterReport")
    {
        assert!(Instant::now() < deadline, "no oadrRegisterReport pushed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    vtn.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_push_ven_gets_its_turn_when_there_are_more_than_run_at_once() {
    let vtn = pushing_vtn().await;
    let db = &vtn.server.db;
    let program = shed_program(db).await;
    // More VENs than the VTN pushes to at once (32), behind one endpoint.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received: Received = Arc::default();
    let mut sites = Vec::new();
    for n in 0..40 {
        let name = format!("push-ven-{n}");
        let (cert, site) = vtn.new_ven(&name).await;
        let mut register = registration(&name);
        register.http_pull_model = Some(false);
        register.transport_address = Some(format!(
            "https://localhost:{port}/ven/{n}/OpenADR2/Simple/2.0b"
        ));
        post(&vtn.client(Some(&cert)), "EiRegisterParty", register).await;
        sites.push(site);
    }
    let last = sites.last().unwrap();
    serve_ven(
        listener,
        endpoint_tls(&vtn),
        last.ven_id.clone(),
        received.clone(),
    );
    programs::add_site(db, program.id, last.id).await.unwrap();
    let event = shed_in_an_hour(db, program.id, vec![last.id]).await;

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let got: std::collections::HashSet<String> = received
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, name)| name == "oadrRegisterReport")
            .map(|(path, _)| path.clone())
            .collect();
        let delivery = events::delivery(db, event.id, last.id)
            .await
            .unwrap()
            .unwrap();
        if got.len() == 40 && delivery.opt_type.as_deref() == Some("optIn") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} of 40 VENs got the VTN's METADATA; the last VEN's event: {delivery:?}",
            got.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    vtn.server.shutdown().await;
}

/// A VTN that pushes every 100 ms.
async fn pushing_vtn() -> TestServer {
    TestServer::start_with(tempfile::tempdir().unwrap(), &["--push-interval", "100ms"]).await
}

/// A program to enrol sites in.
async fn shed_program(db: &sea_orm::DatabaseConnection) -> app::db::entity::program::Model {
    programs::create(db, "Shed", "http://utility.example/shed", 3600)
        .await
        .unwrap()
}

/// A one-hour SIMPLE event for `sites`, starting in an hour.
async fn shed_in_an_hour(
    db: &sea_orm::DatabaseConnection,
    program_id: i32,
    sites: Vec<i32>,
) -> app::db::entity::event::Model {
    let start = Utc::now() + TimeDelta::hours(1);
    let event = NewEvent::simple(program_id, sites, start, 3600, 1.0);
    events::create(db, &event).await.unwrap()
}

/// Whether the VEN endpoint received a `name` message at a path ending in `service`.
fn got(received: &Received, name: &str, service: &str) -> bool {
    received
        .lock()
        .unwrap()
        .iter()
        .any(|(path, n)| n == name && path.ends_with(service))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_requests_their_cancellation_and_reregistration_are_pushed() {
    let vtn = pushing_vtn().await;
    let db = &vtn.server.db;
    let (cert, site) = vtn.new_ven("push-ven").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received: Received = Arc::default();
    serve_ven(
        listener,
        endpoint_tls(&vtn),
        site.ven_id.clone(),
        received.clone(),
    );
    let mut register = registration("push-ven");
    register.http_pull_model = Some(false);
    register.transport_address = Some(format!("https://localhost:{port}/OpenADR2/Simple/2.0b"));
    post(&vtn.client(Some(&cert)), "EiRegisterParty", register).await;
    let pushed = |name: &'static str, service: &'static str| {
        let received = received.clone();
        move || {
            let done = got(&received, name, service);
            async move { done.then_some(()) }
        }
    };
    eventually("METADATA pushed", pushed("oadrRegisterReport", "/EiReport")).await;

    // A request the operator makes later goes out as oadrCreateReport; the
    // VEN's oadrCreatedReport moves it on.
    let request = reports::create_request(
        db,
        site.id,
        reports::NewRequest {
            report_specifier_id: "usage".into(),
            report_name: "TELEMETRY_USAGE".into(),
            granularity_secs: 60,
            report_back_secs: 300,
            interval_start: Utc::now(),
            interval_secs: 86_400,
            rids: vec!["power".into()],
            sent: false,
        },
    )
    .await
    .unwrap();
    let reaches = |wanted: &'static str| {
        let id = request.report_request_id.clone();
        move || {
            let id = id.clone();
            async move {
                let stored = reports::request(db, site.id, &id).await.unwrap().unwrap();
                (stored.state == wanted).then_some(())
            }
        }
    };
    eventually("oadrCreatedReport applied", reaches(reports::CREATED)).await;
    assert!(got(&received, "oadrCreateReport", "/EiReport"));

    // Stopping it pushes oadrCancelReport; oadrCanceledReport ends it.
    reports::stop(db, request.id).await.unwrap();
    eventually("oadrCanceledReport applied", reaches(reports::CANCELLED)).await;
    assert!(got(&received, "oadrCancelReport", "/EiReport"));

    // A re-registration request is pushed to EiRegisterParty and recorded as delivered.
    ven_messages::queue(db, site.id, ven_messages::REREGISTER)
        .await
        .unwrap();
    eventually(
        "oadrRequestReregistration pushed",
        pushed("oadrRequestReregistration", "/EiRegisterParty"),
    )
    .await;
    eventually("the re-registration request delivered", || async {
        ven_messages::next(db, site.id)
            .await
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    vtn.server.shutdown().await;
}
