//! qraudit: find every QR code in images, mails and documents, decode it, and audit what it
//! carries (above all HCL Sametime mobile provisioning URLs) against a security policy.
//!
//! The library is a pipeline of small modules, each owning one step of the data flow:
//! `source` enumerates inputs, `container` opens the mails, mboxes, PDFs, SVGs and zips that
//! codes arrive in (giving each image inside a location), `formats` tells image formats apart
//! by their signatures (and decodes AVIF and HEIF), `decode` turns bytes into decoded
//! codes, `payload` classifies the decoded text, `audit` turns payloads into findings, and
//! `report` turns the whole run into bytes (table, JSON, JSONL, SARIF, raw). `scan` drives the pipeline;
//! the binary only parses arguments and maps the outcome to an exit code.

pub mod analyze;
pub mod audit;
pub mod cli;
pub mod config;
pub mod config_xml;
pub mod container;
pub mod crosscode;
pub mod decode;
pub mod exit;
pub mod fingerprint;
pub mod formats;
pub mod fuzz_entry;
pub mod generate;
pub mod merge;
pub mod pasted;
pub mod payload;
pub mod policy;
pub mod redact;
pub mod report;
pub mod run;
pub mod sanitize;
pub mod scan;
pub mod source;
pub mod suppress;
