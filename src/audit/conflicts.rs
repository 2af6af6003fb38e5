//! Rules across the codes of one run: `community-conflict`.
//!
//! The Sametime app identifies a community by server, port and user name. When a user scans a
//! code for a community they already have, the app offers to *update* it ("If the user already
//! belongs to a community with the same configurations (server, port, and user name) an alert
//! prompts the user to confirm that the existing community definition should be updated"). Codes
//! of one campaign that share server, port and user but differ in anything else therefore
//! overwrite each other, depending on which one a user scans last.
//!
//! The key compares the server case-insensitively without a trailing dot, the effective port
//! (443 when omitted) and the decoded user, where "no user" (prompted) is a value of its own:
//! whoever types their name into both gets the same community. Codes that agree on everything
//! are duplicates, not conflicts, and are not reported.
//!
//! A conflict is a property of the whole group of codes that share a key, not of a pair: when a
//! group holds more than one *variant* (set of settings), every code of the group carries the
//! finding, naming the other variants, how they differ from this code and how many codes carry
//! each. No code is "the first" or "the later one", so the findings do not depend on the order
//! in which files are scanned: adding a file that sorts first moves no finding off any code.

use super::{Finding, catalogue};
use crate::payload::sametime::{Community, Provisioning};

/// The identity of a community, as the app compares it.
type Key = (String, u16, Option<String>);

fn key(c: &Community) -> Option<Key> {
    let server = c
        .server
        .as_deref()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    Some((server, c.port?, c.user.clone()))
}

/// One setting that differs between two communities of the same key: its name, this code's
/// value and the other code's.
struct Difference {
    name: &'static str,
    here: String,
    there: String,
}

/// The settings that differ between two communities of the same key (empty: same variant).
fn differences(here: &Community, there: &Community) -> Vec<Difference> {
    let mut out = Vec::new();
    let mut cmp = |name: &'static str, here: String, there: String| {
        if here != there {
            out.push(Difference { name, here, there });
        }
    };
    let name = |c: &Community| match (&c.community_name, c.community_name_defaulted) {
        (Some(n), false) => format!("'{n}'"),
        (Some(n), true) => format!("'{n}' (default)"),
        (None, _) => "(none)".to_string(),
    };
    cmp("communityName", name(here), name(there));
    cmp(
        "savePassword",
        here.save_password.to_string(),
        there.save_password.to_string(),
    );
    cmp(
        "allowUntrustedSSL",
        here.allow_untrusted_ssl.to_string(),
        there.allow_untrusted_ssl.to_string(),
    );
    cmp(
        "proxy authentication",
        here.auth_proxy.enabled.to_string(),
        there.auth_proxy.enabled.to_string(),
    );
    let proxy_user = |c: &Community| match &c.auth_proxy.user {
        Some(u) => format!("'{u}'"),
        None => "(prompted)".to_string(),
    };
    if here.auth_proxy.enabled && there.auth_proxy.enabled {
        cmp("proxy user", proxy_user(here), proxy_user(there));
    }
    cmp(
        "password in code",
        here.password_present.to_string(),
        there.password_present.to_string(),
    );
    out
}

/// At most this many locations are named per variant; the count says how many there are.
const LABELS_SHOWN: usize = 5;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "a.png #1, b.png #2 and 3 more".
fn label_list(labels: &[&str]) -> String {
    let mut shown = labels
        .iter()
        .take(LABELS_SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if labels.len() > LABELS_SHOWN {
        shown.push_str(&format!(" and {} more", labels.len() - LABELS_SHOWN));
    }
    shown
}

/// Findings about provisioning URLs that conflict with each other. `items` pairs a label that
/// tells a reader where the code is (`poster.png #2`) with each provisioning URL of the run.
/// Every code of a group that defines one community in more than one way gets one finding,
/// tagged with its position in `items`. The order of `items` decides only the order in which
/// variants and locations are listed, never which codes carry a finding.
pub fn community_conflicts(items: &[(&str, &Provisioning)]) -> Vec<(usize, Finding)> {
    // Groups by key, each a list of variants, each a list of positions in `items`; groups and
    // variants in order of first appearance, so that messages are stable for a given input.
    let mut groups: Vec<(Key, Vec<Vec<usize>>)> = Vec::new();
    for (pos, (_, p)) in items.iter().enumerate() {
        let Some(k) = key(&p.community) else { continue };
        let group = match groups.iter_mut().position(|(gk, _)| *gk == k) {
            Some(g) => &mut groups[g].1,
            None => {
                groups.push((k, Vec::new()));
                &mut groups.last_mut().expect("just pushed").1
            }
        };
        let same = group
            .iter_mut()
            .find(|variant| differences(&items[variant[0]].1.community, &p.community).is_empty());
        match same {
            Some(variant) => variant.push(pos),
            None => group.push(vec![pos]),
        }
    }
    let mut out = Vec::new();
    for ((server, port, user), variants) in &groups {
        if variants.len() < 2 {
            continue;
        }
        let codes: usize = variants.iter().map(Vec::len).sum();
        let who = user
            .as_deref()
            .map_or("prompted user".to_string(), |u| format!("user '{u}'"));
        for (own_index, own) in variants.iter().enumerate() {
            let here = &items[own[0]].1.community;
            let others: Vec<String> = variants
                .iter()
                .enumerate()
                .filter(|(index, _)| *index != own_index)
                .map(|(_, variant)| {
                    let labels: Vec<&str> = variant.iter().map(|&p| items[p].0).collect();
                    let diff: Vec<String> = differences(here, &items[variant[0]].1.community)
                        .iter()
                        .map(|d| format!("{} {} (here {})", d.name, d.there, d.here))
                        .collect();
                    format!(
                        "{} ({}) with {}",
                        plural(variant.len(), "code", "codes"),
                        label_list(&labels),
                        diff.join(", ")
                    )
                })
                .collect();
            for &pos in own {
                let alike = own.len() - 1;
                let alike = if alike == 0 {
                    "no other code shares this code's settings".to_string()
                } else {
                    format!(
                        "{} this code's settings",
                        plural(alike, "other code shares", "other codes share")
                    )
                };
                let finding = Finding::new(
                    &catalogue::COMMUNITY_CONFLICT,
                    format!(
                        "defines the community {server}:{port} ({who}) that {codes} codes of this run define in {} different ways: {}; {alike}. Scanning codes of different variants updates the community with the settings of whichever is scanned last",
                        variants.len(),
                        others.join("; ")
                    ),
                )
                .with_evidence(format!("{server}:{port} {who}"));
                out.push((pos, finding));
            }
        }
    }
    out.sort_by_key(|(pos, _)| *pos);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::sametime::parse;

    fn p(text: &str) -> Provisioning {
        parse(text).expect("a provisioning URL")
    }

    /// The codes that carry a finding, by label.
    fn flagged(found: &[(usize, Finding)], labels: &[&str]) -> Vec<String> {
        found
            .iter()
            .map(|(pos, _)| labels[*pos].to_string())
            .collect()
    }

    #[test]
    fn every_code_of_a_conflicting_group_carries_the_finding() {
        let a = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales");
        let b =
            p("hclsametime://STPROXY.example.com.:443/?action=AddCommunity&communityName=Support");
        let c = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales");
        let labels = ["a.png #4", "b.png #7", "c.png #9"];
        let found = community_conflicts(&[(labels[0], &a), (labels[1], &b), (labels[2], &c)]);
        assert_eq!(flagged(&found, &labels), labels, "{found:?}");
        assert!(found.iter().all(|(_, f)| f.rule == "community-conflict"));
        // The first code names the other variant, the codes that carry it and how it differs.
        let first = &found[0].1.message;
        assert!(
            first.contains("3 codes of this run define in 2 different ways"),
            "{first}"
        );
        assert!(
            first.contains("1 code (b.png #7) with communityName 'Support' (here 'Sales')"),
            "{first}"
        );
        assert!(
            first.contains("1 other code shares this code's settings"),
            "{first}"
        );
        // The odd one out names both codes of the other variant.
        let odd = &found[1].1.message;
        assert!(
            odd.contains(
                "2 codes (a.png #4, c.png #9) with communityName 'Sales' (here 'Support')"
            ),
            "{odd}"
        );
        assert!(odd.contains("no other code shares"), "{odd}");
        // One evidence for the whole group: a fingerprint that does not depend on the others.
        assert!(
            found.iter().all(
                |(_, f)| f.evidence.as_deref() == Some("stproxy.example.com:443 prompted user")
            )
        );
    }

    #[test]
    fn order_of_the_codes_moves_no_finding() {
        let texts = [
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=A",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=B",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=A&savePassword=true",
            "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=A",
            "hclsametime://bob@stproxy.example.com/?action=AddCommunity",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=B",
        ];
        let parsed: Vec<Provisioning> = texts.iter().map(|t| p(t)).collect();
        let labels = ["t0", "t1", "t2", "t3", "t4", "t5"];
        // Every rotation and the reversal flag the same codes, with the same evidence.
        let mut orders: Vec<Vec<usize>> = (0..texts.len())
            .map(|r| (0..texts.len()).map(|i| (i + r) % texts.len()).collect())
            .collect();
        orders.push((0..texts.len()).rev().collect());
        let mut expected: Option<Vec<(String, Option<String>)>> = None;
        for order in orders {
            let items: Vec<(&str, &Provisioning)> =
                order.iter().map(|&i| (labels[i], &parsed[i])).collect();
            let mut got: Vec<(String, Option<String>)> = community_conflicts(&items)
                .into_iter()
                .map(|(pos, f)| (labels[order[pos]].to_string(), f.evidence))
                .collect();
            got.sort();
            match &expected {
                None => expected = Some(got),
                Some(e) => assert_eq!(&got, e, "order {order:?}"),
            }
        }
        let expected = expected.unwrap();
        let flagged: Vec<&str> = expected.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(flagged, ["t0", "t1", "t2", "t5"]);
    }

    #[test]
    fn many_codes_are_counted_and_the_list_is_capped() {
        let a = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=A");
        let b = p("hclsametime://stproxy.example.com/?action=AddCommunity&communityName=B");
        let labels: Vec<String> = (1..=8).map(|i| format!("poster-{i}.png #1")).collect();
        let mut items: Vec<(&str, &Provisioning)> =
            labels.iter().map(|l| (l.as_str(), &a)).collect();
        items.push(("odd.png #1", &b));
        let found = community_conflicts(&items);
        assert_eq!(found.len(), 9);
        let odd = &found[8].1.message;
        assert!(
            odd.contains("8 codes (poster-1.png #1, poster-2.png #1, poster-3.png #1, poster-4.png #1, poster-5.png #1 and 3 more)"),
            "{odd}"
        );
        assert!(
            found[0].1.message.contains("7 other codes share"),
            "{}",
            found[0].1.message
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
        assert_eq!(found.len(), 2);
        assert!(
            found[0]
                .1
                .message
                .contains("allowUntrustedSSL true (here false)"),
            "{}",
            found[0].1.message
        );
        assert_eq!(found[0].1.severity, crate::audit::Severity::Medium);
    }
}
