//! Writes the OpenADR message log in the background, in batches, so that
//! logging an exchange never makes a VEN wait for a disk write. The log is a
//! diagnostic record, not acknowledged data: when the writer falls far
//! behind, entries are dropped and counted rather than slowing VENs down.

use app::db::message_log::{self, Entry};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Entries waiting to be written before new ones are dropped.
const QUEUE: usize = 20_000;
/// Entries written per transaction at most.
const BATCH: usize = 500;

enum Command {
    Write(Entry),
    Flush(oneshot::Sender<()>),
}

/// A site's routine exchanges (accepted telemetry) are logged at most once
/// in this period.
pub const ROUTINE_EVERY: Duration = Duration::from_secs(60);

/// The handle to the background writer.
#[derive(Debug, Clone)]
pub struct Logbook {
    tx: mpsc::Sender<Command>,
    /// When each site's last routine exchange was logged.
    routine: Arc<Mutex<HashMap<i32, Instant>>>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Command::Write(_) => "Write",
            Command::Flush(_) => "Flush",
        })
    }
}

impl Logbook {
    /// Starts the writer.
    pub fn spawn(db: DatabaseConnection) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write(db, rx));
        Self {
            tx,
            routine: Arc::default(),
        }
    }

    /// Whether a routine exchange of the site is to be logged now: none was
    /// in the last [`ROUTINE_EVERY`]. Answering yes counts as logging one.
    pub fn routine_due(&self, site_id: i32) -> bool {
        let now = Instant::now();
        let mut last = self.routine.lock().unwrap_or_else(PoisonError::into_inner);
        match last.get(&site_id) {
            Some(at) if now.duration_since(*at) < ROUTINE_EVERY => false,
            _ => {
                last.insert(site_id, now);
                true
            }
        }
    }

    /// Queues an entry.
    pub fn record(&self, entry: Entry) {
        if self.tx.try_send(Command::Write(entry)).is_err() {
            metrics::counter!("oadr_message_log_dropped_total").increment(1);
        }
    }

    /// Waits until everything queued so far is written.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Command::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

/// A site's log is trimmed after this many new entries (so the log holds at
/// most `PER_SITE + TRIM_EVERY` entries per site, and trimming costs one
/// query per site per `TRIM_EVERY` exchanges).
const TRIM_EVERY: u32 = 50;

async fn write(db: DatabaseConnection, mut rx: mpsc::Receiver<Command>) {
    let mut since_trim: HashMap<Option<i32>, u32> = HashMap::new();
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::new();
        let mut waiting = Vec::new();
        let mut next = Some(first);
        while let Some(command) = next {
            match command {
                Command::Write(entry) => batch.push(entry),
                Command::Flush(done) => waiting.push(done),
            }
            next = if batch.len() < BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        let count = batch.len();
        let mut trim = BTreeSet::new();
        for entry in &batch {
            let n = since_trim.entry(entry.site_id).or_default();
            *n += 1;
            if *n >= TRIM_EVERY {
                *n = 0;
                trim.insert(entry.site_id);
            }
        }
        let started = std::time::Instant::now();
        match message_log::append(&db, batch, &trim).await {
            Ok(()) => {
                let ms = started.elapsed().as_secs_f64() * 1e3;
                tracing::debug!(count, trimmed = trim.len(), ms, "message log written");
            }
            Err(error) => tracing::warn!(%error, count, "could not write the OpenADR message log"),
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}
