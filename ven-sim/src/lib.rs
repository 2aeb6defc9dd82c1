//! `ven-sim`: many OpenADR 2.0b VENs from one process, for rehearsing DR
//! events and for load tests.

pub mod client;
pub mod provision;
pub mod push;
pub mod script;
pub mod stats;
pub mod ven;

use anyhow::bail;
use client::{Connection, Link, Pool, Target};
use provision::{Credential, Identity};
use push::{Endpoint, Listener, Pushed};
use stats::Stats;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc, watch};
use ven::{Policy, Ven};

/// How the simulation runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The VTN.
    pub target: Target,
    /// How long VENs poll after registering.
    pub duration: Duration,
    /// Wait between polls (zero: closed loop). Each VEN starts at a random
    /// point of the first interval and then polls on a fixed schedule, so
    /// the load is spread evenly (an open loop).
    pub poll_interval: Duration,
    /// How VENs answer and report.
    pub policy: Policy,
    /// At most this many registrations at once.
    pub concurrency: usize,
    /// Keep-alive connections shared by all VENs; 0 gives each VEN its own.
    /// Only VENs without certificates can share (see [`client`]).
    pub connections: usize,
    /// New TLS handshake for every poll (measures handshakes).
    pub no_keep_alive: bool,
    /// Print a progress line to stderr every few seconds.
    pub progress: bool,
    /// Push mode: the VENs register with httpPullModel=false and the
    /// address of a listener on this endpoint, answer what the VTN pushes,
    /// and do not poll. They wake every `poll_interval` ([`PUSH_WAKE`] when
    /// zero) and send telemetry every `policy.update_every` wake-ups.
    pub push: Option<Endpoint>,
}

/// How often push VENs wake when `poll_interval` is zero: a closed loop only
/// makes sense for polling.
pub const PUSH_WAKE: Duration = Duration::from_secs(1);

/// Messages pushed to one VEN that may wait for it; the VTN pushes to a VEN
/// one message at a time.
const INBOX: usize = 8;

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Everything the VENs saw.
    pub stats: Stats,
    /// Time spent registering all VENs.
    pub registration: Duration,
    /// Time spent polling.
    pub polling: Duration,
    /// VENs that registered (or had registered beforehand).
    pub registered: usize,
    /// Full TLS handshakes, and requests resent on a new connection.
    pub connections: client::Counts,
}

/// Registers every VEN that has no venID yet, then lets them poll for
/// `settings.duration`, or until `stop` turns true (Ctrl-C).
pub async fn run(
    settings: Settings,
    identities: Vec<Identity>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<Summary> {
    let pool = match settings.connections {
        0 => None,
        size => {
            if settings.no_keep_alive {
                bail!("shared connections and no keep-alive exclude each other");
            }
            if identities
                .iter()
                .any(|i| matches!(i.credential, Credential::Certificate { .. }))
            {
                bail!(
                    "VENs with certificates cannot share connections: the VTN knows them by \
                     their TLS session (use URL tokens to share)"
                );
            }
            Some(Arc::new(Pool::new(&settings.target, size)?))
        }
    };
    let (listener, mut inboxes) = match &settings.push {
        Some(endpoint) => {
            if identities.iter().any(|i| i.ven_id.is_some()) {
                bail!("push VENs register to give the VTN their address: no --fleet");
            }
            let (senders, inboxes): (Vec<_>, Vec<_>) =
                identities.iter().map(|_| mpsc::channel(INBOX)).unzip();
            let listener = Listener::start(endpoint, senders).await?;
            (Some(listener), inboxes.into_iter().map(Some).collect())
        }
        None => (None, identities.iter().map(|_| None).collect::<Vec<_>>()),
    };
    let limit = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let started = Instant::now();
    let mut registering = tokio::task::JoinSet::new();
    for (n, identity) in identities.into_iter().enumerate() {
        let (limit, settings, pool) = (limit.clone(), settings.clone(), pool.clone());
        let address = listener.as_ref().map(|l| l.transport_address(n));
        let inbox = inboxes[n].take();
        registering.spawn(async move {
            let link = link(&settings.target, pool, &identity.credential)?;
            let mut ven = Ven::new(
                identity.ven_name,
                link,
                settings.policy.clone(),
                identity.ven_id,
            );
            if let Some(address) = address {
                ven = ven.pushed_at(address);
            }
            if !ven.registered() {
                let _permit = limit.acquire_owned().await;
                // A refusal is counted in the VEN's statistics.
                let _ = ven.register().await;
            }
            anyhow::Ok((ven, inbox))
        });
    }
    let mut vens = Vec::new();
    let mut summary = Summary::default();
    while let Some(joined) = registering.join_next().await {
        let (ven, inbox) = joined??;
        if ven.registered() {
            summary.registered += 1;
            vens.push((ven, inbox));
        } else {
            summary.stats.merge(ven.stats);
        }
    }
    summary.registration = started.elapsed();

    let polling = Instant::now();
    let deadline = tokio::time::Instant::now() + settings.duration;
    let steps = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let progress = settings.progress.then(|| {
        let (steps, failures) = (steps.clone(), failures.clone());
        let (vens, total) = (vens.len(), settings.duration.as_secs_f64());
        let steps_are = if settings.push.is_some() {
            "wake-ups"
        } else {
            "polls"
        };
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(5)).await;
                let elapsed = polling.elapsed().as_secs_f64();
                let done = steps.load(Ordering::Relaxed);
                eprintln!(
                    "  {elapsed:>6.0} s of {total:.0} s  {vens} VENs  {done} {steps_are} ({:.0}/s)  {} failed",
                    done as f64 / elapsed.max(1e-9),
                    failures.load(Ordering::Relaxed)
                );
            }
        })
    });
    let interval = match settings.push {
        Some(_) if settings.poll_interval.is_zero() => PUSH_WAKE,
        _ => settings.poll_interval,
    };
    let mut running = tokio::task::JoinSet::new();
    for (ven, inbox) in vens {
        let (stop, settings) = (stop.clone(), settings.clone());
        let (steps, failures) = (steps.clone(), failures.clone());
        running.spawn(async move {
            let (mut ven, mut inbox) = (ven, inbox);
            let flag = stop.clone();
            let stopped = async move {
                let mut stop = stop;
                // An error means the sender is gone: nobody can stop the run.
                if stop.wait_for(|stop| *stop).await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            tokio::pin!(stopped);
            let schedule = Schedule { interval };
            let mut next = schedule.first();
            loop {
                if let Some(at) = next {
                    if at >= deadline {
                        break;
                    }
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        Some(pushed) = receive(&mut inbox) => {
                            answer(&mut ven, pushed).await;
                            continue;
                        }
                        () = &mut stopped => break,
                    }
                } else if tokio::time::Instant::now() >= deadline || *flag.borrow() {
                    break;
                }
                if settings.no_keep_alive {
                    ven.reconnect();
                }
                steps.fetch_add(1, Ordering::Relaxed);
                if ven.step().await.is_err() {
                    failures.fetch_add(1, Ordering::Relaxed);
                    if next.is_none() {
                        // Closed loop: do not spin on a VTN that is down.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                next = next.map(|at| schedule.after(at));
            }
            ven
        });
    }
    while let Some(joined) = running.join_next().await {
        let ven = joined?;
        summary.connections += ven.counts();
        summary.stats.merge(ven.stats);
    }
    summary.polling = polling.elapsed();
    if let Some(listener) = listener {
        summary.stats.push_errors = listener.stop();
    }
    if let Some(progress) = progress {
        progress.abort();
    }
    if let Some(pool) = pool {
        summary.connections += pool.counts().await;
    }
    Ok(summary)
}

/// The next pushed message; never, for a polling VEN.
async fn receive(inbox: &mut Option<mpsc::Receiver<Pushed>>) -> Option<Pushed> {
    match inbox {
        Some(inbox) => inbox.recv().await,
        None => std::future::pending().await,
    }
}

/// Lets the VEN answer a pushed message, and register again when asked to
/// (after answering: 2.0b acknowledges the request first).
async fn answer(ven: &mut Ven, pushed: Pushed) {
    let (answer, reregister) = ven.answer_push(pushed.message);
    // The listener stopped waiting: it counted the push as unanswered.
    let _ = pushed.answer.send(answer);
    if reregister {
        // A refusal is counted in the VEN's statistics.
        let _ = ven.register().await;
    }
}

/// A VEN's way to the VTN for its credential.
fn link(target: &Target, pool: Option<Arc<Pool>>, credential: &Credential) -> anyhow::Result<Link> {
    match (credential, pool) {
        (Credential::Certificate { cert_pem, key_pem }, _) => Link::own(
            Connection::new(target.clone(), Some((cert_pem, key_pem)))?,
            None,
        ),
        (Credential::Token(token), Some(pool)) => Link::shared(pool, Some(token)),
        (Credential::Token(token), None) => {
            Link::own(Connection::new(target.clone(), None)?, Some(token))
        }
        (Credential::None, Some(pool)) => Link::shared(pool, None),
        (Credential::None, None) => Link::own(Connection::new(target.clone(), None)?, None),
    }
}

/// When a VEN polls: in a closed loop (no schedule), or every `interval` from
/// a random start within the first interval, so that many VENs spread their
/// polls evenly instead of all polling at once.
struct Schedule {
    interval: Duration,
}

impl Schedule {
    /// The first poll: `None` in a closed loop (poll at once, and again as
    /// soon as answered).
    fn first(&self) -> Option<tokio::time::Instant> {
        if self.interval.is_zero() {
            return None;
        }
        let offset = self.interval.mul_f64(rand::random::<f64>());
        Some(tokio::time::Instant::now() + offset)
    }

    /// The poll after the one due at `at`. A VEN that fell behind (a slow
    /// answer) polls at once rather than sending a burst to catch up.
    fn after(&self, at: tokio::time::Instant) -> tokio::time::Instant {
        (at + self.interval).max(tokio::time::Instant::now())
    }
}
