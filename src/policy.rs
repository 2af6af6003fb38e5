//! The audit policy: which hosts and ports are allowed, the severity that fails a run, and
//! per-rule overrides. Built from flags and a TOML policy file.

use std::collections::BTreeMap;

use crate::audit::{Finding, Severity};

/// What a policy says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Host patterns: exact names or `*.example.com`. Empty means hosts are not checked.
    pub allowed_hosts: Vec<String>,
    /// Allowed ports. Empty means ports are not checked.
    pub allowed_ports: Vec<u16>,
    /// The lowest severity that fails the run, when the policy sets one.
    pub fail_on: Option<Severity>,
    pub rules: BTreeMap<String, RuleSetting>,
}

impl Policy {
    /// Applies per-rule overrides: drops findings of rules turned off, re-grades the others.
    pub fn apply_overrides(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut finding| match self.rules.get(&finding.rule) {
                Some(RuleSetting::Off) => None,
                Some(RuleSetting::Severity(severity)) => {
                    finding.severity = *severity;
                    Some(finding)
                }
                None => Some(finding),
            })
            .collect()
    }
}

/// Placeholder until the policy file parser lands: refuses every file rather than ignoring it.
impl Policy {
    pub fn load(path: &std::path::Path) -> Result<Policy, String> {
        Err(format!(
            "{}: policy files are not supported yet",
            path.display()
        ))
    }
}
