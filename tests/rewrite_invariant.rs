//! The invariant of issue 14, item 1, as a property of the real CLI: every `suggested_url` and
//! every `fixed_url` that `qraudit check --fix` offers, re-checked by `qraudit check`, is a strict
//! improvement on the code it was offered for. Inputs: every example of every rule in the
//! catalogue, and a few thousand generated provisioning URLs (parameter names near the documented
//! ones in random case, with edits, blanks and percent escapes, duplicated, behind leaked `%26`
//! and `&amp;` separators, with random truthy and falsy spellings). The generator is a fixed
//! SplitMix64, so every run checks the same inputs.
//!
//! The assertions are written independently of the judge inside qraudit: rules and severities
//! are compared from the JSON reports, and "no risky value turned on" from the community the
//! report resolves (the app's own reading): a rewrite never switches on untrusted SSL, saved
//! passwords or the reuse of the Sametime credentials for the proxy where the original did not.

mod common;
use common::qraudit;

use std::collections::BTreeMap;

use serde_json::Value;

/// Rules about several codes of one run: they depend on the other inputs, not on the rewrite.
const CROSS_CODE_RULES: &[&str] = &["community-conflict"];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const NAMES: &[&str] = &[
    "action",
    "communityName",
    "savePassword",
    "authProxyEnabled",
    "authProxyReuseCredentials",
    "authProxyUser",
    "allowUntrustedSSL",
    "allowUntrustedSSL",
    "savePassword",
];

const BOOLEANS: &[&str] = &[
    "true", "TRUE", "True", "tRuE", "1", "%2B1", "+1", "0001", "yes", "Y", "t", "on", "enabled",
    "-1", "false", "FALSE", "0", "no", "off", "", "maybe", "f",
];

/// A name near `known`: another case, an edit or two, blanks, percent escapes.
fn mangle(rng: &mut Rng, known: &str) -> String {
    let mut name: Vec<char> = known.chars().collect();
    match rng.below(8) {
        0 | 1 => {} // as documented
        2 => {
            for c in &mut name {
                if rng.chance(30) {
                    *c = if c.is_ascii_uppercase() {
                        c.to_ascii_lowercase()
                    } else {
                        c.to_ascii_uppercase()
                    };
                }
            }
        }
        3 => {
            for _ in 0..=rng.below(2) {
                let i = rng.below(name.len());
                match rng.below(3) {
                    0 => {
                        name.remove(i);
                    }
                    1 => name.insert(i, (b'a' + rng.below(26) as u8) as char),
                    _ => name[i] = (b'a' + rng.below(26) as u8) as char,
                }
            }
        }
        4 => {
            let i = rng.below(name.len());
            let escaped = format!("%{:02X}", name[i] as u32);
            let mut out: String = name[..i].iter().collect();
            out.push_str(&escaped);
            out.extend(&name[i + 1..]);
            return out;
        }
        5 => {
            let blank = rng.pick(&["%20", "+", "%09"]);
            return if rng.chance(50) {
                format!("{}{blank}", name.iter().collect::<String>())
            } else {
                format!("{blank}{}", name.iter().collect::<String>())
            };
        }
        6 => name = name.iter().map(|c| c.to_ascii_lowercase()).collect(),
        _ => {
            return rng
                .pick(&["foo", "password", "comunityName", "authProxyPassword"])
                .to_string();
        }
    }
    name.into_iter().collect()
}

fn value_for(rng: &mut Rng, known: &str) -> String {
    match known {
        "action" => rng
            .pick(&[
                "AddCommunity",
                "AddCommunity",
                "addcommunity",
                "ADDCOMMUNITY",
                "Add",
            ])
            .to_string(),
        "communityName" => rng
            .pick(&["Sales%20Team", "Sales+Team", "Ops", ""])
            .to_string(),
        "authProxyUser" => rng
            .pick(&["jsmith", "Your_Proxy_ID", "", "p%40x"])
            .to_string(),
        _ => rng.pick(BOOLEANS).to_string(),
    }
}

fn generated(count: usize) -> Vec<String> {
    let mut rng = Rng(0x14_5AFE_F1E5);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let user = rng.pick(&["", "", "dmisawa@", "Your_Sametime_ID@", "bob:S3cr3tPw@"]);
        let host = rng.pick(&[
            "stproxy.example.com",
            "safelinx.example.com:8881",
            "stproxy.example.com:8443",
        ]);
        let mut query = String::new();
        if rng.chance(85) {
            query.push_str("action=AddCommunity");
        }
        for _ in 0..=rng.below(4) {
            let known = rng.pick(NAMES);
            let name = mangle(&mut rng, known);
            let value = value_for(&mut rng, known);
            let times = if rng.chance(10) { 2 } else { 1 };
            for _ in 0..times {
                if !query.is_empty() {
                    query.push_str(rng.pick(&["&", "&", "&", "&", "&", "%26", "&amp;"]));
                }
                query.push_str(&name);
                if !rng.chance(5) {
                    query.push('=');
                    query.push_str(&value);
                }
            }
        }
        out.push(format!("hclsametime://{user}{host}/?{query}"));
    }
    out
}

/// `qraudit check --show-secrets --format json` over `texts` (with `--fix` when `fix`); one
/// report code per text.
fn check(texts: &[String], fix: bool) -> Vec<Value> {
    let output = qraudit()
        .args(["check", "--show-secrets", "--format", "json"])
        .args(fix.then_some("--fix"))
        .arg("--")
        .args(texts)
        .output()
        .expect("qraudit runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let inputs = report["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), texts.len());
    inputs.iter().map(|i| i["codes"][0].clone()).collect()
}

fn severity_rank(s: &str) -> usize {
    ["info", "low", "medium", "high", "critical"]
        .iter()
        .position(|x| *x == s)
        .unwrap_or_else(|| panic!("unknown severity {s}"))
}

/// Per rule: how many findings and the highest severity.
fn by_rule(code: &Value) -> BTreeMap<String, (usize, usize)> {
    let mut out = BTreeMap::new();
    for f in code["findings"].as_array().expect("findings") {
        let rule = f["rule"].as_str().expect("rule");
        if CROSS_CODE_RULES.contains(&rule) {
            continue;
        }
        let entry = out.entry(rule.to_string()).or_insert((0, 0));
        entry.0 += 1;
        entry.1 = entry
            .1
            .max(severity_rank(f["severity"].as_str().expect("severity")));
    }
    out
}

/// The risky switches the app switches on, from the resolved community.
fn live_switches(code: &Value) -> [bool; 3] {
    let c = &code["payload"]["community"];
    let on = |v: &Value| v.as_bool().unwrap_or(false);
    [
        on(&c["allow_untrusted_ssl"]),
        on(&c["save_password"]),
        on(&c["auth_proxy"]["enabled"]) && on(&c["auth_proxy"]["reuse_credentials"]),
    ]
}

/// Panics unless `after` is a strict improvement on `before`; `target` is the rule the
/// suggestion belongs to (`None` for a fixed URL).
fn assert_improvement(
    original: &str,
    candidate: &str,
    before: &Value,
    after: &Value,
    target: Option<&str>,
) {
    let old = by_rule(before);
    let new = by_rule(after);
    for (rule, (count, severity)) in &new {
        let (old_count, old_severity) = old
            .get(rule)
            .unwrap_or_else(|| panic!("{original:?} -> {candidate:?}: new rule {rule}"));
        assert!(
            count <= old_count,
            "{original:?} -> {candidate:?}: more {rule}"
        );
        assert!(
            severity <= old_severity,
            "{original:?} -> {candidate:?}: {rule} more severe"
        );
    }
    for (i, (was, is)) in live_switches(before)
        .iter()
        .zip(live_switches(after))
        .enumerate()
    {
        assert!(
            *was || !is,
            "{original:?} -> {candidate:?}: switch {i} turned on"
        );
    }
    match target {
        Some(rule) => assert!(
            !new.contains_key(rule),
            "{original:?} -> {candidate:?}: {rule} still fires"
        ),
        None => assert!(
            new.values().map(|v| v.0).sum::<usize>() < old.values().map(|v| v.0).sum::<usize>(),
            "{original:?} -> {candidate:?}: not better"
        ),
    }
    assert!(
        !candidate.contains("S3cr3tPw"),
        "{original:?} -> {candidate:?}: the password survived"
    );
}

#[test]
fn every_offered_rewrite_is_a_strict_improvement() {
    let mut texts: Vec<String> = qraudit::audit::catalogue::all()
        .iter()
        .filter(|rule| rule.scope.judges_the_text())
        .flat_map(|rule| rule.fires_on.iter().chain(rule.passes.iter()))
        // A NUL cannot travel in a command-line argument.
        .filter(|t| !t.contains('\0'))
        .map(|t| t.to_string())
        .collect();
    let examples = texts.len();
    texts.extend(generated(2000));
    let codes = check(&texts, true);
    // (original index, candidate, target rule)
    let mut offers: Vec<(usize, String, Option<String>)> = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        for f in code["findings"].as_array().into_iter().flatten() {
            if let Some(url) = f["suggested_url"].as_str() {
                offers.push((i, url.to_string(), f["rule"].as_str().map(str::to_string)));
            }
        }
        if let Some(url) = code["fixed_url"].as_str() {
            offers.push((i, url.to_string(), None));
        }
    }
    let mut candidates: Vec<String> = offers.iter().map(|o| o.1.clone()).collect();
    candidates.sort();
    candidates.dedup();
    let rechecked = check(&candidates, false);
    let mut judged = 0;
    for (i, candidate, target) in &offers {
        let Ok(j) = candidates.binary_search(candidate) else {
            unreachable!("every candidate was rechecked")
        };
        // Links inside other payloads are judged as links: compare within that scope.
        if codes[*i]["payload"]["kind"] != rechecked[j]["payload"]["kind"] {
            continue;
        }
        assert_improvement(
            &texts[*i],
            candidate,
            &codes[*i],
            &rechecked[j],
            target.as_deref(),
        );
        judged += 1;
    }
    // Not vacuous: most risky inputs still get a fix.
    let sametime_with_findings = codes
        .iter()
        .filter(|c| c["payload"]["kind"] == "sametime" && !by_rule(c).is_empty())
        .count();
    let fixed = codes.iter().filter(|c| c["fixed_url"].is_string()).count();
    eprintln!(
        "{examples} catalogue examples + generated: {} codes, {} offers judged, {fixed} fixed URLs for {sametime_with_findings} Sametime codes with findings",
        codes.len(),
        judged
    );
    assert!(judged > 2000, "only {judged} offers judged");
    assert!(
        fixed * 2 > sametime_with_findings,
        "only {fixed} fixed URLs for {sametime_with_findings} codes"
    );
}
