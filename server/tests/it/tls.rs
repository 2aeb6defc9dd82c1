use crate::common::TestServer;
use server::pki::CertificateAuthority;

#[tokio::test]
async fn ven_certificate_reaches_handlers_as_its_fingerprint() {
    let vtn = TestServer::start().await;
    let ven = vtn.demo_ven();
    let response = vtn.client(Some(&ven)).get("/whoami").await.unwrap();
    assert_eq!(response.status, 200);
    let json: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    let expected = openadr::Fingerprint::of_der(&ven.der).to_string();
    assert_eq!(json["fingerprint"], expected.as_str());
    assert_eq!(expected.len(), 29);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn without_a_certificate_the_ui_is_served_but_there_is_no_ven_identity() {
    let vtn = TestServer::start().await;
    let client = vtn.client(None);
    let whoami = client.get("/whoami").await.unwrap();
    assert_eq!(whoami.body, r#"{"fingerprint":null}"#);
    let login = client.get("/login").await.unwrap();
    assert_eq!(login.status, 200);
    assert!(login.body.contains("Sign in"), "{}", login.body);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn the_vtn_picks_aes_128_gcm_sha256_over_a_client_preferring_aes_256() {
    let vtn = TestServer::start().await;
    let ven = vtn.demo_ven();
    // The test client offers ring's default order, AES-256 first.
    let stream = vtn.client(Some(&ven)).connect().await;
    let suite = stream
        .get_ref()
        .1
        .negotiated_cipher_suite()
        .unwrap()
        .suite();
    assert_eq!(suite, rustls::CipherSuite::TLS13_AES_128_GCM_SHA256);
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn a_certificate_from_another_ca_fails_the_handshake() {
    let vtn = TestServer::start().await;
    let stranger = CertificateAuthority::generate("some other CA")
        .unwrap()
        .issue_client("intruder")
        .unwrap();
    let result = vtn.client(Some(&stranger)).get("/whoami").await;
    let error = result.err().expect("the server must refuse an unknown CA");
    // TLS 1.3 reports the server's alert on the first read after the handshake.
    let text = format!("{error:?}");
    assert!(
        text.contains("UnknownCA") || text.contains("BadCertificate") || text.contains("alert"),
        "{text}"
    );
    // The same server still serves clients with good (or no) certificates.
    assert_eq!(
        vtn.client(Some(&vtn.demo_ven()))
            .get("/healthz")
            .await
            .unwrap()
            .status,
        200
    );
    vtn.server.shutdown().await;
}
