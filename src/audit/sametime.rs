//! Rules over one Sametime provisioning URL.
//!
//! Each rule reads the parsed `Provisioning` (the resolved community, the parameters as seen and
//! the parse issues) and returns findings with a message, the evidence and, where a safe rewrite
//! exists, a `suggested_url`. Suggestions start from `Provisioning::rewrite()` (the repaired,
//! password-free reading) and apply the one fix of their rule; before a suggestion is kept, it is
//! parsed and audited again, and dropped if the rule would still fire on it, so no finding ever
//! suggests a URL that does not fix it.
//!
//! Evidence may quote the password as written: the report layer masks every spelling listed by
//! `Provisioning::secrets()`. Partial spellings never appear (see `payload::sametime::raw`).

use super::Finding;
use super::catalogue::{self, Rule};
use super::userid::{is_placeholder, looks_like_host_or_url};
use crate::payload::sametime::{
    self, ADD_COMMUNITY, BOOLEAN_PARAMETERS, KNOWN_PARAMETERS, Provisioning, Rewrite,
    closest_known_parameter, parse_bool, truthy_somewhere,
};
use crate::policy::Policy;

/// Every finding about one provisioning URL (before policy overrides, which `audit_text` applies).
pub fn audit(p: &Provisioning, _text: &str, policy: &Policy) -> Vec<Finding> {
    let mut findings = raw_findings(p, policy);
    for finding in &mut findings {
        if let Some(url) = finding.suggested_url.take()
            && suggestion_clears(&url, &finding.rule, policy)
        {
            finding.suggested_url = Some(url);
        }
    }
    findings
}

/// True when `url` parses as a provisioning URL on which `rule` no longer fires.
fn suggestion_clears(url: &str, rule: &str, policy: &Policy) -> bool {
    match sametime::parse(url) {
        Some(fixed) => !raw_findings(&fixed, policy).iter().any(|f| f.rule == rule),
        None => false,
    }
}

/// The URL with every fix that is safe to apply blindly: password removed, encoding repaired,
/// untrusted SSL and savePassword dropped, action set, unknown parameters renamed or removed,
/// duplicates resolved as the duplicate-parameter rule suggests. `None` when nothing changes.
pub fn fully_fixed_url(p: &Provisioning) -> Option<String> {
    let mut r = p.rewrite();
    r.remove("allowUntrustedSSL").remove("savePassword");
    r.set("action", ADD_COMMUNITY);
    for name in r.params.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>() {
        if !KNOWN_PARAMETERS.contains(&name.as_str()) {
            match closest_known_parameter(&name).filter(|k| !r.has(k)) {
                Some(known) if !sametime::is_secret_name(&name) => {
                    r.rename(&name, known);
                }
                _ => {
                    r.remove(&name);
                }
            }
        }
    }
    for name in KNOWN_PARAMETERS {
        r.keep_nth(name, 0);
    }
    let url = r.to_url();
    (url != p.text()).then_some(url)
}

fn raw_findings(p: &Provisioning, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    embedded_password(p, &mut out);
    untrusted_ssl(p, &mut out);
    host_not_allowed(p, policy, &mut out);
    deceptive_userinfo(p, &mut out);
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

fn finding(rule: &Rule, message: String, evidence: impl Into<String>) -> Finding {
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
            out.push(
                finding(
                    &catalogue::EMBEDDED_PASSWORD,
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
    for param in p.params_named("allowUntrustedSSL") {
        let value = param.value_text().unwrap_or("");
        let message = if parse_bool(value) == Some(true) {
            format!(
                "allowUntrustedSSL={value}: the app will accept any certificate for this community, so anyone on the network path can impersonate the server and read messages and passwords"
            )
        } else if truthy_somewhere(value) {
            format!(
                "allowUntrustedSSL={value}: not 'true', but some clients read it as true and will accept any certificate"
            )
        } else {
            continue;
        };
        out.push(
            finding(
                &catalogue::UNTRUSTED_SSL,
                message,
                format!("allowUntrustedSSL={value}"),
            )
            .with_suggested_url(fixed(p, |r| {
                r.remove("allowUntrustedSSL");
            })),
        );
        return;
    }
}

fn host_not_allowed(p: &Provisioning, policy: &Policy, out: &mut Vec<Finding>) {
    let Some(server) = p.community.server.as_deref() else {
        return;
    };
    if policy.hosts_checked() && !policy.host_allowed(server) {
        out.push(finding(
            &catalogue::HOST_NOT_ALLOWED,
            format!(
                "host '{server}' is not among the policy's allowed hosts ({})",
                policy.allowed_hosts.join(", ")
            ),
            server,
        ));
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

fn deceptive_userinfo(p: &Provisioning, out: &mut Vec<Finding>) {
    let Some(user) = p.community.user.as_deref() else {
        return;
    };
    if looks_like_host_or_url(user) {
        let host = p.host();
        out.push(
            finding(
                &catalogue::DECEPTIVE_USERINFO,
                format!(
                    "the user name '{user}' looks like a host or URL: a reader sees '{user}' first, but the app connects to '{host}'"
                ),
                format!("{}@{host}", p.user_raw().unwrap_or("")),
            )
            .with_suggested_url(fixed(p, |r| r.user = None)),
        );
    }
}

/// Deceptive userinfo in any other URL (`https://good.example.com@evil.example.net/`).
pub(crate) fn deceptive_web_userinfo(text: &str) -> Option<Finding> {
    let mut parsed = url::Url::parse(text.trim()).ok()?;
    let user = sametime_decode(parsed.username());
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

fn sametime_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn idn_host(p: &Provisioning, out: &mut Vec<Finding>) {
    let host = sametime_decode(p.host());
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
        let fix = match issue.kind {
            "raw-at-in-user" => {
                "Write an '@' inside the user name as %40 (dmisawa%40auto_sales@host)."
            }
            "encoded-separator" => {
                "Use plain '&' and '=' between parameters in the code; %26 is only for the copy pasted into stproxyconfig.xml."
            }
            "html-entity" => {
                "Write '&' between parameters, not '&amp;' (that escaping belongs to HTML and XML files only)."
            }
            "delimiter-in-userinfo" => {
                "Remove the password from the URL (a '?' in it would have to be written %3F, a '#' %23)."
            }
            "raw-character" | "non-ascii" => {
                "Percent-encode the character (a space is %20), or remove it."
            }
            "invalid-escape" => {
                "Write a literal '%' as %25; every other '%' must be followed by two hex digits."
            }
            "invalid-utf8" => "Percent-encode text as UTF-8.",
            "plus-in-query" => {
                "Write a space as %20 (or a plus sign as %2B) so every client reads the same value."
            }
            "fragment" => "Remove the '#...' part, or write a literal '#' as %23.",
            "missing-slashes" => "Start the URL with the scheme followed by '://'.",
            "escaped-host" => "Write the host name without percent escapes.",
            _ => catalogue::MALFORMED_ENCODING.fix,
        };
        out.push(
            finding(
                &catalogue::MALFORMED_ENCODING,
                issue.message.clone(),
                issue.evidence.clone(),
            )
            .with_fix(fix)
            .with_suggested_url(suggestion.clone()),
        );
    }
}

fn missing_action(p: &Provisioning, out: &mut Vec<Finding>) {
    let message = match p.action.as_deref() {
        Some(ADD_COMMUNITY) => return,
        None => "no 'action' parameter: the app does not treat the link as a provisioning request and adds no community".to_string(),
        Some(other) => format!(
            "action is '{other}', not exactly 'AddCommunity': the app adds no community"
        ),
    };
    let evidence = match p.params_named("action").next() {
        Some(a) => format!("action={}", a.raw_value().unwrap_or("")),
        None => p
            .text()
            .split_once('?')
            .map_or_else(|| "(no query)".to_string(), |(_, q)| format!("?{q}")),
    };
    out.push(
        finding(&catalogue::MISSING_ACTION, message, evidence).with_suggested_url(fixed(p, |r| {
            r.set("action", ADD_COMMUNITY);
        })),
    );
}

fn invalid_port(p: &Provisioning, out: &mut Vec<Finding>) {
    let Some(raw) = p.port_raw() else { return };
    let server = p.host();
    if raw.is_empty() {
        out.push(
            finding(
                &catalogue::INVALID_PORT,
                "the port after ':' is empty: some clients fail to parse it, others use 443"
                    .to_string(),
                format!("{server}:"),
            )
            .with_suggested_url(fixed(p, |r| r.port = None)),
        );
        return;
    }
    if p.community.port_invalid.is_none() {
        return;
    }
    let mut f = finding(
        &catalogue::INVALID_PORT,
        format!("the port '{raw}' is not a number in 1..65535: the app cannot connect"),
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
        let value = param.value_text();
        let shown = value.unwrap_or("(no value)");
        let evidence = match param.raw_value() {
            Some(v) => format!("{name}={v}"),
            None => name.to_string(),
        };
        if BOOLEAN_PARAMETERS.contains(&name) {
            if matches!(value, Some("true" | "false")) {
                continue;
            }
            let android = value.and_then(parse_bool).unwrap_or(false);
            let replacement = match (name, value) {
                // Risky switches: the safe rewrite is the default (off).
                ("allowUntrustedSSL" | "savePassword", _) => None,
                (_, Some(v)) if parse_bool(v).is_some() => Some(v.to_ascii_lowercase()),
                (_, Some(v)) if truthy_somewhere(v) => Some("true".to_string()),
                (_, Some(v))
                    if matches!(
                        v.to_ascii_lowercase().as_str(),
                        "0" | "no" | "n" | "off" | "f"
                    ) =>
                {
                    Some("false".to_string())
                }
                _ => None,
            };
            let owned = name.to_string();
            out.push(
                finding(
                    &catalogue::INVALID_VALUE,
                    format!(
                        "{name}={shown} is not 'true' or 'false': Android reads it as {android}, other clients may read it differently"
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
                        "authProxyReuseCredentials={shown}: when present it must be exactly 'true' (omit it to not reuse credentials)"
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
    if p.params_named("savePassword")
        .any(|q| q.value_text().and_then(parse_bool) == Some(true))
    {
        out.push(
            finding(
                &catalogue::SAVE_PASSWORD,
                "savePassword=true: the app stores the Sametime (and proxy) password on every phone that scans the code".to_string(),
                "savePassword=true",
            )
            .with_suggested_url(fixed(p, |r| {
                r.remove("savePassword");
            })),
        );
    }
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
            .with_suggested_url(fixed(p, |r| {
                r.remove("authProxyEnabled");
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
}

fn duplicate_parameter(p: &Provisioning, out: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for param in &p.parameters {
        let name = param.name.as_str();
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        let all: Vec<_> = p.params_named(name).collect();
        if all.len() < 2 {
            continue;
        }
        let values: Vec<String> = all
            .iter()
            .map(|q| {
                if q.secret {
                    crate::redact::MASK.to_string()
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
        let name = param.name.as_str();
        if reported.contains(&name) {
            continue;
        }
        reported.push(name);
        let closest = closest_known_parameter(name);
        let message = match closest {
            Some(known) => {
                format!("unknown parameter '{name}': the app ignores it; did you mean '{known}'?")
            }
            None => format!(
                "unknown parameter '{name}': the app ignores it (known: {})",
                KNOWN_PARAMETERS.join(", ")
            ),
        };
        let evidence = if param.secret {
            name.to_string()
        } else {
            match param.raw_value() {
                Some(v) => format!("{name}={v}"),
                None => name.to_string(),
            }
        };
        let owned = name.to_string();
        let secret = param.secret;
        let mut f = finding(&catalogue::UNKNOWN_PARAMETER, message, evidence).with_suggested_url(
            fixed(p, |r| match closest.filter(|k| !r.has(k) && !secret) {
                Some(known) => {
                    r.rename(&owned, known);
                }
                None => {
                    r.remove(&owned);
                }
            }),
        );
        if let Some(known) = closest {
            f = f.with_fix(format!(
                "Rename '{name}' to '{known}' (names are case-sensitive)."
            ));
        }
        out.push(f);
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
    let proxy = p
        .params_named("authProxyUser")
        .next()
        .and_then(|q| q.value_text())
        .filter(|u| !u.is_empty());
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
                // Dropping authProxyUser must not switch proxy authentication off with it.
                r.remove("authProxyUser");
                if !r.has("authProxyEnabled") {
                    r.set("authProxyEnabled", "true");
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
        let evidence = format!("authProxyUser={proxy}");
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
        out.push(finding(rule, message, evidence).with_suggested_url(fix_for(kind)));
    }
}

#[cfg(test)]
mod tests;
