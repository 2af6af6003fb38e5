//! The report data model: what every output format renders, and the JSON document itself.
//!
//! These types are separate from the domain types (`decode::Symbol`, `payload::Payload`,
//! `audit::Finding`) on purpose: they are a public, versioned format (`schema_version`), and
//! everything in them is already redacted. Fields may be added in later schema versions but
//! never renamed. `docs/report-schema.json` documents the shape and a test checks real output
//! against it.

use serde::{Deserialize, Serialize};

use crate::audit::Severity;
use crate::report::payload::WirePayload;

pub const SCHEMA_VERSION: u32 = 1;

/// The form of the fingerprints this version writes: 2 hashes the input's path relative to the
/// fingerprint root (`finish::fingerprint`); 1, the form of reports without the field, hashed
/// it relative to the PATH argument it was found under.
pub const FINGERPRINT_VERSION: u32 = 2;

fn fingerprints_of_the_first_form() -> u32 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub summary: Summary,
    /// Things the reader should know about the run as a whole ("hosts were not checked").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The form of its fingerprints (`FINGERPRINT_VERSION`); 1 when the report does not say.
    #[serde(default = "fingerprints_of_the_first_form")]
    pub fingerprint_version: u32,
    pub inputs: Vec<InputReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The policy a run applied, as reports record it (`policy` in JSON, the table's first line),
/// so that a reader can tell a clean report from one made without the CI job's policy.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppliedPolicy {
    /// Where it came from: `file` (`--policy`), `discovered` (a `qraudit.toml` found from the
    /// working folder up to the repository root), `environment` (`QRAUDIT_POLICY`), `user`
    /// (`$XDG_CONFIG_HOME/qraudit/qraudit.toml`), `none` (no file found) or `disabled`
    /// (`--no-policy`).
    pub source: String,
    /// The policy file, as given or relative to the working folder; `null` without one.
    pub path: Option<String>,
    /// SHA-256 (hex) of the policy file's bytes; `null` without one.
    pub sha256: Option<String>,
    /// The threshold the exit code was decided on (`--fail-on`, else the file's `fail_on`, else
    /// `medium`): a severity or `never`.
    pub fail_on: String,
    /// How many allowed host patterns (file and `--allow-host` together); 0: hosts not checked.
    pub allowed_hosts: usize,
    /// How many allowed ports; 0: ports not checked.
    pub allowed_ports: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// Inputs looked at: files, stdin, texts given to `check`.
    pub inputs: u64,
    /// Images decoded: inputs whose bytes were an image, plus the images and rendered pages
    /// (PDF pages, SVGs) inside containers.
    pub images: u64,
    /// Codes found, readable or not.
    pub codes: u64,
    pub skipped: u64,
    pub errors: u64,
    /// Findings not suppressed, by severity: what the exit code is decided on.
    pub findings: SeverityCounts,
    /// Findings suppressed by a baseline or an ignore entry (not in `findings`).
    #[serde(default)]
    pub suppressed: u64,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SeverityCounts {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl SeverityCounts {
    pub fn add(&mut self, severity: Severity) {
        *self.slot(severity) += 1;
    }

    pub fn get(&self, severity: Severity) -> u64 {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    fn slot(&mut self, severity: Severity) -> &mut u64 {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
            Severity::Info => &mut self.info,
        }
    }

    /// How many findings are at or above `threshold`.
    pub fn at_or_above(&self, threshold: Severity) -> u64 {
        Severity::ALL
            .iter()
            .filter(|s| **s >= threshold)
            .map(|s| self.get(*s))
            .sum()
    }

    pub fn total(&self) -> u64 {
        self.at_or_above(Severity::Info)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Looked at, and at least one code found.
    Ok,
    /// Looked at, no code in it.
    NoCode,
    /// Could not be read or decoded; `error` says why.
    Error,
    /// Not something qraudit scans (not an image); `reason` says what it was.
    Skipped,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InputReport {
    /// The path as the user gave it joined with the walked relative path; `-` for stdin.
    pub path: String,
    /// The path relative to the fingerprint root (what fingerprints use): the same for every
    /// way of naming the file (`source::rooted`).
    #[serde(default)]
    pub relative_path: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What the bytes are, as a media type (`image/png`), decided from the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Width and height in pixels, for images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<[u32; 2]>,
    /// For containers (mail, mbox, PDF, SVG, zip): how many images and rendered drawings inside
    /// were decoded. Each code's `location` says which one it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub codes: Vec<CodeReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Only in the reports of `--shard` runs: the input's position in the walk of all shards
    /// (0-based, in the order of the PATH arguments), which `qraudit merge` orders inputs by so
    /// that the merged report lists them as a single run does. A merged report has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_index: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Timing {
    /// Reading the file and decoding the image format.
    pub load_ms: f64,
    /// Finding and decoding QR symbols.
    pub decode_ms: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CodeReport {
    /// Where the code is: the input path, plus the path inside a container when there is one.
    pub location: String,
    /// 1-based position of the code in its image (top to bottom, left to right).
    pub index: u32,
    /// The decoded text, redacted; `null` for a symbol that could not be decoded.
    pub text: Option<String>,
    /// The exact payload bytes in hex, when they are not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_hex: Option<String>,
    /// The symbol's geometry and format; absent for texts given to `qraudit check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<SymbolReport>,
    /// What the text is, kind by kind (`payload::WirePayload`), redacted.
    pub payload: WirePayload,
    /// A compact description of the payload, for one table cell.
    pub summary: String,
    /// SHA-256 (hex) of the decoded bytes with secrets masked, so that two reports can tell
    /// the same code apart from another without holding, or leaking, its secrets.
    #[serde(default)]
    pub payload_digest: String,
    /// What the payload will do, in plain words (Sametime: the community the app will create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub findings: Vec<FindingReport>,
    /// With `--fix`: the payload with every safe fix applied, when one exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_url: Option<String>,
}

impl CodeReport {
    /// The worst severity among the findings that count (not suppressed).
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.severity)
            .max()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SymbolReport {
    pub version: Option<u32>,
    pub ecc: Option<String>,
    pub mask: Option<u8>,
    /// Top-left, top-right, bottom-right, bottom-left, in image pixels.
    pub corners: [[f32; 2]; 4],
    pub module_px: f32,
    pub pass: String,
    /// The light margin around the symbol in modules (smallest side, measured up to 10), when it
    /// could be measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_zone_modules: Option<f32>,
    /// Why the symbol could not be decoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FindingReport {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_url: Option<String>,
    /// Stable identity of this finding across runs: rule, path relative to the fingerprint
    /// root, payload digest and code index (see `finish::fingerprint`).
    #[serde(default)]
    pub fingerprint: String,
    /// Why the finding does not count, when a baseline or an ignore entry covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppression {
    pub by: SuppressedBy,
    /// The ignore entry's reason, or the baseline file.
    pub reason: String,
}

/// What suppressed a finding.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SuppressedBy {
    /// A baseline (`--baseline FILE`) held its fingerprint.
    Baseline,
    /// An `[[ignore]]` entry of the policy matched it.
    Ignore,
}

impl SuppressedBy {
    /// The name reports write (`baseline`, `ignore`).
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressedBy::Baseline => "baseline",
            SuppressedBy::Ignore => "ignore",
        }
    }
}

impl std::fmt::Display for SuppressedBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Report {
    /// Recounts the summary from the inputs, so that it can never disagree with them.
    pub fn recount(&mut self) {
        let mut summary = Summary {
            inputs: self.inputs.len() as u64,
            ..Summary::default()
        };
        for input in &self.inputs {
            match input.status {
                Status::Error => summary.errors += 1,
                Status::Skipped => summary.skipped += 1,
                Status::Ok | Status::NoCode => {}
            }
            summary.images += match input.images {
                Some(inside) => inside,
                None => u64::from(
                    input
                        .media_type
                        .as_deref()
                        .is_some_and(|m| m.starts_with("image/")),
                ),
            };
            summary.codes += input.codes.len() as u64;
            for finding in input.codes.iter().flat_map(|c| &c.findings) {
                if finding.suppressed.is_some() {
                    summary.suppressed += 1;
                } else {
                    summary.findings.add(finding.severity);
                }
            }
        }
        self.summary = summary;
    }
}
