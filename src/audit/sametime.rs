//! Rules over one Sametime provisioning URL.
//!
//! Each rule reads the parsed `Provisioning` (the resolved community, the parameters as seen, the
//! wider fail-safe reading of every spelling some reader may honour, and the parse issues) and
//! returns findings with a message, the evidence and, where a rewrite may help, a
//! `suggested_url`. Suggestions start from `Provisioning::rewrite()` (the repaired, password-free
//! reading) and apply the one fix of their rule; `audit::improvement` re-audits each one and
//! offers it only when it is a strict improvement on the code.
//!
//! Fail safe on spelling: HCL documents the parameter names but not whether the app matches them
//! case-insensitively, trims them or decodes them. A risky switch spelled in a way the app may
//! honour (`AllowUntrustedSSL=true`, `savepassword=TRUE`, `allow%55ntrustedSSL=1`, or hidden behind
//! a leaked `%26`), or set to a value some client reads as true (`1`, `yes`), is reported by the
//! risky rule itself at its severity, with a message saying the app may or may not honour it. A
//! misspelt risky switch is never renamed into a live documented one.
//!
//! Evidence may quote the password as written: the report layer masks every spelling listed by
//! `Provisioning::secrets()`. Partial spellings never appear (see `payload::sametime::raw`).

use super::Finding;
use super::catalogue::{self, Rule};
use super::userid::{is_placeholder, looks_like_host_or_url};
use crate::audit::policy::Policy;
use crate::payload::sametime::{
    self, ADD_COMMUNITY, ActionProblem, BOOLEAN_PARAMETERS, IssueKind, KNOWN_PARAMETERS, Level,
    Parameter, Provisioning, RISKY_SWITCHES, Reading, Rewrite, closest_known_parameter, parse_bool,
    spelling, truth,
};

/// Every finding about one provisioning URL, before the suggestions are vetted and the policy's
/// overrides applied (`audit_text` does both).
pub fn audit(p: &Provisioning, _text: &str, policy: &Policy) -> Vec<Finding> {
    raw_findings(p, policy)
}

/// The URL with every fix applied at once: password removed, encoding repaired, risky switches
/// that some client reads as true dropped, action set, unknown parameters renamed or removed
/// (`repair_unknown`), duplicates resolved as the duplicate-parameter rule suggests. `None` when
/// nothing changes. Offered as `fixed_url` only when `audit::improvement` accepts it.
pub fn fully_fixed_url(p: &Provisioning) -> Option<String> {
    let mut r = p.rewrite();
    r.remove("allowUntrustedSSL").remove("savePassword");
    // authProxyReuseCredentials is a documented choice when 'true'; any other value is the
    // invalid-value rule's, whose fix drops it.
    if r.params
        .iter()
        .any(|(n, v)| n == "authProxyReuseCredentials" && v.as_deref() != Some("true"))
    {
        r.remove("authProxyReuseCredentials");
    }
    fix_action(p, &mut r);
    for (name, value) in r.params.clone() {
        if !KNOWN_PARAMETERS.contains(&name.as_str()) {
            let repair = repair_unknown(&name, value.as_deref(), &r);
            apply_repair(&mut r, &name, &repair);
        }
    }
    for name in KNOWN_PARAMETERS {
        r.keep_nth(name, 0);
    }
    let url = r.to_url();
    (url != p.text()).then_some(url)
}

/// What to do with a parameter whose name the app does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Repair {
    /// Rename it to the documented name, with this value.
    Rename {
        to: &'static str,
        value: Option<String>,
    },
    /// Remove it, for this reason (a sentence fragment for the fix text).
    Drop(String),
}

/// The one decision of how a misspelt parameter is repaired: by what its value does. A risky
/// switch some client reads as true is dropped (its default is off), never renamed into a live
/// documented switch; another boolean is renamed with its plain value (`false` stays `false`),
/// or dropped when clients disagree on it; a secret-looking name, a name whose documented
/// parameter is already present, and a name close to none are dropped.
fn repair_unknown(name: &str, value: Option<&str>, r: &Rewrite) -> Repair {
    if sametime::is_secret_name(name) {
        return Repair::Drop("it carries what looks like a secret".to_string());
    }
    let Some(known) = spelling::classify(name, false)
        .map(|s| s.known)
        .or_else(|| closest_known_parameter(name))
    else {
        return Repair::Drop("the app knows no parameter of that name".to_string());
    };
    let text = value.unwrap_or("");
    if known == name {
        // Written with escapes that the repaired reading has already decoded.
        return if RISKY_SWITCHES.contains(&known) && truth::possibly_true(text) {
            Repair::Drop(format!("{} stays off by default", switch_noun(known)))
        } else {
            Repair::Rename {
                to: known,
                value: value.map(str::to_string),
            }
        };
    }
    if r.has(known) {
        return Repair::Drop(format!("'{known}' is already present"));
    }
    if RISKY_SWITCHES.contains(&known) && truth::possibly_true(text) {
        return Repair::Drop(format!(
            "renaming it to '{known}' would switch {} on for certain, and the default is off",
            switch_noun(known)
        ));
    }
    if known == "authProxyReuseCredentials" {
        return Repair::Drop(
            "authProxyReuseCredentials is only ever 'true'; omitting it means no reuse".to_string(),
        );
    }
    if BOOLEAN_PARAMETERS.contains(&known) {
        return match truth::plain_value(text) {
            Some(plain) => Repair::Rename {
                to: known,
                value: Some(plain.to_string()),
            },
            None => Repair::Drop(format!("clients disagree on whether '{text}' is true")),
        };
    }
    Repair::Rename {
        to: known,
        value: value.map(str::to_string),
    }
}

fn apply_repair(r: &mut Rewrite, name: &str, repair: &Repair) {
    match repair {
        Repair::Rename { to, value } => {
            r.rename(name, to);
            if let Some(v) = value {
                r.set(to, v);
            }
        }
        Repair::Drop(_) => {
            r.remove(name);
        }
    }
}

/// What a risky switch does, as a noun phrase.
fn switch_noun(switch: &str) -> &'static str {
    match switch {
        "allowUntrustedSSL" => "untrusted SSL",
        "savePassword" => "saved passwords",
        _ => "the reuse of the Sametime credentials for the proxy",
    }
}

fn raw_findings(p: &Provisioning, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    embedded_password(p, &mut out);
    untrusted_ssl(p, &mut out);
    host_not_allowed(p, policy, &mut out);
    deceptive_userinfo(p, &mut out);
    ip_literal_host(p, &mut out);
    idn_host(p, &mut out);
    not_fqdn(p, &mut out);
    malformed_encoding(p, &mut out);
    missing_action(p, &mut out);
    invalid_port(p, &mut out);
    invalid_value(p, &mut out);
    save_password(p, &mut out);
    conflicting_parameters(p, &mut out);
    duplicate_parameter(p, &mut out);
    unknown_parameter(p, &mut out);
    user_ids(p, &mut out);
    out
}

/// The repaired, password-free reading with one fix applied, as text.
fn fixed(p: &Provisioning, fix: impl FnOnce(&mut Rewrite)) -> String {
    let mut r = p.rewrite();
    fix(&mut r);
    r.to_url()
}

fn finding(rule: &'static Rule, message: String, evidence: impl Into<String>) -> Finding {
    Finding::new(rule, message).with_evidence(evidence)
}

fn embedded_password(p: &Provisioning, out: &mut Vec<Finding>) {
    if let Some(raw) = p.password_raw() {
        let user = p.community.user.as_deref().unwrap_or("");
        out.push(
            finding(
                &catalogue::EMBEDDED_PASSWORD,
                format!(
                    "the URL holds the password of user '{user}' in clear text: anyone who sees or scans the code can read it, and any app that handles the link receives it"
                ),
                format!("{}:{raw}@", p.user_raw().unwrap_or("")),
            )
            .with_suggested_url(fixed(p, |_| {})),
        );
    }
    for param in p.parameters.iter().filter(|q| q.secret) {
        if param.value_text().is_some_and(|v| !v.is_empty()) {
            let name = param.name.clone();
            let rule = match crate::payload::secret_name::classify(&name) {
                Some(crate::payload::secret_name::SecretName::Credential) => {
                    &catalogue::SECRET_PARAMETER
                }
                _ => &catalogue::EMBEDDED_PASSWORD,
            };
            out.push(
                finding(
                    rule,
                    format!("parameter '{name}' carries what looks like a secret, in clear text"),
                    format!("{name}={}", param.raw_value().unwrap_or("")),
                )
                .with_fix(format!(
                    "Remove '{name}' from the URL; let each user type their credentials."
                ))
                .with_suggested_url(fixed(p, |r| {
                    r.remove(&name);
                })),
            );
        }
    }
}

fn untrusted_ssl(p: &Provisioning, out: &mut Vec<Finding>) {
    risky_switch(
        p,
        "allowUntrustedSSL",
        &catalogue::UNTRUSTED_SSL,
        "accept any certificate for this community, so anyone on the network path can impersonate the server and read messages and passwords",
        out,
    );
}

/// The fail-safe report of a risky switch: one finding when any reading of it (the documented
/// name, a spelling the app may honour, or one hidden behind a leaked separator) has a value
/// some client reads as true. The documented spelling is reported first; its suggestion drops
/// every such reading (the default is off).
fn risky_switch(
    p: &Provisioning,
    switch: &'static str,
    rule: &'static Rule,
    consequence: &str,
    out: &mut Vec<Finding>,
) {
    let candidates: Vec<&Reading> = p
        .readings_of(switch)
        .filter(|r| r.possibly_true())
        .collect();
    let Some(reading) = candidates
        .iter()
        .find(|r| r.is_exact())
        .or(candidates.first())
    else {
        return;
    };
    let value = reading.value.as_deref().unwrap_or("");
    let evidence = reading.evidence();
    let message = match &reading.spelling {
        Some(s) if !s.is_exact() && s.is_hidden() => format!(
            "{evidence}: {}, and then the app will {consequence}",
            s.hedge(&reading.written)
        ),
        Some(s) if !s.is_exact() => format!(
            "{evidence}: {}; if it does, it will {consequence}",
            s.hedge(&reading.written)
        ),
        _ if parse_bool(value) == Some(true) && p.risk(switch) == Level::On => {
            format!("{switch}={value}: the app will {consequence}")
        }
        // `allowUntrustedSSL=tr<TAB>ue`: the reading drops the control characters.
        _ if parse_bool(value) == Some(true)
            && p.text().chars().any(|c| matches!(c, '\t' | '\n' | '\r')) =>
        {
            format!(
                "{evidence}: the value holds a tab, line break or other control character, which the WHATWG URL parser removes (tabs and newlines) and other readers drop, leaving 'true'; then the app will {consequence}"
            )
        }
        _ if parse_bool(value) == Some(true) => format!(
            "{switch}={value}: Android reads an earlier occurrence, but clients that read the last one take this, and then the app will {consequence}"
        ),
        _ => format!(
            "{}: not 'true', but {} read it as true, and then the app will {consequence}",
            if reading.value.is_none() {
                format!("{switch} without a value")
            } else {
                format!("{switch}={value}")
            },
            truth::readers_of_true(value).join(" and ")
        ),
    };
    out.push(
        finding(rule, message, evidence).with_suggested_url(fixed(p, |r| {
            r.remove_possibly_true(switch);
        })),
    );
}

fn host_not_allowed(p: &Provisioning, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(server) = p.community.server.as_deref() else {
        return;
    };
    if !policy.hosts_checked() {
        out.push(finding(
            &catalogue::HOST_NOT_CHECKED,
            format!(
                "host '{server}' was not checked: no allowed hosts are configured, so nothing \
                 says this server is the organisation's; the app will connect to it with the \
                 user's Sametime credentials"
            ),
            server,
        ));
    }
    // The allow-list must hold for every host some parser connects to.
    for (host, other) in std::iter::once((server, false))
        .chain(p.community.other_servers.iter().map(|h| (h.as_str(), true)))
    {
        if policy.hosts_checked() && !policy.host_allowed(host) {
            let how = if other {
                format!(" (the host {})", parsers_of(p, host))
            } else {
                String::new()
            };
            out.push(finding(
                &catalogue::HOST_NOT_ALLOWED,
                format!(
                    "host '{host}'{how} is not among the policy's allowed hosts ({})",
                    policy.allowed_hosts.join(", ")
                ),
                host,
            ));
        }
    }
    if let Some(port) = p.community.port
        && !policy.port_allowed(port)
    {
        let ports: Vec<String> = policy.allowed_ports.iter().map(u16::to_string).collect();
        out.push(
            finding(
                &catalogue::HOST_NOT_ALLOWED,
                format!(
                    "port {port}{} is not among the policy's allowed ports ({})",
                    if p.community.port_defaulted { " (the default)" } else { "" },
                    ports.join(", ")
                ),
                format!("{server}:{port}"),
            )
            .with_fix("Point the code at an allowed port of the Sametime proxy, or add this port to allowed_ports if it is one."),
        );
    }
}

/// "as android.net.Uri reads the URL": the parsers that connect to `host`.
fn parsers_of(p: &Provisioning, host: &str) -> String {
    let names: Vec<&str> = p
        .authorities()
        .iter()
        .filter(|r| r.host.as_deref() == Some(host))
        .map(|r| r.parser.name())
        .collect();
    format!("{} reads", names.join(" and "))
}

/// A user name that reads as a host, in any parser's split of the authority: the strict user,
/// and the whole decoded userinfo of each parser (`evil.example.net\` to RFC 3986, a password
/// that is a URL).
fn deceptive_userinfo(p: &Provisioning, out: &mut Vec<Finding>) {
    let mut candidates: Vec<String> = p.community.user.iter().cloned().collect();
    for reading in p.authorities() {
        if let Some(userinfo) = &reading.userinfo
            && !candidates.contains(userinfo)
        {
            candidates.push(userinfo.clone());
        }
    }
    let Some(user) = candidates
        .iter()
        .map(String::as_str)
        .find(|u| looks_like_host_or_url(u))
    else {
        return;
    };
    {
        let mut hosts = vec![p.host().to_string()];
        hosts.extend(p.community.other_servers.iter().cloned());
        let host = hosts.join("' or '");
        out.push(
            finding(
                &catalogue::DECEPTIVE_USERINFO,
                format!(
                    "the user name '{user}' looks like a host or URL: a reader sees '{user}' first, but the app connects to '{host}'"
                ),
                format!("{}@{}", p.userinfo_raw().unwrap_or(""), p.host()),
            )
            .with_suggested_url(fixed(p, |r| r.user = None)),
        );
    }
}

/// A host that is an IP address in any spelling a URL parser or `inet_aton` accepts (`10.1`,
/// `0x0a.0.0.1`, `012.0.0.1`, `167772161`), as any parser reads the host.
fn ip_literal_host(p: &Provisioning, out: &mut Vec<Finding>) {
    let hosts = p.community.server.iter().chain(&p.community.other_servers);
    for host in hosts {
        if let Some(finding) = super::web::ip_literal_finding(host, "the code") {
            out.push(finding);
            return;
        }
    }
}

/// Deceptive userinfo in any other URL (`https://good.example.com@evil.example.net/`).
pub(crate) fn deceptive_web_userinfo(text: &str) -> Option<Finding> {
    let mut parsed = url::Url::parse(text.trim()).ok()?;
    let user = crate::text::escapes::percent_decoded(parsed.username());
    if user.is_empty() || !looks_like_host_or_url(&user) {
        return None;
    }
    let host = parsed.host_str().unwrap_or("").to_string();
    let evidence = format!("{}@{host}", parsed.username());
    let mut finding = finding(
        &catalogue::DECEPTIVE_USERINFO,
        format!(
            "the user name '{user}' looks like a host or URL: a reader sees '{user}' first, but the link goes to '{host}'"
        ),
        evidence,
    );
    if parsed.set_username("").is_ok() && parsed.set_password(None).is_ok() {
        finding = finding.with_suggested_url(parsed.to_string());
    }
    Some(finding)
}

fn idn_host(p: &Provisioning, out: &mut Vec<Finding>) {
    let host = crate::text::escapes::percent_decoded(p.host());
    let punycode = host
        .split('.')
        .any(|label| label.to_ascii_lowercase().starts_with("xn--"));
    let non_ascii = !host.is_ascii();
    if !punycode && !non_ascii {
        return;
    }
    let message = if non_ascii {
        // What the name becomes on the wire, via the WHATWG IDNA of a special scheme.
        let ascii = url::Url::parse(&format!("https://{host}/"))
            .ok()
            .and_then(|u| u.host_str().map(str::to_string));
        match ascii {
            Some(a) if a != host => format!(
                "the host '{host}' holds non-ASCII characters (it resolves as '{a}'): look-alike letters can impersonate a trusted host"
            ),
            _ => format!(
                "the host '{host}' holds non-ASCII characters: look-alike letters can impersonate a trusted host"
            ),
        }
    } else {
        format!(
            "the host '{host}' has punycode ('xn--') labels: displayed as Unicode, it can imitate a trusted host with look-alike letters"
        )
    };
    out.push(finding(&catalogue::IDN_HOST, message, p.host()));
}

fn not_fqdn(p: &Provisioning, out: &mut Vec<Finding>) {
    let Some(server) = p.community.server.as_deref() else {
        out.push(finding(
            &catalogue::NOT_FQDN,
            "the URL has no host: the app cannot know which Sametime proxy to use".to_string(),
            p.text().chars().take(40).collect::<String>(),
        ));
        return;
    };
    let name = server.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let why = if server.starts_with('[') {
        "is an IPv6 address literal"
    } else if labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok()) {
        "is an IPv4 address literal"
    } else if name == "localhost" || name.ends_with(".localhost") {
        "is localhost: on a phone it means the phone itself"
    } else if labels.len() < 2 {
        "is a single label: phones outside the company DNS search domain cannot resolve it"
    } else {
        return;
    };
    out.push(finding(
        &catalogue::NOT_FQDN,
        format!(
            "the host '{server}' {why}; the documentation asks for the fully qualified name of the Sametime proxy"
        ),
        server,
    ));
}

fn malformed_encoding(p: &Provisioning, out: &mut Vec<Finding>) {
    let suggestion = fixed(p, |_| {});
    for issue in &p.parse_issues {
        let fix = issue
            .kind
            .fix()
            .unwrap_or(catalogue::MALFORMED_ENCODING.fix);
        let mut f = finding(
            &catalogue::MALFORMED_ENCODING,
            issue.message.clone(),
            issue.evidence.clone(),
        )
        .with_fix(fix)
        .with_suggested_url(suggestion.clone());
        // A '+' in the community name only changes how the name is shown (a space on Android,
        // a plus on iOS): worth fixing, not a malformed code.
        if issue.kind == IssueKind::PlusInQuery && issue.evidence.starts_with("communityName=") {
            f.message = "a '+' in communityName: Android shows it as a space, iOS as a plus sign, so the name looks different on iOS; write %20 for a space".to_string();
            f.severity = crate::audit::Severity::Low;
        }
        out.push(f);
    }
}

fn missing_action(p: &Provisioning, out: &mut Vec<Finding>) {
    let Some(problem) = p.action_problem() else {
        return;
    };
    let evidence = match p.params_named("action").next() {
        Some(a) => format!("action={}", a.raw_value().unwrap_or("")),
        None => p
            .text()
            .split_once('?')
            .map_or_else(|| "(no query)".to_string(), |(_, q)| format!("?{q}")),
    };
    out.push(
        finding(
            &catalogue::MISSING_ACTION,
            format!(
                "{}: the app does not treat the link as a provisioning request and will not add a community from it",
                problem.reason()
            ),
            evidence,
        )
        .with_fix(problem.fix())
        .with_suggested_url(fixed(p, |r| fix_action(p, r))),
    );
}

/// Makes `action=AddCommunity` the app's action: a misspelt `action` name is renamed (the
/// repaired reading already undid a leaked `%26`), then the value set.
fn fix_action(p: &Provisioning, r: &mut Rewrite) {
    if let Some(ActionProblem::MisspeltName { .. }) = p.action_problem()
        && let Some(reading) = p.readings_of("action").find(|r| !r.is_exact())
        && !r.has("action")
    {
        r.rename(&reading.name, "action");
    }
    r.set("action", ADD_COMMUNITY);
}

fn invalid_port(p: &Provisioning, out: &mut Vec<Finding>) {
    let Some(raw) = p.port_raw() else { return };
    let server = p.host();
    if raw.is_empty() {
        // Every reader falls back to the default port: untidy, not an error.
        let mut f = finding(
            &catalogue::INVALID_PORT,
            format!(
                "the port after ':' is empty, which every reader takes as no port ({}); drop the ':'",
                truth::port_readings(raw)
            ),
            format!("{server}:"),
        )
        .with_suggested_url(fixed(p, |r| r.port = None));
        f.severity = crate::audit::Severity::Low;
        out.push(f);
        return;
    }
    if p.community.port_invalid.is_none() {
        return;
    }
    let mut f = finding(
        &catalogue::INVALID_PORT,
        format!(
            "the port '{raw}' is not a number in 1..65535, and readers disagree about it: {}",
            truth::port_readings(raw)
        ),
        format!("{server}:{raw}"),
    );
    // Only a port that is a valid number once stray whitespace is dropped has a safe rewrite.
    let trimmed: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if let Ok(n) = trimmed.parse::<u16>()
        && n > 0
    {
        f = f.with_suggested_url(fixed(p, |r| r.port = Some(n.to_string())));
    }
    out.push(f);
}

fn invalid_value(p: &Provisioning, out: &mut Vec<Finding>) {
    for param in &p.parameters {
        let name = param.name.as_str();
        if !param.known {
            continue;
        }
        let value = param.value_text();
        let shown = value.unwrap_or("(no value)");
        let evidence = match param.raw_value() {
            Some(v) => format!("{name}={v}"),
            None => name.to_string(),
        };
        let readings = truth::readings(value.unwrap_or(""));
        if BOOLEAN_PARAMETERS.contains(&name) {
            if matches!(value, Some("true" | "false")) {
                continue;
            }
            let replacement = match (name, value) {
                // Risky switches: the safe rewrite is the default (off). Their own rule fires
                // too when a client reads the value as true.
                ("allowUntrustedSSL" | "savePassword", _) => None,
                (_, Some(v)) if parse_bool(v).is_some() => Some(v.to_ascii_lowercase()),
                (_, Some(v)) if truth::possibly_true(v) => Some("true".to_string()),
                (_, Some(v)) if truth::plain_value(v) == Some("false") => Some("false".to_string()),
                _ => None,
            };
            let owned = name.to_string();
            out.push(
                finding(
                    &catalogue::INVALID_VALUE,
                    format!(
                        "{name}={shown} is not exactly 'true' or 'false': {readings}, and other readers may differ"
                    ),
                    evidence,
                )
                .with_suggested_url(fixed(p, |r| match replacement {
                    Some(v) => {
                        r.set(&owned, &v);
                    }
                    None => {
                        r.remove(&owned);
                    }
                })),
            );
        } else if name == "authProxyReuseCredentials" && value != Some("true") {
            let keep = value.and_then(parse_bool) == Some(true);
            out.push(
                finding(
                    &catalogue::INVALID_VALUE,
                    format!(
                        "authProxyReuseCredentials={shown}: when present it must be exactly 'true' (omit it to not reuse credentials); {readings}"
                    ),
                    evidence,
                )
                .with_suggested_url(fixed(p, |r| {
                    if keep {
                        r.set("authProxyReuseCredentials", "true");
                    } else {
                        r.remove("authProxyReuseCredentials");
                    }
                })),
            );
        } else if matches!(name, "communityName" | "authProxyUser")
            && value.is_none_or(str::is_empty)
        {
            let owned = name.to_string();
            out.push(
                finding(
                    &catalogue::INVALID_VALUE,
                    format!("{name} is present but empty: omit it instead"),
                    evidence,
                )
                .with_suggested_url(fixed(p, |r| {
                    r.remove(&owned);
                })),
            );
        }
    }
}

fn save_password(p: &Provisioning, out: &mut Vec<Finding>) {
    risky_switch(
        p,
        "savePassword",
        &catalogue::SAVE_PASSWORD,
        "store the Sametime (and proxy) password on every phone that scans the code",
        out,
    );
}

fn conflicting_parameters(p: &Provisioning, out: &mut Vec<Finding>) {
    let first = |name| {
        p.params_named(name)
            .next()
            .and_then(|q| q.value_text().map(str::to_string))
    };
    let proxy_user = first("authProxyUser").filter(|u| !u.is_empty());
    let reuse = first("authProxyReuseCredentials").and_then(|v| parse_bool(&v)) == Some(true);
    if first("authProxyEnabled").and_then(|v| parse_bool(&v)) == Some(false)
        && (proxy_user.is_some() || reuse)
    {
        let other = if proxy_user.is_some() {
            "authProxyUser"
        } else {
            "authProxyReuseCredentials=true"
        };
        out.push(
            finding(
                &catalogue::CONFLICTING_PARAMETERS,
                format!(
                    "authProxyEnabled=false, but {other} supplies proxy credentials, which the documentation says switches proxy authentication on: clients may resolve this either way"
                ),
                format!("authProxyEnabled=false … {other}"),
            )
            .with_fix("Remove authProxyEnabled=false if the proxy needs authentication; otherwise remove authProxyUser and authProxyReuseCredentials.")
            // Never resolved by switching the reuse of the Sametime credentials on: that reuse
            // is dropped, and a named proxy user is kept by dropping authProxyEnabled=false.
            .with_suggested_url(fixed(p, |r| {
                if reuse {
                    r.remove("authProxyReuseCredentials");
                }
                if proxy_user.is_some() {
                    r.remove("authProxyEnabled");
                }
            })),
        );
    }
    if let Some(proxy) = &proxy_user
        && reuse
        && p.community.user.as_deref() != Some(proxy.as_str())
    {
        let sametime_user = p
            .community
            .user
            .as_deref()
            .map_or("the Sametime user typed at login".to_string(), |u| {
                format!("'{u}'")
            });
        out.push(
            finding(
                &catalogue::CONFLICTING_PARAMETERS,
                format!(
                    "authProxyReuseCredentials=true reuses {sametime_user} for the proxy, but authProxyUser names '{proxy}'"
                ),
                format!("authProxyUser={proxy} … authProxyReuseCredentials=true"),
            )
            .with_fix("Keep only one of authProxyUser and authProxyReuseCredentials.")
            .with_suggested_url(fixed(p, |r| {
                r.remove("authProxyReuseCredentials");
            })),
        );
    }
    proxy_readings_disagree(p, out);
}

/// The authenticating-proxy settings depend on who reads the code: a proxy parameter spelled in
/// a way the app may or may not honour (`authproxyuser=`, `authProxyReuseCredential=true`, or
/// one hidden behind a leaked `%26`), or `authProxyReuseCredentials` with a value only some
/// clients read as true (`1`, `yes`). One finding per such reading that changes the settings.
fn proxy_readings_disagree(p: &Provisioning, out: &mut Vec<Finding>) {
    let proxy = &p.community.auth_proxy;
    for reading in p.readings() {
        let Some(spelling) = &reading.spelling else {
            continue;
        };
        let value = reading.value.as_deref().unwrap_or("");
        let honoured = match spelling.known {
            "authProxyReuseCredentials"
                if reading.possibly_true()
                    && !(spelling.is_exact() && parse_bool(value) == Some(true))
                    && !(proxy.enabled && proxy.reuse_credentials) =>
            {
                "the app hands the Sametime user name and password to the authenticating proxy"
                    .to_string()
            }
            "authProxyEnabled" if !spelling.is_exact() => {
                let on = truth::possibly_true(value);
                if on == proxy.enabled {
                    continue;
                }
                format!(
                    "proxy authentication is {}",
                    if on { "switched on" } else { "switched off" }
                )
            }
            "authProxyUser" if !spelling.is_exact() && !value.is_empty() => {
                if proxy.user.as_deref() == Some(value) {
                    continue;
                }
                format!("the app signs in to the authenticating proxy as '{value}'")
            }
            _ => continue,
        };
        let message = if spelling.is_exact() {
            format!(
                "authProxyReuseCredentials={value}: {}, so on some phones {honoured} and on others it does not",
                truth::readings(value)
            )
        } else {
            format!(
                "{}: {}; where it is honoured, {honoured}, and where not, the proxy settings differ, so phones resolve this code differently",
                reading.evidence(),
                spelling.hedge(&reading.written)
            )
        };
        let name = reading.name.clone();
        let value_owned = reading.value.clone();
        out.push(
            finding(&catalogue::CONFLICTING_PARAMETERS, message, reading.evidence())
                .with_fix(format!(
                    "Write the proxy setting you mean with its documented name and value ({}=...), and remove '{}'.",
                    spelling.known, reading.written
                ))
                .with_suggested_url(fixed(p, |r| {
                    if spelling.is_hidden() {
                        // The repaired reading already shows it where it belongs (or, for a
                        // risky switch, has dropped it).
                    } else if spelling.is_exact() {
                        r.remove(&name);
                    } else {
                        let repair = repair_unknown(&name, value_owned.as_deref(), r);
                        apply_repair(r, &name, &repair);
                    }
                })),
        );
    }
}

fn duplicate_parameter(p: &Provisioning, out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for param in &p.parameters {
        let name = param.name.as_str();
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        // Grouped by decoded name: readers that decode names see these as one parameter.
        let all: Vec<&Parameter> = p.parameters.iter().filter(|q| q.name == name).collect();
        if all.len() < 2 {
            continue;
        }
        let values: Vec<String> = all
            .iter()
            .map(|q| {
                if q.secret {
                    crate::text::redact::MASK.to_string()
                } else {
                    q.value_text().unwrap_or("(no value)").to_string()
                }
            })
            .collect();
        let owned = name.to_string();
        let secret = param.secret;
        out.push(
            finding(
                &catalogue::DUPLICATE_PARAMETER,
                format!(
                    "'{name}' appears {} times ({}): Android uses the first, other clients the last",
                    all.len(),
                    values.join(", ")
                ),
                all.iter()
                    .map(|q| format!("{name}={}", q.raw_value().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join("&"),
            )
            .with_suggested_url(fixed(p, |r| {
                // For risky switches and secrets the safe choice is none at all (the default
                // is off); otherwise keep the one Android reads.
                if secret || matches!(owned.as_str(), "allowUntrustedSSL" | "savePassword") {
                    r.remove(&owned);
                } else {
                    r.keep_nth(&owned, 0);
                }
            })),
        );
    }
}

fn unknown_parameter(p: &Provisioning, out: &mut Vec<Finding>) {
    let mut reported: Vec<&str> = Vec::new();
    for param in p.parameters.iter().filter(|q| !q.known) {
        let written = param.written_name();
        if reported.contains(&written) {
            continue;
        }
        reported.push(written);
        let spelled = spelling::classify(written, false);
        let closest = spelled
            .as_ref()
            .map(|s| s.known)
            .or_else(|| closest_known_parameter(&param.name));
        let message = match (&spelled, closest) {
            (Some(s), _) => format!("unknown parameter: {}", s.hedge(written)),
            (None, Some(known)) => format!(
                "unknown parameter '{written}': the app ignores it; did you mean '{known}'?"
            ),
            (None, None) => format!(
                "unknown parameter '{written}': the app ignores it (known: {})",
                KNOWN_PARAMETERS.join(", ")
            ),
        };
        let evidence = if param.secret {
            written.to_string()
        } else {
            match param.raw_value() {
                Some(v) => format!("{written}={v}"),
                None => written.to_string(),
            }
        };
        let name = param.rewrite_name();
        let base = p.rewrite();
        let repair = repair_unknown(&name, param.value_text(), &base);
        let fix = match (&repair, closest) {
            (Repair::Rename { to, .. }, _) => {
                format!("Rename '{written}' to '{to}' (names are case-sensitive).")
            }
            (Repair::Drop(why), Some(_)) => format!("Remove '{written}': {why}."),
            (Repair::Drop(_), None) => format!("Remove '{written}', or use a documented name."),
        };
        out.push(
            finding(&catalogue::UNKNOWN_PARAMETER, message, evidence)
                .with_fix(fix)
                .with_suggested_url(fixed(p, |r| apply_repair(r, &name, &repair))),
        );
    }
}

/// placeholder-user-id and personal-user-id, over the Sametime user and `authProxyUser`. The
/// suggestion of each rule removes every user ID of its kind, so that it clears the rule.
fn user_ids(p: &Provisioning, out: &mut Vec<Finding>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        Placeholder,
        Personal,
        Other,
    }
    let kind_of = |id: &str| {
        if is_placeholder(id) {
            Kind::Placeholder
        } else if looks_like_host_or_url(id) {
            // deceptive-userinfo reports it; calling it personal would be noise.
            Kind::Other
        } else {
            Kind::Personal
        }
    };
    let user = p.community.user.as_deref();
    // The proxy user the app reads; failing that (fail safe), one written in a spelling the app
    // may or may not honour, or hidden behind a leaked separator.
    let exact_proxy = p
        .params_named("authProxyUser")
        .next()
        .and_then(|q| q.value_text())
        .filter(|u| !u.is_empty());
    let proxy_reading = match exact_proxy {
        Some(_) => None,
        None => p
            .readings_of("authProxyUser")
            .find(|r| !r.is_exact() && r.value.as_deref().is_some_and(|v| !v.is_empty())),
    };
    let proxy = exact_proxy.or_else(|| proxy_reading.and_then(|r| r.value.as_deref()));
    let user_kind = user.map(kind_of);
    let proxy_kind = proxy.map(|u| {
        if is_placeholder(u) {
            Kind::Placeholder
        } else {
            Kind::Personal
        }
    });
    let fix_for = |kind: Kind| {
        fixed(p, |r| {
            if user_kind == Some(kind) {
                r.user = None;
            }
            if proxy_kind == Some(kind) {
                match proxy_reading {
                    // The written (or repaired) spelling goes; nothing is switched on for it.
                    Some(reading) => {
                        r.remove(&reading.name);
                    }
                    None => {
                        // Dropping authProxyUser must not switch proxy authentication off.
                        r.remove("authProxyUser");
                        if !r.has("authProxyEnabled") {
                            r.set("authProxyEnabled", "true");
                        }
                    }
                }
            }
        })
    };
    if let (Some(user), Some(kind)) = (user, user_kind) {
        let evidence = format!("{}@", p.user_raw().unwrap_or(""));
        match kind {
            Kind::Placeholder => out.push(
                finding(
                    &catalogue::PLACEHOLDER_USER_ID,
                    format!(
                        "the user name '{user}' is a placeholder: nobody can edit a QR code, so everyone who scans it gets a community for '{user}'"
                    ),
                    evidence,
                )
                .with_suggested_url(fix_for(kind)),
            ),
            Kind::Personal => out.push(
                finding(
                    &catalogue::PERSONAL_USER_ID,
                    format!(
                        "the code names one person's user ID '{user}': everyone who scans it gets a community for that user"
                    ),
                    evidence,
                )
                .with_suggested_url(fix_for(kind)),
            ),
            Kind::Other => {}
        }
    }
    if let (Some(proxy), Some(kind)) = (proxy, proxy_kind) {
        let evidence =
            proxy_reading.map_or_else(|| format!("authProxyUser={proxy}"), Reading::evidence);
        let hedge = proxy_reading
            .and_then(|r| {
                r.spelling
                    .as_ref()
                    .map(|s| format!("{}; if it does, ", s.hedge(&r.written)))
            })
            .unwrap_or_default();
        let (rule, message) = if kind == Kind::Placeholder {
            (
                &catalogue::PLACEHOLDER_USER_ID,
                format!("the proxy user '{proxy}' is a placeholder: nobody can edit a QR code"),
            )
        } else {
            (
                &catalogue::PERSONAL_USER_ID,
                format!(
                    "the code names one person's proxy user ID '{proxy}': everyone who scans it signs in to the proxy as that user"
                ),
            )
        };
        out.push(
            finding(rule, format!("{hedge}{message}"), evidence).with_suggested_url(fix_for(kind)),
        );
    }
}

#[cfg(test)]
mod tests;
