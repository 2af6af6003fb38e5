//! Notes: what the reader of a report should know about the run as a whole. They are typed
//! while a report is finished and become text only on the wire (`notes` in JSON, the lines under
//! the table); `read` tells which notes of a shard's report a merge carries over.

use std::fmt;

use crate::source::Shard;

/// One note of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The policy lists no allowed hosts, so no host was checked.
    HostsNotChecked,
    /// The report covers one shard of the inputs only.
    Shard(Shard),
    /// An `[[ignore]]` entry of the policy that matched no finding.
    StaleIgnore { origin: String, reason: String },
    /// A `--baseline` whose fingerprints are of the first form (relative to the scan root):
    /// matched that way, which breaks when the scan is started differently.
    OldBaseline { origin: String },
    /// A note read back from a shard's report and carried into the merge as written.
    Carried(String),
}

/// How every stale-ignore note starts (a merge recomputes them).
const STALE_PREFIX: &str = "stale ignore at ";

/// How every shard note starts (a merge drops them: the merged report is no shard).
const SHARD_PREFIX: &str = "shard ";

/// The text of `Note::HostsNotChecked`.
const HOSTS_NOT_CHECKED: &str = "hosts were not checked: no allowed hosts are configured (--allow-host or allowed_hosts in the policy file)";

impl Note {
    /// A note of a shard's report, as a merge carries it: `None` for the notes a merge
    /// recomputes (stale ignores) or drops (the shard's own note).
    pub fn carried(text: &str) -> Option<Note> {
        if text.starts_with(SHARD_PREFIX) || text.starts_with(STALE_PREFIX) {
            None
        } else if text == HOSTS_NOT_CHECKED {
            Some(Note::HostsNotChecked)
        } else {
            Some(Note::Carried(text.to_string()))
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::HostsNotChecked => f.write_str(HOSTS_NOT_CHECKED),
            Note::Shard(shard) => write!(
                f,
                "{SHARD_PREFIX}{shard}: only this shard's inputs were scanned; `qraudit merge` combines the shards' reports"
            ),
            Note::StaleIgnore { origin, reason } => write!(
                f,
                "{STALE_PREFIX}{origin} (reason: {reason}) matched no finding: remove it"
            ),
            Note::OldBaseline { origin } => write!(
                f,
                "baseline {origin} has fingerprints of qraudit's first form (relative to the folder each scan started from): they were matched that way; write it again with --write-baseline so that every way of naming a file matches"
            ),
            Note::Carried(text) => f.write_str(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_merge_carries_what_it_does_not_recompute() {
        let shard = Note::Shard(Shard { index: 2, count: 8 }).to_string();
        let stale = Note::StaleIgnore {
            origin: "qraudit.toml:4".to_string(),
            reason: "old poster".to_string(),
        }
        .to_string();
        assert_eq!(Note::carried(&shard), None);
        assert_eq!(Note::carried(&stale), None);
        assert_eq!(
            Note::carried(&Note::HostsNotChecked.to_string()),
            Some(Note::HostsNotChecked)
        );
        assert_eq!(
            Note::carried("something else"),
            Some(Note::Carried("something else".to_string()))
        );
    }
}
