//! Suppressions: findings that a baseline or an `[[ignore]]` entry of the policy accepts.
//!
//! A suppressed finding stays in the report (so that a new baseline written from it is
//! complete, and `--show-suppressed` can list it) but is counted apart in the summary and never
//! affects the exit code: a CI job fails on *new* risky codes only. Both mechanisms key on
//! fingerprints (see `fingerprint`), ignore entries also on a path glob plus a rule. An ignore
//! entry that matched nothing is reported, because stale ignores rot into blind spots.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Note;
use super::read::{ReadError, read_report};
use crate::audit::policy::{Ignore, Policy};
use crate::report::model::{InputReport, Suppression};

/// The fingerprints of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub origin: String,
    pub fingerprints: HashSet<String>,
}

impl Baseline {
    /// Reads a JSON report (or JSON Lines report) written by qraudit.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Baseline::from_text(&path.display().to_string(), &text).map_err(|source| {
            BaselineError::NotAReport {
                path: path.to_path_buf(),
                source,
            }
        })
    }

    /// The fingerprints of the report `text`; `origin` names it in messages and suppressions.
    pub fn from_text(origin: &str, text: &str) -> Result<Baseline, ReadError> {
        let report = read_report(text)?;
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

/// Why `--baseline FILE` cannot be used.
#[derive(Debug, Error)]
pub enum BaselineError {
    #[error("cannot read baseline {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("baseline {} is not a qraudit JSON report: {source}", .path.display())]
    NotAReport {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
}

/// Everything that can suppress a finding in one run.
#[derive(Debug, Clone, Default)]
pub struct Suppressor {
    pub ignores: Vec<Ignore>,
    pub baseline: Option<Baseline>,
}

impl Suppressor {
    /// The policy's `[[ignore]]` entries, plus a baseline when one was given.
    pub fn new(policy: &Policy, baseline: Option<Baseline>) -> Self {
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

    /// The ignore entries that matched no finding of `inputs`, as notes.
    pub fn stale(&self, inputs: &[InputReport]) -> Vec<Note> {
        self.ignores
            .iter()
            .filter(|ignore| {
                !inputs.iter().any(|input| {
                    input.codes.iter().flat_map(|c| &c.findings).any(|f| {
                        ignore.matches(&f.fingerprint, &f.rule, &input.path, &input.relative_path)
                    })
                })
            })
            .map(|ignore| Note::StaleIgnore {
                origin: ignore.origin.clone(),
                reason: ignore.reason.clone(),
            })
            .collect()
    }
}
