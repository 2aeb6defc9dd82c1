//! `ven-sim`: many OpenADR 2.0b VENs from one process, for rehearsing DR
//! events and for load tests.

pub mod client;
pub mod provision;
pub mod stats;
pub mod ven;

use client::{Connection, Target};
use provision::Identity;
use stats::Stats;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use ven::{Policy, Ven};

/// How the simulation runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The VTN.
    pub target: Target,
    /// How long VENs poll after registering.
    pub duration: Duration,
    /// Wait between polls (zero: closed loop).
    pub poll_interval: Duration,
    /// How VENs answer and report.
    pub policy: Policy,
    /// At most this many registrations at once.
    pub concurrency: usize,
    /// New TLS handshake for every poll (measures handshakes).
    pub no_keep_alive: bool,
    /// Print a progress line to stderr every few seconds.
    pub progress: bool,
}

/// The outcome of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Everything the VENs saw.
    pub stats: Stats,
    /// Time spent registering all VENs.
    pub registration: Duration,
    /// Time spent polling.
    pub polling: Duration,
    /// VENs that registered.
    pub registered: usize,
    /// Full TLS handshakes.
    pub handshakes: u64,
}

/// Registers every VEN, then lets them poll for `settings.duration`, or until
/// `stop` is set (Ctrl-C).
pub async fn run(
    settings: Settings,
    identities: Vec<Identity>,
    stop: Arc<AtomicBool>,
) -> anyhow::Result<Summary> {
    let limit = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let started = Instant::now();
    let mut registering = tokio::task::JoinSet::new();
    for identity in identities {
        let (limit, settings) = (limit.clone(), settings.clone());
        registering.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let conn = Connection::new(
                settings.target.clone(),
                &identity.cert_pem,
                &identity.key_pem,
            )?;
            let mut ven = Ven::new(identity.ven_name, conn, settings.policy);
            let registered = ven.register().await.is_ok();
            anyhow::Ok((ven, registered))
        });
    }
    let mut vens = Vec::new();
    let mut summary = Summary::default();
    while let Some(joined) = registering.join_next().await {
        let (ven, registered) = joined??;
        if registered {
            summary.registered += 1;
            vens.push(ven);
        } else {
            summary.stats.merge(ven.stats);
        }
    }
    summary.registration = started.elapsed();

    let polling = Instant::now();
    let deadline = polling + settings.duration;
    let steps = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let progress = settings.progress.then(|| {
        let (steps, failures, stop) = (steps.clone(), failures.clone(), stop.clone());
        let (vens, total) = (vens.len(), settings.duration.as_secs_f64());
        tokio::spawn(async move {
            while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(
                    Duration::from_secs(5).min(deadline.saturating_duration_since(Instant::now())),
                )
                .await;
                let elapsed = polling.elapsed().as_secs_f64();
                let done = steps.load(Ordering::Relaxed);
                eprintln!(
                    "  {elapsed:>6.0} s of {:.0} s  {vens} VENs  {done} polls ({:.0}/s)  {} failed",
                    total,
                    done as f64 / elapsed.max(1e-9),
                    failures.load(Ordering::Relaxed)
                );
            }
        })
    });
    let mut running = tokio::task::JoinSet::new();
    for mut ven in vens {
        let (stop, settings) = (stop.clone(), settings.clone());
        let (steps, failures) = (steps.clone(), failures.clone());
        running.spawn(async move {
            while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                if settings.no_keep_alive {
                    ven.reconnect();
                }
                steps.fetch_add(1, Ordering::Relaxed);
                if ven.step().await.is_err() {
                    failures.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                if !settings.poll_interval.is_zero() {
                    tokio::time::sleep(settings.poll_interval).await;
                }
            }
            ven
        });
    }
    while let Some(joined) = running.join_next().await {
        let ven = joined?;
        summary.handshakes += ven.handshakes();
        summary.stats.merge(ven.stats);
    }
    summary.polling = polling.elapsed();
    if let Some(progress) = progress {
        progress.abort();
    }
    Ok(summary)
}
