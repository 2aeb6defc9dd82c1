//! Which sites changed, process-wide, so that the server can keep what it
//! reads on every poll (the site, whether it has anything pending) in memory
//! and still see every write made through this module's siblings, including
//! those of the operator UI's server functions in this process.
//!
//! A reader takes a [`Register::version`] *before* it queries the database
//! and keeps what it read with that version; [`Register::changed_since`] then
//! says whether a write may have happened after the read. Writers report
//! *after* they commit. Together: any write the query missed is reported
//! under a newer version. A report for every site ([`Register::all`]) is for
//! writers that do not know which sites they touch.
//!
//! Writes by other processes are not seen here; readers bound how long they
//! trust what they read (see the server's site index).

use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};

/// Change versions of one kind of per-site data.
#[derive(Debug, Default)]
pub struct Register {
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The latest version handed out.
    version: u64,
    /// The version of the latest change to every site.
    all: u64,
    /// The version of each site's latest change.
    sites: HashMap<i32, u64>,
}

impl Register {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Inner> {
        // The data is a set of counters; a panic elsewhere cannot leave it inconsistent.
        self.inner
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current version, to take before reading from the database.
    pub fn version(&self) -> u64 {
        self.read().version
    }

    /// Reports a committed change to one site.
    pub fn site(&self, site_id: i32) {
        let mut inner = self.write();
        inner.version += 1;
        let version = inner.version;
        inner.sites.insert(site_id, version);
    }

    /// Reports a committed change to some sites.
    pub fn sites(&self, site_ids: impl IntoIterator<Item = i32>) {
        let mut inner = self.write();
        inner.version += 1;
        let version = inner.version;
        for id in site_ids {
            inner.sites.insert(id, version);
        }
    }

    /// Reports a committed change that may concern any site.
    pub fn all(&self) {
        let mut inner = self.write();
        inner.version += 1;
        inner.all = inner.version;
    }

    /// Whether the site may have changed after `version` was taken.
    pub fn changed_since(&self, site_id: i32, version: u64) -> bool {
        let inner = self.read();
        inner.all > version || inner.sites.get(&site_id).is_some_and(|v| *v > version)
    }
}

/// Changes to a site's own row (identity, registration, token).
pub static SITES: LazyLock<Register> = LazyLock::new(Register::default);

/// Changes that may give a site something to receive: an event created,
/// modified or cancelled, a queued VTN message, a report request or
/// cancellation.
pub static OUTBOX: LazyLock<Register> = LazyLock::new(Register::default);

/// Changes to a site's report requests (created, acknowledged, receiving,
/// cancelled), which an oadrUpdateReport is checked against.
pub static REPORTS: LazyLock<Register> = LazyLock::new(Register::default);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_after_a_read_is_seen_and_one_before_is_not() {
        let register = Register::default();
        register.site(1);
        let read = register.version();
        assert!(!register.changed_since(1, read));
        register.site(2);
        assert!(!register.changed_since(1, read), "another site");
        assert!(register.changed_since(2, read));
        register.sites([1, 3]);
        assert!(register.changed_since(1, read));
        assert!(register.changed_since(3, read));
        let read = register.version();
        register.all();
        assert!(register.changed_since(99, read), "every site");
    }
}
