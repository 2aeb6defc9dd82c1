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
