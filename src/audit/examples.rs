//! The catalogue's examples, executed: one harness per `Scope`, each running the real code
//! that scope's rules live in (the text audit; the text audit under the example's policy; the
//! analysis of a decoded symbol; a run over several codes with its cross-code rules; the scan of
//! a file). Every rule must fire on each of its `fires_on` examples and on none of its `passes`
//! examples, and every rule declared in catalogue.rs must be listed by `catalogue::all()`.

use super::catalogue::{self, Rule, Scope};
use crate::audit::policy::Policy;
use crate::decode::{Ecc, Symbol};
use crate::finish::suppress::Suppressor;
use crate::payload::Payload;
use crate::report::model::Report;
use crate::scan::analyze::{AnalysisOptions, analyze_symbol};
use crate::scan::{self, ScanConfig};

/// The clean code a `Symbol` example modifies.
const SYMBOL_TEXT: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team";

/// The rule ids found when `example` runs through the harness of `rule`'s scope.
fn rules_found(rule: &Rule, example: &str) -> Vec<String> {
    match rule.scope {
        Scope::Text => text_rules(example, &Policy::default()),
        Scope::NeedsPolicy { policy } => {
            let policy = Policy::from_toml_str(policy, std::path::Path::new("example.toml"))
                .unwrap_or_else(|e| panic!("{}: the example policy is invalid: {e}", rule.id));
            text_rules(example, &policy)
        }
        Scope::Symbol => {
            let (symbol, photograph) = example_symbol(example);
            let analyzed = analyze_symbol(
                &crate::source::Provenance::of_input("example.png"),
                1,
                &symbol,
                photograph,
                &AnalysisOptions::default(),
            );
            analyzed
                .entry
                .findings
                .iter()
                .map(|f| f.rule.id.to_string())
                .collect()
        }
        Scope::CrossCode => {
            let texts: Vec<String> = example.lines().map(str::to_string).collect();
            let analysis = AnalysisOptions::default();
            let suppressor = Suppressor::new(&analysis.policy, None);
            report_rules(&scan::check_texts(&texts, &analysis, &suppressor))
        }
        Scope::Container => report_rules(&scan::scan_bytes(
            "stproxyconfig.xml",
            example.as_bytes().to_vec(),
            &ScanConfig::default(),
        )),
    }
}

fn text_rules(text: &str, policy: &Policy) -> Vec<String> {
    super::audit_text(text, &Payload::classify(text), policy)
        .iter()
        .map(|f| f.rule.id.to_string())
        .collect()
}

fn report_rules(report: &Report) -> Vec<String> {
    report
        .inputs
        .iter()
        .flat_map(|input| &input.codes)
        .flat_map(|code| &code.findings)
        .map(|f| f.rule.clone())
        .collect()
}

/// A decoded symbol of `SYMBOL_TEXT` as a well-made code gives it (level M, 6 px modules, a
/// 4-module quiet zone, read by the first pass), changed as `spec` says.
fn example_symbol(spec: &str) -> (Symbol, bool) {
    let mut photograph = false;
    let mut symbol = Symbol {
        text: Some(SYMBOL_TEXT.to_string()),
        bytes: SYMBOL_TEXT.as_bytes().to_vec(),
        error: None,
        version: Some(4),
        ecc: Some(Ecc::M),
        mask: Some(2),
        corners: [[24.0, 24.0], [222.0, 24.0], [222.0, 222.0], [24.0, 222.0]],
        modules: 33,
        module_px: 6.0,
        pass: "direct",
        fragile: false,
        erasures: None,
        quiet_zone_modules: Some(4.0),
    };
    for change in spec.split_whitespace() {
        let (key, value) = change.split_once('=').unwrap_or((change, ""));
        let number = || {
            value
                .parse::<f32>()
                .unwrap_or_else(|_| panic!("symbol example {spec:?}: {key} needs a number"))
        };
        match key {
            "ecc" => {
                symbol.ecc = Some(match value {
                    "L" => Ecc::L,
                    "M" => Ecc::M,
                    "Q" => Ecc::Q,
                    "H" => Ecc::H,
                    _ => panic!("symbol example {spec:?}: ecc is one of L, M, Q, H"),
                })
            }
            "module_px" => symbol.module_px = number(),
            "quiet" => symbol.quiet_zone_modules = Some(number()),
            "fragile" => {
                symbol.fragile = true;
                symbol.pass = "sharpened";
            }
            // Read from a photograph (a JPEG): print quality is not judged there.
            "photo" => photograph = true,
            "unreadable" => {
                symbol.text = None;
                symbol.bytes.clear();
                symbol.error = Some("Ecc(Too many errors to correct)".to_string());
            }
            _ => panic!("symbol example {spec:?}: unknown change {key:?}"),
        }
    }
    (symbol, photograph)
}

#[test]
fn every_rule_matches_its_examples_in_the_harness_of_its_scope() {
    for rule in catalogue::all() {
        assert!(
            !rule.fires_on.is_empty() && !rule.passes.is_empty(),
            "rule {} needs at least one example it fires on and one it passes",
            rule.id
        );
        for example in rule.fires_on {
            let found = rules_found(rule, example);
            assert!(
                found.iter().any(|id| id == rule.id),
                "rule {} ({:?}) did not fire on its example {example:?}: {found:?}",
                rule.id,
                rule.scope
            );
        }
        for example in rule.passes {
            let found = rules_found(rule, example);
            assert!(
                found.iter().all(|id| id != rule.id),
                "rule {} ({:?}) fired on its counter-example {example:?}",
                rule.id,
                rule.scope
            );
        }
    }
}

/// A rule declared in catalogue.rs but left out of `all()` would never be explained, listed or
/// tested: read the declarations from the source and compare.
#[test]
fn every_declared_rule_is_in_the_catalogue_list() {
    let source = include_str!("catalogue.rs");
    let declared: Vec<&str> = source
        .split("pub const ")
        .skip(1)
        .filter(|declaration| {
            declaration
                .split_once('\n')
                .is_some_and(|(head, _)| head.contains(": Rule = Rule {"))
        })
        .filter_map(|declaration| {
            let id_line = declaration
                .lines()
                .find(|l| l.trim_start().starts_with("id: "))?;
            id_line.split('"').nth(1)
        })
        .collect();
    assert!(
        declared.len() >= 39,
        "found only {} declarations",
        declared.len()
    );
    for id in &declared {
        assert!(
            catalogue::find(id).is_some(),
            "rule {id} is declared in catalogue.rs but missing from catalogue::all()"
        );
    }
    assert_eq!(declared.len(), catalogue::all().len());
}

#[test]
fn rule_ids_are_unique() {
    let mut ids: Vec<_> = catalogue::all().iter().map(|r| r.id).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len());
}
