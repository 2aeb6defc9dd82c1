//! The two ways in without a TLS client certificate at this server: a
//! TLS-terminating gateway forwarding the certificate in a header, and a
//! per-site token in the URL.

use crate::common::TestServer;
use crate::oadr::{code, post};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use openadr::poll::Poll;
use openadr::{Message, ReadOptions};
use std::net::{IpAddr, SocketAddr};
use tokio::net::TcpSocket;

/// nginx's `$ssl_client_escaped_cert`: the PEM, percent-encoded.
fn escaped(pem: &str) -> String {
    pem.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Posts over plain HTTP from a chosen local address, as a gateway would.
async fn post_plain(
    addr: SocketAddr,
    from: IpAddr,
    headers: &[(&str, &str)],
    message: Message,
) -> Message {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::new(from, 0)).unwrap();
    let tcp = socket.connect(addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut request = Request::post("/OpenADR2/Simple/2.0b/OadrPoll").header("host", "vtn");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = sender
        .send_request(
            request
                .body(Full::new(Bytes::from(message.to_xml())))
                .unwrap(),
        )
        .await
        .unwrap();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    openadr::read(&body, ReadOptions::default())
        .unwrap()
        .message
}

#[tokio::test]
async fn a_trusted_gateways_certificate_header_identifies_the_ven_and_a_forged_one_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let vtn = TestServer::start_with(
        dir,
        &[
            "--http-listen",
            "127.0.0.1:0",
            "--gateway-trusted",
            "127.0.0.1",
        ],
    )
    .await;
    let (cert, site) = vtn.new_ven("behind-nginx").await;
    let gateway = vtn.server.http_addr.unwrap();
    let poll = || {
        Message::from(Poll {
            ven_id: site.ven_id.as_str().into(),
        })
    };
    let pem = escaped(&cert.cert_pem);
    let trusted: IpAddr = "127.0.0.1".parse().unwrap();
    let verified = [
        ("x-ssl-client-cert", pem.as_str()),
        ("x-ssl-client-verify", "SUCCESS"),
    ];

    // Something to deliver, so that the trusted poll is logged (idle ones are not).
    app::db::ven_messages::queue(&vtn.server.db, site.id, app::db::ven_messages::REREGISTER)
        .await
        .unwrap();
    let delivered = post_plain(gateway, trusted, &verified, poll()).await;
    assert_eq!(delivered.name(), "oadrRequestReregistration");
    let unverified = [
        ("x-ssl-client-cert", pem.as_str()),
        ("x-ssl-client-verify", "FAILED:unknown CA"),
    ];
    assert_eq!(
        code(&post_plain(gateway, trusted, &unverified, poll()).await),
        464
    );
    // The same header from an address that is not a configured gateway.
    let elsewhere: IpAddr = "127.0.0.2".parse().unwrap();
    assert_eq!(
        code(&post_plain(gateway, elsewhere, &verified, poll()).await),
        464
    );
    // On the HTTPS listener the header means nothing: only the TLS certificate counts.
    let request = Request::post("/OpenADR2/Simple/2.0b/OadrPoll")
        .header("host", "localhost")
        .header("x-ssl-client-cert", pem.as_str())
        .header("x-ssl-client-verify", "SUCCESS")
        .body(Full::new(Bytes::from(poll().to_xml())))
        .unwrap();
    let response = vtn.client(None).send(request).await.unwrap();
    assert_eq!(
        code(
            &openadr::read(response.body.as_bytes(), ReadOptions::default())
                .unwrap()
                .message
        ),
        464
    );
    vtn.server.logbook.flush().await;
    let log = app::db::message_log::recent(&vtn.server.db, site.id, 10)
        .await
        .unwrap();
    assert_eq!(
        log.len(),
        1,
        "only the trusted, verified exchange reached the site"
    );
    vtn.server.shutdown().await;
}

#[tokio::test]
async fn a_url_token_identifies_a_ven_until_revoked() {
    let vtn = TestServer::start().await;
    let (_, site) = vtn.new_ven("token-ven").await;
    let token = app::db::sites::issue_token(&vtn.server.db, site.id)
        .await
        .unwrap();
    let client = vtn.client(None);
    let poll = || Poll {
        ven_id: site.ven_id.as_str().into(),
    };
    assert_eq!(code(&post_token(&client, &token, poll()).await), 200);
    assert_eq!(code(&post_token(&client, "not-a-token", poll()).await), 464);
    app::db::sites::revoke_token(&vtn.server.db, site.id)
        .await
        .unwrap();
    assert_eq!(code(&post_token(&client, &token, poll()).await), 464);
    // Without a token or certificate, the plain endpoint refuses too.
    assert_eq!(code(&post(&client, "OadrPoll", poll()).await), 464);
    vtn.server.shutdown().await;
}

async fn post_token(
    client: &crate::common::Client,
    token: &str,
    message: impl Into<Message>,
) -> Message {
    let request = Request::post(format!("/{token}/OpenADR2/Simple/2.0b/OadrPoll"))
        .header("host", "localhost")
        .body(Full::new(Bytes::from(message.into().to_xml())))
        .unwrap();
    let response = client.send(request).await.unwrap();
    assert_eq!(response.status, 200);
    openadr::read(response.body.as_bytes(), ReadOptions::default())
        .unwrap()
        .message
}
