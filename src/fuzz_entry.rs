//! Entry points that take outside bytes, for fuzzers and regression tests.
//!
//! Each function here runs the code that `qraudit scan`, `check` and `merge` run on one piece
//! of outside input, and returns what they would report: bytes of a file (an image, a mail,
//! an mbox, a zip, a PDF, an SVG, a stproxyconfig.xml, or anything else) go through the same
//! sniffing, container expansion, image loading, decoder passes, payload parsing, audit and
//! report assembly as a file on disk; a grey raster goes through the decoder passes and the
//! analysis; a text through `check`; policy TOML, and reports read back by `merge` and
//! `--baseline`, through their readers. The fuzz targets under `fuzz/` and the regression
//! tests in `tests/fuzz_regressions.rs` call only this module, so that they keep working
//! whatever the modules behind it are called.
//!
//! `check_report` holds the invariants every report must keep, checked on the bytes of every
//! output format: it serialises to JSON that `merge` reads back to the same report, its
//! summary adds up, every error has a reason, and no output carries a raw control character,
//! escape sequence or bidi override. `check_redacted` checks that a secret never appears
//! unmasked. Validation against `docs/report-schema.json` is left to the regression tests
//! (it is too slow for a fuzzer's inner loop).

use std::path::Path;
use std::time::Duration;

use crate::app::generate::CommunitySpec;
use crate::audit::policy::Policy;
use crate::container::ContainerLimits;
use crate::finish::merge::ShardReport;
use crate::finish::read::read_report;
use crate::finish::suppress::{Baseline, Suppressor};
use crate::report::Exporter;
use crate::report::json::{self, JsonExporter, StreamedCounts};
use crate::report::model::{Report, Status};
use crate::report::sarif::SarifExporter;
use crate::report::table::TableExporter;
use crate::scan::analyze::AnalysisOptions;
use crate::scan::{self, ScanConfig};

/// The name inputs are reported under.
pub const INPUT_NAME: &str = "input";

/// The configuration the entry points scan with: the defaults of `qraudit scan`, with the
/// pixel limits (4 megapixels per image, 1 per rendered page) and the part count (200) lowered
/// so that one input costs milliseconds rather than seconds, which is what lets a fuzzer try
/// millions, and with time budgets long enough (a minute) that a slow input shows up as the
/// fuzzer's own timeout instead of being cut off quietly by ours.
pub fn config() -> ScanConfig {
    ScanConfig {
        jobs: 1,
        image_timeout: Duration::from_secs(60),
        input_timeout: Duration::from_secs(120),
        max_pixels: 4_000_000,
        containers: ContainerLimits {
            max_parts: 200,
            max_bytes: 64 << 20,
            max_page_pixels: 1_000_000,
            ..ContainerLimits::default()
        },
        ..ScanConfig::default()
    }
}

/// Scans `bytes` as `qraudit scan` scans a file holding them (`config()` limits).
pub fn scan_file(bytes: &[u8]) -> Report {
    scan::scan_bytes(INPUT_NAME, bytes.to_vec(), &config())
}

/// Scans `bytes` as a file named `name`, with `config`.
pub fn scan_file_with(name: &str, bytes: &[u8], config: &ScanConfig) -> Report {
    scan::scan_bytes(name, bytes.to_vec(), config)
}

/// Runs the decoder passes and the analysis on a `width`×`height` grey raster whose pixels
/// are `pixels` repeated (or cut) to fill it. `None` when the size is zero.
pub fn decode_raster(width: u32, height: u32, pixels: &[u8]) -> Option<Report> {
    decode_raster_with(width, height, pixels, &config())
}

/// `decode_raster` with `config`.
pub fn decode_raster_with(
    width: u32,
    height: u32,
    pixels: &[u8],
    config: &ScanConfig,
) -> Option<Report> {
    let area = usize::try_from(u64::from(width) * u64::from(height)).ok()?;
    if area == 0 || pixels.is_empty() {
        return None;
    }
    let raw: Vec<u8> = pixels.iter().copied().cycle().take(area).collect();
    let image = image::GrayImage::from_raw(width, height, raw)?;
    Some(scan::scan_gray(INPUT_NAME, image, config))
}

/// Audits `text` as `qraudit check TEXT` does.
pub fn check_text(text: &str) -> Report {
    check_texts(&[text.to_string()], &AnalysisOptions::default())
}

/// Audits `texts` as `qraudit check` does, with `analysis`.
pub fn check_texts(texts: &[String], analysis: &AnalysisOptions) -> Report {
    let suppressor = Suppressor::new(&analysis.policy, None);
    scan::check_texts(texts, analysis, &suppressor)
}

/// One text of every payload kind, with secrets and risky settings: what the policy and
/// baseline entry points audit under the policy or baseline they read.
pub const SAMPLE_TEXTS: [&str; 11] = [
    "hclsametime://jdoe:Winter2026!@stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team&allowUntrustedSSL=true",
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team&savePassword=true",
    "https://bob:hunter2@intranet.example.com/help",
    "WIFI:T:WPA;S:Guest Net;P:correct horse battery;;",
    "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SEmFsaWNlQGV4YW1wbGUuY29tGgdFeGFtcGxlIAEoATACEAEYASAA",
    "MECARD:N:Doe,John;TEL:+15555550100;EMAIL:john@example.com;;",
    "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0\n",
    "LPA:1$smdp.example.com$K2-ABCDE-FGHIJ-KLMNO$$1",
    "{\"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME\":\"com.example.dpc/.Receiver\",\"android.app.extra.PROVISIONING_WIFI_SSID\":\"Corp\",\"android.app.extra.PROVISIONING_WIFI_PASSWORD\":\"s3cret-wifi\"}",
    "plain text \u{1b}[2J with an escape",
];

/// Reads `text` as a policy file, then audits `SAMPLE_TEXTS` under it, as `qraudit check
/// --policy FILE` does. `Err` is the policy error a user would see.
pub fn policy(text: &str) -> Result<Report, String> {
    let policy =
        Policy::from_toml_str(text, Path::new("policy.toml")).map_err(|e| e.to_string())?;
    let analysis = AnalysisOptions {
        policy,
        ..AnalysisOptions::default()
    };
    let texts: Vec<String> = SAMPLE_TEXTS.iter().map(|t| t.to_string()).collect();
    Ok(check_texts(&texts, &analysis))
}

/// Reads `text` as a report, as `qraudit merge` does, and merges it alone. `Err` is the error
/// a user would see.
pub fn merge_report(text: &str) -> Result<Report, String> {
    let report = read_report(text).map_err(|e| e.to_string())?;
    let shard = ShardReport::from_report(report).map_err(|e| e.to_string())?;
    Ok(crate::finish::merge::merge(vec![shard], &Policy::default()))
}

/// Reads `text` as a baseline, as `--baseline` does, and applies it to the report of
/// `SAMPLE_TEXTS`. `Err` is the error a user would see.
pub fn baseline(text: &str) -> Result<Report, String> {
    let baseline = Baseline::from_text("baseline.json", text)
        .map_err(|e| format!("baseline baseline.json is not a qraudit JSON report: {e}"))?;
    let analysis = AnalysisOptions::default();
    let suppressor = Suppressor::new(&analysis.policy, Some(baseline));
    let texts: Vec<String> = SAMPLE_TEXTS.iter().map(|t| t.to_string()).collect();
    Ok(scan::check_texts(&texts, &analysis, &suppressor))
}

/// Generates the provisioning URL of `spec` as `qraudit generate` does, and checks that the
/// audit's parser reads back exactly the community that was asked for, with no parse issue.
/// `Ok(None)` when `generate` refuses the spec (a bad host or port), `Ok(Some(url))` when the
/// round trip holds.
pub fn generated_url_round_trip(spec: &CommunitySpec) -> Result<Option<String>, String> {
    let url = match crate::app::generate::provisioning_url(spec) {
        Ok(url) => url,
        Err(_) => return Ok(None),
    };
    let parsed = crate::payload::sametime::parse(&url)
        .ok_or_else(|| format!("generated URL {url:?} is not read as a provisioning URL"))?;
    let community = &parsed.community;
    let non_empty = |s: &Option<String>| s.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let mut differences = Vec::new();
    let mut compare = |field: &str, wanted: String, got: String| {
        if wanted != got {
            differences.push(format!("{field}: asked {wanted}, read {got}"));
        }
    };
    compare(
        "host",
        format!("{:?}", Some(spec.host.trim())),
        format!("{:?}", community.server.as_deref()),
    );
    compare(
        "port",
        format!("{:?}", spec.port.unwrap_or(443)),
        format!("{:?}", community.port.unwrap_or(0)),
    );
    compare(
        "user",
        format!("{:?}", non_empty(&spec.user)),
        format!("{:?}", community.user),
    );
    if let Some(name) = non_empty(&spec.community_name) {
        compare(
            "communityName",
            format!("{:?}", Some(&name)),
            format!("{:?}", community.community_name),
        );
    }
    compare(
        "savePassword",
        spec.save_password.to_string(),
        community.save_password.to_string(),
    );
    compare(
        "allowUntrustedSSL",
        spec.allow_untrusted_ssl.to_string(),
        community.allow_untrusted_ssl.to_string(),
    );
    compare(
        "authProxyReuseCredentials",
        spec.auth_proxy_reuse_credentials.to_string(),
        community.auth_proxy.reuse_credentials.to_string(),
    );
    if spec.auth_proxy {
        compare(
            "authProxyEnabled",
            "true".to_string(),
            community.auth_proxy.enabled.to_string(),
        );
    }
    if let Some(user) = non_empty(&spec.auth_proxy_user) {
        compare(
            "authProxyUser",
            format!("{:?}", Some(&user)),
            format!("{:?}", community.auth_proxy.user),
        );
    }
    if !parsed.parse_issues.is_empty() {
        differences.push(format!("parse issues: {:?}", parsed.parse_issues));
    }
    if differences.is_empty() {
        Ok(Some(url))
    } else {
        Err(format!("{url:?}: {}", differences.join("; ")))
    }
}

/// A report in every output format, as `qraudit` writes it.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub json: Vec<u8>,
    pub jsonl: Vec<u8>,
    pub sarif: Vec<u8>,
    pub table: Vec<u8>,
}

impl Outputs {
    fn each(&self) -> [(&'static str, &[u8]); 4] {
        [
            ("json", &self.json),
            ("jsonl", &self.jsonl),
            ("sarif", &self.sarif),
            ("table", &self.table),
        ]
    }
}

/// The JSON exporter as `qraudit --format json` runs it by default (suppressed findings hidden).
fn json_exporter() -> JsonExporter<'static> {
    JsonExporter {
        policy: None,
        show_suppressed: false,
    }
}

/// Renders `report` in every format, with the exporters `qraudit` writes with (their default
/// settings; the table without colour, as written to a file or pipe).
pub fn render(report: &Report) -> Outputs {
    let mut streamed = StreamedCounts::new();
    let mut jsonl = Vec::new();
    for input in &report.inputs {
        jsonl.extend(json::input_line(input));
        json::record_streamed(&mut streamed, input);
    }
    jsonl.extend(json_exporter().summary_line(report, &streamed));
    Outputs {
        json: json_exporter().serialize(report),
        jsonl,
        sarif: SarifExporter::default().serialize(report),
        table: TableExporter::default().serialize(report),
    }
}

/// Checks the invariants every report keeps (see the module comment) and returns its outputs.
pub fn check_report(report: &Report) -> Result<Outputs, String> {
    let mut recounted = report.clone();
    recounted.recount();
    if recounted.summary != report.summary {
        return Err(format!(
            "summary {:?} does not add up to {:?}",
            report.summary, recounted.summary
        ));
    }
    for input in &report.inputs {
        let path = &input.path;
        match input.status {
            Status::Error if input.error.as_deref().is_none_or(str::is_empty) => {
                return Err(format!("{path}: status error without an error"));
            }
            Status::Skipped if input.reason.as_deref().is_none_or(str::is_empty) => {
                return Err(format!("{path}: skipped without a reason"));
            }
            Status::Ok if input.codes.is_empty() => {
                return Err(format!("{path}: status ok without a code"));
            }
            _ => {}
        }
        for code in &input.codes {
            if !code.location.starts_with(path.as_str()) || code.index == 0 {
                return Err(format!(
                    "{path}: code at {:?} #{} is not inside its input",
                    code.location, code.index
                ));
            }
            if code.payload.kind().is_none() {
                return Err(format!("{path}: code without a payload kind"));
            }
            if let Some(hex) = &code.bytes_hex
                && (hex.len() % 2 != 0
                    || !hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
            {
                return Err(format!("{path}: bytes_hex {hex:?} is not lower-case hex"));
            }
        }
    }
    let outputs = render(report);
    for (format, bytes) in outputs.each() {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("{format} output: {e}"))?;
        if let Some(c) = text
            .chars()
            .find(|&c| crate::text::sanitize::is_dangerous(c) && c != '\n')
        {
            return Err(format!(
                "{format} output holds the raw character U+{:04X}",
                c as u32
            ));
        }
    }
    // What is written must read back: a report `merge` reads writes the same bytes again
    // (fields that are never written, such as the masked evidence, cannot come back).
    let json = std::str::from_utf8(&outputs.json).unwrap_or_default();
    let read_back =
        read_report(json).map_err(|e| format!("the JSON report does not read back: {e}"))?;
    same_bytes(
        "JSON",
        &outputs.json,
        &json_exporter().serialize(&read_back),
    )?;
    let jsonl = std::str::from_utf8(&outputs.jsonl).unwrap_or_default();
    let lines = jsonl.lines().count();
    if lines != report.inputs.len() + 1 {
        return Err(format!(
            "{lines} JSONL lines for {} inputs",
            report.inputs.len()
        ));
    }
    let streamed =
        read_report(jsonl).map_err(|e| format!("the JSONL report does not read back: {e}"))?;
    let written: Vec<u8> = report.inputs.iter().flat_map(json::input_line).collect();
    let again: Vec<u8> = streamed.inputs.iter().flat_map(json::input_line).collect();
    same_bytes("JSONL", &written, &again)?;
    serde_json::from_slice::<serde_json::Value>(&outputs.sarif)
        .map_err(|e| format!("the SARIF report is not JSON: {e}"))?;
    Ok(outputs)
}

/// `Err` naming the first line where `written` and `again` differ.
fn same_bytes(format: &str, written: &[u8], again: &[u8]) -> Result<(), String> {
    if written == again {
        return Ok(());
    }
    let (a, b) = (
        String::from_utf8_lossy(written),
        String::from_utf8_lossy(again),
    );
    let (line, (was, is)) = a
        .lines()
        .zip(b.lines())
        .enumerate()
        .find(|(_, (x, y))| x != y)
        .unwrap_or((0, ("(length)", "(length)")));
    Err(format!(
        "the {format} report reads back differently, line {}: {was:?} became {is:?}",
        line + 1
    ))
}

/// Checks that `secret` appears in no output: not as written, not JSON-escaped, not escaped
/// for display, not as the hex of its bytes.
pub fn check_redacted(outputs: &Outputs, secret: &str) -> Result<(), String> {
    let json_escaped = serde_json::to_string(secret).unwrap_or_default();
    let json_escaped = crate::text::sanitize::escape_json_output(&json_escaped);
    let json_escaped = json_escaped.trim_matches('"').to_string();
    let hex = crate::text::escapes::hex(secret.as_bytes());
    let spellings = [
        secret.to_string(),
        json_escaped,
        crate::text::sanitize::escape_for_display(secret),
        hex,
    ];
    for (format, bytes) in outputs.each() {
        let text = written_from_the_input(format, bytes);
        if let Some(spelling) = spellings.iter().find(|s| text.contains(s.as_str())) {
            return Err(format!(
                "the secret {secret:?} appears unmasked in the {format} output as {spelling:?}"
            ));
        }
    }
    Ok(())
}

/// What an output says about its input: all of it, except SARIF's rule descriptions
/// (`tool.driver.rules`), which are the catalogue's own text, the same for every input. A
/// secret that happens to be a piece of that text (`proxyuser` is one of `authproxyuser`,
/// `proxy.example.com` a host of its examples) is no leak.
fn written_from_the_input(format: &str, bytes: &[u8]) -> String {
    if format == "sarif"
        && let Ok(mut sarif) = serde_json::from_slice::<serde_json::Value>(bytes)
    {
        for run in sarif
            .get_mut("runs")
            .and_then(serde_json::Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(driver) = run.pointer_mut("/tool/driver")
                && let Some(driver) = driver.as_object_mut()
            {
                driver.remove("rules");
            }
        }
        return serde_json::to_string_pretty(&sarif).unwrap_or_default();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// Panics that a report says were contained ("… panicked …" errors), but that are not in
/// `KNOWN_PANICS`: for a fuzzer, a contained panic is still a bug to fix.
pub fn unexpected_panics(report: &Report) -> Vec<String> {
    report
        .inputs
        .iter()
        .filter_map(|input| input.error.as_deref())
        .flat_map(|error| error.split("; "))
        .filter(|part| part.contains("panicked"))
        .filter(|part| !KNOWN_PANICS.iter().any(|known| part.contains(known)))
        .map(str::to_string)
        .collect()
}

/// Contained panics that are known and not ours to fix here, by a piece of their message.
pub const KNOWN_PANICS: &[&str] = &[
    // rqrr 0.11 asserts in its perspective fit on sheared finder patterns (upstream; see
    // testdata/bad/decoder-panic.png): contained by design, reported as the image's error.
    "rqrr-0.11.0/src/geometry.rs",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_texts_pass_the_invariants_and_hide_their_secrets() {
        let texts: Vec<String> = SAMPLE_TEXTS.iter().map(|t| t.to_string()).collect();
        let report = check_texts(&texts, &AnalysisOptions::default());
        let outputs = check_report(&report).unwrap();
        for secret in [
            "Winter2026!",
            "hunter2",
            "correct horse battery",
            "JBSWY3DPEHPK3PXP",
        ] {
            check_redacted(&outputs, secret).unwrap();
        }
        // The check can fail: a secret shown with --show-secrets is found.
        let shown = check_texts(
            &texts,
            &AnalysisOptions {
                show_secrets: true,
                ..AnalysisOptions::default()
            },
        );
        let outputs = check_report(&shown).unwrap();
        assert!(check_redacted(&outputs, "hunter2").is_err());
    }

    #[test]
    fn a_report_that_does_not_add_up_is_refused() {
        let mut report = check_text("https://example.com/");
        report.summary.codes += 1;
        assert!(
            check_report(&report)
                .unwrap_err()
                .contains("does not add up")
        );
    }

    #[test]
    fn generated_urls_read_back_as_asked() {
        let spec = CommunitySpec {
            host: "stproxy.example.com".to_string(),
            port: Some(8443),
            user: Some("dmisawa@auto_sales".to_string()),
            community_name: Some("Sales & Marketing #1".to_string()),
            auth_proxy_user: Some("proxy user".to_string()),
            allow_untrusted_ssl: true,
            ..CommunitySpec::default()
        };
        let url = generated_url_round_trip(&spec).unwrap().unwrap();
        assert!(url.contains("dmisawa%40auto_sales@"), "{url}");
        let bad_host = CommunitySpec {
            host: "evil.example.com/path".to_string(),
            ..CommunitySpec::default()
        };
        assert_eq!(generated_url_round_trip(&bad_host), Ok(None));
    }
}
