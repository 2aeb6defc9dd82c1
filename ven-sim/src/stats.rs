//! Latency and error statistics per message type.

use std::collections::BTreeMap;
use std::time::Duration;

/// What one message type saw.
#[derive(Debug, Default, Clone)]
pub struct Series {
    /// Latencies in microseconds.
    pub latencies: Vec<u32>,
    /// Answers by OpenADR response code (200 included).
    pub codes: BTreeMap<u16, u64>,
    /// Transport failures (connection, TLS, HTTP, unreadable answers) by reason.
    pub failures: BTreeMap<&'static str, u64>,
}

/// All message types.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// By message type sent.
    pub series: BTreeMap<&'static str, Series>,
    /// Telemetry readings the VTN acknowledged (it answers once they are
    /// committed).
    pub readings: u64,
    /// Messages the VTN pushed, by type (push mode).
    pub pushed: BTreeMap<&'static str, u64>,
    /// Pushes that got no answer from a simulated VEN, by reason (push mode).
    pub push_errors: BTreeMap<&'static str, u64>,
}

impl Stats {
    /// Records an exchange: the answer's response code, or why none came.
    pub fn record(
        &mut self,
        message: &'static str,
        latency: Duration,
        code: Result<u16, &'static str>,
    ) {
        let series = self.series.entry(message).or_default();
        series
            .latencies
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
        match code {
            Ok(code) => *series.codes.entry(code).or_default() += 1,
            Err(reason) => *series.failures.entry(reason).or_default() += 1,
        }
    }

    /// Adds another VEN's statistics.
    pub fn merge(&mut self, other: Stats) {
        for (message, s) in other.series {
            let series = self.series.entry(message).or_default();
            series.latencies.extend(s.latencies);
            for (code, n) in s.codes {
                *series.codes.entry(code).or_default() += n;
            }
            for (reason, n) in s.failures {
                *series.failures.entry(reason).or_default() += n;
            }
        }
        self.readings += other.readings;
        for (message, n) in other.pushed {
            *self.pushed.entry(message).or_default() += n;
        }
        for (reason, n) in other.push_errors {
            *self.push_errors.entry(reason).or_default() += n;
        }
    }

    /// Counts a message the VTN pushed.
    pub fn record_pushed(&mut self, message: &'static str) {
        *self.pushed.entry(message).or_default() += 1;
    }

    /// Answers that were not 200, transport failures, and pushes left
    /// unanswered.
    pub fn errors(&self) -> u64 {
        let exchanges: u64 = self
            .series
            .values()
            .map(|s| {
                s.failures.values().sum::<u64>()
                    + s.codes
                        .iter()
                        .filter(|(c, _)| **c != 200)
                        .map(|(_, n)| n)
                        .sum::<u64>()
            })
            .sum();
        exchanges + self.push_errors.values().sum::<u64>()
    }

    /// Exchanges of one message type.
    pub fn count(&self, message: &str) -> u64 {
        self.series
            .get(message)
            .map_or(0, |s| s.latencies.len() as u64)
    }
}

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A summary line per message type.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Message type.
    pub message: &'static str,
    /// Exchanges.
    pub count: u64,
    /// Exchanges per second.
    pub per_second: f64,
    /// Latency percentiles and maximum, in microseconds.
    pub p50: u32,
    /// 95th percentile.
    pub p95: u32,
    /// 99th percentile.
    pub p99: u32,
    /// Maximum.
    pub max: u32,
    /// Non-200 answers by code, and transport failures.
    pub errors: BTreeMap<String, u64>,
}

impl Stats {
    /// The summary over `elapsed`.
    pub fn lines(&self, elapsed: Duration) -> Vec<Line> {
        self.series
            .iter()
            .map(|(message, s)| {
                let mut sorted = s.latencies.clone();
                sorted.sort_unstable();
                let mut errors: BTreeMap<String, u64> = s
                    .codes
                    .iter()
                    .filter(|(c, _)| **c != 200)
                    .map(|(c, n)| (c.to_string(), *n))
                    .collect();
                for (reason, n) in &s.failures {
                    errors.insert(format!("transport: {reason}"), *n);
                }
                Line {
                    message,
                    count: sorted.len() as u64,
                    per_second: sorted.len() as f64 / elapsed.as_secs_f64().max(1e-9),
                    p50: percentile(&sorted, 50.0),
                    p95: percentile(&sorted, 95.0),
                    p99: percentile(&sorted, 99.0),
                    max: sorted.last().copied().unwrap_or(0),
                    errors,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_errors_are_computed() {
        let mut stats = Stats::default();
        for i in 1..=100 {
            stats.record("oadrPoll", Duration::from_micros(i), Ok(200));
        }
        stats.record("oadrPoll", Duration::from_micros(5), Ok(452));
        stats.record(
            "oadrPoll",
            Duration::from_micros(5),
            Err("connection refused"),
        );
        let line = &stats.lines(Duration::from_secs(1))[0];
        assert_eq!((line.count, line.p50, line.max), (102, 50, 100));
        assert_eq!(line.errors.get("452"), Some(&1));
        assert_eq!(line.errors.get("transport: connection refused"), Some(&1));
        assert_eq!(stats.errors(), 2);
    }

    #[test]
    fn pushed_messages_and_push_errors_merge_and_count_as_errors() {
        let mut one = Stats::default();
        one.record_pushed("oadrDistributeEvent");
        let mut two = Stats::default();
        two.record_pushed("oadrDistributeEvent");
        two.record_pushed("oadrCreateReport");
        two.push_errors.insert("unreadable", 1);
        one.merge(two);
        assert_eq!(one.pushed.get("oadrDistributeEvent"), Some(&2));
        assert_eq!(one.pushed.get("oadrCreateReport"), Some(&1));
        assert_eq!(one.errors(), 1);
    }
}
