//! Suppressions: findings that a baseline or an `[[ignore]]` entry of the policy accepts.
//!
//! A suppressed finding stays in the report (so that a new baseline written from it is
//! complete, and `--show-suppressed` can list it) but is counted apart in the summary and never
//! affects the exit code: a CI job fails on *new* risky codes only. Both mechanisms key on
//! fingerprints (see `fingerprint`), ignore entries also on a path glob plus a rule. An ignore
//! entry that matched nothing is reported, because stale ignores rot into blind spots.

use std::collections::HashSet;
use std::path::Path;

use crate::policy::Ignore;
use crate::report::model::{InputReport, Report, Suppression};

/// The fingerprints of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub origin: String,
    pub fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads a JSON report (or JSON Lines report) written by qraudit.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        Baseline::from_text(&path.display().to_string(), &text)
    }

    /// The fingerprints of the report `text`; `origin` names it in messages and suppressions.
    pub fn from_text(origin: &str, text: &str) -> Result<Baseline, String> {
        let report = crate::merge::parse_report(text)
            .map_err(|e| format!("baseline {origin} is not a qraudit JSON report: {e}"))?;
        let fingerprints = report
            .inputs
            .iter()
            .flat_map(|i| &i.codes)
            .flat_map(|c| &c.findings)
            .filter(|f| !f.fingerprint.is_empty())
            .map(|f| f.fingerprint.clone())
            .collect();
        Ok(Baseline {
            origin: origin.to_string(),
            fingerprints,
        })
    }
}

/// Everything that can suppress a finding in one run.
#[derive(Debug, Clone, Default)]
pub struct Suppressor {
    pub ignores: Vec<Ignore>,
    pub baseline: Option<Baseline>,
}

impl Suppressor {
    /// The policy's `[[ignore]]` entries, plus a baseline when one was given.
    pub fn new(policy: &crate::policy::Policy, baseline: Option<Baseline>) -> Self {
        Suppressor {
            ignores: policy.ignores.clone(),
            baseline,
        }
    }

    /// Marks the findings of one input that an ignore entry or the baseline covers. Findings
    /// already marked are left as they are.
    pub fn apply_input(&self, input: &mut InputReport) {
        for code in &mut input.codes {
            for finding in code.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
                let ignored = self.ignores.iter().find(|ignore| {
                    ignore.matches(
                        &finding.fingerprint,
                        &finding.rule,
                        &input.path,
                        &input.relative_path,
                    )
                });
                finding.suppressed = match (ignored, &self.baseline) {
                    (Some(ignore), _) => Some(Suppression {
                        by: "ignore".to_string(),
                        reason: ignore.reason.clone(),
                    }),
                    (None, Some(baseline))
                        if baseline.fingerprints.contains(&finding.fingerprint) =>
                    {
                        Some(Suppression {
                            by: "baseline".to_string(),
                            reason: baseline.origin.clone(),
                        })
                    }
                    _ => None,
                };
            }
        }
    }

    /// Marks every input, then notes each ignore entry that matched no finding.
    pub fn apply(&self, report: &mut Report) {
        for input in &mut report.inputs {
            self.apply_input(input);
        }
        for ignore in &self.ignores {
            let used = report.inputs.iter().any(|input| {
                input.codes.iter().flat_map(|c| &c.findings).any(|f| {
                    ignore.matches(&f.fingerprint, &f.rule, &input.path, &input.relative_path)
                })
            });
            if !used {
                report.notes.push(format!(
                    "{STALE_NOTE_PREFIX}{} (reason: {}) matched no finding: remove it",
                    ignore.origin, ignore.reason
                ));
            }
        }
    }
}

/// How every stale-ignore note starts (a merge recomputes them).
pub const STALE_NOTE_PREFIX: &str = "stale ignore at ";

/// The report without suppressed findings, as shown unless `--show-suppressed`.
pub fn without_suppressed(report: &Report) -> Report {
    let mut shown = report.clone();
    for input in &mut shown.inputs {
        strip_input(input);
    }
    shown
}

/// One input without its suppressed findings.
pub fn strip_input(input: &mut InputReport) {
    for code in &mut input.codes {
        code.findings.retain(|f| f.suppressed.is_none());
    }
}
