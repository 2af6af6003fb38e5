//! Analysis of one code: classify its text, audit it, and build its redacted entry.
//!
//! This is where the domain types meet the report's, and so the one place where redaction
//! and sanitising of a code happen: every string of the `CodeEntry` passes through the code's
//! `Redactor` here. It is shared by `scan` (codes decoded from images) and `check` (texts given
//! on the command line), so both report a code in exactly the same way.

use crate::audit::policy::Policy;
use crate::audit::quality::QualityOptions;
use crate::audit::{self, Finding, improvement};
use crate::container::config_xml::ConfigUrl;
use crate::decode::{Symbol, isolate};
use crate::finish::model::{CodeEntry, FindingEntry};
use crate::payload::sametime::Provisioning;
use crate::payload::{Payload, readings};
use crate::report::model::SymbolReport;
use crate::report::payload::WirePayload;
use crate::source::Provenance;
use crate::text::escapes::hex;
use crate::text::redact::Redactor;

/// What the analysis needs from the run's configuration.
#[derive(Debug, Clone, Default)]
pub struct AnalysisOptions {
    pub policy: Policy,
    pub show_secrets: bool,
    /// Compute `fixed_url` for codes with a safe rewrite (`--fix`).
    pub fix: bool,
    /// Thresholds of the print-quality rules.
    pub quality: QualityOptions,
}

/// A code's entry plus what the cross-code rules need later (kept out of the entry because
/// it is not redacted).
#[derive(Debug)]
pub struct AnalyzedCode {
    pub entry: CodeEntry,
    pub provisioning: Option<Provisioning>,
    pub redactor: Redactor,
    /// Masks the code's secrets even under `--show-secrets` (for fingerprints).
    pub masking: Redactor,
    /// Set when a payload parser or audit rule panicked on this code's text: the input is
    /// then an error, and the code is reported without its text (what could not be parsed
    /// could not be redacted either).
    pub panic: Option<String>,
}

#[cfg(test)]
impl AnalyzedCode {
    /// The code as a report writes it (tests of the renderers build reports from real analyses).
    pub fn into_report(self) -> crate::report::model::CodeReport {
        self.entry.into_wire()
    }
}

/// Analyses a decoded (or unreadable) symbol; `photograph`: it was read from a photograph,
/// whose print quality is not judged (`audit::quality::is_photograph`).
pub fn analyze_symbol(
    location: &Provenance,
    index: u32,
    symbol: &Symbol,
    photograph: bool,
    options: &AnalysisOptions,
) -> AnalyzedCode {
    let symbol_report = SymbolReport {
        version: symbol.version,
        ecc: symbol.ecc.map(|e| e.letter().to_string()),
        mask: symbol.mask,
        corners: symbol.corners,
        module_px: (symbol.module_px * 100.0).round() / 100.0,
        pass: symbol.pass.to_string(),
        error: symbol.error.clone(),
        quiet_zone_modules: symbol.quiet_zone_modules,
    };
    let origin = audit::Code {
        symbol: Some(symbol),
        photograph,
        ..audit::Code::default()
    };
    match &symbol.text {
        Some(text) => {
            let mut analyzed = analyze_decoded(location, index, text, origin, options);
            if !symbol.is_utf8() {
                analyzed.entry.bytes_hex = Some(hex(&symbol.bytes));
            }
            analyzed.entry.symbol = Some(symbol_report);
            analyzed
        }
        None => {
            let findings = audit::audit_code(origin, &options.policy, &options.quality);
            textless_code(
                location,
                index,
                Some(symbol_report),
                WirePayload::unreadable(),
                "unreadable QR symbol",
                &findings,
                None,
            )
        }
    }
}

/// Analyses a text, as decoded from a code or given to `qraudit check`. A panic in a payload
/// parser or an audit rule is contained here (`AnalyzedCode::panic`).
pub fn analyze_text(
    location: &Provenance,
    index: u32,
    text: &str,
    options: &AnalysisOptions,
) -> AnalyzedCode {
    analyze_decoded(location, index, text, audit::Code::default(), options)
}

/// Analyses the configUrl of a stproxyconfig.xml file: its URL as if it were a decoded code,
/// plus the rules about how the file writes it.
pub fn analyze_config_url(
    location: &Provenance,
    index: u32,
    config_url: &ConfigUrl,
    options: &AnalysisOptions,
) -> AnalyzedCode {
    let origin = audit::Code {
        config_url: Some(config_url),
        ..audit::Code::default()
    };
    analyze_decoded(location, index, &config_url.url, origin, options)
}

/// Analyses a decoded text that came from `origin` (a symbol, a file, or nothing more). When a
/// payload parser or an audit rule panics, the code is reported without its text, with the
/// findings about its origin alone.
fn analyze_decoded(
    location: &Provenance,
    index: u32,
    text: &str,
    origin: audit::Code<'_>,
    options: &AnalysisOptions,
) -> AnalyzedCode {
    let analyzed = isolate::isolated(|| {
        isolate::inject_panic_if_asked(isolate::Stage::Payload, text.as_bytes());
        analyze_text_unguarded(location, index, text, origin, options)
    });
    analyzed.unwrap_or_else(|panic| {
        let findings = audit::audit_code(origin, &options.policy, &options.quality);
        textless_code(
            location,
            index,
            None,
            WirePayload::unanalyzed(),
            "not analysed: the payload parser panicked",
            &findings,
            Some(isolate::Stage::Payload.panicked(&panic)),
        )
    })
}

/// The entry of a code reported without its text: a symbol that could not be decoded, or a
/// text whose analysis panicked (what could not be parsed could not be redacted either). Its
/// findings are about its origin only, and hold nothing of the text to mask.
fn textless_code(
    location: &Provenance,
    index: u32,
    symbol: Option<SymbolReport>,
    payload: WirePayload,
    summary: &str,
    findings: &[Finding],
    panic: Option<String>,
) -> AnalyzedCode {
    let redactor = Redactor::default();
    AnalyzedCode {
        entry: CodeEntry {
            provenance: location.clone(),
            index,
            text: None,
            bytes_hex: None,
            symbol,
            payload_digest: payload.kind().unwrap_or_default().to_string(),
            payload,
            summary: summary.to_string(),
            description: None,
            findings: findings
                .iter()
                .map(|f| FindingEntry::redacted(f, &redactor, &redactor))
                .collect(),
            fixed_url: None,
        },
        provisioning: None,
        masking: redactor.clone(),
        redactor,
        panic,
    }
}

fn analyze_text_unguarded(
    location: &Provenance,
    index: u32,
    text: &str,
    origin: audit::Code<'_>,
    options: &AnalysisOptions,
) -> AnalyzedCode {
    let payload = Payload::classify(text);
    let code = audit::Code {
        text: Some((text, &payload)),
        ..origin
    };
    let findings = audit::audit_code(code, &options.policy, &options.quality);
    // The secrets of every reading: a password that only a nested link or a cleaned-up reading
    // reveals is masked like one written plainly.
    let secrets = readings::secrets_of_text(text, &payload);
    let redactor = Redactor::new(secrets.clone(), options.show_secrets);
    let wire_payload = WirePayload::from_domain(&payload, &redactor);
    let summary = redactor.apply(&payload.summary());
    // Digest of the masked text even with --show-secrets, so that fingerprints never depend on
    // (and can never be used to guess) a secret.
    let masking = Redactor::new(secrets, false);
    let payload_digest = crate::finish::fingerprint::sha256_hex(masking.apply(text).as_bytes());
    let description = payload.describe().map(|d| redactor.apply(&d));
    // Only codes with something to fix get a fixed URL: a rewrite of a clean code would only
    // change its spelling.
    // The provisioning URL the phone acts on: as written, or the first reading that is one (a
    // wrapper stripped, an intent followed, a contact's link tapped).
    let provisioning = match &payload {
        Payload::Sametime(p) => Some(p.clone()),
        _ => readings::alternatives(text).into_iter().find_map(|r| {
            match Payload::classify(&r.text) {
                Payload::Sametime(p) => Some(p),
                _ => None,
            }
        }),
    };
    let fixed_url = match &provisioning {
        Some(p) if options.fix && findings.iter().any(fixes_the_text) => {
            crate::audit::sametime::fully_fixed_url(p)
                .and_then(|url| improvement::vet_fixed(text, url, &options.policy))
                .filter(|url| !masking.masks(url))
                .map(|url| redactor.apply(&url))
        }
        _ => None,
    };
    AnalyzedCode {
        entry: CodeEntry {
            provenance: location.clone(),
            index,
            text: Some(redactor.apply(text)),
            bytes_hex: None,
            symbol: None,
            payload: wire_payload,
            summary,
            payload_digest,
            description,
            findings: findings
                .iter()
                .map(|f| FindingEntry::redacted(f, &redactor, &masking))
                .collect(),
            fixed_url,
        },
        provisioning,
        redactor,
        masking,
        panic: None,
    }
}

/// True when the finding suggests a rewrite of the text: what `fixed_url` gathers. A rule about
/// the file the text was written in suggests a rewrite of the file instead.
fn fixes_the_text(finding: &Finding) -> bool {
    finding.suggested_url.is_some() && finding.rule.scope.judges_the_text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_url_password_never_reaches_the_report() {
        let analyzed = analyze_text(
            &Provenance::of_input("x"),
            1,
            "https://bob:hunter2@example.com/",
            &AnalysisOptions::default(),
        );
        let json = serde_json::to_string(&analyzed.into_report()).unwrap();
        assert!(!json.contains("hunter2"), "{json}");
        assert!(json.contains("https://bob:********@example.com/"), "{json}");
    }

    #[test]
    fn symbol_quality_findings_and_quiet_zone_reach_the_report() {
        let symbol = Symbol {
            text: Some("https://example.com/".to_string()),
            bytes: b"https://example.com/".to_vec(),
            error: None,
            version: Some(1),
            ecc: Some(crate::decode::Ecc::L),
            mask: Some(2),
            corners: [[0.0, 0.0], [63.0, 0.0], [63.0, 63.0], [0.0, 63.0]],
            modules: 21,
            module_px: 3.0,
            pass: "binarized",
            fragile: true,
            erasures: None,
            quiet_zone_modules: Some(1.0),
        };
        let analyzed = analyze_symbol(
            &Provenance::of_input("x.png"),
            1,
            &symbol,
            false,
            &AnalysisOptions::default(),
        );
        let rules: Vec<&str> = analyzed.entry.findings.iter().map(|f| f.rule.id).collect();
        assert_eq!(
            rules,
            [
                "fragile-code",
                "low-error-correction",
                "small-modules",
                "missing-quiet-zone"
            ]
        );
        let json = serde_json::to_value(analyzed.into_report()).unwrap();
        assert_eq!(json["symbol"]["quiet_zone_modules"], 1.0);
        assert_eq!(json["symbol"]["pass"], "binarized");
    }

    /// The policy's overrides reach every kind of finding a code can have: of its text, of the
    /// file it was written in, of its symbol (`audit::audit_code` applies them once to all).
    #[test]
    fn overrides_apply_to_text_file_and_symbol_findings_alike() {
        let policy = Policy::from_toml_str(
            "allowed_hosts = [\"stproxy.example.com\", \"example.com\"]\n[rules]\nuntrusted-ssl = \"critical\"\nconfig-url-escaping = \"low\"\nlow-error-correction = \"off\"\n",
            std::path::Path::new("test.toml"),
        )
        .unwrap();
        let options = AnalysisOptions {
            policy,
            ..AnalysisOptions::default()
        };
        let severities = |analyzed: &AnalyzedCode| -> Vec<(String, crate::audit::Severity)> {
            let findings = &analyzed.entry.findings;
            findings
                .iter()
                .map(|f| (f.rule.id.to_string(), f.severity))
                .collect()
        };
        let xml = b"<config><mobile><configUrl>hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true</configUrl></mobile></config>";
        let config_url = crate::container::config_xml::extract(xml).unwrap();
        let from_file = analyze_config_url(
            &Provenance::of_input("stproxyconfig.xml"),
            1,
            &config_url,
            &options,
        );
        assert_eq!(
            severities(&from_file),
            [
                (
                    "untrusted-ssl".to_string(),
                    crate::audit::Severity::Critical
                ),
                (
                    "config-url-escaping".to_string(),
                    crate::audit::Severity::Low
                ),
            ]
        );
        let symbol = Symbol {
            text: Some("https://example.com/".to_string()),
            bytes: b"https://example.com/".to_vec(),
            error: None,
            version: Some(1),
            ecc: Some(crate::decode::Ecc::L),
            mask: Some(2),
            corners: [[0.0, 0.0], [63.0, 0.0], [63.0, 63.0], [0.0, 63.0]],
            modules: 21,
            module_px: 6.0,
            pass: "direct",
            fragile: false,
            erasures: None,
            quiet_zone_modules: Some(4.0),
        };
        assert!(
            severities(&analyze_symbol(
                &Provenance::of_input("x.png"),
                1,
                &symbol,
                false,
                &AnalysisOptions::default()
            ))
            .iter()
            .any(|(rule, _)| rule == "low-error-correction")
        );
        assert_eq!(
            severities(&analyze_symbol(
                &Provenance::of_input("x.png"),
                1,
                &symbol,
                false,
                &options
            )),
            []
        );
    }

    #[test]
    fn show_secrets_keeps_the_password() {
        let options = AnalysisOptions {
            show_secrets: true,
            ..AnalysisOptions::default()
        };
        let analyzed = analyze_text(
            &Provenance::of_input("x"),
            1,
            "https://bob:hunter2@example.com/",
            &options,
        );
        assert_eq!(
            analyzed.entry.text.as_deref(),
            Some("https://bob:hunter2@example.com/")
        );
    }
}
