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
use super::model::{FindingEntry, InputEntry};
use super::read::{ReadError, read_report};
use crate::audit::policy::{Ignore, Policy};
use crate::report::model::{FINGERPRINT_VERSION, SuppressedBy, Suppression};

/// The fingerprints of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    pub origin: String,
    pub fingerprints: HashSet<String>,
    /// Their form (`report::model::FINGERPRINT_VERSION`): a baseline of the first form is
    /// matched against the findings' fingerprints of that form.
    pub fingerprint_version: u32,
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
            fingerprint_version: report.fingerprint_version,
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
    pub fn apply_input(&self, input: &mut InputEntry) {
        let names = input.names().map(str::to_string);
        let paths = names.each_ref().map(String::as_str);
        for code in &mut input.codes {
            for finding in code.findings.iter_mut().filter(|f| f.suppressed.is_none()) {
                let ignored = self
                    .ignores
                    .iter()
                    .find(|ignore| matches_ignore(ignore, finding, &paths));
                finding.suppressed = match (ignored, &self.baseline) {
                    (Some(ignore), _) => Some(Suppression {
                        by: SuppressedBy::Ignore,
                        reason: ignore.reason.clone(),
                    }),
                    (None, Some(baseline)) if baseline.covers(finding) => Some(Suppression {
                        by: SuppressedBy::Baseline,
                        reason: baseline.origin.clone(),
                    }),
                    _ => None,
                };
            }
        }
    }

    /// The notes of the suppressions: the ignore entries that matched no finding of `inputs`,
    /// and a baseline of the first fingerprint form.
    pub fn notes(&self, inputs: &[InputEntry]) -> Vec<Note> {
        self.ignores
            .iter()
            .filter(|ignore| {
                !inputs.iter().any(|input| {
                    let paths = input.names();
                    input
                        .codes
                        .iter()
                        .flat_map(|c| &c.findings)
                        .any(|f| matches_ignore(ignore, f, &paths))
                })
            })
            .map(|ignore| Note::StaleIgnore {
                origin: ignore.origin.clone(),
                reason: ignore.reason.clone(),
            })
            .chain(
                self.baseline
                    .as_ref()
                    .filter(|b| b.fingerprint_version < FINGERPRINT_VERSION)
                    .map(|b| Note::OldBaseline {
                        origin: b.origin.clone(),
                    }),
            )
            .collect()
    }
}

impl Baseline {
    /// Whether the baseline holds `finding`, by the fingerprint of the baseline's form.
    fn covers(&self, finding: &FindingEntry) -> bool {
        let Some(fingerprint) = &finding.fingerprint else {
            return false;
        };
        let of_its_form = if self.fingerprint_version < FINGERPRINT_VERSION {
            fingerprint.legacy.as_deref()
        } else {
            Some(fingerprint.current.as_str())
        };
        of_its_form.is_some_and(|f| !f.is_empty() && self.fingerprints.contains(f))
    }
}

/// Whether `ignore` covers `finding` of an input known by `paths`: by either form of its
/// fingerprint, or by its rule and a path glob.
fn matches_ignore(ignore: &Ignore, finding: &FindingEntry, paths: &[&str; 3]) -> bool {
    let (current, legacy) = match &finding.fingerprint {
        Some(f) => (f.current.as_str(), f.legacy.as_deref().unwrap_or("")),
        None => ("", ""),
    };
    ignore.matches(&[current, legacy], finding.rule.id, paths)
}
