//! Stable fingerprints of findings.
//!
//! A fingerprint says "this is the same finding as last time" across runs, machines and ways of
//! starting a scan: baselines, ignore entries, sharded merges and SARIF's `partialFingerprints`
//! all key on it. It hashes the rule id, the code's location with the input's path relative to
//! the fingerprint root (`--fingerprint-root`, else the repository's top level, else the
//! policy file's folder, else the working folder: see `app::config`), the digest of the code's
//! redacted payload and the code's index in its image. So `scan site/`, `scan site/img`,
//! `scan site/img/qr.png` and `scan /abs/site/img/qr.png` give one fingerprint, and the same
//! code in `d1/qr.png` and `d2/qr.png` two. It never hashes a secret: a fingerprint of a text
//! holding a weak password would let anyone who sees it test guesses offline.
//!
//! The first form (`fingerprint_version` 1, reports without the field) hashed the path
//! relative to the PATH argument instead, so it changed with how the scan was started and
//! collided across folders. It is still computed (`legacy_fingerprint`, never written) so that
//! baselines and ignore entries of that form keep matching until they are rewritten.

use sha2::{Digest, Sha256};

use super::model::{Fingerprint, InputEntry};

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
    fingerprint_of_form("v2", rule, relative_location, payload_digest, index, detail)
}

fn fingerprint_of_form(
    form: &str,
    rule: &str,
    relative_location: &str,
    payload_digest: &str,
    index: u32,
    detail: &str,
) -> String {
    let material = format!(
        "qraudit-fingerprint-{form}\n{rule}\n{relative_location}\n{payload_digest}\n{index}\n{detail}"
    );
    let mut hex = sha256_hex(material.as_bytes());
    hex.truncate(32);
    hex
}

/// Fills in the fingerprint of every finding of one input that has none yet.
pub fn assign_input(input: &mut InputEntry) {
    for code in &mut input.codes {
        // The location relative to the fingerprint root: the input's rooted path, plus the
        // part inside a container (`!page-2`) when there is one.
        let relative_location = code.provenance.with_input(&input.rooted_path);
        // Only a scan knows the path relative to its PATH argument; a report read back (merge)
        // does not, and keeps no fingerprint of the first form.
        let legacy_location = input
            .scan_relative_path
            .as_deref()
            .filter(|path| !path.is_empty())
            .map(|path| code.provenance.with_input(path));
        let mut seen: Vec<String> = Vec::new();
        for finding in code.findings.iter_mut() {
            let evidence = finding
                .masked_evidence
                .as_deref()
                .or(finding.evidence.as_deref())
                .unwrap_or("");
            let key = format!("{}\n{evidence}", finding.rule.id);
            let repeat = seen.iter().filter(|k| **k == key).count();
            seen.push(key);
            let detail = format!("{evidence}\n{repeat}");
            if finding.fingerprint.is_none() {
                finding.fingerprint = Some(Fingerprint {
                    current: fingerprint(
                        finding.rule.id,
                        &relative_location,
                        &code.payload_digest,
                        code.index,
                        &detail,
                    ),
                    legacy: legacy_location.as_deref().map(|location| {
                        fingerprint_of_form(
                            "v1",
                            finding.rule.id,
                            location,
                            &code.payload_digest,
                            code.index,
                            &detail,
                        )
                    }),
                });
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
