//! Exit codes, the contract with CI jobs.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | nothing at or above `--fail-on` |
//! | 1 | findings at or above `--fail-on` |
//! | 2 | an input could not be read, or a usage or set-up error |
//!
//! 2 outranks 1: a run that could not look at everything cannot vouch for what it missed.

use crate::audit::Severity;
use crate::report::model::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

impl ExitStatus {
    /// The more serious of two statuses.
    pub fn merge(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }

    /// The status a report earns; `fail_on` of `None` means findings never fail the run.
    pub fn for_report(report: &Report, fail_on: Option<Severity>) -> ExitStatus {
        let errors = if report.summary.errors > 0 {
            ExitStatus::Error
        } else {
            ExitStatus::Clean
        };
        let findings = match fail_on {
            Some(threshold) if report.summary.findings.at_or_above(threshold) > 0 => {
                ExitStatus::Findings
            }
            _ => ExitStatus::Clean,
        };
        errors.merge(findings)
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Summary, Tool};

    fn report(errors: u64, high: u64, low: u64) -> Report {
        let mut summary = Summary {
            errors,
            ..Summary::default()
        };
        summary.findings.high = high;
        summary.findings.low = low;
        Report {
            schema_version: 1,
            tool: Tool::this(),
            summary,
            notes: Vec::new(),
            inputs: Vec::new(),
        }
    }

    #[test]
    fn errors_outrank_findings() {
        assert_eq!(
            ExitStatus::for_report(&report(1, 3, 0), Some(Severity::Medium)),
            ExitStatus::Error
        );
        assert_eq!(
            ExitStatus::Findings.merge(ExitStatus::Error),
            ExitStatus::Error
        );
        assert_eq!(
            ExitStatus::Clean.merge(ExitStatus::Findings),
            ExitStatus::Findings
        );
    }

    #[test]
    fn threshold_decides_whether_findings_fail() {
        let r = report(0, 0, 2);
        assert_eq!(
            ExitStatus::for_report(&r, Some(Severity::Medium)),
            ExitStatus::Clean
        );
        assert_eq!(
            ExitStatus::for_report(&r, Some(Severity::Low)),
            ExitStatus::Findings
        );
        assert_eq!(
            ExitStatus::for_report(&report(0, 5, 0), None),
            ExitStatus::Clean
        );
        assert_eq!(
            ExitStatus::for_report(&report(0, 5, 0), Some(Severity::High)),
            ExitStatus::Findings
        );
    }
}
