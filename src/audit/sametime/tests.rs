//! Tests of the Sametime rules beyond the catalogue's examples: rules that need a policy,
//! every suggested URL, exact rewrites for the documented mistakes, and redaction.

use super::*;
use crate::audit::policy::RuleSetting;
use crate::audit::{Severity, audit_text, catalogue};
use crate::payload::Payload;
use crate::text::redact::Redactor;

fn audit_str(text: &str, policy: &Policy) -> Vec<Finding> {
    audit_text(text, &Payload::classify(text), policy)
}

fn rules_of(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.rule.id).collect()
}

fn suggestion(text: &str, rule: &str) -> Option<String> {
    audit_str(text, &Policy::default())
        .into_iter()
        .find(|f| f.rule == rule)
        .and_then(|f| f.suggested_url)
}

#[test]
fn seed_examples_raise_only_the_user_id_rules() {
    let policy = Policy::default();
    // Without an allow-list every code also carries the verdict that its host was not checked.
    let seed_1 = "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server";
    assert_eq!(rules_of(&audit_str(seed_1, &policy)), ["host-not-checked"]);
    assert_eq!(
        rules_of(&audit_str(
            "hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity",
            &policy
        )),
        ["host-not-checked", "personal-user-id"]
    );
    assert_eq!(
        rules_of(&audit_str(
            "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true",
            &policy
        )),
        ["host-not-checked", "placeholder-user-id"]
    );
    assert_eq!(
        rules_of(&audit_str(
            "hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true",
            &policy
        )),
        ["host-not-checked"]
    );
    // With one, the seed's codes for the organisation's hosts are clean.
    let mut company = Policy::default();
    company
        .merge_flags(&["*.example.com".into()], &[])
        .expect("valid pattern");
    assert!(audit_str(seed_1, &company).is_empty());
}

#[test]
fn host_not_allowed_fires_only_with_a_policy() {
    let text = "hclsametime://stproxy.evil.example/?action=AddCommunity";
    let unchecked = audit_str(text, &Policy::default());
    assert_eq!(rules_of(&unchecked), ["host-not-checked"]);
    assert!(
        unchecked[0]
            .message
            .contains("host 'stproxy.evil.example' was not checked"),
        "{}",
        unchecked[0].message
    );
    assert_eq!(unchecked[0].severity, Severity::Info);
    let mut policy = Policy::default();
    policy
        .merge_flags(&["*.example.com".into()], &[])
        .expect("valid pattern");
    let findings = audit_str(text, &policy);
    let f = findings
        .iter()
        .find(|f| f.rule == "host-not-allowed")
        .expect("fires");
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.evidence.as_deref(), Some("stproxy.evil.example"));
    assert!(f.message.contains("*.example.com"));
    assert!(f.suggested_url.is_none());
    for allowed in [
        "hclsametime://stproxy.example.com/?action=AddCommunity",
        "hclsametime://STPROXY.EXAMPLE.COM./?action=AddCommunity",
    ] {
        assert!(
            !rules_of(&audit_str(allowed, &policy)).contains(&"host-not-allowed"),
            "{allowed}"
        );
    }
    // A disguised host is judged by where the app really connects.
    let disguised = "hclsametime://stproxy.example.com@evil.example.net/?action=AddCommunity";
    assert!(rules_of(&audit_str(disguised, &policy)).contains(&"host-not-allowed"));
}

#[test]
fn ports_are_checked_when_the_policy_lists_them() {
    let mut policy = Policy::default();
    policy.merge_flags(&[], &[8443]).expect("valid port");
    let default_port = audit_str(
        "hclsametime://stproxy.example.com/?action=AddCommunity",
        &policy,
    );
    let f = default_port
        .iter()
        .find(|f| f.rule == "host-not-allowed")
        .expect("443 is not allowed");
    assert!(
        f.message.contains("port 443 (the default)"),
        "{}",
        f.message
    );
    // Ports alone are no allow-list of hosts: the host is still reported as not checked.
    assert_eq!(
        rules_of(&audit_str(
            "hclsametime://stproxy.example.com:8443/?action=AddCommunity",
            &policy
        )),
        ["host-not-checked"]
    );
}

/// Rules whose every `fires_on` example must come with a suggested URL.
const ALWAYS_SUGGESTED: &[&str] = &[
    "embedded-password",
    "untrusted-ssl",
    "deceptive-userinfo",
    "malformed-encoding",
    "missing-action",
    "invalid-value",
    "save-password",
    "conflicting-parameters",
    "duplicate-parameter",
    "unknown-parameter",
    "placeholder-user-id",
    "personal-user-id",
];

#[test]
fn every_suggested_url_parses_and_clears_its_rule() {
    let policy = Policy::default();
    for rule in catalogue::all() {
        for example in rule.fires_on {
            let findings = audit_str(example, &policy);
            for f in findings.iter().filter(|f| f.rule == rule.id) {
                let Some(url) = &f.suggested_url else {
                    // Only URLs have a blind-safe rewrite: a Wi-Fi key cannot just be dropped.
                    let is_url = matches!(Payload::classify(example).kind(), "sametime" | "url");
                    assert!(
                        !(is_url && ALWAYS_SUGGESTED.contains(&rule.id)),
                        "{} gave no suggestion for {example:?}",
                        rule.id
                    );
                    continue;
                };
                let again = audit_str(url, &policy);
                assert!(
                    !again.iter().any(|g| g.rule == rule.id),
                    "suggestion {url:?} for {example:?} still fires {}: {again:?}",
                    rule.id
                );
                assert!(
                    Payload::classify(url).kind() != "text",
                    "suggestion {url:?} does not parse"
                );
                // A suggestion is safe to publish: it never carries a password.
                assert!(
                    Payload::classify(url).secrets().is_empty(),
                    "suggestion {url:?} carries a secret"
                );
            }
        }
    }
}

#[test]
fn documented_mistakes_get_exact_rewrites() {
    assert_eq!(
        suggestion(
            "hclsametime://stproxyserver.example.com/?action=AddCommunity%26communityName=Sametime%20Server",
            "malformed-encoding"
        )
        .as_deref(),
        Some(
            "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server"
        )
    );
    assert_eq!(
        suggestion(
            "hclsametime://dmisawa@auto_sales@stproxyserver.example.com:9080/?action=AddCommunity",
            "malformed-encoding"
        )
        .as_deref(),
        Some(
            "hclsametime://dmisawa%40auto_sales@stproxyserver.example.com:9080/?action=AddCommunity"
        )
    );
    assert_eq!(
        suggestion(
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales Team",
            "malformed-encoding"
        )
        .as_deref(),
        Some("hclsametime://h.example.com/?action=AddCommunity&communityName=Sales%20Team")
    );
    assert_eq!(
        suggestion(
            "hclsametime://h.example.com/?action=AddCommunity&comunityName=Sales",
            "unknown-parameter"
        )
        .as_deref(),
        Some("hclsametime://h.example.com/?action=AddCommunity&communityName=Sales")
    );
    assert_eq!(
        suggestion(
            "hclsametime://bob:Secret123@h.example.com:8443/?action=AddCommunity&allowUntrustedSSL=true",
            "untrusted-ssl"
        )
        .as_deref(),
        Some("hclsametime://bob@h.example.com:8443/?action=AddCommunity")
    );
    assert_eq!(
        suggestion(
            "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true",
            "placeholder-user-id"
        )
        .as_deref(),
        Some("hclsametime://safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true")
    );
    assert_eq!(
        suggestion("https://bob:hunter2@example.com/x", "embedded-password").as_deref(),
        Some("https://bob@example.com/x")
    );
}

#[test]
fn unfixable_problems_get_no_suggestion() {
    for (text, rule) in [
        (
            "hclsametime://stproxy.example.com:70000/?action=AddCommunity",
            "invalid-port",
        ),
        (
            "hclsametime://stpr\u{043e}xy.example.com/?action=AddCommunity",
            "malformed-encoding",
        ),
        ("hclsametime://stproxy/?action=AddCommunity", "not-fqdn"),
    ] {
        let findings = audit_str(text, &Policy::default());
        let f = findings.iter().find(|f| f.rule == rule).expect("fires");
        assert_eq!(f.suggested_url, None, "{text}");
    }
}

#[test]
fn policy_overrides_apply_to_sametime_findings() {
    let mut policy = Policy::default();
    policy
        .rules
        .insert("personal-user-id".into(), RuleSetting::Off);
    policy.rules.insert(
        "save-password".into(),
        RuleSetting::Severity(Severity::Critical),
    );
    let findings = audit_str(
        "hclsametime://dmisawa@stproxy.example.com/?action=AddCommunity&savePassword=true",
        &policy,
    );
    assert_eq!(rules_of(&findings), ["host-not-checked", "save-password"]);
    assert_eq!(findings[1].severity, Severity::Critical);
}

#[test]
fn redaction_removes_every_password_byte_from_findings_and_json() {
    let cases = [
        (
            "hclsametime://bob:Pw%3Fq9%20Zx@h.example.com/?action=AddCommunity",
            ["Pw%3Fq9%20Zx", "Pw?q9 Zx"],
        ),
        (
            "hclsametime://bob:Pw?q9 Zx@h.example.com/?action=AddCommunity&communityName=A B",
            ["Pw?q9 Zx", "Pw?q9%20Zx"],
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&password=Pw%3Fq9Zx&password=Pw%3Fq9Zx",
            ["Pw%3Fq9Zx", "Pw?q9Zx"],
        ),
    ];
    for (text, spellings) in cases {
        let payload = Payload::classify(text);
        let redactor = Redactor::new(payload.secrets(), false);
        let findings = audit_text(text, &payload, &Policy::default());
        assert!(
            findings.iter().any(|f| f.rule == "embedded-password"),
            "{text}"
        );
        let mut json = serde_json::json!({"text": text, "payload": crate::report::payload::unmasked_json(&payload), "findings": findings});
        redactor.apply_json(&mut json);
        let out = serde_json::to_string(&json).expect("serializes");
        for spelling in spellings {
            assert!(!out.contains(spelling), "{spelling:?} leaked in {out}");
        }
        assert!(!out.contains("q9"), "part of the password leaked in {out}");
    }
}

#[test]
fn fully_fixed_url_clears_everything_it_can() {
    let messy = "hclsametime://bob:Secret1@stproxy.example.com:8443/?action=AddCommunity%26communityName=Sales+Team&allowUntrustedSSL=true&savePassword=true&comunityName=X&foo=1";
    let p = sametime::parse(messy).expect("parsed");
    let fixed = fully_fixed_url(&p).expect("something to fix");
    assert_eq!(
        fixed,
        "hclsametime://bob@stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team"
    );
    assert_eq!(
        rules_of(&audit_str(&fixed, &Policy::default())),
        ["host-not-checked", "personal-user-id"]
    );
    let clean = sametime::parse(
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales",
    )
    .expect("parsed");
    assert_eq!(fully_fixed_url(&clean), None);
}

#[test]
fn malformed_encoding_reports_each_difference_with_evidence() {
    let findings = audit_str(
        "hclsametime://dmisawa@auto_sales@stproxy.example.com/?action=AddCommunity&communityName=Sales+Team#x",
        &Policy::default(),
    );
    let malformed: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "malformed-encoding")
        .collect();
    assert_eq!(malformed.len(), 3, "{malformed:?}");
    assert_eq!(
        malformed[0].evidence.as_deref(),
        Some("dmisawa@auto_sales@")
    );
    assert!(malformed[1].message.contains("'+'"));
    assert!(malformed[2].message.contains("fragment"));
    assert!(malformed.iter().all(|f| f.suggested_url.is_some()));
}

#[test]
fn e_mail_user_ids_are_not_deceptive_but_hosts_are() {
    let policy = Policy::default();
    let email = audit_str(
        "hclsametime://myid%40mycompany.com@stproxy.example.com/?action=AddCommunity",
        &policy,
    );
    assert_eq!(rules_of(&email), ["host-not-checked", "personal-user-id"]);
    let host = audit_str(
        "hclsametime://stproxy.example.com:443@evil.example.net/?action=AddCommunity",
        &policy,
    );
    // The ":443" is a password to the parser, so embedded-password fires too.
    assert_eq!(
        rules_of(&host),
        [
            "embedded-password",
            "host-not-checked",
            "deceptive-userinfo"
        ]
    );
}

#[test]
fn untrusted_ssl_fires_when_any_occurrence_is_true() {
    let findings = audit_str(
        "hclsametime://h.example.com/?action=AddCommunity&allowUntrustedSSL=false&allowUntrustedSSL=yes",
        &Policy::default(),
    );
    assert!(rules_of(&findings).contains(&"untrusted-ssl"));
    assert!(rules_of(&findings).contains(&"duplicate-parameter"));
    let off = audit_str(
        "hclsametime://h.example.com/?action=AddCommunity&allowUntrustedSSL=FALSE",
        &Policy::default(),
    );
    assert!(!rules_of(&off).contains(&"untrusted-ssl"));
    assert!(rules_of(&off).contains(&"invalid-value"));
    // Uri.getBooleanQueryParameter takes everything but 'false' and '0' as true.
    for value in ["=no", "=off", "=", ""] {
        let on = audit_str(
            &format!("hclsametime://h.example.com/?action=AddCommunity&allowUntrustedSSL{value}"),
            &Policy::default(),
        );
        let finding = on.iter().find(|f| f.rule == "untrusted-ssl").expect(value);
        assert!(
            finding.message.contains("Uri.getBooleanQueryParameter"),
            "{}",
            finding.message
        );
    }
}

/// Decoded QR text is attacker-controlled: no input may panic the parser or the rules, and
/// every suggestion that survives must clear its rule. Inputs are built from the pieces that
/// matter to the lexer (delimiters, escapes, multi-byte characters) by a fixed LCG, so the test
/// is deterministic.
#[test]
fn generated_inputs_never_panic_and_suggestions_hold() {
    const PIECES: &[&str] = &[
        "hclsametime:",
        "//",
        "bob",
        ":",
        "Pw",
        "@",
        "h.example.com",
        "80",
        "/",
        "?",
        "#",
        "&",
        "=",
        "%",
        "%2",
        "%26",
        "%3D",
        "%40",
        "%FF",
        "é",
        "о",
        " ",
        "\t",
        "[",
        "]",
        "+",
        "action=AddCommunity",
        "&amp;",
        "communityName",
        "allowUntrustedSSL=true",
        "authProxyUser=",
        "savePassword=1",
        "xn--",
        "localhost",
        "\u{202e}",
        "Your_ID",
    ];
    let policy = {
        let mut p = Policy::default();
        p.merge_flags(&["*.example.com".into()], &[443])
            .expect("valid");
        p
    };
    let mut seed: u64 = 0x5eed;
    for _ in 0..800 {
        let mut text = String::from("hclsametime://");
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 59) as usize + 1;
        for _ in 0..len {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(PIECES[(seed >> 33) as usize % PIECES.len()]);
        }
        let payload = Payload::classify(&text);
        let findings = audit_text(&text, &payload, &policy);
        if let Payload::Sametime(p) = &payload {
            let _ = (p.summary(), p.describe(), fully_fixed_url(p));
            for f in &findings {
                if let Some(url) = &f.suggested_url {
                    let again = audit_str(url, &policy);
                    assert!(
                        !again.iter().any(|g| g.rule == f.rule),
                        "{text:?}: suggestion {url:?} still fires {}",
                        f.rule.id
                    );
                }
            }
        }
    }
}
