//! Push delivery: for VENs registered with httpPullModel=false, the VTN posts
//! each pending message to the VEN's transport address over mTLS with its own
//! client certificate, and handles the answer as if the VEN had posted it. A
//! message is recorded as delivered only once the VEN answered; an unreachable
//! VEN is retried with exponential backoff (all pending state is in the
//! database, so a restart loses nothing).

use crate::openadr::{Service, from_ven, outbox};
use crate::state::AppState;
use anyhow::{Context, Result, anyhow, bail};
use app::db::entity::site;
use app::db::{message_log, sites};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::Request;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsConnector;

/// How long one push may take (connect, TLS, answer).
const TIMEOUT: Duration = Duration::from_secs(15);
/// The longest wait between retries to an unreachable VEN.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// At most this many messages to one VEN per drain.
const BURST: usize = 20;
/// Sites being pushed to at once.
const CONCURRENT: usize = 32;

/// The push worker's settings.
#[derive(Clone)]
pub struct Pusher {
    connector: TlsConnector,
    interval: Duration,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

impl Pusher {
    /// A pusher with this client configuration, running every `interval`.
    pub fn new(config: rustls::ClientConfig, interval: Duration) -> Self {
        Self {
            connector: TlsConnector::from(Arc::new(config)),
            interval,
        }
    }

    /// Every `interval`, starts draining the outbox of each push site that
    /// is due (not backing off, not already being drained), at most
    /// [`CONCURRENT`] at once, so an unreachable VEN holds up only itself;
    /// until `shutdown` turns true.
    pub async fn run(self, state: AppState, mut shutdown: watch::Receiver<bool>) {
        let mut backoff: HashMap<i32, (u32, Instant)> = HashMap::new();
        let mut running: JoinSet<(site::Model, Result<()>)> = JoinSet::new();
        let mut busy: HashSet<i32> = HashSet::new();
        let mut last_started = 0;
        let mut tick = tokio::time::interval(self.interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        while !*shutdown.borrow() {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(error) = self.start_due(&state, &backoff, &mut busy, &mut last_started, &mut running).await {
                        tracing::warn!(%error, "reading the push sites failed");
                    }
                }
                Some(joined) = running.join_next() => match joined {
                    Ok((site, result)) => {
                        busy.remove(&site.id);
                        settle(&mut backoff, &site, result);
                    }
                    Err(error) => tracing::error!(%error, "a push task failed"),
                },
                changed = shutdown.changed() => if changed.is_err() {
                    return;
                },
            }
        }
    }

    /// Starts draining the sites that have something to push, in turn: the
    /// scan resumes after the site started last, so with more such sites than
    /// [`CONCURRENT`] every one gets its turn rather than the first few.
    async fn start_due(
        &self,
        state: &AppState,
        backoff: &HashMap<i32, (u32, Instant)>,
        busy: &mut HashSet<i32>,
        last_started: &mut i32,
        running: &mut JoinSet<(site::Model, Result<()>)>,
    ) -> Result<()> {
        let now = Instant::now();
        let mut due: Vec<site::Model> = sites::push_sites(&state.db)
            .await?
            .into_iter()
            .filter(|site| {
                // A site known to have nothing pending costs no task.
                !state.sites.idle(site.id)
                    && !busy.contains(&site.id)
                    && backoff.get(&site.id).is_none_or(|(_, next)| now >= *next)
            })
            .collect();
        due.sort_by_key(|site| (site.id <= *last_started, site.id));
        for site in due
            .into_iter()
            .take(CONCURRENT.saturating_sub(running.len()))
        {
            busy.insert(site.id);
            *last_started = site.id;
            let (pusher, state) = (self.clone(), state.clone());
            running.spawn(async move {
                let result = pusher.drain(&state, &site).await;
                (site, result)
            });
        }
        Ok(())
    }

    /// Pushes the site's pending messages, one by one over one connection,
    /// until none is left.
    async fn drain(&self, state: &AppState, site: &site::Model) -> Result<()> {
        let address = site
            .transport_address
            .as_deref()
            .ok_or_else(|| anyhow!("no transport address"))?;
        let mut connection = None;
        for _ in 0..BURST {
            let Some(outgoing) = outbox::next(state, site).await? else {
                return Ok(());
            };
            let xml = outgoing.message.to_xml();
            let answer = tokio::time::timeout(
                TIMEOUT,
                self.post(&mut connection, address, outgoing.service, xml.clone()),
            )
            .await
            .map_err(|_| anyhow!("no answer within {TIMEOUT:?}"))??;
            outbox::delivered(state, site, &outgoing).await?;
            let answer_text = String::from_utf8_lossy(&answer).into_owned();
            let parsed = openadr::read(
                &answer,
                openadr::ReadOptions {
                    mode: state.oadr.mode,
                    ..Default::default()
                },
            );
            let (answer_type, code) = match parsed {
                Ok(parsed) => {
                    let name = parsed.message.name();
                    match from_ven(state, Arc::new(site.clone()), parsed.message).await {
                        Ok(()) => (name, 200),
                        Err(error) => {
                            tracing::info!(ven_id = %site.ven_id, %error, "the VEN's answer to a push was refused");
                            (name, error.code)
                        }
                    }
                }
                Err(error) => {
                    tracing::info!(ven_id = %site.ven_id, %error, "the VEN's answer to a push is not OpenADR");
                    ("invalid", error.response_code())
                }
            };
            state.logbook.record(message_log::Entry {
                at: chrono::Utc::now(),
                site_id: Some(site.id),
                service: "push",
                message_type: outgoing.message.name(),
                response_type: answer_type,
                request_id: None,
                response_code: code,
                deviations: String::new(),
                request_xml: xml,
                response_xml: answer_text,
            });
            tracing::info!(ven_id = %site.ven_id, message = outgoing.message.name(), "pushed");
        }
        Ok(())
    }

    /// POSTs a message to `<transport address>/<service>` over `connection`
    /// (opened, or opened again if the VEN closed it) and returns the answer
    /// body.
    async fn post(
        &self,
        connection: &mut Option<Connection>,
        address: &str,
        service: Service,
        xml: String,
    ) -> Result<Bytes> {
        let reusable = match connection.take() {
            Some(mut open) => open.sender.ready().await.is_ok().then_some(open),
            None => None,
        };
        let mut open = match reusable {
            Some(open) => open,
            None => self.connect(address).await?,
        };
        let request = Request::post(format!("{}/{}", open.base, service.as_str()))
            .header("host", &open.authority)
            .header("content-type", "application/xml")
            .body(Full::new(Bytes::from(xml)))?;
        let response = open.sender.send_request(request).await?;
        if !response.status().is_success() {
            bail!("the VEN answered HTTP {}", response.status());
        }
        let body = Limited::new(response.into_body(), crate::middleware::MAX_BODY)
            .collect()
            .await
            .map_err(|e| anyhow!("reading the VEN's answer: {e}"))?;
        *connection = Some(open);
        Ok(body.to_bytes())
    }

    /// Opens an HTTP/1.1 connection over mTLS to the VEN at `address`.
    async fn connect(&self, address: &str) -> Result<Connection> {
        let rest = address
            .strip_prefix("https://")
            .ok_or_else(|| anyhow!("transport address {address} is not https://"))?;
        let (authority, base) = rest.split_once('/').unwrap_or((rest, ""));
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => (
                host.trim_matches(['[', ']']),
                port.parse::<u16>()
                    .context("port of the transport address")?,
            ),
            _ => (authority, 443),
        };
        let tcp = tokio::net::TcpStream::connect((host, port))
            .await
            .with_context(|| format!("connecting to {authority}"))?;
        let name =
            ServerName::try_from(host.to_owned()).context("host of the transport address")?;
        let tls = self
            .connector
            .connect(name, tcp)
            .await
            .with_context(|| format!("TLS with {authority}"))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
        tokio::spawn(connection);
        Ok(Connection {
            sender,
            authority: authority.to_owned(),
            base: match base.trim_matches('/') {
                "" => String::new(),
                base => format!("/{base}"),
            },
        })
    }
}

/// Records how a drain ended: a failure backs the site off exponentially.
fn settle(backoff: &mut HashMap<i32, (u32, Instant)>, site: &site::Model, result: Result<()>) {
    match result {
        Ok(()) => {
            backoff.remove(&site.id);
        }
        Err(error) => {
            let failures = backoff.get(&site.id).map_or(1, |(n, _)| n + 1);
            let wait = Duration::from_secs(1u64 << failures.min(9)).min(MAX_BACKOFF);
            tracing::warn!(ven_id = %site.ven_id, %error, failures, retry_in = ?wait, "push failed; the message stays pending");
            backoff.insert(site.id, (failures, Instant::now() + wait));
        }
    }
}

/// An open connection to one VEN's push endpoint.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
    /// `host:port`, for the Host header.
    authority: String,
    /// The address's path: empty, or `/` and the path without a trailing `/`.
    base: String,
}
