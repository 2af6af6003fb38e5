//! What finishing works on: a run's inputs, their codes and their findings, with the parts
//! that finishing reads and writes typed. A code's place is a `Provenance` (a path of container
//! steps, compared as a path), a finding's rule is the catalogue's `&'static Rule` (its id, its
//! scope), a fingerprint is absent until it is computed and keeps the first form's beside it,
//! and the masked evidence fingerprints hash travels with its finding.
//!
//! The rest of a code (its text, payload, symbol, summary) is carried as analysis left it:
//! already redacted, and already in the shape reports write (`report::payload::WirePayload`,
//! `SymbolReport`), because only analysis knows a code's secrets and so only analysis can mask
//! them. Nothing in finishing reads or changes those parts.
//!
//! The wire types of `report::model` are made from these once, at the end (`into_wire`), and
//! read back into them only by `merge` (`from_wire`, after `read` has checked the report): the
//! wire format carries none of the working fields (the first-form fingerprint, the masked
//! evidence, the path relative to the PATH argument).

use super::read::ReadError;
use crate::audit::catalogue::{self, Rule};
use crate::audit::{Finding, Severity};
use crate::report::model::{
    CodeReport, FindingReport, InputReport, Status, Suppression, SymbolReport, Timing,
};
use crate::report::payload::WirePayload;
use crate::source::Provenance;
use crate::text::redact::Redactor;

/// One input of a run, analysed, on its way to being finished.
#[derive(Debug, Clone)]
pub struct InputEntry {
    /// The path as the user gave it joined with the walked relative path; `-` for stdin.
    pub path: String,
    /// The path relative to the fingerprint root (`source::rooted`); empty when a report read
    /// back does not say.
    pub rooted_path: String,
    /// The path relative to the PATH argument it was found under, which fingerprints of the
    /// first form hashed. Only a scan knows it; a report read back does not.
    pub scan_relative_path: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    pub reason: Option<String>,
    pub media_type: Option<String>,
    pub dimensions: Option<[u32; 2]>,
    pub images: Option<u64>,
    pub warnings: Vec<String>,
    pub codes: Vec<CodeEntry>,
    pub timing: Option<Timing>,
    /// The input's position in the walk of all shards, for `--shard` runs.
    pub walk_index: Option<u64>,
}

/// One code of an input.
#[derive(Debug, Clone)]
pub struct CodeEntry {
    /// Where it is: the input, then the steps inside containers.
    pub provenance: Provenance,
    /// 1-based position of the code at its place.
    pub index: u32,
    pub text: Option<String>,
    pub bytes_hex: Option<String>,
    pub symbol: Option<SymbolReport>,
    pub payload: WirePayload,
    pub summary: String,
    pub payload_digest: String,
    pub description: Option<String>,
    pub findings: Vec<FindingEntry>,
    pub fixed_url: Option<String>,
}

/// One finding about a code, redacted.
#[derive(Debug, Clone)]
pub struct FindingEntry {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    pub evidence: Option<String>,
    /// The evidence with secrets masked even under `--show-secrets`: what the fingerprint
    /// hashes, so that showing secrets never changes a finding's identity.
    pub masked_evidence: Option<String>,
    pub fix: Option<String>,
    pub suggested_url: Option<String>,
    /// Set by `fingerprint::assign_input`; kept when it is already set.
    pub fingerprint: Option<Fingerprint>,
    /// Why the finding does not count, when a baseline or an ignore entry covers it.
    pub suppressed: Option<Suppression>,
}

/// The identity of a finding across runs (see `fingerprint`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The form reports write (`report::model::FINGERPRINT_VERSION`).
    pub current: String,
    /// The first form, to match baselines and ignore entries written before fingerprints were
    /// rooted; only a scan can compute it (`InputEntry::scan_relative_path`).
    pub legacy: Option<String>,
}

impl InputEntry {
    /// An input known by `path` alone (texts of `check`, bytes given to `scan_bytes`): every
    /// relative form of its path is the path itself.
    pub fn new(path: impl Into<String>, status: Status) -> Self {
        let path = path.into();
        InputEntry {
            rooted_path: path.clone(),
            scan_relative_path: Some(path.clone()),
            path,
            status,
            error: None,
            reason: None,
            media_type: None,
            dimensions: None,
            images: None,
            warnings: Vec::new(),
            codes: Vec::new(),
            timing: None,
            walk_index: None,
        }
    }

    /// An input that could not be read or decoded, and why.
    pub fn failed(path: impl Into<String>, error: impl Into<String>) -> Self {
        let mut entry = InputEntry::new(path, Status::Error);
        entry.error = Some(error.into());
        entry
    }

    /// Every name an ignore entry's path glob may have been written for: as given, relative to
    /// the fingerprint root, relative to the PATH argument (empty when not known).
    pub fn names(&self) -> [&str; 3] {
        [
            &self.path,
            &self.rooted_path,
            self.scan_relative_path.as_deref().unwrap_or(""),
        ]
    }

    /// The wire form, as reports write it.
    pub fn into_wire(self) -> InputReport {
        InputReport {
            path: self.path,
            relative_path: self.rooted_path,
            status: self.status,
            error: self.error,
            reason: self.reason,
            media_type: self.media_type,
            dimensions: self.dimensions,
            images: self.images,
            warnings: self.warnings,
            codes: self.codes.into_iter().map(CodeEntry::into_wire).collect(),
            timing: self.timing,
            walk_index: self.walk_index,
        }
    }

    /// An input of a report read back (`read::read_report` has refused codes outside their
    /// input and rules this qraudit does not know; a report that did not pass there is refused
    /// here for an unknown rule all the same).
    pub fn from_wire(input: InputReport) -> Result<InputEntry, ReadError> {
        let codes = input
            .codes
            .into_iter()
            .map(|code| CodeEntry::from_wire(&input.path, code))
            .collect::<Result<_, _>>()?;
        Ok(InputEntry {
            scan_relative_path: None,
            rooted_path: input.relative_path,
            status: input.status,
            error: input.error,
            reason: input.reason,
            media_type: input.media_type,
            dimensions: input.dimensions,
            images: input.images,
            warnings: input.warnings,
            codes,
            timing: input.timing,
            walk_index: input.walk_index,
            path: input.path,
        })
    }
}

impl CodeEntry {
    /// The wire form: the provenance written as its location.
    pub fn into_wire(self) -> CodeReport {
        CodeReport {
            location: self.provenance.to_string(),
            index: self.index,
            text: self.text,
            bytes_hex: self.bytes_hex,
            symbol: self.symbol,
            payload: self.payload,
            summary: self.summary,
            payload_digest: self.payload_digest,
            description: self.description,
            findings: self
                .findings
                .into_iter()
                .map(FindingEntry::into_wire)
                .collect(),
            fixed_url: self.fixed_url,
        }
    }

    fn from_wire(input: &str, code: CodeReport) -> Result<CodeEntry, ReadError> {
        let findings = code
            .findings
            .into_iter()
            .map(|finding| {
                FindingEntry::from_wire(finding).map_err(|rule| ReadError::UnknownRule {
                    input: input.to_string(),
                    index: code.index,
                    rule,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(CodeEntry {
            provenance: Provenance::read(input, &code.location),
            index: code.index,
            text: code.text,
            bytes_hex: code.bytes_hex,
            symbol: code.symbol,
            payload: code.payload,
            summary: code.summary,
            payload_digest: code.payload_digest,
            description: code.description,
            findings,
            fixed_url: code.fixed_url,
        })
    }
}

impl FindingEntry {
    /// A finding of the audit as reports carry it: redacted by `redactor` (which
    /// `--show-secrets` disables) and, for its fingerprint, by `masking` (which it never does).
    /// A suggested URL that would hold a secret is dropped rather than shown masked or in
    /// clear: a rewrite ending in a literal `********` is no fix anyone should print.
    pub fn redacted(finding: &Finding, redactor: &Redactor, masking: &Redactor) -> FindingEntry {
        let suggested_url = finding
            .suggested_url
            .as_deref()
            .filter(|url| !masking.masks(url));
        FindingEntry {
            rule: finding.rule,
            severity: finding.severity,
            message: redactor.apply(&finding.message),
            evidence: redactor.apply_opt(finding.evidence.as_deref()),
            masked_evidence: masking.apply_opt(finding.evidence.as_deref()),
            fix: redactor.apply_opt(finding.fix.as_deref()),
            suggested_url: redactor.apply_opt(suggested_url),
            // Assigned when the input is finished, once the code's place is final.
            fingerprint: None,
            suppressed: None,
        }
    }

    /// The wire form: the current fingerprint (empty when none was computed).
    pub fn into_wire(self) -> FindingReport {
        FindingReport {
            rule: self.rule.id.to_string(),
            severity: self.severity,
            message: self.message,
            evidence: self.evidence,
            fix: self.fix,
            suggested_url: self.suggested_url,
            fingerprint: self.fingerprint.map(|f| f.current).unwrap_or_default(),
            suppressed: self.suppressed,
        }
    }

    /// A finding read back: its rule found in the catalogue (`Err` with the id when it is not
    /// there), its fingerprint kept when the report has one, its evidence standing in for the
    /// masked evidence (a report holds none in clear unless it was written with
    /// `--show-secrets`, and then its fingerprints were computed from the masked form already).
    fn from_wire(finding: FindingReport) -> Result<FindingEntry, String> {
        let rule = catalogue::find(&finding.rule).ok_or(finding.rule)?;
        Ok(FindingEntry {
            rule,
            severity: finding.severity,
            message: finding.message,
            masked_evidence: None,
            evidence: finding.evidence,
            fix: finding.fix,
            suggested_url: finding.suggested_url,
            fingerprint: (!finding.fingerprint.is_empty()).then_some(Fingerprint {
                current: finding.fingerprint,
                legacy: None,
            }),
            suppressed: finding.suppressed,
        })
    }
}
