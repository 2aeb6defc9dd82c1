use crate::common::{ADMIN_PASSWORD, TestServer};
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let vtn = TestServer::start().await;
    let client = vtn.client(None);
    assert_eq!(client.get("/healthz").await.unwrap().body, "ok");
    assert_eq!(client.get("/readyz").await.unwrap().body, "ready");
    let metrics = client.get("/metrics").await.unwrap();
    assert!(
        metrics.body.contains("http_requests_total"),
        "{}",
        metrics.body
    );
    // The dev PKI's demo site exists and has not been heard from.
    assert!(metrics.body.contains("vtn_sites 1"), "{}", metrics.body);
    assert!(
        metrics.body.contains("vtn_vens_online 0"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("vtn_pending_deliveries 0"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains("vtn_certificates_expiring 0"),
        "{}",
        metrics.body
    );
    assert!(
        metrics.body.contains(r#"route="/healthz""#),
        "{}",
        metrics.body
    );
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let vtn = TestServer::start().await;
    let response = vtn.client(None).get("/no/such/page").await.unwrap();
    assert_eq!(response.status, 404);
    assert!(response.body.contains("Page not found"));
    vtn.server.shutdown().await;
}

async fn login(vtn: &TestServer, password: &str) -> crate::common::Response {
    let form = format!("username=admin&password={password}");
    let request = Request::post("/api/login")
        .header("host", "localhost")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(form)))
        .unwrap();
    vtn.client(None).send(request).await.unwrap()
}

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_that_opens_the_overview() {
    let vtn = TestServer::start().await;
    let response = login(&vtn, ADMIN_PASSWORD).await;
    let cookie = response
        .headers
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let pair = cookie.split(';').next().unwrap();
    let overview = Request::get("/")
        .header("host", "localhost")
        .header("cookie", pair)
        .body(Full::default())
        .unwrap();
    let page = vtn.client(None).send(overview).await.unwrap();
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Signed in as"), "{}", page.body);

    let anonymous = vtn.client(None).get("/").await.unwrap();
    assert!(!anonymous.body.contains("Signed in as"));
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_gets_a_readable_error_and_no_cookie() {
    let vtn = TestServer::start().await;
    let response = login(&vtn, "not-the-password").await;
    assert_eq!(response.status, 400);
    assert!(response.headers.get("set-cookie").is_none());
    assert!(
        response.body.contains("wrong username or password"),
        "{}",
        response.body
    );
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_request_finish_and_accepts_no_new_connections() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let vtn = TestServer::start().await;
    let client = vtn.client(None);
    let body = openadr::Message::from(openadr::poll::Poll { ven_id: "v".into() }).to_xml();
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = client.connect().await;
    let head = format!(
        "POST /OpenADR2/Simple/2.0b/OadrPoll HTTP/1.1\r\nHost: localhost\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    // Shut down while the request is half sent.
    let crate::common::TestServer { server, dir, .. } = vtn;
    let addr = server.https_addr;
    let shutdown = tokio::spawn(server.shutdown());
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !shutdown.is_finished(),
        "shutdown waits for the in-flight request"
    );
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connections while draining"
    );

    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("oadrResponse"), "{answer}");
    tokio::time::timeout(std::time::Duration::from_secs(5), shutdown)
        .await
        .unwrap()
        .unwrap();
    drop(dir);
}
