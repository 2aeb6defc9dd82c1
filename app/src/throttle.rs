//! Slows down password guessing: each failed sign-in for a username makes
//! the next refusal wait longer (doubling from 250 ms to 8 s); a success or
//! 15 quiet minutes start over. Process-local, which is enough for one VTN.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

const FIRST: Duration = Duration::from_millis(250);
const MOST: Duration = Duration::from_secs(8);
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// Usernames tracked at most (the oldest entries go first).
const TRACKED: usize = 10_000;

static FAILURES: LazyLock<Mutex<HashMap<String, (u32, Instant)>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Records a failed sign-in and returns how long to wait before refusing it.
pub fn failed(username: &str) -> Duration {
    let mut failures = FAILURES.lock().unwrap_or_else(|e| e.into_inner());
    let now = Instant::now();
    failures.retain(|_, (_, at)| now.duration_since(*at) < FORGET_AFTER);
    if failures.len() >= TRACKED
        && let Some(oldest) = failures
            .iter()
            .min_by_key(|(_, (_, at))| *at)
            .map(|(k, _)| k.clone())
    {
        failures.remove(&oldest);
    }
    let entry = failures.entry(username.to_owned()).or_insert((0, now));
    entry.0 += 1;
    entry.1 = now;
    delay(entry.0)
}

/// Forgets the failures of a user who signed in.
pub fn succeeded(username: &str) {
    FAILURES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(username);
}

fn delay(failures: u32) -> Duration {
    FIRST
        .saturating_mul(1 << failures.saturating_sub(1).min(10))
        .min(MOST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_doubles_the_wait_up_to_a_limit_and_success_resets() {
        assert_eq!(delay(1), Duration::from_millis(250));
        assert_eq!(delay(3), Duration::from_secs(1));
        assert_eq!(delay(40), MOST);
        let name = "throttle-test-user";
        assert_eq!(failed(name), Duration::from_millis(250));
        assert_eq!(failed(name), Duration::from_millis(500));
        succeeded(name);
        assert_eq!(failed(name), Duration::from_millis(250));
    }
}
