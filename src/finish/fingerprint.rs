//! Stable fingerprints of findings.
//!
//! A fingerprint says "this is the same finding as last time" across runs, machines and scan
//! roots: baselines, ignore entries, sharded merges and SARIF's `partialFingerprints` all key on
//! it. It hashes the rule id, the code's location relative to the scan root (so scanning
//! `assets/` from the repository or `.` from inside `assets/` agree), the digest of the code's
//! redacted payload and the code's index in its image. It never hashes a secret: a fingerprint
//! of a text holding a weak password would let anyone who sees it test guesses offline.

use sha2::{Digest, Sha256};

use crate::report::model::InputReport;
use crate::source::Provenance;

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::text::escapes::hex(&Sha256::digest(bytes))
}

/// The fingerprint of one finding: 32 hex digits (128 bits). `detail` tells apart two findings
/// of one rule on one code (two different encoding mistakes): the finding's redacted evidence,
/// plus a counter when even that repeats.
pub fn fingerprint(
    rule: &str,
    relative_location: &str,
    payload_digest: &str,
    index: u32,
    detail: &str,
) -> String {
    let material = format!(
        "qraudit-fingerprint-v1\n{rule}\n{relative_location}\n{payload_digest}\n{index}\n{detail}"
    );
    let mut hex = sha256_hex(material.as_bytes());
    hex.truncate(32);
    hex
}

/// Fills in the fingerprint of every finding of one input that has none yet.
pub fn assign_input(input: &mut InputReport) {
    for code in &mut input.codes {
        // The location relative to the scan root: the input's relative path, plus the part
        // inside a container (`!page-2`) when there is one.
        let relative_location =
            Provenance::read(&input.path, &code.location).with_input(&input.relative_path);
        let mut seen: Vec<String> = Vec::new();
        for finding in code.findings.iter_mut() {
            let evidence = finding
                .masked_evidence
                .as_deref()
                .or(finding.evidence.as_deref())
                .unwrap_or("");
            let key = format!("{}\n{evidence}", finding.rule);
            let repeat = seen.iter().filter(|k| **k == key).count();
            seen.push(key);
            if finding.fingerprint.is_empty() {
                finding.fingerprint = fingerprint(
                    &finding.rule,
                    &relative_location,
                    &code.payload_digest,
                    code.index,
                    &format!("{evidence}\n{repeat}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_depend_on_every_part() {
        let base = fingerprint("untrusted-ssl", "img/qr.png", "abc", 1, "e");
        assert_eq!(base.len(), 32);
        assert_eq!(
            base,
            fingerprint("untrusted-ssl", "img/qr.png", "abc", 1, "e")
        );
        assert_ne!(
            base,
            fingerprint("save-password", "img/qr.png", "abc", 1, "e")
        );
        assert_ne!(
            base,
            fingerprint("untrusted-ssl", "img/other.png", "abc", 1, "e")
        );
        assert_ne!(
            base,
            fingerprint("untrusted-ssl", "img/qr.png", "abd", 1, "e")
        );
        assert_ne!(
            base,
            fingerprint("untrusted-ssl", "img/qr.png", "abc", 2, "e")
        );
        assert_ne!(
            base,
            fingerprint("untrusted-ssl", "img/qr.png", "abc", 1, "f")
        );
    }
}
