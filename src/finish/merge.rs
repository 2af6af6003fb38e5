//! Merging the reports of shards.
//!
//! `qraudit merge` combines the reports of `--shard I/N` runs into the report a single run over
//! everything would have written, byte for byte:
//!
//! - the inputs of all shards in the order of the single run's walk: each shard report records
//!   every input's position in the whole walk (`walk_index`), which keeps the order of the PATH
//!   arguments (`scan b a` lists `b` first); reports without it are ordered by path;
//! - the cross-code rules (community conflicts) re-run over all of them — a conflict between two
//!   shards is invisible to each shard — with the policy's severity overrides, and its
//!   `[[ignore]]` entries applied to the new findings as in a single run. The shards' own
//!   cross-code findings are dropped and recomputed, from the texts in the reports: those are
//!   redacted, but a masked password still says that a password is present, which is all the
//!   conflict rule compares;
//! - suppressions and stale-ignore notes recomputed across all shards: a shard's report keeps
//!   the findings it suppressed (marked, as with `--show-suppressed`), so an ignore entry that
//!   matched a finding in any shard is not stale, and the count of suppressed findings adds up;
//! - the summary recounted.
//!
//! The last three are `finish`, as for a single run.

use std::cmp::Ordering;

use super::crosscode::SametimeCode;
use super::model::InputEntry;
use super::read::ReadError;
use super::suppress::Suppressor;
use super::{Note, Unfinished};
use crate::audit::catalogue::Scope;
use crate::audit::policy::Policy;
use crate::payload::sametime;
use crate::report::model::Report;
use crate::text::redact::Redactor;

/// Orders paths as a walk does: component by component, so `a/b` sorts with `a`'s contents.
fn walk_order(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

/// The report of one shard, read back into the entries finishing works on.
#[derive(Debug)]
pub struct ShardReport {
    notes: Vec<String>,
    inputs: Vec<InputEntry>,
}

impl ShardReport {
    /// A report as `read::read_report` read it. Fails only on a finding of a rule this qraudit
    /// does not know, which `read_report` has already refused.
    pub fn from_report(report: Report) -> Result<ShardReport, ReadError> {
        Ok(ShardReport {
            notes: report.notes,
            inputs: report
                .inputs
                .into_iter()
                .map(InputEntry::from_wire)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Merges shard reports into one, with the policy the shards ran with.
pub fn merge(reports: Vec<ShardReport>, policy: &Policy) -> Report {
    let mut notes: Vec<Note> = Vec::new();
    let mut inputs: Vec<InputEntry> = Vec::new();
    for report in reports {
        // Each shard says it is a shard; the merged report is not. Stale-ignore notes are
        // recomputed when the merge is finished.
        for note in report.notes.iter().filter_map(|text| Note::carried(text)) {
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        inputs.extend(report.inputs);
    }
    if inputs.iter().all(|i| i.walk_index.is_some()) {
        inputs.sort_by_key(|i| i.walk_index);
    } else {
        inputs.sort_by(|a, b| walk_order(&a.path, &b.path));
    }
    let mut sametime_codes = Vec::new();
    for (input_index, input) in inputs.iter_mut().enumerate() {
        input.walk_index = None;
        for (code_index, code) in input.codes.iter_mut().enumerate() {
            // Findings across codes are recomputed over every shard's codes.
            code.findings.retain(|f| f.rule.scope != Scope::CrossCode);
            let provisioning = code.text.as_deref().and_then(sametime::parse);
            if let Some(provisioning) = provisioning {
                sametime_codes.push(SametimeCode {
                    input: input_index,
                    code: code_index,
                    provisioning,
                    redactor: Redactor::default(),
                    masking: Redactor::default(),
                });
            }
        }
    }
    let unfinished = Unfinished {
        inputs,
        sametime: sametime_codes,
        notes,
    };
    super::finish(unfinished, policy, &Suppressor::new(policy, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_order_sorts_by_component() {
        let mut paths = vec!["a/b/c.png", "a-b.png", "a/a.png", "b.png"];
        paths.sort_by(|a, b| walk_order(a, b));
        assert_eq!(paths, vec!["a/a.png", "a/b/c.png", "a-b.png", "b.png"]);
    }
}
