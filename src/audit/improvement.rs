//! The one judge of every rewrite qraudit offers: a `suggested_url` or a `fixed_url` is shown only
//! when re-auditing it proves it a strict improvement on what it replaces.
//!
//! A security tool that hands out a worse code does more harm than one that hands out none. So
//! each candidate is classified and audited again, with the same policy, and compared with the
//! audit of the original (`judge`):
//!
//! - no rule fires that did not fire on the original;
//! - no rule fires more often, or at a higher severity, than on the original;
//! - no risky switch is raised (`Level`, `Off < Maybe < On`, of `allowUntrustedSSL`,
//!   `savePassword` and the reuse of the Sametime credentials for the proxy): a misspelt
//!   `allowUntrustedSsl=true` (maybe on) never becomes a live `allowUntrustedSSL=true` (on);
//! - and something is strictly better: the rule of the finding the suggestion belongs to no
//!   longer fires; for a `fixed_url`, there are fewer findings.
//!
//! Findings are compared before the policy's overrides, so that switching a rule off never lets a
//! worse rewrite through. A rewrite replaces either the whole decoded text or one link inside it
//! (a contact's URL: `Finding::suggestion_scope`); the comparison is made within that scope.
//! Every place that offers a rewrite goes through here: `audit_code` for every finding,
//! `scan::analyze` for the fixed URL, `config_url` for the stproxyconfig.xml element.

use std::collections::BTreeMap;

use super::{Finding, Severity, catalogue};
use crate::audit::policy::Policy;
use crate::payload::Payload;
use crate::payload::sametime::{Level, RISKY_SWITCHES};

/// What the judge compares: each finding's rule and severity, and each risky switch's level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audited {
    findings: Vec<(String, Severity)>,
    risks: Vec<(&'static str, Level)>,
    /// The highest level of each risky switch over every reading of the text (a scanner's
    /// wrapper stripped, an entity read as `&`…): a rewrite may raise neither this nor `risks`.
    reading_risks: Vec<(&'static str, Level)>,
}

impl Audited {
    pub fn new(findings: &[Finding], risks: Vec<(&'static str, Level)>) -> Self {
        Audited {
            findings: findings
                .iter()
                .map(|f| (f.rule.id.to_string(), f.severity))
                .collect(),
            reading_risks: risks.clone(),
            risks,
        }
    }

    /// The same, with the levels of the switches over every reading of the text.
    pub fn with_reading_risks(mut self, reading_risks: Vec<(&'static str, Level)>) -> Self {
        self.reading_risks = reading_risks;
        self
    }

    /// A whole decoded text, classified and audited as a scanned code would be.
    pub fn of_text(text: &str, policy: &Policy) -> Self {
        let payload = Payload::classify(text);
        Audited::new(
            &super::findings_of(text, &payload, policy),
            risks_of(&payload),
        )
        .with_reading_risks(risks_of_text(text, &payload))
    }

    /// A link inside another payload, audited as the web rules audit such a link.
    pub fn of_link(text: &str, policy: &Policy) -> Self {
        Audited::new(&super::web::audit_url(text, "the link", policy), Vec::new())
    }

    /// The same with one more finding of `rule` at its default severity (a rule found outside
    /// the text, such as the escaping of a stproxyconfig.xml element).
    pub fn with_rule(mut self, rule: &catalogue::Rule) -> Self {
        self.findings.push((rule.id.to_string(), rule.severity));
        self
    }

    /// Per rule: how many findings, and the highest severity.
    fn by_rule(&self) -> BTreeMap<&str, (usize, Severity)> {
        let mut out: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
        for (rule, severity) in &self.findings {
            let entry = out.entry(rule.as_str()).or_insert((0, *severity));
            entry.0 += 1;
            entry.1 = entry.1.max(*severity);
        }
        out
    }

    fn risk(&self, switch: &str) -> Level {
        level_in(&self.risks, switch)
    }

    fn reading_risk(&self, switch: &str) -> Level {
        level_in(&self.reading_risks, switch)
    }
}

fn level_in(risks: &[(&'static str, Level)], switch: &str) -> Level {
    risks
        .iter()
        .find(|(name, _)| *name == switch)
        .map_or(Level::Off, |(_, level)| *level)
}

/// The level of every risky switch of a payload (only provisioning URLs have any).
pub fn risks_of(payload: &Payload) -> Vec<(&'static str, Level)> {
    match payload {
        Payload::Sametime(p) => RISKY_SWITCHES.iter().map(|s| (*s, p.risk(s))).collect(),
        _ => Vec::new(),
    }
}

/// The level of every risky switch over every reading of `text` (`payload` is its
/// classification as written): the highest any reader sees. A rewrite judged against this can
/// never leave a risky reading behind.
pub fn risks_of_text(text: &str, payload: &Payload) -> Vec<(&'static str, Level)> {
    let mut risks = risks_of(payload);
    for reading in crate::payload::readings::alternatives(text) {
        for (switch, level) in risks_of(&Payload::classify(&reading.text)) {
            match risks.iter_mut().find(|(s, _)| *s == switch) {
                Some(entry) => entry.1 = entry.1.max(level),
                None => risks.push((switch, level)),
            }
        }
    }
    risks
}

/// Why a candidate is not a strict improvement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Worse {
    /// A rule fires that did not fire on the original.
    NewRule(String),
    /// A rule fires more often than on the original.
    MoreFindings(String),
    /// A rule fires at a higher severity than on the original.
    SeverityRaised(String),
    /// A risky switch is more surely on than on the original.
    RiskRaised(&'static str),
    /// The rule the suggestion was meant to fix still fires.
    TargetStillFires(String),
    /// Nothing got better.
    NotBetter,
}

/// `Ok` when `after` is a strict improvement on `before`; `target` is the rule whose finding the
/// candidate is meant to fix (`None` for a URL that fixes everything it can).
pub fn judge(before: &Audited, after: &Audited, target: Option<&str>) -> Result<(), Worse> {
    let old = before.by_rule();
    let new = after.by_rule();
    for (rule, (count, severity)) in &new {
        let Some((old_count, old_severity)) = old.get(rule) else {
            return Err(Worse::NewRule(rule.to_string()));
        };
        if count > old_count {
            return Err(Worse::MoreFindings(rule.to_string()));
        }
        if severity > old_severity {
            return Err(Worse::SeverityRaised(rule.to_string()));
        }
    }
    for switch in RISKY_SWITCHES {
        // Neither as written nor in any reading: repairing `&amp;savePassword=true` into
        // `&savePassword=true` switches it on for the app that reads the code as written.
        if after.risk(switch) > before.risk(switch)
            || after.reading_risk(switch) > before.reading_risk(switch)
        {
            return Err(Worse::RiskRaised(switch));
        }
    }
    match target {
        Some(rule) if new.contains_key(rule) => Err(Worse::TargetStillFires(rule.to_string())),
        Some(_) => Ok(()),
        None if after.findings.len() < before.findings.len() => Ok(()),
        None => Err(Worse::NotBetter),
    }
}

/// Keeps each finding's `suggested_url` only when it is a strict improvement within its scope:
/// the whole `text` (compared with `before`, its audit), or the link named by the finding's
/// `suggestion_scope`.
pub fn vet_suggestions(findings: &mut [Finding], before: &Audited, policy: &Policy) {
    // Several findings often suggest the same text (every parse issue suggests the repaired
    // URL): each text is audited once per scope.
    let mut audits: Vec<(bool, String, Audited)> = Vec::new();
    let mut audit = |as_link: bool, text: &str| -> Audited {
        if let Some((_, _, audited)) = audits
            .iter()
            .find(|(link, t, _)| *link == as_link && t == text)
        {
            return audited.clone();
        }
        let audited = if as_link {
            Audited::of_link(text, policy)
        } else {
            Audited::of_text(text, policy)
        };
        audits.push((as_link, text.to_string(), audited.clone()));
        audited
    };
    for finding in findings.iter_mut() {
        let Some(candidate) = finding.suggested_url.take() else {
            continue;
        };
        let verdict = match &finding.suggestion_scope {
            None => judge(before, &audit(false, &candidate), Some(finding.rule.id)),
            Some(link) => judge(
                &audit(true, link),
                &audit(true, &candidate),
                Some(finding.rule.id),
            ),
        };
        if verdict.is_ok() {
            finding.suggested_url = Some(candidate);
        }
    }
}

/// `candidate` when it is a strict improvement on the whole `text`: the gate of `fixed_url`.
pub fn vet_fixed(text: &str, candidate: String, policy: &Policy) -> Option<String> {
    let before = Audited::of_text(text, policy);
    judge(&before, &Audited::of_text(&candidate, policy), None)
        .is_ok()
        .then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Audited {
        Audited::of_text(text, &Policy::default())
    }

    const BASE: &str = "hclsametime://stproxy.example.com/?action=AddCommunity";

    #[test]
    fn renaming_a_misspelt_risky_switch_into_a_live_one_is_worse() {
        let before = of(&format!("{BASE}&allowUntrustedSsl=true"));
        let live = of(&format!("{BASE}&allowUntrustedSSL=true"));
        assert_eq!(
            judge(&before, &live, Some("unknown-parameter")),
            Err(Worse::RiskRaised("allowUntrustedSSL"))
        );
        assert_eq!(judge(&before, &of(BASE), Some("unknown-parameter")), Ok(()));
        let explicit_off = of(&format!("{BASE}&allowUntrustedSSL=false"));
        assert_eq!(judge(&before, &explicit_off, None), Ok(()));
    }

    #[test]
    fn the_same_for_saved_passwords_and_reused_proxy_credentials() {
        let before = of(&format!("{BASE}&savepassword=TRUE"));
        assert_eq!(
            judge(&before, &of(&format!("{BASE}&savePassword=true")), None),
            Err(Worse::RiskRaised("savePassword"))
        );
        let before = of(&format!("{BASE}&authProxyReuseCredential=true"));
        assert_eq!(
            judge(
                &before,
                &of(&format!("{BASE}&authProxyReuseCredentials=true")),
                None
            ),
            Err(Worse::RiskRaised("authProxyReuseCredentials"))
        );
    }

    #[test]
    fn new_rules_more_findings_and_unfixed_targets_are_rejected() {
        let before = of(&format!("{BASE}&comunityName=Sales"));
        assert_eq!(
            judge(
                &before,
                &of("hclsametime://stproxy.example.com/?communityName=Sales"),
                None
            ),
            Err(Worse::NewRule("missing-action".into()))
        );
        assert_eq!(
            judge(
                &before,
                &of(&format!("{BASE}&comunityName=Sales&fo=1")),
                None
            ),
            Err(Worse::MoreFindings("unknown-parameter".into()))
        );
        assert_eq!(
            judge(&before, &before, Some("unknown-parameter")),
            Err(Worse::TargetStillFires("unknown-parameter".into()))
        );
        assert_eq!(judge(&before, &before, None), Err(Worse::NotBetter));
        assert_eq!(
            judge(&before, &of(&format!("{BASE}&communityName=Sales")), None),
            Ok(())
        );
    }

    #[test]
    fn a_rewrite_raises_no_switch_as_written_nor_in_any_reading() {
        // Behind '&amp;' the app, reading the code as written, does not save passwords; a
        // page-pasted reading does. Repairing the entity switches it on as written: worse.
        let hidden = of(&format!("{BASE}&amp;savePassword=true"));
        let live = of(&format!("{BASE}&savePassword=true"));
        assert_eq!(
            judge(&hidden, &live, None),
            Err(Worse::RiskRaised("savePassword"))
        );
        // A scanner's wrapper hides a live switch from the text as written, not from the phone:
        // the bare URL with the switch is no worse, the one without it is better.
        let wrapped = of(&format!("URI:{BASE}&savePassword=true"));
        assert_eq!(judge(&wrapped, &of(BASE), None), Ok(()));
        let intent =
            of("intent://stproxy.example.com/?action=AddCommunity#Intent;scheme=hclsametime;end");
        let risky_intent = of(
            "intent://stproxy.example.com/?action=AddCommunity&savePassword=1#Intent;scheme=hclsametime;end",
        );
        assert!(judge(&intent, &risky_intent, None).is_err());
        assert!(judge(&risky_intent, &intent, None).is_ok());
    }

    #[test]
    fn severities_are_compared_per_rule() {
        let before = Audited {
            findings: vec![("save-password".into(), Severity::Medium)],
            ..Audited::default()
        };
        let after = Audited {
            findings: vec![("save-password".into(), Severity::High)],
            ..Audited::default()
        };
        assert_eq!(
            judge(&before, &after, None),
            Err(Worse::SeverityRaised("save-password".into()))
        );
    }
}
