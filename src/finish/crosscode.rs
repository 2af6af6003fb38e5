//! Applying the rules that look across codes (today: `community-conflict`) to a set of input
//! reports. Shared by a scan, which knows the parsed provisioning URLs of its codes, and by
//! `merge`, which re-parses them from the (redacted) texts of shard reports, so that a sharded
//! run finds the same conflicts as a single one.

use super::model::{FindingEntry, InputEntry};
use crate::audit;
use crate::audit::policy::Policy;
use crate::payload::sametime::Provisioning;
use crate::text::redact::Redactor;

/// A Sametime code of the run: where it is (input, code position) and what it says.
#[derive(Debug)]
pub struct SametimeCode {
    pub input: usize,
    pub code: usize,
    pub provisioning: Provisioning,
    /// Masks the code's own secrets in findings about it (unless `--show-secrets`).
    pub redactor: Redactor,
    /// Masks them always (for fingerprints).
    pub masking: Redactor,
}

/// Adds the cross-code findings to the codes they are about. Which codes carry a finding does
/// not depend on the order of `codes`; the order only decides how the other codes are listed in
/// messages, so callers pass them in walk order to match a single run.
pub fn apply(inputs: &mut [InputEntry], codes: &[SametimeCode], policy: &Policy) {
    // Findings name the other code by where a reader finds it.
    let labels: Vec<String> = codes
        .iter()
        .map(
            |c| match inputs.get(c.input).and_then(|i| i.codes.get(c.code)) {
                Some(code) => format!("{} #{}", code.provenance, code.index),
                None => "another code".to_string(),
            },
        )
        .collect();
    let items: Vec<(&str, &Provisioning)> = labels
        .iter()
        .zip(codes)
        .map(|(label, c)| (label.as_str(), &c.provisioning))
        .collect();
    for (item, finding) in audit::audit_across(&items, policy) {
        let Some(target) = codes.get(item) else {
            continue;
        };
        if let Some(code) = inputs
            .get_mut(target.input)
            .and_then(|input| input.codes.get_mut(target.code))
        {
            code.findings.push(FindingEntry::redacted(
                &finding,
                &target.redactor,
                &target.masking,
            ));
        }
    }
}
