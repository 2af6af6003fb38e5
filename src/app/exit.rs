//! Exit codes, the contract with CI jobs.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | nothing at or above `--fail-on` |
//! | 1 | findings at or above `--fail-on` |
//! | 2 | an input could not be read, or a usage or set-up error |
//! | 3 | with `--fail-on-no-code`: every input was read and not one QR code was found |
//!
//! 2 outranks 1: a run that could not look at everything cannot vouch for what it missed.
//! `--write-baseline` accepts today's findings, so such a run exits 0 unless an input could not
//! be read. The last line a run writes to stderr says which code it exits with, and why
//! (`ExitStatus::reason`).

use crate::audit::Severity;
use crate::audit::policy::FailOn;
use crate::report::model::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    Clean = 0,
    Findings = 1,
    Error = 2,
    /// `--fail-on-no-code` and not one code in a run that read every input. Never set over 1
    /// or 2 (`with_no_code`): a run with findings has codes, and an unreadable input is the
    /// more serious news.
    NoCode = 3,
}

impl ExitStatus {
    /// The more serious of two statuses.
    pub fn merge(self, other: ExitStatus) -> ExitStatus {
        self.max(other)
    }

    /// The status a report earns under `fail_on`.
    pub fn for_report(report: &Report, fail_on: FailOn) -> ExitStatus {
        let fail_on = fail_on.threshold();
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

    /// The status of a run that writes a baseline: its findings are being accepted, so only an
    /// unreadable input fails it.
    pub fn for_baseline(report: &Report) -> ExitStatus {
        if report.summary.errors > 0 {
            ExitStatus::Error
        } else {
            ExitStatus::Clean
        }
    }

    /// This status, or `NoCode` for a clean run that found no code when `--fail-on-no-code`
    /// asks for it.
    pub fn with_no_code(self, report: &Report, fail_on_no_code: bool) -> ExitStatus {
        if fail_on_no_code && self == ExitStatus::Clean && report.summary.codes == 0 {
            ExitStatus::NoCode
        } else {
            self
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    /// One line saying why a run that earned this status exits with it: `exit 1: 3 findings at
    /// or above medium`. `baseline` is the file a baseline was written to, if any.
    pub fn reason(self, report: &Report, fail_on: FailOn, baseline: Option<&str>) -> String {
        let fail_on = fail_on.threshold();
        let s = &report.summary;
        let count =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let findings = |n: u64| count(n, "finding", "findings");
        let total = s.findings.total();
        let failing = fail_on.map_or(0, |t| s.findings.at_or_above(t));
        let threshold = fail_on.map_or("never", Severity::as_str);
        let suppressed = if s.suppressed > 0 {
            format!(" ({} suppressed)", s.suppressed)
        } else {
            String::new()
        };
        let why = match self {
            ExitStatus::Error => {
                let mut why = format!("{} could not be read", count(s.errors, "input", "inputs"));
                if failing > 0 && baseline.is_none() {
                    why.push_str(&format!(
                        "; also {} at or above {threshold}",
                        findings(failing)
                    ));
                }
                why
            }
            ExitStatus::Findings => {
                format!("{} at or above {threshold}{suppressed}", findings(failing))
            }
            ExitStatus::NoCode => format!(
                "no QR code found in {} (--fail-on-no-code)",
                count(s.inputs, "input", "inputs")
            ),
            ExitStatus::Clean => match (baseline, fail_on) {
                (Some(path), _) => format!(
                    "baseline written to {path}, accepting {}",
                    findings(total + s.suppressed)
                ),
                (None, None) => {
                    format!(
                        "findings never fail this run (fail on never); {}{suppressed}",
                        findings(total)
                    )
                }
                (None, Some(_)) if total == 0 => format!("no findings{suppressed}"),
                (None, Some(_)) => format!(
                    "no findings at or above {threshold} ({} below it){suppressed}",
                    total
                ),
            },
        };
        format!("exit {}: {why}", self.code())
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
            fingerprint_version: 2,
            inputs: Vec::new(),
        }
    }

    #[test]
    fn errors_outrank_findings() {
        assert_eq!(
            ExitStatus::for_report(&report(1, 3, 0), FailOn::At(Severity::Medium)),
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
    fn the_reason_names_the_exit_code_and_the_counts() {
        let medium = FailOn::At(Severity::Medium);
        let failing = report(0, 3, 1);
        assert_eq!(
            ExitStatus::for_report(&failing, medium).reason(&failing, medium, None),
            "exit 1: 3 findings at or above medium"
        );
        let broken = report(2, 3, 0);
        assert_eq!(
            ExitStatus::for_report(&broken, medium).reason(&broken, medium, None),
            "exit 2: 2 inputs could not be read; also 3 findings at or above medium"
        );
        let low_only = report(0, 0, 2);
        assert_eq!(
            ExitStatus::Clean.reason(&low_only, medium, None),
            "exit 0: no findings at or above medium (2 below it)"
        );
        assert_eq!(
            ExitStatus::Clean.reason(&failing, FailOn::Never, None),
            "exit 0: findings never fail this run (fail on never); 4 findings"
        );
        // A baseline accepts the findings: 0 unless an input could not be read.
        assert_eq!(ExitStatus::for_baseline(&failing), ExitStatus::Clean);
        assert_eq!(ExitStatus::for_baseline(&broken), ExitStatus::Error);
        assert_eq!(
            ExitStatus::Clean.reason(&failing, medium, Some("b.json")),
            "exit 0: baseline written to b.json, accepting 4 findings"
        );
        assert_eq!(
            ExitStatus::Error.reason(&report(1, 0, 0), medium, Some("b.json")),
            "exit 2: 1 input could not be read"
        );
    }

    #[test]
    fn threshold_decides_whether_findings_fail() {
        let r = report(0, 0, 2);
        assert_eq!(
            ExitStatus::for_report(&r, FailOn::At(Severity::Medium)),
            ExitStatus::Clean
        );
        assert_eq!(
            ExitStatus::for_report(&r, FailOn::At(Severity::Low)),
            ExitStatus::Findings
        );
        assert_eq!(
            ExitStatus::for_report(&report(0, 5, 0), FailOn::Never),
            ExitStatus::Clean
        );
        assert_eq!(
            ExitStatus::for_report(&report(0, 5, 0), FailOn::At(Severity::High)),
            ExitStatus::Findings
        );
    }
}
