//! An opt script: which simulated VENs opt in or out of which events, for
//! rehearsing a DR event with a known outcome.
//!
//! One rule per line, `ven,event,decision`: `ven` is a VEN name and `event`
//! an event ID, where `*` stands for any run of characters; `decision` is
//! `optIn` or `optOut`. The first rule that matches decides; events no rule
//! matches are decided by the opt-out share. Blank lines and lines starting
//! with `#` are skipped. Simulated VENs are named `<prefix>-<HHMMSS>-<n>`,
//! so `*-3` is the fourth VEN of a run.
//!
//! ```text
//! # The first two VENs refuse everything; everyone else takes evt-7.
//! *-0,*,optOut
//! *-1,*,optOut
//! *,evt-7,optIn
//! ```

use anyhow::{Result, bail};
use openadr::values::OptType;

/// The rules, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptScript {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    ven: Pattern,
    event: Pattern,
    opt: Opt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    In,
    Out,
}

/// A name with `*` standing for any run of characters (none included).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern(String);

impl Pattern {
    fn matches(&self, value: &str) -> bool {
        let mut parts = self.0.split('*');
        let first = parts.next().unwrap_or_default();
        let Some(mut rest) = value.strip_prefix(first) else {
            return false;
        };
        let parts: Vec<&str> = parts.collect();
        let Some((last, middle)) = parts.split_last() else {
            return rest.is_empty();
        };
        for part in middle {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        rest.ends_with(last)
    }
}

impl OptScript {
    /// Reads a script; a malformed line is an error naming its line number.
    pub fn parse(text: &str) -> Result<Self> {
        let mut rules = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let [ven, event, decision] = fields[..] else {
                bail!(
                    "line {}: expected `ven,event,optIn|optOut`, got {line:?}",
                    n + 1
                );
            };
            let opt = match decision {
                "optIn" => Opt::In,
                "optOut" => Opt::Out,
                other => bail!(
                    "line {}: the decision is optIn or optOut, not {other:?}",
                    n + 1
                ),
            };
            if ven.is_empty() || event.is_empty() {
                bail!("line {}: an empty pattern (use * for any)", n + 1);
            }
            rules.push(Rule {
                ven: Pattern(ven.to_owned()),
                event: Pattern(event.to_owned()),
                opt,
            });
        }
        Ok(Self { rules })
    }

    /// What the script says `ven` answers to `event`, if any rule matches.
    pub fn decide(&self, ven: &str, event: &str) -> Option<OptType> {
        self.rules
            .iter()
            .find(|rule| rule.ven.matches(ven) && rule.event.matches(event))
            .map(|rule| match rule.opt {
                Opt::In => OptType::OptIn,
                Opt::Out => OptType::OptOut,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_decides() {
        let script = OptScript::parse(
            "# rehearsal\n\nsim-1*, *, optOut\n*,event-7,optIn\nsim-20,event-8,optOut\n",
        )
        .unwrap();
        assert_eq!(script.decide("sim-12", "event-7"), Some(OptType::OptOut));
        assert_eq!(script.decide("sim-2", "event-7"), Some(OptType::OptIn));
        assert_eq!(script.decide("sim-20", "event-8"), Some(OptType::OptOut));
        assert_eq!(script.decide("sim-200", "event-8"), None);
        assert_eq!(script.decide("sim-2", "event-70"), None);
    }

    #[test]
    fn a_star_stands_for_any_run_of_characters() {
        let matches = |pattern: &str, value: &str| Pattern(pattern.into()).matches(value);
        assert!(matches("*", "") && matches("*", "sim-101500-3"));
        assert!(matches("*-3", "sim-101500-3") && !matches("*-3", "sim-101500-13"));
        assert!(matches("sim-*-1*", "sim-101500-17") && !matches("sim-*-1*", "sim-101500-7"));
        assert!(matches("a*b*c", "axbyc") && !matches("a*b*c", "axcyb"));
        assert!(
            !matches("ab*b", "ab") && matches("exact", "exact") && !matches("exact", "exactly")
        );
    }

    #[test]
    fn malformed_lines_are_named() {
        let error = |text: &str| OptScript::parse(text).unwrap_err().to_string();
        assert!(error("*,*,optIn\n*,*\n").starts_with("line 2: expected"));
        assert!(error("*,*,maybe").contains("optIn or optOut"));
        assert!(error(",*,optIn").contains("empty pattern"));
    }
}
