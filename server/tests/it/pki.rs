//! The VEN PKI end to end: a certificate issued through the API or the `vtn`
//! binary lets its VEN in, and once revoked the same VEN is refused — new
//! connections at the TLS handshake, open ones with 464 — without a restart.

use crate::api::{call, json};
use crate::common::{Client, TestServer, issued};
use crate::oadr::{post, registration};
use app::db::{api_tokens, audit, sites};
use app::models::Role;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use openadr::poll::Poll;
use openadr::{Message, ReadOptions};
use serde_json::json;
use std::process::Command;
use std::time::Duration;

/// An HTTP/1.1 connection kept open across requests, as a polling VEN keeps it.
async fn keep_alive(client: &Client) -> SendRequest<Full<Bytes>> {
    let (sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(client.connect().await))
            .await
            .unwrap();
    tokio::spawn(connection);
    sender
}

async fn poll_on(sender: &mut SendRequest<Full<Bytes>>, ven_id: &str) -> Message {
    let xml = Message::from(Poll {
        ven_id: ven_id.into(),
    })
    .to_xml();
    let request = Request::post("/OpenADR2/Simple/2.0b/OadrPoll")
        .header("host", "localhost")
        .header("content-type", "application/xml")
        .body(Full::new(Bytes::from(xml)))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    openadr::read(&body, ReadOptions::default())
        .unwrap()
        .message
}

/// Whether the VTN refused the caller as unknown or revoked (464).
fn refused_464(message: &Message) -> bool {
    matches!(message, Message::Response(r) if r.response.code == 464)
}

async fn handshake_refused(client: &Client) -> bool {
    client.get("/whoami").await.is_err()
}

#[tokio::test]
async fn a_certificate_issued_through_the_api_works_until_revoked() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let site = sites::create(db, "PKI site", "pki-ven", None)
        .await
        .unwrap();
    let (_, admin) = api_tokens::create(db, "pki-admin", Role::Admin, None)
        .await
        .unwrap();
    let (_, operator) = api_tokens::create(db, "ops", Role::Operator, None)
        .await
        .unwrap();
    let issue_path = format!("/api/v1/sites/{}/certificates", site.id);

    let refused = call(
        &vtn,
        "POST",
        &issue_path,
        Some(&operator),
        Some(json!({})),
        &[],
    )
    .await;
    assert_eq!(refused.status, 403, "issuing is for admins");
    let missing = call(
        &vtn,
        "POST",
        "/api/v1/sites/999999/certificates",
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert_eq!(missing.status, 404);
    let bad_key = call(
        &vtn,
        "POST",
        &issue_path,
        Some(&admin),
        Some(json!({"key_type": "dsa"})),
        &[],
    )
    .await;
    assert_eq!(bad_key.status, 422, "{}", bad_key.body);

    let answer = call(
        &vtn,
        "POST",
        &issue_path,
        Some(&admin),
        Some(json!({"key_type": "ecdsa-p256"})),
        &[],
    )
    .await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let body = json(&answer);
    let cert_pem = body["certificate_pem"].as_str().unwrap().to_owned();
    let key_pem = body["private_key_pem"].as_str().unwrap().to_owned();
    let chain = body["chain_pem"].as_str().unwrap();
    let ca_pem = std::fs::read_to_string(&vtn.pki().ven_ca).unwrap();
    assert_eq!(
        chain,
        format!("{cert_pem}{ca_pem}"),
        "certificate, then the VEN CA"
    );
    let id = body["certificate"]["id"].as_i64().unwrap();
    let fingerprint = body["certificate"]["fingerprint"].as_str().unwrap();
    assert_eq!(body["certificate"]["common_name"], "pki-ven");
    assert_eq!(body["certificate"]["state"], "active");
    let ven = issued(cert_pem, key_pem);
    assert_eq!(
        openadr::Fingerprint::of_der(&ven.der).to_string(),
        fingerprint
    );
    let bound = sites::get(db, site.id).await.unwrap().unwrap();
    assert_eq!(
        bound.fingerprint.as_deref(),
        Some(fingerprint),
        "the site is bound to it"
    );

    // The VEN registers with its new certificate and keeps a connection open.
    let client = vtn.client(Some(&ven));
    let created = post(&client, "EiRegisterParty", registration("pki-ven")).await;
    assert!(
        matches!(created, Message::CreatedPartyRegistration(_)),
        "{}",
        created.name()
    );
    let mut open = keep_alive(&client).await;
    assert!(!refused_464(&poll_on(&mut open, &site.ven_id).await));

    let revoked = call(
        &vtn,
        "POST",
        &format!("/api/v1/certificates/{id}/revoke"),
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(json(&revoked)["state"], "revoked");
    let again = call(
        &vtn,
        "POST",
        &format!("/api/v1/certificates/{id}/revoke"),
        Some(&admin),
        None,
        &[],
    )
    .await;
    assert_eq!(again.status, 404, "already revoked");

    // At once: new connections fail the handshake, the open one gets 464.
    assert!(
        handshake_refused(&client).await,
        "a revoked certificate must fail the handshake"
    );
    assert!(refused_464(&poll_on(&mut open, &site.ven_id).await));

    let list = json(&call(&vtn, "GET", "/api/v1/certificates", Some(&admin), None, &[]).await);
    assert_eq!(list["certificates"][0]["state"], "revoked");
    assert_eq!(list["ca"]["can_issue"], true);
    let actions: Vec<String> = audit::page(db, 0, 50)
        .await
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.actor == "token:pki-admin")
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["certificate.revoke", "certificate.issue"]);
    vtn.server.shutdown().await;
}

/// Runs the `vtn` binary on a database and development PKI directory.
fn vtn_on(db_url: &str, pki: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vtn"))
        .args(args)
        .env("VTN_DATABASE_URL", db_url)
        .env("VTN_DEV_PKI_DIR", pki)
        .env("VTN_LOG", "error")
        .env_remove("VTN_CONFIG")
        .output()
        .expect("run vtn")
}

/// Runs the `vtn` binary beside a running server, on its database and PKI.
fn vtn_cli(vtn: &TestServer, args: &[&str]) -> std::process::Output {
    vtn_on(&vtn.db_url, &vtn.dir.path().join("pki"), args)
}

#[tokio::test]
async fn a_revocation_from_the_command_line_reaches_the_running_server() {
    use std::os::unix::fs::PermissionsExt;
    let vtn = TestServer::start().await;
    let site = sites::create(&vtn.server.db, "CLI site", "cli-ven", None)
        .await
        .unwrap();
    let out = vtn.dir.path().join("issued");
    let site_arg = site.id.to_string();
    let issue = vtn_cli(
        &vtn,
        &[
            "pki",
            "issue",
            "--site",
            &site_arg,
            "--key-type",
            "rsa-2048",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(
        issue.status.success(),
        "{}",
        String::from_utf8_lossy(&issue.stderr)
    );
    let printed = String::from_utf8_lossy(&issue.stdout).into_owned();
    let id = printed.split('\t').next().unwrap().to_owned();
    let key_file = out.join("cli-ven.key");
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the key is for its owner only");
    let ven = issued(
        std::fs::read_to_string(out.join("cli-ven.pem")).unwrap(),
        std::fs::read_to_string(&key_file).unwrap(),
    );
    let client = vtn.client(Some(&ven));
    let created = post(&client, "EiRegisterParty", registration("cli-ven")).await;
    assert!(
        matches!(created, Message::CreatedPartyRegistration(_)),
        "an RSA VEN registers"
    );

    let unknown = vtn_cli(&vtn, &["pki", "revoke", "999999"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("999999"));
    let revoke = vtn_cli(&vtn, &["pki", "revoke", &id]);
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    let list = String::from_utf8_lossy(&vtn_cli(&vtn, &["pki", "list"]).stdout).into_owned();
    assert!(
        list.contains("cli-ven") && list.contains("rsa-2048") && list.contains("revoked"),
        "{list}"
    );

    // Another process revoked it: the server reads revocations every few seconds.
    let deadline = tokio::time::Instant::now() + server::revocations::REFRESH_EVERY * 3;
    while !handshake_refused(&client).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "still accepted after the refresh"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    vtn.server.shutdown().await;
}

#[test]
fn pki_init_refuses_to_overwrite_and_import_checks_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/vtn.db?mode=rwc", dir.path().display());
    let pki = dir.path().join("pki");
    let run = |args: &[&str]| vtn_on(&db, &pki, args);
    let init = run(&["pki", "init", "--name", "Utility VEN CA"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let ca_pem = std::fs::read_to_string(pki.join("ven-ca.pem")).unwrap();
    assert_eq!(
        app::pki::ca::describe(&app::pki::ca::first_certificate(&ca_pem).unwrap())
            .unwrap()
            .0,
        "Utility VEN CA"
    );
    let again = run(&["pki", "init"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already"));

    let other = app::pki::ca::CertificateAuthority::generate("other").unwrap();
    let (cert, key) = (dir.path().join("other.pem"), dir.path().join("other.key"));
    std::fs::write(&cert, &other.certificate.cert_pem).unwrap();
    std::fs::write(&key, &ca_pem).unwrap();
    let mismatched = run(&[
        "pki",
        "import",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--replace",
    ]);
    assert!(!mismatched.status.success(), "a certificate is no key");
    std::fs::write(&key, &other.certificate.key_pem).unwrap();
    let without_replace = run(&[
        "pki",
        "import",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&without_replace.stderr).contains("--replace"));
    let imported = run(&[
        "pki",
        "import",
        "--cert",
        cert.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--replace",
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(pki.join("ven-ca.pem")).unwrap(),
        other.certificate.cert_pem
    );
}

#[tokio::test]
async fn a_ven_ca_imported_through_the_api_is_trusted_without_a_restart() {
    let vtn = TestServer::start().await;
    let db = &vtn.server.db;
    let (_, admin) = api_tokens::create(db, "ca-admin", Role::Admin, None)
        .await
        .unwrap();
    let (_, operator) = api_tokens::create(db, "ca-operator", Role::Operator, None)
        .await
        .unwrap();
    let shown = call(&vtn, "GET", "/api/v1/ven-ca", Some(&admin), None, &[]).await;
    assert_eq!(
        json(&shown)["common_name"],
        "OpenADR VTN development VEN CA"
    );
    let again = json!({"common_name": "Second CA"});
    let refused = call(
        &vtn,
        "POST",
        "/api/v1/ven-ca/init",
        Some(&admin),
        Some(again),
        &[],
    )
    .await;
    assert_eq!(
        refused.status, 409,
        "there is a CA and replace was not asked"
    );

    // A CA made elsewhere, and a VEN whose certificate it signed.
    let utility = app::pki::ca::CertificateAuthority::generate("Utility VEN CA").unwrap();
    let ven = utility.issue_client("utility-ven").unwrap();
    let fingerprint = openadr::Fingerprint::of_der(&ven.der).to_string();
    sites::create(db, "Utility site", "utility-ven", Some(&fingerprint))
        .await
        .unwrap();
    let ven_client = vtn.client(Some(&ven));
    assert!(handshake_refused(&ven_client).await, "not trusted yet");

    let import = async |token: &str, key: &str, replace: bool| {
        let body = json!({"certificate_pem": utility.certificate.cert_pem, "key_pem": key, "replace": replace});
        call(
            &vtn,
            "POST",
            "/api/v1/ven-ca/import",
            Some(token),
            Some(body),
            &[],
        )
        .await
    };
    let right_key = &utility.certificate.key_pem;
    assert_eq!(import(&operator, right_key, true).await.status, 403);
    let other = app::pki::ca::CertificateAuthority::generate("Other").unwrap();
    let mismatched = import(&admin, &other.certificate.key_pem, true).await;
    assert_eq!(mismatched.status, 422, "{}", mismatched.body);
    assert_eq!(import(&admin, right_key, false).await.status, 409);
    let imported = import(&admin, right_key, true).await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    assert_eq!(json(&imported)["common_name"], "Utility VEN CA");
    assert_eq!(json(&imported)["can_issue"], true);

    // New connections use the new CA within the file check; the old CA's VEN is out.
    let deadline = tokio::time::Instant::now() + server::tls_files::CHECK_EVERY * 5;
    while handshake_refused(&ven_client).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the new CA is not trusted"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(matches!(
        post(&ven_client, "EiRegisterParty", registration("utility-ven")).await,
        Message::CreatedPartyRegistration(_)
    ));
    assert!(handshake_refused(&vtn.client(Some(&vtn.demo_ven()))).await);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&vtn.server.dev_pki.as_ref().unwrap().ven_ca_key)
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let actions: Vec<String> = audit::page(db, 0, 10)
        .await
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.actor == "token:ca-admin")
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["pki.import"]);
    vtn.server.shutdown().await;
}
