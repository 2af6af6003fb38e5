//! The audit policy: which hosts and ports are allowed, the severity that fails a run, and
//! per-rule overrides. Built from a TOML policy file and from command-line flags.
//!
//! The file is strict on purpose (like `typos`' config): an unknown key, an unknown rule id or
//! a bad value is an error naming the key and the line, never silently ignored, because a
//! misspelt `alowed_hosts` would otherwise switch a check off without anyone noticing.
//!
//! ```toml
//! fail_on = "high"                       # info|low|medium|high|critical|never
//! allowed_hosts = ["stproxy.example.com", "*.example.net"]
//! allowed_ports = [443, 8443]
//! guest_networks = ["Guest", "Visitors"]   # Wi-Fi SSIDs whose key is meant to be shared
//! payment_accounts = ["CH44 3199 9123 0008 8901 2", "bc1q…"]   # where payment codes may pay
//!
//! [rules]
//! personal-user-id = "off"               # off|info|low|medium|high|critical
//! save-password = "high"
//! ```
//!
//! Room is left for the `[[ignore]]` entries of issue 6: they will be one more optional field of
//! `PolicyFile`; until then `ignore` is an unknown key, and so an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use crate::audit::{Finding, Severity, catalogue};

/// The policy file read from the current folder when no `--policy` is given.
pub const DEFAULT_FILE: &str = "qraudit.toml";

/// What a policy says about one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

/// The threshold at which findings fail the run: `never`, or a severity (that one and worse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Never,
    At(Severity),
}

impl FailOn {
    /// The least severity that fails the run; `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Never => None,
            FailOn::At(severity) => Some(severity),
        }
    }

    /// True when a finding of `severity` fails the run.
    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::Never => false,
            FailOn::At(threshold) => severity >= threshold,
        }
    }
}

impl FromStr for FailOn {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "never" {
            return Ok(FailOn::Never);
        }
        parse_severity(s)
            .map(FailOn::At)
            .ok_or_else(|| format!("'{s}' is not one of info, low, medium, high, critical, never"))
    }
}

impl std::fmt::Display for FailOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailOn::Never => f.write_str("never"),
            FailOn::At(s) => f.write_str(s.as_str()),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Host patterns, normalised (lower case, no trailing dot): exact names or `*.example.com`.
    /// Empty means hosts are not checked.
    pub allowed_hosts: Vec<String>,
    /// Allowed ports. Empty means ports are not checked.
    pub allowed_ports: Vec<u16>,
    /// The threshold that fails the run, when the policy sets one (`None`: the caller's default).
    pub fail_on: Option<FailOn>,
    /// Wi-Fi network names (SSIDs, exact and case-sensitive, as phones compare them) whose key
    /// is meant to be shared: `embedded-password` does not fire for their Wi-Fi codes.
    pub guest_networks: Vec<String>,
    /// Accounts payment codes may pay (IBANs, addresses, Lightning nodes), normalised by
    /// `payment::normalise_account`. Empty means payments are not checked (each is reported for
    /// review instead).
    pub payment_accounts: Vec<String>,
    /// `quality = true`: judge the print quality of codes in photographs too (as `--quality`).
    pub quality: bool,
    /// `cache = "DIR"`: the decode cache folder (as `--cache`), relative to the policy file's
    /// folder. It changes no finding, only how long a rerun takes.
    pub cache: Option<PathBuf>,
    pub rules: BTreeMap<String, RuleSetting>,
    /// `[[ignore]]` entries: findings they match are reported as suppressed.
    pub ignores: Vec<Ignore>,
}

/// One `[[ignore]]` entry: by fingerprint, or by path glob plus rule, always with a reason.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub fingerprint: Option<String>,
    /// The glob as written, and compiled.
    pub path: Option<(String, globset::GlobMatcher)>,
    pub rule: Option<String>,
    pub reason: String,
    /// Where the entry is, for the stale-ignore report.
    pub origin: String,
}

impl Ignore {
    /// Whether this entry covers a finding of `rule` known by any of `fingerprints` (its
    /// fingerprint, and the one of the first form for entries written before fingerprints were
    /// rooted), on an input known by any of `paths` (as given, relative to the fingerprint root,
    /// relative to the PATH argument: a glob written for any of them keeps working).
    pub fn matches(&self, fingerprints: &[&str], rule: &str, paths: &[&str]) -> bool {
        if let Some(wanted) = &self.fingerprint {
            return fingerprints.iter().any(|f| !f.is_empty() && f == wanted);
        }
        let rule_ok = self.rule.as_deref().is_none_or(|r| r == rule);
        let path_ok = self
            .path
            .as_ref()
            .is_some_and(|(_, glob)| paths.iter().any(|p| glob.is_match(p)));
        rule_ok && path_ok
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy file {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A bad key or value in a policy file; `key` is the offending key when known.
    #[error("{}:{line}: {message}", .origin.display())]
    Invalid {
        origin: PathBuf,
        line: usize,
        key: Option<String>,
        message: String,
    },
    /// A bad `--allow-host` / `--allow-port` value.
    #[error("invalid {flag} value '{value}': {message}")]
    Flag {
        flag: &'static str,
        value: String,
        message: String,
    },
}

/// The file as written. Spans give the line of every value for error messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    fail_on: Option<Spanned<String>>,
    allowed_hosts: Option<Vec<Spanned<String>>>,
    allowed_ports: Option<Vec<Spanned<i64>>>,
    guest_networks: Option<Vec<Spanned<String>>>,
    payment_accounts: Option<Vec<Spanned<String>>>,
    quality: Option<bool>,
    cache: Option<String>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    ignore: Option<Vec<Spanned<IgnoreEntry>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    fingerprint: Option<String>,
    path: Option<String>,
    rule: Option<String>,
    reason: Option<String>,
}

fn parse_severity(s: &str) -> Option<Severity> {
    Severity::ALL.into_iter().find(|sev| sev.as_str() == s)
}

/// Normalises a host pattern: an exact name, or `*.` followed by a name (any subdomain of it).
pub fn validate_host_pattern(pattern: &str) -> Result<String, String> {
    let p = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    let name = p.strip_prefix("*.").unwrap_or(&p);
    if name.is_empty() {
        return Err(
            "a host pattern needs a name ('stproxy.example.com' or '*.example.com')".into(),
        );
    }
    if name.contains('*') {
        return Err("'*' is only allowed as a whole first label ('*.example.com')".into());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, '/' | ':' | '@' | '?' | '#'))
    {
        return Err(format!(
            "a host pattern is a host name only, without '{bad}' (no scheme, port or path)"
        ));
    }
    Ok(p)
}

fn normalise_host(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

impl Policy {
    /// The finding as this policy has it reported: `None` when its rule is turned off, with
    /// the policy's severity when that is set. Applied by `audit::audit_code` and
    /// `audit::audit_across` only (see there).
    pub(super) fn overridden(&self, mut finding: Finding) -> Option<Finding> {
        match self.rules.get(finding.rule.id) {
            Some(RuleSetting::Off) => None,
            Some(RuleSetting::Severity(severity)) => {
                finding.severity = *severity;
                Some(finding)
            }
            None => Some(finding),
        }
    }

    /// Reads and parses a policy file.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Policy::from_toml_str(&text, path)
    }

    /// Reads `qraudit.toml` in `dir` when it exists.
    pub fn load_default_in(dir: &Path) -> Result<Option<Policy>, PolicyError> {
        let path = dir.join(DEFAULT_FILE);
        if path.is_file() {
            Policy::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Parses a policy file's text; `origin` names it in error messages.
    pub fn from_toml_str(text: &str, origin: &Path) -> Result<Policy, PolicyError> {
        let invalid =
            |span: Option<std::ops::Range<usize>>, key: Option<String>, message: String| {
                let start = span.map_or(0, |s| s.start).min(text.len());
                let line = text[..start].matches('\n').count() + 1;
                // The key is what precedes '=' on that line, when the error does not name it.
                let key = key.or_else(|| {
                    let line_text = text.lines().nth(line - 1).unwrap_or("");
                    line_text
                        .split_once('=')
                        .map(|(k, _)| k.trim().trim_matches('"').to_string())
                        .filter(|k| !k.is_empty())
                });
                PolicyError::Invalid {
                    origin: origin.to_path_buf(),
                    line,
                    key,
                    message,
                }
            };
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            // serde names an unknown field between backticks: "unknown field `alowed_hosts`".
            let key = message
                .strip_prefix("unknown field `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(k, _)| k.to_string());
            let message = match &key {
                Some(k) => format!(
                    "unknown key '{k}' (known keys: fail_on, allowed_hosts, allowed_ports, guest_networks, payment_accounts, quality, [rules], [[ignore]])"
                ),
                None => message,
            };
            invalid(e.span(), key, message)
        })?;

        let mut policy = Policy::default();
        if let Some(fail_on) = file.fail_on {
            policy.fail_on = Some(FailOn::from_str(fail_on.get_ref()).map_err(|m| {
                invalid(
                    Some(fail_on.span()),
                    Some("fail_on".into()),
                    format!("fail_on: {m}"),
                )
            })?);
        }
        for host in file.allowed_hosts.unwrap_or_default() {
            let pattern = validate_host_pattern(host.get_ref()).map_err(|m| {
                invalid(
                    Some(host.span()),
                    Some("allowed_hosts".into()),
                    format!("allowed_hosts: '{}': {m}", host.get_ref()),
                )
            })?;
            policy.allowed_hosts.push(pattern);
        }
        policy.quality = file.quality.unwrap_or(false);
        policy.cache = file.cache.map(|dir| {
            origin
                .parent()
                .map_or_else(|| PathBuf::from(&dir), |folder| folder.join(&dir))
        });
        for port in file.allowed_ports.unwrap_or_default() {
            let value = *port.get_ref();
            let port_number = u16::try_from(value)
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| {
                    invalid(
                        Some(port.span()),
                        Some("allowed_ports".into()),
                        format!("allowed_ports: {value} is not a port number in 1..65535"),
                    )
                })?;
            policy.allowed_ports.push(port_number);
        }
        for ssid in file.guest_networks.unwrap_or_default() {
            let name = ssid.get_ref();
            // An SSID is 1 to 32 octets (IEEE 802.11); anything else can never match a network.
            if name.is_empty() || name.len() > 32 {
                return Err(invalid(
                    Some(ssid.span()),
                    Some("guest_networks".into()),
                    format!("guest_networks: '{name}' is not a Wi-Fi network name (1 to 32 bytes)"),
                ));
            }
            if !policy.guest_networks.contains(name) {
                policy.guest_networks.push(name.clone());
            }
        }
        for account in file.payment_accounts.unwrap_or_default() {
            let written = account.get_ref();
            let fail = |message: String| {
                invalid(
                    Some(account.span()),
                    Some("payment_accounts".into()),
                    format!("payment_accounts: {message}"),
                )
            };
            if written.trim().is_empty() {
                return Err(fail("an empty account matches no payment".into()));
            }
            // An IBAN with wrong check digits can never match a valid code: a typo in the list.
            if crate::payload::payment::looks_like_iban(written) {
                crate::payload::payment::valid_iban(written).map_err(fail)?;
            }
            let normalised = crate::payload::payment::normalise_account(written);
            if !policy.payment_accounts.contains(&normalised) {
                policy.payment_accounts.push(normalised);
            }
        }
        for (id, setting) in file.rules.unwrap_or_default() {
            let rule_id = id.get_ref();
            if catalogue::find(rule_id).is_none() {
                let hint = closest_rule(rule_id)
                    .map(|r| format!(" (did you mean '{r}'?)"))
                    .unwrap_or_default();
                return Err(invalid(
                    Some(id.span()),
                    Some(rule_id.clone()),
                    format!("[rules]: unknown rule '{rule_id}'{hint}; `qraudit rules` lists them"),
                ));
            }
            let value = setting.get_ref();
            let parsed = if value == "off" {
                RuleSetting::Off
            } else {
                RuleSetting::Severity(parse_severity(value).ok_or_else(|| {
                    invalid(
                        Some(setting.span()),
                        Some(rule_id.clone()),
                        format!(
                            "[rules] {rule_id}: '{value}' is not one of off, info, low, medium, high, critical"
                        ),
                    )
                })?)
            };
            policy.rules.insert(rule_id.clone(), parsed);
        }
        for entry in file.ignore.unwrap_or_default() {
            let span = entry.span();
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let fail =
                |message: String| invalid(Some(span.clone()), Some("ignore".into()), message);
            let entry = entry.into_inner();
            let reason = entry
                .reason
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| {
                    fail(
                        "[[ignore]] needs a reason = \"…\" saying why the finding is accepted"
                            .into(),
                    )
                })?;
            if let Some(rule) = &entry.rule
                && catalogue::find(rule).is_none()
            {
                return Err(fail(format!("[[ignore]]: unknown rule '{rule}'")));
            }
            let path = match entry.path {
                Some(glob) => {
                    let matcher = globset::Glob::new(&glob)
                        .map_err(|e| {
                            fail(format!("[[ignore]]: bad path glob '{glob}': {}", e.kind()))
                        })?
                        .compile_matcher();
                    Some((glob, matcher))
                }
                None => None,
            };
            match (&entry.fingerprint, &path, &entry.rule) {
                (Some(_), None, None) | (None, Some(_), Some(_)) => {}
                _ => {
                    return Err(fail(
                        "[[ignore]] takes either fingerprint = \"…\", or path = \"glob\" together with rule = \"id\""
                            .into(),
                    ));
                }
            }
            policy.ignores.push(Ignore {
                fingerprint: entry.fingerprint,
                path,
                rule: entry.rule,
                reason,
                origin: format!("{}:{line}", origin.display()),
            });
        }
        Ok(policy)
    }

    /// Adds the hosts and ports given as `--allow-host` / `--allow-port` to those of the file.
    pub fn merge_flags(&mut self, hosts: &[String], ports: &[u16]) -> Result<(), PolicyError> {
        for host in hosts {
            let pattern = validate_host_pattern(host).map_err(|message| PolicyError::Flag {
                flag: "--allow-host",
                value: host.clone(),
                message,
            })?;
            if !self.allowed_hosts.contains(&pattern) {
                self.allowed_hosts.push(pattern);
            }
        }
        for &port in ports {
            if port == 0 {
                return Err(PolicyError::Flag {
                    flag: "--allow-port",
                    value: "0".into(),
                    message: "not a port number in 1..65535".into(),
                });
            }
            if !self.allowed_ports.contains(&port) {
                self.allowed_ports.push(port);
            }
        }
        Ok(())
    }

    /// True when the policy lists allowed hosts (otherwise reports say hosts were not checked).
    pub fn hosts_checked(&self) -> bool {
        !self.allowed_hosts.is_empty()
    }

    /// True when the policy lists allowed ports.
    pub fn ports_checked(&self) -> bool {
        !self.allowed_ports.is_empty()
    }

    /// True when `host` matches an allowed pattern: an exact name, or `*.example.com` for any
    /// subdomain of example.com (not example.com itself). Case-insensitive; a trailing dot is
    /// ignored on both sides. With no patterns, every host is allowed.
    pub fn host_allowed(&self, host: &str) -> bool {
        if !self.hosts_checked() {
            return true;
        }
        let host = normalise_host(host);
        self.allowed_hosts.iter().any(|pattern| {
            let pattern = normalise_host(pattern);
            match pattern.strip_prefix("*.") {
                Some(suffix) => host
                    .strip_suffix(suffix)
                    .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.')),
                None => host == pattern,
            }
        })
    }

    /// True when the policy marks this Wi-Fi network (SSID, exact and case-sensitive) as a guest
    /// network whose key is meant to be shared.
    pub fn is_guest_network(&self, ssid: &str) -> bool {
        self.guest_networks.iter().any(|g| g == ssid)
    }

    /// True when the policy lists the accounts payment codes may pay.
    pub fn payments_checked(&self) -> bool {
        !self.payment_accounts.is_empty()
    }

    /// True when a payment to `account` (as written in a code) is allowed: the policy lists it,
    /// compared without spaces and, except for case-sensitive Base58 addresses, ignoring case.
    pub fn payment_account_allowed(&self, account: &str) -> bool {
        let account = crate::payload::payment::normalise_account(account);
        self.payment_accounts.contains(&account)
    }

    /// True when `port` is allowed (always, when the policy lists no ports).
    pub fn port_allowed(&self, port: u16) -> bool {
        !self.ports_checked() || self.allowed_ports.contains(&port)
    }

    /// The policy's fail threshold, or `default` when it sets none.
    pub fn fail_on_or(&self, default: FailOn) -> FailOn {
        self.fail_on.unwrap_or(default)
    }
}

fn closest_rule(id: &str) -> Option<&'static str> {
    catalogue::all()
        .iter()
        .map(|r| (crate::payload::sametime::edit_distance(id, r.id), r.id))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Policy, PolicyError> {
        Policy::from_toml_str(text, Path::new("qraudit.toml"))
    }

    #[test]
    fn parses_a_good_file() {
        let policy = parse(
            r#"
fail_on = "medium"
allowed_hosts = ["STPROXY.example.com.", "*.example.net"]
allowed_ports = [443, 8443]

[rules]
control-characters = "off"
unreadable-code = "high"
"#,
        )
        .expect("valid policy");
        assert_eq!(policy.fail_on, Some(FailOn::At(Severity::Medium)));
        assert_eq!(
            policy.allowed_hosts,
            ["stproxy.example.com", "*.example.net"]
        );
        assert_eq!(policy.allowed_ports, [443, 8443]);
        assert_eq!(
            policy.rules.get("control-characters"),
            Some(&RuleSetting::Off)
        );
        assert_eq!(
            policy.rules.get("unreadable-code"),
            Some(&RuleSetting::Severity(Severity::High))
        );
    }

    #[test]
    fn guest_networks_are_exact_ssids_and_validated() {
        let policy = parse("guest_networks = [\"Guest\", \"Caf\\u00e9 Visitors\", \"Guest\"]\n")
            .expect("valid");
        assert_eq!(policy.guest_networks, ["Guest", "Caf\u{e9} Visitors"]);
        assert!(policy.is_guest_network("Guest"));
        assert!(policy.is_guest_network("Caf\u{e9} Visitors"));
        assert!(
            !policy.is_guest_network("guest"),
            "SSIDs are case-sensitive"
        );
        assert!(!policy.is_guest_network("Guest "));
        assert!(!Policy::default().is_guest_network("Guest"));
        let err = parse("fail_on = \"high\"\nguest_networks = [\n  \"ok\",\n  \"\",\n]\n")
            .expect_err("empty SSID");
        assert!(err.to_string().starts_with("qraudit.toml:4: "), "{err}");
        match err {
            PolicyError::Invalid { key, .. } => assert_eq!(key.as_deref(), Some("guest_networks")),
            other => panic!("unexpected error {other:?}"),
        }
        let long = "x".repeat(33);
        assert!(parse(&format!("guest_networks = [\"{long}\"]")).is_err());
        let err = parse("guest_networks = \"Guest\"").expect_err("not a list");
        assert!(err.to_string().contains("qraudit.toml:1"), "{err}");
        let err = parse("guest_network = [\"Guest\"]").expect_err("typo");
        assert!(err.to_string().contains("guest_networks"), "{err}");
    }

    #[test]
    fn payment_accounts_are_normalised_and_validated() {
        let policy = parse(
            "payment_accounts = [\"ch44 3199 9123 0008 8901 2\", \"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4\", \"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH\"]\n",
        )
        .expect("valid");
        assert_eq!(
            policy.payment_accounts,
            [
                "CH4431999123000889012",
                "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
            ]
        );
        assert!(policy.payments_checked());
        assert!(policy.payment_account_allowed("CH44 3199 9123 0008 8901 2"));
        assert!(policy.payment_account_allowed("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        // Base58 is case-sensitive: another case is another address.
        assert!(!policy.payment_account_allowed("1bggz9tcn4rm9kbzdn7kprqz87sz26samh"));
        assert!(!policy.payment_account_allowed("DE33100205000001194700"));
        assert!(!Policy::default().payments_checked());
        // A typo in an IBAN is an error naming the key and the line.
        let err =
            parse("fail_on = \"high\"\npayment_accounts = [\"CH44 3199 9123 0008 8901 3\"]\n")
                .expect_err("bad IBAN");
        assert!(
            err.to_string()
                .starts_with("qraudit.toml:2: payment_accounts:"),
            "{err}"
        );
        assert!(err.to_string().contains("check digits"), "{err}");
        assert!(parse("payment_accounts = [\" \"]").is_err());
        let err = parse("payment_acounts = [\"x\"]").expect_err("typo");
        assert!(err.to_string().contains("payment_accounts"), "{err}");
    }

    #[test]
    fn never_is_a_fail_threshold() {
        let policy = parse("fail_on = \"never\"").expect("valid");
        assert_eq!(policy.fail_on, Some(FailOn::Never));
        assert!(!FailOn::Never.fails(Severity::Critical));
        assert!(FailOn::At(Severity::High).fails(Severity::Critical));
        assert!(!FailOn::At(Severity::High).fails(Severity::Medium));
        assert_eq!(Policy::default().fail_on_or(FailOn::Never), FailOn::Never);
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse("fail_on = \"high\"\n\nalowed_hosts = [\"a.example.com\"]\n")
            .expect_err("unknown key");
        let text = err.to_string();
        assert!(text.starts_with("qraudit.toml:3: "), "{text}");
        assert!(text.contains("alowed_hosts"), "{text}");
        match err {
            PolicyError::Invalid { line, key, .. } => {
                assert_eq!(line, 3);
                assert_eq!(key.as_deref(), Some("alowed_hosts"));
            }
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn bad_severity_value_names_key_and_line() {
        let err = parse("[rules]\nunreadable-code = \"severe\"\n").expect_err("bad value");
        let text = err.to_string();
        assert!(text.starts_with("qraudit.toml:2: "), "{text}");
        assert!(
            text.contains("unreadable-code") && text.contains("severe"),
            "{text}"
        );
        let err = parse("fail_on = \"hgih\"").expect_err("bad fail_on");
        assert!(err.to_string().contains("fail_on"), "{err}");
        let err = parse("fail_on = 3").expect_err("bad type");
        assert!(err.to_string().starts_with("qraudit.toml:1: "), "{err}");
        match err {
            PolicyError::Invalid { key, .. } => assert_eq!(key.as_deref(), Some("fail_on")),
            other => panic!("unexpected error {other:?}"),
        }
    }

    #[test]
    fn unknown_rule_id_is_an_error_with_a_suggestion() {
        let err = parse("\n[rules]\ncontrol-character = \"off\"\n").expect_err("unknown rule");
        let text = err.to_string();
        assert!(text.starts_with("qraudit.toml:3: "), "{text}");
        assert!(text.contains("did you mean 'control-characters'"), "{text}");
    }

    #[test]
    fn bad_hosts_and_ports_are_errors() {
        assert!(parse("allowed_hosts = [\"https://x.example.com\"]").is_err());
        assert!(parse("allowed_hosts = [\"a*.example.com\"]").is_err());
        assert!(parse("allowed_hosts = [\"*.\"]").is_err());
        let err = parse("allowed_ports = [443,\n 70000]").expect_err("bad port");
        assert!(err.to_string().starts_with("qraudit.toml:2: "), "{err}");
        assert!(parse("allowed_ports = [0]").is_err());
    }

    #[test]
    fn wildcard_matches_any_subdomain_only() {
        let mut policy = Policy::default();
        assert!(!policy.hosts_checked());
        assert!(policy.host_allowed("anything.example.org"));
        policy
            .merge_flags(
                &["*.Example.com".into(), "stproxy.example.net".into()],
                &[8443],
            )
            .expect("valid flags");
        assert!(policy.hosts_checked());
        assert!(policy.host_allowed("stproxy.example.com"));
        assert!(policy.host_allowed("A.B.EXAMPLE.COM."));
        assert!(!policy.host_allowed("example.com"));
        assert!(!policy.host_allowed("evilexample.com"));
        assert!(!policy.host_allowed("example.com.evil.net"));
        assert!(policy.host_allowed("STPROXY.example.net."));
        assert!(!policy.host_allowed("x.stproxy.example.net"));
        assert!(policy.port_allowed(8443));
        assert!(!policy.port_allowed(443));
        assert!(policy.merge_flags(&["bad host".into()], &[]).is_err());
        assert!(policy.merge_flags(&[], &[0]).is_err());
    }

    #[test]
    fn loads_from_a_file_and_reports_missing_files() {
        let dir = std::env::temp_dir().join(format!("qraudit-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        assert!(
            Policy::load_default_in(&dir)
                .expect("no file is fine")
                .is_none()
        );
        std::fs::write(dir.join(DEFAULT_FILE), "allowed_ports = [8443]\n").expect("write");
        let policy = Policy::load_default_in(&dir)
            .expect("valid")
            .expect("present");
        assert_eq!(policy.allowed_ports, [8443]);
        let missing = Policy::load(&dir.join("nope.toml")).expect_err("missing");
        assert!(matches!(missing, PolicyError::Io { .. }));
        std::fs::remove_dir_all(&dir).ok();
    }
}
