//! The sites, in memory, for the requests of VENs: who is calling (by
//! certificate fingerprint or URL token), whether the site has anything to
//! receive, when it was last heard from, and the report requests its
//! oadrUpdateReports answer. An idle poll then needs no database at all, and
//! a report no query before its readings are stored.
//!
//! Staying correct: what is read from the database is kept with the version
//! of [`app::db::changes`] taken before the read, and is used only while no
//! write in this process has reported a newer change to that site. Writes by
//! other processes (the `vtn` CLI, `ven-sim` provisioning) are not reported
//! that way: on SQLite they are seen through `PRAGMA data_version`, which on
//! the VTN's single connection changes exactly when another connection
//! commits ([`SiteIndex::check_outside`]); what was read before such a
//! commit is read again. Without that (PostgreSQL, or the watch falling
//! behind) nothing is trusted for more than [`TRUST_FOR`]. An unknown
//! fingerprint or token is always looked up in the database.
//!
//! So that a large fleet does not fall back to a query per poll whenever that
//! happens, every site is read again in one pass ([`SiteIndex::refresh`]):
//! on SQLite after another process wrote, elsewhere every [`REFRESH_EVERY`].
//!
//! Last contact is recorded here and written in batches by a background task
//! ([`SiteIndex::flush_contacts`]); readers of the database's value flush
//! first.

use app::db::changes;
use app::db::entity::{report_request, site};
use app::db::{reports, sites};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// How long what was read from the database is trusted without a change
/// reported in this process.
pub const TRUST_FOR: Duration = Duration::from_secs(30);

/// Last contact is kept to this resolution: one database write per VEN per
/// this period, not per poll.
const CONTACT_RESOLUTION: TimeDelta = TimeDelta::seconds(30);

/// How often recorded contacts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// How often the database is asked whether another process wrote to it.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The least time between two passes that read every site again: on
/// PostgreSQL they are due this often, half of [`TRUST_FOR`], so that what
/// they read never lapses; on SQLite, writes by other processes bring the
/// next pass forward to this gap after the last.
pub const REFRESH_EVERY: Duration = Duration::from_secs(15);

/// How a VEN identifies itself.
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    /// Its certificate's fingerprint (OpenADR form).
    Fingerprint(&'a str),
    /// The token in its URL.
    Token(&'a str),
}

/// The site index. Cheap to clone; clones share it.
#[derive(Debug, Clone, Default)]
pub struct SiteIndex {
    inner: Arc<RwLock<Inner>>,
    /// Contacts not yet written, by site.
    contacts: Arc<Mutex<HashMap<i32, DateTime<Utc>>>>,
    /// One flush at a time, so an older contact never overwrites a newer one.
    flushing: Arc<tokio::sync::Mutex<()>>,
    /// What is known of other processes' writes.
    outside: Arc<Outside>,
    /// The [`Outside`] epoch taken before the last pass over every site, and
    /// when that pass began.
    refreshed: Arc<Mutex<Option<(u64, Instant)>>>,
}

/// Other processes' writes, as `PRAGMA data_version` shows them.
#[derive(Debug, Default)]
struct Outside {
    /// Counts the changes of the data version seen; what is read remembers it.
    epoch: AtomicU64,
    /// The data version last read, and when (none: never read, or not SQLite).
    last: Mutex<Option<(i64, Instant)>>,
}

impl Outside {
    /// Whether no other process has written since `epoch` was taken, as of a
    /// check recent enough to rely on.
    fn quiet_since(&self, epoch: u64) -> bool {
        self.epoch.load(Ordering::Acquire) == epoch
            && self
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_some_and(|(_, at)| at.elapsed() < WATCH_EVERY * 3)
    }
}

#[derive(Debug, Default)]
struct Inner {
    by_id: HashMap<i32, Entry>,
    by_fingerprint: HashMap<String, i32>,
    by_token_hash: HashMap<String, i32>,
}

#[derive(Debug)]
struct Entry {
    /// Shared with the requests that found it: a poll takes a reference
    /// count, not a copy of the row.
    site: Arc<site::Model>,
    /// `changes::SITES` version taken before the site was read.
    version: u64,
    /// [`Outside`] epoch taken before the site was read.
    epoch: u64,
    loaded: Instant,
    /// The site had nothing pending as of this `changes::OUTBOX` version.
    idle: Option<Idle>,
    /// The site's report requests, once a report asked for one.
    requests: Option<Requests>,
}

/// A site's report requests as read, by reportRequestID.
#[derive(Debug)]
struct Requests {
    /// `changes::REPORTS` version taken before they were read.
    version: u64,
    /// [`Outside`] epoch taken before they were read.
    epoch: u64,
    loaded: Instant,
    by_id: HashMap<String, Arc<report_request::Model>>,
}

/// When a pass over every site read them, and the versions taken before.
#[derive(Debug, Clone, Copy)]
struct Read {
    /// `changes::SITES` version.
    version: u64,
    /// [`Outside`] epoch.
    epoch: u64,
    at: Instant,
}

#[derive(Debug, Clone, Copy)]
struct Idle {
    version: u64,
    /// [`Outside`] epoch taken before the check.
    epoch: u64,
    checked: Instant,
    /// When an event falls due, if one is announced.
    until: Option<DateTime<Utc>>,
}

impl Entry {
    fn fresh(&self, outside: &Outside) -> bool {
        (self.loaded.elapsed() < TRUST_FOR || outside.quiet_since(self.epoch))
            && !changes::SITES.changed_since(self.site.id, self.version)
    }

    fn answers(&self, key: &Hashed<'_>) -> bool {
        match key {
            Hashed::Fingerprint(f) => self.site.fingerprint.as_deref() == Some(f),
            Hashed::TokenHash(h) => self.site.token_hash.as_deref() == Some(h.as_str()),
        }
    }
}

/// A key as the index stores it (tokens only by their hash).
enum Hashed<'a> {
    Fingerprint(&'a str),
    TokenHash(String),
}

impl Inner {
    fn id(&self, key: &Hashed<'_>) -> Option<i32> {
        match key {
            Hashed::Fingerprint(f) => self.by_fingerprint.get(*f),
            Hashed::TokenHash(h) => self.by_token_hash.get(h),
        }
        .copied()
    }

    /// Keeps `site` as read after `version` and `epoch` were taken, at
    /// `loaded` (taken before the read, too).
    fn insert(
        &mut self,
        mut site: site::Model,
        version: u64,
        epoch: u64,
        loaded: Instant,
    ) -> Arc<site::Model> {
        let mut requests = None;
        if let Some(old) = self.by_id.remove(&site.id) {
            // A contact not yet written is newer than the database's.
            site.last_contact = site.last_contact.max(old.site.last_contact);
            self.unmap(&old.site);
            // Kept with their own version: the site row is not theirs.
            requests = old.requests;
        }
        if let Some(f) = &site.fingerprint {
            self.by_fingerprint.insert(f.clone(), site.id);
        }
        if let Some(h) = &site.token_hash {
            self.by_token_hash.insert(h.clone(), site.id);
        }
        let site = Arc::new(site);
        self.by_id.insert(
            site.id,
            Entry {
                site: site.clone(),
                version,
                epoch,
                loaded,
                idle: None,
                requests,
            },
        );
        site
    }

    fn unmap(&mut self, site: &site::Model) {
        if let Some(f) = &site.fingerprint
            && self.by_fingerprint.get(f) == Some(&site.id)
        {
            self.by_fingerprint.remove(f);
        }
        if let Some(h) = &site.token_hash
            && self.by_token_hash.get(h) == Some(&site.id)
        {
            self.by_token_hash.remove(h);
        }
    }

    /// Takes in a site read by a pass over every site that began at `read`
    /// with `idle` (if the site had nothing pending then).
    fn reread(&mut self, mut site: site::Model, read: Read, idle: Option<Idle>) {
        let id = site.id;
        match self.by_id.get_mut(&id) {
            // Read again since the pass began: at least as new as this row.
            Some(entry) if entry.loaded >= read.at => return,
            Some(entry) => {
                // A contact not yet written is newer than the database's.
                site.last_contact = site.last_contact.max(entry.site.last_contact);
                if *entry.site == site {
                    // Unchanged: the shared row stays, only its trust is renewed.
                    entry.version = read.version;
                    entry.epoch = read.epoch;
                    entry.loaded = read.at;
                } else {
                    self.insert(site, read.version, read.epoch, read.at);
                }
            }
            None => {
                self.insert(site, read.version, read.epoch, read.at);
            }
        }
        // An idle mark checked since the pass began is newer than `idle`.
        if let Some(entry) = self.by_id.get_mut(&id)
            && entry.idle.is_none_or(|mark| mark.checked < read.at)
        {
            entry.idle = idle;
        }
    }

    /// Drops the sites that neither a pass that began at `since` nor a
    /// lookup after it read: they are no longer in the database.
    fn drop_unread(&mut self, since: Instant) {
        let gone: Vec<i32> = self
            .by_id
            .iter()
            .filter(|(_, entry)| entry.loaded < since)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some(entry) = self.by_id.remove(&id) {
                self.unmap(&entry.site);
            }
        }
    }

    fn forget(&mut self, key: &Hashed<'_>) {
        match key {
            Hashed::Fingerprint(f) => self.by_fingerprint.remove(*f),
            Hashed::TokenHash(h) => self.by_token_hash.remove(h),
        };
    }
}

impl SiteIndex {
    /// Reads every site (see [`Self::refresh`]).
    pub async fn load(db: &DatabaseConnection) -> Result<Self, DbErr> {
        let index = Self::default();
        index.refresh(db).await?;
        Ok(index)
    }

    /// Reads every site again, a page at a time (reading 100,000 at once
    /// left about 300 MiB of peak allocations in the process), and drops
    /// those no longer in the database.
    ///
    /// Sites with nothing pending are marked idle, from one query for all of
    /// them: otherwise each site's first poll after a restart would check
    /// the database (100,000 VENs polling every minute: 1,700 queries a
    /// second for that minute, queued behind the contact flushes).
    pub async fn refresh(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        const PAGE: u64 = 2_000;
        let read = Read {
            version: changes::SITES.version(),
            epoch: self.epoch(),
            at: Instant::now(),
        };
        let idle = Idle {
            version: changes::OUTBOX.version(),
            epoch: read.epoch,
            checked: read.at,
            until: None,
        };
        let pending = app::db::pending::sites(db).await?;
        let mut after = 0;
        let mut count = 0;
        loop {
            let page = sites::page(db, after, PAGE).await?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.id;
            count += page.len();
            let mut inner = self.write();
            for site in page {
                let quiet = !pending.contains(&site.id);
                inner.reread(site, read, quiet.then_some(idle));
            }
        }
        self.write().drop_unread(read.at);
        *self
            .refreshed
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((read.epoch, read.at));
        tracing::debug!(sites = count, pending = pending.len(), took = ?read.at.elapsed(), "read every site");
        Ok(())
    }

    /// Whether every site should be read again: [`REFRESH_EVERY`] has passed
    /// since the last pass began, and what it read is no longer trusted as a
    /// whole (another process wrote since, or the database cannot tell).
    fn refresh_due(&self) -> bool {
        let refreshed = *self
            .refreshed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        refreshed.is_none_or(|(epoch, at)| {
            at.elapsed() >= REFRESH_EVERY && !self.outside.quiet_since(epoch)
        })
    }

    fn epoch(&self) -> u64 {
        self.outside.epoch.load(Ordering::Acquire)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The site of this fingerprint or token, from memory when it can be
    /// trusted, otherwise from the database.
    pub async fn find(
        &self,
        db: &DatabaseConnection,
        key: Key<'_>,
    ) -> Result<Option<Arc<site::Model>>, DbErr> {
        let hashed = match key {
            Key::Fingerprint(f) => Hashed::Fingerprint(f),
            Key::Token(t) => Hashed::TokenHash(sites::token_hash(t)),
        };
        {
            let inner = self.read();
            if let Some(entry) = inner.id(&hashed).and_then(|id| inner.by_id.get(&id))
                && entry.answers(&hashed)
                && entry.fresh(&self.outside)
            {
                return Ok(Some(entry.site.clone()));
            }
        }
        let version = changes::SITES.version();
        let epoch = self.epoch();
        let loaded = Instant::now();
        let found = match key {
            Key::Fingerprint(f) => sites::by_fingerprint(db, f).await?,
            Key::Token(t) => sites::by_token(db, t).await?,
        };
        let mut inner = self.write();
        Ok(match found {
            Some(site) => Some(inner.insert(site, version, epoch, loaded)),
            None => {
                inner.forget(&hashed);
                None
            }
        })
    }

    /// The site's report request with this reportRequestID, from memory when
    /// it can be trusted, otherwise with all of the site's requests read
    /// again (a VEN's reports answer the same few requests over and over).
    pub async fn report_request(
        &self,
        db: &DatabaseConnection,
        site_id: i32,
        report_request_id: &str,
    ) -> Result<Option<Arc<report_request::Model>>, DbErr> {
        {
            let inner = self.read();
            if let Some(requests) = inner.by_id.get(&site_id).and_then(|e| e.requests.as_ref())
                && (requests.loaded.elapsed() < TRUST_FOR
                    || self.outside.quiet_since(requests.epoch))
                && !changes::REPORTS.changed_since(site_id, requests.version)
            {
                return Ok(requests.by_id.get(report_request_id).cloned());
            }
        }
        let version = changes::REPORTS.version();
        let epoch = self.epoch();
        let by_id: HashMap<String, Arc<report_request::Model>> = reports::requests(db, site_id)
            .await?
            .into_iter()
            .map(|r| (r.report_request_id.clone(), Arc::new(r)))
            .collect();
        let found = by_id.get(report_request_id).cloned();
        if let Some(entry) = self.write().by_id.get_mut(&site_id) {
            entry.requests = Some(Requests {
                version,
                epoch,
                loaded: Instant::now(),
                by_id,
            });
        }
        Ok(found)
    }

    /// Whether the site is known to have nothing to receive now (see
    /// [`Self::mark_idle`]).
    pub fn idle(&self, site_id: i32) -> bool {
        let inner = self.read();
        inner
            .by_id
            .get(&site_id)
            .and_then(|entry| entry.idle)
            .is_some_and(|idle| {
                (idle.checked.elapsed() < TRUST_FOR || self.outside.quiet_since(idle.epoch))
                    && idle.until.is_none_or(|until| Utc::now() < until)
                    && !changes::OUTBOX.changed_since(site_id, idle.version)
            })
    }

    /// Records that the database had nothing for the site when read after
    /// `changes::OUTBOX` was at `version`, and will have nothing new without a
    /// write before `until` (an announced event's notification time).
    pub fn mark_idle(&self, site_id: i32, version: u64, until: Option<DateTime<Utc>>) {
        let epoch = self.epoch();
        if let Some(entry) = self.write().by_id.get_mut(&site_id) {
            entry.idle = Some(Idle {
                version,
                epoch,
                checked: Instant::now(),
                until,
            });
        }
    }

    /// Reads SQLite's data version: when it changed since the last read,
    /// another process has committed, and everything read before is stale.
    pub async fn check_outside(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let row = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "PRAGMA data_version",
            ))
            .await?;
        let Some(version) = row.map(|r| r.try_get_by_index::<i64>(0)).transpose()? else {
            return Ok(());
        };
        let mut last = self
            .outside
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_some_and(|(seen, _)| seen != version) {
            self.outside.epoch.fetch_add(1, Ordering::AcqRel);
        }
        *last = Some((version, Instant::now()));
        Ok(())
    }

    /// Until `stop`, every [`WATCH_EVERY`]: on SQLite checks for other
    /// processes' writes, then reads every site again when that is due (see
    /// [`Self::refresh_due`]).
    pub async fn keep_fresh_until(
        self,
        db: DatabaseConnection,
        stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let sqlite = db.get_database_backend() == DatabaseBackend::Sqlite;
        crate::periodic::every(WATCH_EVERY, stop, async || {
            if sqlite && let Err(error) = self.check_outside(&db).await {
                tracing::warn!(%error, "could not ask the database for other processes' writes");
            }
            if self.refresh_due()
                && let Err(error) = self.refresh(&db).await
            {
                tracing::warn!(%error, "could not read the sites again");
            }
        })
        .await;
    }

    /// Records that the VEN was heard from at `now`, if its last contact is
    /// older than the resolution kept.
    pub fn contact(&self, site: &site::Model, now: DateTime<Utc>) {
        let stale = |last: Option<DateTime<Utc>>| last.is_none_or(|l| now - l > CONTACT_RESOLUTION);
        if !stale(site.last_contact) {
            return;
        }
        {
            let mut inner = self.write();
            match inner.by_id.get_mut(&site.id) {
                Some(entry) if !stale(entry.site.last_contact) => return,
                Some(entry) => Arc::make_mut(&mut entry.site).last_contact = Some(now),
                None => {}
            }
        }
        self.contacts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(site.id, now);
    }

    /// Writes the contacts recorded so far.
    pub async fn flush_contacts(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<(i32, DateTime<Utc>)> =
            std::mem::take(&mut *self.contacts.lock().unwrap_or_else(PoisonError::into_inner))
                .into_iter()
                .collect();
        if batch.is_empty() {
            return Ok(());
        }
        sites::touch_many(db, &batch).await
    }

    /// Writes contacts every [`FLUSH_EVERY`] until `stop`, then once more.
    pub async fn flush_contacts_until(
        self,
        db: DatabaseConnection,
        stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let flush = async || {
            if let Err(error) = self.flush_contacts(&db).await {
                tracing::warn!(%error, "could not record the VENs' last contact");
            }
        };
        crate::periodic::every(FLUSH_EVERY, stop, flush).await;
        flush().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrations::{Migrator, MigratorTrait};

    async fn database() -> DatabaseConnection {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db
    }

    #[tokio::test]
    async fn sites_are_found_by_fingerprint_and_token_and_follow_every_change() {
        let db = database().await;
        let before = sites::create(&db, "a", "a", Some("AA:01")).await.unwrap();
        let index = SiteIndex::load(&db).await.unwrap();
        let found = index.find(&db, Key::Fingerprint("AA:01")).await.unwrap();
        assert_eq!(found.map(|s| s.id), Some(before.id));
        assert!(
            index
                .find(&db, Key::Fingerprint("BB:02"))
                .await
                .unwrap()
                .is_none()
        );

        let after = sites::create(&db, "b", "b", Some("BB:02")).await.unwrap();
        let found = index.find(&db, Key::Fingerprint("BB:02")).await.unwrap();
        assert_eq!(found.map(|s| s.id), Some(after.id), "created after loading");

        let token = sites::issue_token(&db, before.id).await.unwrap();
        let found = index.find(&db, Key::Token(&token)).await.unwrap();
        assert_eq!(found.map(|s| s.id), Some(before.id));
        let newer = sites::issue_token(&db, before.id).await.unwrap();
        assert!(
            index.find(&db, Key::Token(&token)).await.unwrap().is_none(),
            "replaced"
        );
        assert!(index.find(&db, Key::Token(&newer)).await.unwrap().is_some());
        sites::revoke_token(&db, before.id).await.unwrap();
        assert!(
            index.find(&db, Key::Token(&newer)).await.unwrap().is_none(),
            "revoked"
        );

        let site = index
            .find(&db, Key::Fingerprint("AA:01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site.registration_id, None);
        let registration = sites::Registration {
            profile_name: "2.0b".into(),
            transport_name: "simpleHttp".into(),
            transport_address: None,
            http_pull_model: Some(true),
            report_only: false,
            xml_signature: false,
        };
        let registered = sites::register(&db, &site, registration).await.unwrap();
        let site = index
            .find(&db, Key::Fingerprint("AA:01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site.registration_id, registered.registration_id);
        sites::cancel_registration(&db, &site).await.unwrap();
        let site = index
            .find(&db, Key::Fingerprint("AA:01"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site.registration_id, None, "cancelled");
    }

    #[tokio::test]
    async fn an_idle_mark_is_dropped_by_anything_that_may_give_the_site_something() {
        let db = database().await;
        let site = sites::create(&db, "a", "a", Some("AA:03")).await.unwrap();
        let busy = sites::create(&db, "b", "b", Some("BB:03")).await.unwrap();
        app::db::ven_messages::queue(&db, busy.id, app::db::ven_messages::REREGISTER)
            .await
            .unwrap();
        let index = SiteIndex::load(&db).await.unwrap();
        assert!(index.idle(site.id), "nothing pending at load");
        assert!(!index.idle(busy.id), "a message queued before the load");
        index.mark_idle(site.id, changes::OUTBOX.version(), None);
        assert!(index.idle(site.id));
        app::db::ven_messages::queue(&db, site.id, app::db::ven_messages::REREGISTER)
            .await
            .unwrap();
        assert!(!index.idle(site.id));

        let stale = changes::OUTBOX.version();
        changes::OUTBOX.all();
        index.mark_idle(site.id, stale, None);
        assert!(!index.idle(site.id), "a change after the check was read");

        index.mark_idle(site.id, changes::OUTBOX.version(), Some(Utc::now()));
        assert!(!index.idle(site.id), "an event fell due");
    }

    #[tokio::test]
    async fn report_requests_come_from_memory_until_one_of_the_sites_changes() {
        let db = database().await;
        sites::create(&db, "a", "a", Some("AA:06")).await.unwrap();
        // Clear of the site IDs other tests report changes to (the register
        // is process-wide).
        db.execute_unprepared("update sites set id = 987656")
            .await
            .unwrap();
        let site_id = 987656;
        let index = SiteIndex::load(&db).await.unwrap();
        let request = reports::create_request(
            &db,
            site_id,
            reports::NewRequest {
                report_specifier_id: "usage".into(),
                report_name: "TELEMETRY_USAGE".into(),
                granularity_secs: 60,
                report_back_secs: 60,
                interval_start: Utc::now(),
                interval_secs: 3600,
                rids: vec!["power".into()],
                sent: true,
            },
        )
        .await
        .unwrap();
        let id = request.report_request_id.as_str();
        let state = async |index: &SiteIndex| {
            index
                .report_request(&db, site_id, id)
                .await
                .unwrap()
                .map(|r| r.state.clone())
        };
        assert_eq!(state(&index).await.as_deref(), Some(reports::REQUESTED));
        assert!(
            index
                .report_request(&db, site_id, "rr-unknown")
                .await
                .unwrap()
                .is_none()
        );

        // A write the register does not hear of shows that it is memory.
        db.execute_unprepared("update report_requests set state = 'unheard'")
            .await
            .unwrap();
        assert_eq!(state(&index).await.as_deref(), Some(reports::REQUESTED));

        reports::created(&db, site_id, &[id]).await.unwrap();
        assert_eq!(
            state(&index).await.as_deref(),
            Some("unheard"),
            "read again"
        );
        reports::set_state(&db, &request, reports::RECEIVING)
            .await
            .unwrap();
        assert_eq!(state(&index).await.as_deref(), Some(reports::RECEIVING));
        reports::cancel(&db, &request).await.unwrap();
        assert_eq!(state(&index).await.as_deref(), Some(reports::CANCELLING));
        reports::register(&db, site_id, Vec::new()).await.unwrap();
        assert_eq!(state(&index).await.as_deref(), Some(reports::CANCELLED));

        // Another process's write is trusted away after TRUST_FOR.
        db.execute_unprepared("update report_requests set state = 'elsewhere'")
            .await
            .unwrap();
        if let Some(requests) = index
            .write()
            .by_id
            .get_mut(&site_id)
            .unwrap()
            .requests
            .as_mut()
        {
            requests.loaded = requests.loaded.checked_sub(TRUST_FOR * 2).unwrap();
        }
        assert_eq!(state(&index).await.as_deref(), Some("elsewhere"));
    }

    #[tokio::test]
    async fn contacts_are_written_in_one_batch_at_half_minute_resolution() {
        let db = database().await;
        sites::create(&db, "a", "a", Some("AA:04")).await.unwrap();
        let index = SiteIndex::load(&db).await.unwrap();
        let now = Utc::now();
        let site = index
            .find(&db, Key::Fingerprint("AA:04"))
            .await
            .unwrap()
            .unwrap();
        index.contact(&site, now);
        let site = index
            .find(&db, Key::Fingerprint("AA:04"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(site.last_contact, Some(now), "seen at once in memory");
        index.contact(&site, now + TimeDelta::seconds(5));
        assert_eq!(
            sites::get(&db, site.id)
                .await
                .unwrap()
                .unwrap()
                .last_contact,
            None
        );
        index.flush_contacts(&db).await.unwrap();
        let stored = sites::get(&db, site.id)
            .await
            .unwrap()
            .unwrap()
            .last_contact;
        assert_eq!(
            stored.map(|t| t.timestamp_millis()),
            Some(now.timestamp_millis())
        );
    }

    /// A database file, the VTN's connection to it, and another process's.
    async fn shared_file() -> (tempfile::TempDir, DatabaseConnection, DatabaseConnection) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/vtn.db?mode=rwc", dir.path().display());
        let db = crate::db::connect(&url).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        let other = crate::db::connect(&url).await.unwrap();
        (dir, db, other)
    }

    #[tokio::test]
    async fn other_processes_writes_are_seen_through_the_data_version() {
        let (_dir, db, other) = shared_file().await;
        sites::create(&db, "a", "a", Some("AA:05")).await.unwrap();
        // The change register is process-wide and keyed by site ID: keep clear
        // of the IDs that tests running alongside (each with its own
        // database) report changes to.
        db.execute_unprepared("update sites set id = 987654")
            .await
            .unwrap();
        let index = SiteIndex::load(&db).await.unwrap();
        index.check_outside(&db).await.unwrap();
        let age = |index: &SiteIndex| {
            for entry in index.write().by_id.values_mut() {
                entry.loaded = entry.loaded.checked_sub(TRUST_FOR * 2).unwrap();
            }
        };
        let name = async |index: &SiteIndex| {
            let found = index.find(&db, Key::Fingerprint("AA:05")).await.unwrap();
            found.unwrap().name.clone()
        };

        // Older than TRUST_FOR, but nobody else wrote: served from memory (a
        // write on the VTN's own connection that bypasses app::db is not seen).
        age(&index);
        db.execute_unprepared("update sites set name = 'quietly'")
            .await
            .unwrap();
        index.check_outside(&db).await.unwrap();
        assert_eq!(name(&index).await, "a");

        // Another process commits: everything read before is read again.
        other
            .execute_unprepared("update sites set name = 'elsewhere'")
            .await
            .unwrap();
        index.check_outside(&db).await.unwrap();
        assert_eq!(name(&index).await, "elsewhere");

        // Without a recent check, TRUST_FOR is the limit again.
        age(&index);
        *index.outside.last.lock().unwrap() = None;
        db.execute_unprepared("update sites set name = 'later'")
            .await
            .unwrap();
        assert_eq!(name(&index).await, "later");
    }

    #[tokio::test]
    async fn passes_over_every_site_take_in_other_processes_writes() {
        let (_dir, db, other) = shared_file().await;
        sites::create(&db, "a", "a", Some("AA:06")).await.unwrap();
        sites::create(&db, "b", "b", Some("BB:06")).await.unwrap();
        sites::create(&db, "c", "c", Some("CC:06")).await.unwrap();
        // Clear of the site IDs other tests report changes to (see above).
        db.execute_unprepared("update sites set id = id + 987700")
            .await
            .unwrap();
        let index = SiteIndex::load(&db).await.unwrap();
        index.check_outside(&db).await.unwrap();
        let id_of = |fingerprint: &str| *index.read().by_fingerprint.get(fingerprint).unwrap();
        let (a, c) = (id_of("AA:06"), id_of("CC:06"));
        let row = |id: i32| index.read().by_id.get(&id).map(|e| e.site.clone());
        let unchanged = row(c).unwrap();
        assert!(index.idle(a), "nothing pending");
        assert!(!index.refresh_due(), "just read");
        let backdate = |index: &SiteIndex| {
            let mut refreshed = index.refreshed.lock().unwrap();
            let (epoch, at) = refreshed.unwrap();
            *refreshed = Some((epoch, at.checked_sub(REFRESH_EVERY).unwrap()));
        };
        backdate(&index);
        assert!(!index.refresh_due(), "nobody else wrote");

        // Another process renames a, deletes b and adds d.
        other
            .execute_unprepared("update sites set name = 'elsewhere' where ven_name = 'a'")
            .await
            .unwrap();
        other
            .execute_unprepared("delete from sites where ven_name = 'b'")
            .await
            .unwrap();
        sites::create(&other, "d", "d", Some("DD:06"))
            .await
            .unwrap();
        other
            .execute_unprepared("update sites set id = 987799 where ven_name = 'd'")
            .await
            .unwrap();
        index.check_outside(&db).await.unwrap();
        assert!(index.refresh_due());
        index.refresh(&db).await.unwrap();
        assert!(!index.refresh_due());

        // What the pass read is served from memory: a write on the VTN's own
        // connection that bypasses app::db is not seen.
        db.execute_unprepared("update sites set name = 'quietly'")
            .await
            .unwrap();
        let name = async |fingerprint: &str| {
            let found = index.find(&db, Key::Fingerprint(fingerprint)).await;
            found.unwrap().map(|s| s.name.clone())
        };
        assert_eq!(name("AA:06").await.as_deref(), Some("elsewhere"));
        assert_eq!(name("DD:06").await.as_deref(), Some("d"));
        assert!(
            !index.read().by_fingerprint.contains_key("BB:06"),
            "dropped"
        );
        assert_eq!(index.read().by_id.len(), 3);
        assert!(
            Arc::ptr_eq(&unchanged, &row(c).unwrap()),
            "an unchanged row is kept, not copied"
        );
        assert!(index.idle(a), "marked idle again by the pass");

        // Without the data version (PostgreSQL), a pass is due every REFRESH_EVERY.
        *index.outside.last.lock().unwrap() = None;
        assert!(!index.refresh_due());
        backdate(&index);
        assert!(index.refresh_due());
    }
}
