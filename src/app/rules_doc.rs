//! The catalogue as a Markdown document: `qraudit rules --format markdown`, which is what
//! docs/rules.md holds (a test keeps the two equal), and what the `helpUri` of each SARIF rule
//! points into (`Rule::help_uri`).
//!
//! Every rule gets a heading of its own id, so that `docs/rules.md#untrusted-ssl` is its
//! address on any Markdown host. Examples are decoded texts that may hold control characters
//! and bidirectional overrides (the rules about them need such examples): they are shown
//! escaped, as the table shows decoded text.

use crate::audit::catalogue::{self, Rule, Scope};
use crate::text::sanitize::escape_for_display;

/// The Markdown document of every rule, in catalogue order.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Audit rules\n\n\
         <!-- Generated: `qraudit rules --format markdown > docs/rules.md`. \
         tests/discoverability_cli.rs fails when this file and the catalogue differ. -->\n\n\
         Every rule qraudit reports, with what it looks at, why it matters, how to fix what it \
         finds, and the examples its catalogue test runs (on which it must fire, and must not). \
         Severities are the defaults; a policy file can change them (`[rules]`). \
         `qraudit explain RULE` prints one rule.\n\n\
         | rule | severity | title |\n|---|---|---|\n",
    );
    for rule in catalogue::all() {
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {} | {} |\n",
            rule.severity,
            rule.title,
            id = rule.id
        ));
    }
    for rule in catalogue::all() {
        out.push('\n');
        out.push_str(&section(rule));
    }
    out
}

fn section(rule: &Rule) -> String {
    let mut out = format!(
        "## {}\n\n**{}** · severity **{}** · looks at {}\n\n{}\n\n**Fix:** {}\n",
        rule.id,
        rule.title,
        rule.severity,
        looks_at(rule.scope),
        rule.rationale,
        rule.fix
    );
    for (heading, examples) in [
        ("Fires on", rule.fires_on),
        ("Does not fire on", rule.passes),
    ] {
        if examples.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{heading}:\n\n"));
        for example in examples {
            let shown = if example.is_empty() {
                "(a well-made symbol)".to_string()
            } else {
                code_span(&escape_for_display(example))
            };
            out.push_str(&format!("- {shown}\n"));
        }
    }
    out
}

/// What a rule of `scope` looks at, and so what its examples are.
fn looks_at(scope: Scope) -> String {
    match scope {
        Scope::Text => "the decoded text".to_string(),
        Scope::NeedsPolicy { policy: "" } => {
            "the decoded text, under the policy (examples: with no policy file)".to_string()
        }
        Scope::NeedsPolicy { policy } => format!(
            "the decoded text, under the policy (examples: with {})",
            code_span(policy)
        ),
        Scope::Symbol => "the symbol (examples describe how it differs from a well-made one: \
                          `ecc=L`, `module_px=2`, `quiet=1.5`, `fragile`, `unreadable`, `photo`)"
            .to_string(),
        Scope::CrossCode => {
            "several codes of one run (an example is their texts, one per line)".to_string()
        }
        Scope::Container => {
            "the file that carries the code (an example is a stproxyconfig.xml)".to_string()
        }
    }
}

/// `text` as a Markdown code span: fenced with one more backtick than its longest run, padded
/// when it starts or ends with one; newlines (examples of several codes) shown as ` ⏎ `.
fn code_span(text: &str) -> String {
    let text = text.replace('\n', " ⏎ ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_newlines() {
        assert_eq!(code_span("a"), "`a`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(code_span("a\nb"), "`a ⏎ b`");
    }

    #[test]
    fn every_rule_has_a_section_and_examples_are_escaped() {
        let doc = markdown();
        for rule in catalogue::all() {
            assert!(doc.contains(&format!("\n## {}\n", rule.id)), "{}", rule.id);
        }
        assert!(
            !doc.chars().any(|c| c.is_control() && c != '\n'),
            "raw control character"
        );
        assert!(
            doc.contains("\\u{202e}"),
            "the bidi example is shown escaped"
        );
    }
}
