//! Rules across the codes of one run: `community-conflict`.
//!
//! The Sametime app identifies a community by server, port and user name. When a user scans a
//! code for a community they already have, the app offers to *update* it ("If the user already
//! belongs to a community with the same configurations (server, port, and user name) an alert
//! prompts the user to confirm that the existing community definition should be updated"). Two
//! codes of one campaign that share server, port and user but differ in anything else therefore
//! overwrite each other, depending on which one a user scans last.
//!
//! The key compares the server case-insensitively without a trailing dot, the effective port
//! (443 when omitted) and the decoded user, where "no user" (prompted) is a value of its own:
//! whoever types their name into both gets the same community. Codes that agree on everything
//! are duplicates, not conflicts, and are not reported.

use super::{Finding, catalogue};
use crate::payload::sametime::{Community, Provisioning};

/// The identity of a community, as the app compares it.
fn key(c: &Community) -> Option<(String, u16, Option<String>)> {
    let server = c
        .server
        .as_deref()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    Some((server, c.port?, c.user.clone()))
}

/// The settings that differ between two communities of the same key, as `name: a vs b`.
fn differences(a: &Community, b: &Community) -> Vec<String> {
    let mut out = Vec::new();
    let mut cmp = |name: &str, x: String, y: String| {
        if x != y {
            out.push(format!("{name} {x} vs {y}"));
        }
    };
    let name = |c: &Community| match (&c.community_name, c.community_name_defaulted) {
        (Some(n), false) => format!("'{n}'"),
        (Some(n), true) => format!("'{n}' (default)"),
        (None, _) => "(none)".to_string(),
    };
    cmp("communityName", name(a), name(b));
    cmp(
        "savePassword",
        a.save_password.to_string(),
        b.save_password.to_string(),
    );
    cmp(
        "allowUntrustedSSL",
        a.allow_untrusted_ssl.to_string(),
        b.allow_untrusted_ssl.to_string(),
    );
    cmp(
        "proxy authentication",
        a.auth_proxy.enabled.to_string(),
        b.auth_proxy.enabled.to_string(),
    );
    let proxy_user = |c: &Community| match &c.auth_proxy.user {
        Some(u) => format!("'{u}'"),
        None => "(prompted)".to_string(),
    };
    if a.auth_proxy.enabled && b.auth_proxy.enabled {
        cmp("proxy user", proxy_user(a), proxy_user(b));
    }
    cmp(
        "password in code",
        a.password_present.to_string(),
        b.password_present.to_string(),
    );
    out
}

/// Findings about provisioning URLs that conflict with each other. `items` pairs a label that
/// tells a reader where the code is (`poster.png #2`) with each provisioning URL of the run; for
/// each code that redefines a community an earlier code defined differently, one finding tagged
/// with the later code's position in `items`, naming the earlier one by its label.
pub fn community_conflicts(items: &[(&str, &Provisioning)]) -> Vec<(usize, Finding)> {
    let mut out = Vec::new();
    for (pos, (_, p)) in items.iter().enumerate() {
        let Some(k) = key(&p.community) else { continue };
        let earlier = items[..pos].iter().find_map(|(other_label, other)| {
            if key(&other.community).as_ref() != Some(&k) {
                return None;
            }
            let diff = differences(&other.community, &p.community);
            (!diff.is_empty()).then_some((*other_label, diff))
        });
        let Some((other_label, diff)) = earlier else {
            continue;
        };
        let (server, port, user) = &k;
        let who = user
            .as_deref()
            .map_or("prompted user".to_string(), |u| format!("user '{u}'"));
        let finding = Finding::new(
            &catalogue::COMMUNITY_CONFLICT,
            format!(
                "defines the same community as {other_label} ({server}:{port}, {who}) with different settings ({}): scanning both updates the first community with the second's settings",
                diff.join("; ")
            ),
        )
        .with_evidence(format!("{server}:{port} {who}"));
        out.push((pos, finding));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::sametime::parse;

    fn p(text: &str) -> Provisioning {
        parse(text).expect("a provisioning URL")
    }

    #[test]
    fn same_server_port_user_with_other_settings_conflict() {
        let a = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales");
        let b =
            p("hclsametime://STPROXY.example.com.:443/?action=AddCommunity&communityName=Support");
        let c = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales");
        let found = community_conflicts(&[("a.png #4", &a), ("b.png #7", &b), ("c.png #9", &c)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 1);
        assert_eq!(found[0].1.rule, "community-conflict");
        assert!(
            found[0].1.message.contains("as a.png #4 ("),
            "{}",
            found[0].1.message
        );
        assert!(
            found[0].1.message.contains("'Sales' vs 'Support'"),
            "{}",
            found[0].1.message
        );
        // The third code matches the first but conflicts with the second.
        assert_eq!(found[1].0, 2);
        assert!(
            found[1].1.message.contains("as b.png #7 ("),
            "{}",
            found[1].1.message
        );
    }

    #[test]
    fn identical_codes_and_other_users_or_ports_do_not_conflict() {
        let a = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales");
        let same =
            p("hclsametime://stproxy.example.com:443/?action=AddCommunity&communityName=Sales");
        let other_port =
            p("hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=X");
        let other_user =
            p("hclsametime://bob@stproxy.example.com/?action=AddCommunity&communityName=Y");
        let found = community_conflicts(&[
            ("a", &a),
            ("b", &same),
            ("c", &other_port),
            ("d", &other_user),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn risky_setting_differences_are_named() {
        let a = p("hclsametime://bob@stproxy.example.com/?action=AddCommunity");
        let b =
            p("hclsametime://bob@stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true");
        let found = community_conflicts(&[("a", &a), ("b", &b)]);
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .1
                .message
                .contains("allowUntrustedSSL false vs true"),
            "{}",
            found[0].1.message
        );
        assert_eq!(found[0].1.severity, crate::audit::Severity::Medium);
    }
}
