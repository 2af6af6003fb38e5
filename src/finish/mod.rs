//! Finishing a report: the last steps every report goes through, whether its inputs were just
//! scanned (`scan`, `check`) or read back from the reports of shards (`merge`). `finish` is the
//! one entry point; `finish_input` is the part of it that one input can take alone, which the
//! lines of a JSON Lines report carry as each input is done.
//!
//! In order: the rules that look across codes (`crosscode`), the fingerprint of every finding
//! (`fingerprint`), the suppressions of the baseline and the policy's ignore entries
//! (`suppress`, which also notes the ignore entries that matched nothing), the notes of the run
//! (`notes`) and the summary. They work on the typed entries of `model`, which become the
//! wire format of `report::model` once, at the end of `finish`; `read` reads reports back, for
//! `merge` (which turns them back into entries) and `--baseline` (which keeps fingerprints).

pub mod crosscode;
pub mod fingerprint;
pub mod merge;
pub mod model;
pub mod notes;
pub mod read;
pub mod suppress;

pub use notes::Note;

use crate::audit::policy::Policy;
use crate::report::model::{FINGERPRINT_VERSION, Report, SCHEMA_VERSION, Summary, Tool};
use crosscode::SametimeCode;
use model::InputEntry;
use suppress::Suppressor;

/// A run's inputs, analysed but not yet finished: what `scan`, `check` and `merge` hand over.
#[derive(Debug, Default)]
pub struct Unfinished {
    /// Every input, in walk order.
    pub inputs: Vec<InputEntry>,
    /// The Sametime codes among their codes, for the cross-code rules.
    pub sametime: Vec<SametimeCode>,
    /// What the reader should know about the run, before any stale-ignore note.
    pub notes: Vec<Note>,
}

/// Finishes a run's report: cross-code findings (with the policy's severity overrides),
/// fingerprints, suppressions, stale-ignore notes and the summary.
pub fn finish(run: Unfinished, policy: &Policy, suppressor: &Suppressor) -> Report {
    let Unfinished {
        mut inputs,
        sametime,
        mut notes,
    } = run;
    crosscode::apply(&mut inputs, &sametime, policy);
    for input in &mut inputs {
        finish_input(input, suppressor);
    }
    notes.extend(suppressor.notes(&inputs));
    let mut report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        summary: Summary::default(),
        notes: notes.iter().map(Note::to_string).collect(),
        fingerprint_version: FINGERPRINT_VERSION,
        // The one place the finished inputs become the wire format.
        inputs: inputs.into_iter().map(InputEntry::into_wire).collect(),
    };
    report.recount();
    report
}

/// What one input can be finished with alone: the fingerprints of its findings and their
/// suppressions. Findings that already have them keep them, so finishing twice changes nothing.
pub fn finish_input(input: &mut InputEntry, suppressor: &Suppressor) {
    fingerprint::assign_input(input);
    suppressor.apply_input(input);
}
