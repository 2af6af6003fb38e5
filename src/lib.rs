//! qraudit: find every QR code in images, mails and documents, decode it, and audit what it
//! carries (above all HCL Sametime mobile provisioning URLs) against a security policy.
//!
//! The library is a pipeline of small modules, each owning one step of the data flow (drawn in
//! docs/architecture.md): `source` enumerates inputs, `container` opens the mails, mboxes,
//! PDFs, SVGs and zips that codes arrive in (giving each image inside a location), `decode`
//! turns pixels into decoded codes (its `formats` tells image formats apart by their signatures
//! and decodes AVIF and HEIF), `payload` classifies the decoded text, `audit` turns payloads
//! into findings, `scan` drives all of these over the inputs (its `analyze` makes one code's
//! redacted report entry), `finish` finishes the run's report (cross-code rules, fingerprints,
//! suppressions, notes) for `scan` and `merge` alike, and `report` turns it into bytes (table,
//! JSON, JSONL, SARIF, raw). `app` is the command line on top; the binary only parses arguments
//! and maps the outcome to an exit code. `text` is the
//! handling of untrusted text every layer shares (escapes, redaction, display escaping).

pub mod app;
pub mod audit;
mod container;
pub mod decode;
pub mod finish;
pub mod fuzz_entry;
pub mod payload;
pub mod report;
mod scan;
#[cfg(feature = "serve")]
mod serve;
mod source;
mod text;
