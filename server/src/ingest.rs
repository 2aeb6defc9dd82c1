//! Stores report readings with group commit: one writer task takes the
//! readings of every oadrUpdateReport waiting for it and commits them in one
//! transaction, then answers each report's handler. A VEN is answered
//! oadrUpdatedReport only once its readings are committed, exactly as with a
//! transaction per report; what is shared is the commit (and the database
//! pages it writes), which under load is most of a report's cost.
//!
//! Nothing waits for a group to fill: the writer takes what has queued while
//! the previous transaction ran, so a lone report is committed at once.

use app::db::readings::{self, NewReading};
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};

/// Readings committed together at most; more wait for the next transaction.
const GROUP_ROWS: usize = 20_000;

/// Reports waiting for the writer; handlers wait for room beyond this.
const QUEUE: usize = 1_000;

struct Job {
    site_id: i32,
    readings: Vec<NewReading>,
    done: oneshot::Sender<Result<(), DbErr>>,
}

/// The handle to the readings writer.
#[derive(Debug, Clone)]
pub struct Ingest {
    tx: mpsc::Sender<Job>,
}

impl Ingest {
    /// Starts the writer.
    pub fn spawn(db: DatabaseConnection) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write(db, rx));
        Self { tx }
    }

    /// Stores a site's readings idempotently (see [`readings::store`]);
    /// returns once they are committed, or with the error that kept them out.
    pub async fn store(&self, site_id: i32, readings: Vec<NewReading>) -> Result<(), DbErr> {
        let gone = || DbErr::Custom("the readings writer has stopped".into());
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job {
                site_id,
                readings,
                done,
            })
            .await
            .map_err(|_| gone())?;
        wait.await.map_err(|_| gone())?
    }
}

async fn write(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut rows = first.readings.len();
        let mut jobs = vec![first];
        while rows < GROUP_ROWS {
            match rx.try_recv() {
                Ok(job) => {
                    rows += job.readings.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let (batches, waiting): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .map(|job| ((job.site_id, job.readings), job.done))
            .unzip();
        let started = std::time::Instant::now();
        match readings::store_many(&db, &batches).await {
            Ok(new) => {
                let ms = started.elapsed().as_secs_f64() * 1e3;
                tracing::debug!(reports = batches.len(), rows, new, ms, "readings committed");
                for done in waiting {
                    let _ = done.send(Ok(()));
                }
            }
            // One report's failure must not refuse the others: each is
            // tried again alone and gets its own answer.
            Err(error) if batches.len() > 1 => {
                tracing::warn!(%error, reports = batches.len(), "a group of readings failed; storing each report alone");
                for (batch, done) in batches.into_iter().zip(waiting) {
                    let result = readings::store_many(&db, std::slice::from_ref(&batch))
                        .await
                        .map(|_| ());
                    let _ = done.send(result);
                }
            }
            Err(error) => {
                if let Some(done) = waiting.into_iter().next() {
                    let _ = done.send(Err(error));
                }
            }
        }
    }
}
