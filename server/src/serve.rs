//! The accept loops: HTTPS with the peer certificate handed to handlers, and
//! an optional plain-HTTP listener for a TLS-terminating gateway. Both drain
//! in-flight requests on shutdown.

use crate::openadr::gateway::GatewayConnection;
use crate::tls::ClientCertificate;
use crate::tls_files::TlsFiles;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// A TLS handshake that takes longer than this is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for in-flight requests before closing connections.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// Accepts connections until `shutdown` turns true, then waits for open
/// connections to finish their current request. With `tls`, connections are
/// TLS (with the files as they are now) and a verified client certificate
/// becomes a [`ClientCertificate`] request extension.
pub async fn serve(
    listener: TcpListener,
    tls: Option<Arc<TlsFiles>>,
    app: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = GracefulShutdown::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.wait_for(|stop| *stop) => break,
        };
        let (tcp, remote) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Usually out of file descriptors: back off instead of spinning.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let watcher = graceful.watcher();
        // Taken per connection: the files may have changed since the last.
        let tls = tls.as_ref().map(|files| files.acceptor());
        tokio::spawn(async move {
            let Some(tls) = tls else {
                // The plain listener is for a TLS-terminating gateway: mark its requests.
                let app = app.layer(axum::Extension(GatewayConnection { remote }));
                return connection(TokioIo::new(tcp), app, remote, None, watcher).await;
            };
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, tls.accept(tcp)).await {
                Ok(Ok(stream)) => {
                    let cert = stream
                        .get_ref()
                        .1
                        .peer_certificates()
                        .and_then(|chain| chain.first())
                        .map(|leaf| ClientCertificate::new(leaf));
                    connection(TokioIo::new(stream), app, remote, cert, watcher).await;
                }
                Ok(Err(error)) => tracing::info!(%remote, %error, "TLS handshake failed"),
                Err(_) => tracing::info!(%remote, "TLS handshake timed out"),
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections drained"),
        () = tokio::time::sleep(DRAIN_TIMEOUT) => tracing::warn!("connections still open after the drain timeout"),
    }
}

async fn connection<I>(
    io: TokioIo<I>,
    app: Router,
    remote: SocketAddr,
    cert: Option<ClientCertificate>,
    watcher: Watcher,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(ConnectInfo(remote));
        if let Some(cert) = &cert {
            request.extensions_mut().insert(cert.clone());
        }
        app.clone().oneshot(request.map(Body::new))
    });
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30));
    let served = watcher.watch(
        builder
            .serve_connection_with_upgrades(io, service)
            .into_owned(),
    );
    if let Err(error) = served.await {
        tracing::debug!(%remote, %error, "connection ended with an error");
    }
}
