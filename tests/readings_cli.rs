//! End-to-end tests of issue 22 through the real `qraudit check`: every code is audited as the
//! phone will read it. Each class of the issue (wrappers a scanner strips, characters the WHATWG
//! parser removes, links nested in other payloads, values checked decoded, platform booleans and
//! ports, the host each parser connects to, secrets under any name, no false alarms) is tested
//! with several members of our own, and every secret that only a decoded or nested reading
//! reveals is checked masked in every output format.

mod common;
use common::qraudit;

use serde_json::Value;

const EVIL: &str = "hclsametime://evil.example.net/?action=AddCommunity";
const GOOD: &str = "hclsametime://stproxy.example.com/?action=AddCommunity";

/// Every report format `qraudit check --format` offers.
const FORMATS: [&str; 5] = ["table", "json", "jsonl", "sarif", "raw"];

/// `qraudit check --no-policy --format json [extra…] TEXT…`: the codes, in order.
fn check_with(extra: &[&str], texts: &[&str]) -> Vec<Value> {
    let output = qraudit()
        .args(["check", "--no-policy", "--format", "json"])
        .args(extra)
        .args(texts)
        .output()
        .expect("qraudit runs");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|input| input["codes"][0].clone())
        .collect()
}

fn check(texts: &[&str]) -> Vec<Value> {
    check_with(&[], texts)
}

fn findings(code: &Value) -> &Vec<Value> {
    code["findings"].as_array().expect("findings")
}

fn finding<'a>(code: &'a Value, rule: &str) -> &'a Value {
    findings(code)
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {code:#}"))
}

fn has(code: &Value, rule: &str) -> bool {
    findings(code).iter().any(|f| f["rule"] == rule)
}

fn message(code: &Value, rule: &str) -> String {
    finding(code, rule)["message"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The whole output of `qraudit check` in `format`, stdout and stderr together.
fn output_in(format: &str, extra: &[&str], text: &str) -> String {
    let output = qraudit()
        .args(["check", "--no-policy", "--fix", "--format", format])
        .args(extra)
        .arg(text)
        .output()
        .expect("qraudit runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// No fragment of any secret appears in any format, nor a masked secret inside a suggested
/// URL; with --show-secrets the secret is there (so the check is not vacuous).
fn assert_masked_everywhere(text: &str, secrets: &[&str]) {
    for format in FORMATS {
        let out = output_in(format, &[], text);
        for secret in secrets {
            assert!(
                !out.contains(secret),
                "{secret} leaked in {format} for {text:?}:\n{out}"
            );
        }
    }
    for code in check_with(&["--fix"], &[text]) {
        for f in findings(&code) {
            if let Some(url) = f["suggested_url"].as_str() {
                assert!(!url.contains("********"), "masked secret in {url}");
            }
        }
        if let Some(url) = code["fixed_url"].as_str() {
            assert!(!url.contains("********"), "masked secret in {url}");
        }
    }
    let shown = output_in("json", &["--show-secrets"], text);
    assert!(
        secrets.iter().any(|s| shown.contains(s)),
        "--show-secrets shows none of {secrets:?}: {shown}"
    );
}

#[test]
fn wrappers_a_scanner_strips_are_stripped_first() {
    let risky = format!("{EVIL}&allowUntrustedSSL=true&savePassword=true");
    let texts = [
        format!("URI:{risky}"),
        format!("URL:{risky}"),
        format!("url:{risky}"),
        format!("\u{feff}{risky}"),
        format!("\u{feff}URI: {risky}  "),
        format!("  URL:{risky}\n"),
    ];
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    for (text, code) in texts.iter().zip(check(&refs)) {
        assert!(has(&code, "untrusted-ssl"), "{text:?}: {code:#}");
        assert!(has(&code, "save-password"), "{text:?}: {code:#}");
    }
    let code = &check(&[&texts[0]])[0];
    assert!(
        message(code, "untrusted-ssl").starts_with("after a scanner strips `URI:`"),
        "{}",
        message(code, "untrusted-ssl")
    );
    // The host allow-list holds for the unwrapped link too.
    let code = &check_with(&["--allow-host", "stproxy.example.com"], &[&texts[1]])[0];
    assert!(message(code, "host-not-allowed").contains("evil.example.net"));
}

#[test]
fn characters_the_whatwg_parser_removes_hide_nothing() {
    for text in [
        format!("{EVIL}&allow\tUntrustedSSL=true"),
        format!("{EVIL}&allowUntrusted\nSSL=true"),
        format!("{EVIL}&allowUntrustedSSL=tr\r\nue"),
        format!("{EVIL}&save\tPassword=true"),
        format!("\u{1}{EVIL}&allowUntrustedSSL=true\u{7}"),
    ] {
        let code = &check(&[&text])[0];
        assert!(
            has(code, "untrusted-ssl") || has(code, "save-password"),
            "{text:?}: {code:#}"
        );
    }
    let code = &check(&[&format!("{EVIL}&allowUntrustedSSL=tr\tue")])[0];
    assert!(
        message(code, "untrusted-ssl").contains("WHATWG URL parser removes"),
        "{}",
        message(code, "untrusted-ssl")
    );
    let code = &check(&[&format!("{EVIL}&allow\tUntrustedSSL=true")])[0];
    assert_eq!(finding(code, "untrusted-ssl")["severity"], "high");
}

#[test]
fn links_nested_in_other_payloads_get_the_sametime_rules() {
    let risky = format!("{EVIL}&allowUntrustedSSL=true");
    let encoded: String = risky
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let texts = [
        "intent://evil.example.net/?action=AddCommunity&allowUntrustedSSL=true#Intent;scheme=hclsametime;end".to_string(),
        "intent://evil.example.net/?action=AddCommunity&allowUntrustedSSL=1#Intent;package=com.hcl.sametime;scheme=hclsametime;end".to_string(),
        format!("BEGIN:VCARD\nVERSION:3.0\nFN:Helpdesk\nURL:{risky}\nEND:VCARD"),
        format!("MECARD:N:Helpdesk;URL:{risky};;"),
        format!("https://portal.example.com/go?to={encoded}"),
        format!("MEBKM:TITLE:Chat;URL:{risky};;"),
    ];
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    for (text, code) in texts.iter().zip(check(&refs)) {
        assert!(has(&code, "untrusted-ssl"), "{text:?}: {code:#}");
    }
    let codes = check(&refs);
    assert!(
        message(&codes[0], "untrusted-ssl").starts_with("as Chrome on Android opens the intent")
    );
    assert!(message(&codes[2], "untrusted-ssl").contains("contact's URL link"));
    assert!(message(&codes[4], "untrusted-ssl").contains("'to' parameter"));
}

#[test]
fn a_link_pasted_from_a_web_page_reads_amp_as_a_separator() {
    for (text, rule) in [
        (format!("{GOOD}&amp;savePassword=true"), "save-password"),
        (
            format!("{GOOD}&amp;allowUntrustedSSL=true"),
            "untrusted-ssl",
        ),
        (
            format!("{GOOD}&#38;allowUntrustedSSL=true"),
            "untrusted-ssl",
        ),
        (format!("{GOOD}&AMP;savePassword=TRUE"), "save-password"),
    ] {
        let code = &check_with(&["--fix"], &[&text])[0];
        assert!(has(code, rule), "{text}: {code:#}");
        // `amp;savePassword` is the switch behind an entity, not a secret: nothing is masked.
        assert!(!has(code, "embedded-password"), "{text}: {code:#}");
        let json = code.to_string();
        assert!(!json.contains("********"), "{json}");
    }
}

#[test]
fn values_are_checked_decoded() {
    for text in [
        format!("{GOOD}&communityName=Sales%E2%80%AE"),
        format!("{GOOD}&communityName=Sa%E2%80%8Bles"),
        format!("{GOOD}&communityName=Sales%0AIT"),
        format!("{GOOD}&communityName=Sales%1B%5B2J"),
        format!("{GOOD}&communityName=%E2%81%A6Sales%E2%81%A9"),
        "hclsametime://dm%E2%80%AEisawa@stproxy.example.com/?action=AddCommunity".to_string(),
    ] {
        let code = &check(&[&text])[0];
        assert!(has(code, "control-characters"), "{text}: {code:#}");
    }
    // An ordinary escape is not hidden, nor a line break in a mail body.
    for text in [
        format!("{GOOD}&communityName=Sales%20Team"),
        "mailto:help@example.com?body=Line%20one%0ALine%20two".to_string(),
    ] {
        assert!(!has(&check(&[&text])[0], "control-characters"), "{text}");
    }
}

#[test]
fn a_password_in_a_decoded_userinfo_is_found_and_masked_everywhere() {
    for (text, secret) in [
        (
            "hclsametime://dmisawa%3AHunter2x@stproxy.example.com/?action=AddCommunity",
            "Hunter2x",
        ),
        (
            "hclsametime://dmisawa%3aSw0rdfish@stproxy.example.com/?action=AddCommunity",
            "Sw0rdfish",
        ),
        (
            "https://bob%3AC0rrectHorse@portal.example.com/",
            "C0rrectHorse",
        ),
    ] {
        let code = &check(&[text])[0];
        assert!(has(code, "embedded-password"), "{text}: {code:#}");
        assert_masked_everywhere(text, &[secret]);
    }
}

#[test]
fn secrets_of_nested_and_cleaned_readings_are_masked_in_every_format() {
    for (text, secret) in [
        (
            "intent://evil.example.net/?action=AddCommunity&authProxyPassword=Nested0ne#Intent;scheme=hclsametime;end",
            "Nested0ne",
        ),
        (
            "https://portal.example.com/go?to=hclsametime%3A%2F%2Fu%3AForwarded9%40evil.example.net%2F%3Faction%3DAddCommunity",
            "Forwarded9",
        ),
        (
            "URI:hclsametime://dmisawa:Wrapped7x@stproxy.example.com/?action=AddCommunity",
            "Wrapped7x",
        ),
        (
            "BEGIN:VCARD\nFN:Help\nURL:hclsametime://stproxy.example.com/?action=AddCommunity&authProxyToken=CardT0ken\nEND:VCARD",
            "CardT0ken",
        ),
    ] {
        let code = &check(&[text])[0];
        assert!(
            has(code, "embedded-password") || has(code, "secret-parameter"),
            "{text}: {code:#}"
        );
        assert_masked_everywhere(text, &[secret]);
    }
}

#[test]
fn booleans_are_true_when_any_platform_reads_them_so() {
    for value in [
        "+1", "0001", "-1", "y", "T", "%201", "no", "off", "", "=", "enabled",
    ] {
        let text = if value.is_empty() {
            format!("{GOOD}&allowUntrustedSSL")
        } else if value == "=" {
            format!("{GOOD}&allowUntrustedSSL=")
        } else {
            format!("{GOOD}&allowUntrustedSSL={value}")
        };
        let code = &check(&[&text])[0];
        assert!(has(code, "untrusted-ssl"), "{text}: {code:#}");
        assert_eq!(finding(code, "untrusted-ssl")["severity"], "high");
    }
    let code = &check(&[&format!("{GOOD}&allowUntrustedSSL=yes")])[0];
    let said = message(code, "untrusted-ssl");
    assert!(said.contains("iOS (NSString.boolValue)"), "{said}");
    assert!(said.contains("Uri.getBooleanQueryParameter"), "{said}");
    let code = &check(&[&format!("{GOOD}&allowUntrustedSSL=no")])[0];
    let said = message(code, "untrusted-ssl");
    assert!(said.contains("Uri.getBooleanQueryParameter"), "{said}");
    assert!(!said.contains("iOS"), "{said}");
    for value in ["false", "FALSE", "0"] {
        let code = &check(&[&format!("{GOOD}&allowUntrustedSSL={value}")])[0];
        assert!(!has(code, "untrusted-ssl"), "{value}: {code:#}");
    }
}

#[test]
fn ports_are_explained_per_platform() {
    let code = &check(&["hclsametime://stproxy.example.com:/?action=AddCommunity"])[0];
    let port = finding(code, "invalid-port");
    assert_eq!(port["severity"], "low");
    assert!(message(code, "invalid-port").contains("android.net.Uri reads the default, 443"));
    for raw in ["+443", "\u{FF14}\u{FF14}\u{FF13}", "70000"] {
        let text = format!("hclsametime://stproxy.example.com:{raw}/?action=AddCommunity");
        let code = &check(&[&text])[0];
        let said = message(code, "invalid-port");
        assert!(
            said.contains("Integer.parseInt reads port"),
            "{raw}: {said}"
        );
    }
}

#[test]
fn the_host_is_every_host_some_parser_connects_to() {
    let allow = ["--allow-host", "stproxy.example.com"];
    // Android's Uri ends the authority at '\'; RFC 3986 and WHATWG read the host after the '@'.
    for text in [
        "hclsametime://evil.example.net\\@stproxy.example.com/?action=AddCommunity",
        "hclsametime://evil.example.net\\stproxy.example.com@stproxy.example.com/?action=AddCommunity",
    ] {
        let code = &check_with(&allow, &[text])[0];
        let hosts: Vec<&str> = findings(code)
            .iter()
            .filter(|f| f["rule"] == "host-not-allowed")
            .filter_map(|f| f["evidence"].as_str())
            .collect();
        assert!(hosts.contains(&"evil.example.net"), "{text}: {code:#}");
        let differ = findings(code)
            .iter()
            .find(|f| {
                f["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("parsers read different hosts"))
            })
            .unwrap_or_else(|| panic!("no parsers-differ finding: {code:#}"));
        let said = differ["message"].as_str().unwrap();
        assert!(
            said.contains("android.net.Uri 'evil.example.net'"),
            "{said}"
        );
        assert!(said.contains("java.net.URI no host"), "{said}");
        assert_eq!(
            code["payload"]["community"]["other_servers"][0],
            "evil.example.net"
        );
        assert!(
            code["summary"]
                .as_str()
                .unwrap()
                .contains("evil.example.net")
        );
    }
    // A plain code: one host, nothing about parsers.
    let code = &check_with(&allow, &[GOOD])[0];
    assert!(findings(code).is_empty(), "{code:#}");
}

#[test]
fn userinfo_disguised_as_a_host_in_any_form() {
    for user in [
        "stproxy.example.com_",
        "stproxy.example.com-",
        "-stproxy.example.com~",
        "stproxy.example.com.group",
        "stproxy.example%2Ecom",
        "stproxy%E2%80%8B.example.com",
        "%EF%BD%93%EF%BD%94proxy.example.com",
        "sso_stproxy.example.com",
    ] {
        let text = format!("hclsametime://{user}@evil.example.net/?action=AddCommunity");
        let code = &check(&[&text])[0];
        assert!(has(code, "deceptive-userinfo"), "{text}: {code:#}");
    }
    for user in [
        "dmisawa",
        "john.smith",
        "myid%40mycompany.com",
        "j.doe_sales",
    ] {
        let text = format!("hclsametime://{user}@stproxy.example.com/?action=AddCommunity");
        assert!(!has(&check(&[&text])[0], "deceptive-userinfo"), "{text}");
    }
}

#[test]
fn shortened_hex_and_octal_ipv4_hosts_are_ip_literals() {
    for (host, ip) in [
        ("10.1", "10.0.0.1"),
        ("0x0a.0.0.1", "10.0.0.1"),
        ("012.0.0.1", "10.0.0.1"),
        ("167772161", "10.0.0.1"),
        ("0xC0.0xA8.1", "192.168.0.1"),
        ("192.0.2.10", "192.0.2.10"),
    ] {
        let text = format!("hclsametime://{host}/?action=AddCommunity");
        let code = &check(&[&text])[0];
        assert!(
            message(code, "ip-literal-host").contains(ip),
            "{text}: {code:#}"
        );
    }
    assert!(!has(&check(&[GOOD])[0], "ip-literal-host"));
}

#[test]
fn secrets_under_any_name_are_reported_and_masked() {
    for (text, rule, secret) in [
        (
            format!("{GOOD}&authProxyPass=Hunter2x"),
            "embedded-password",
            "Hunter2x",
        ),
        (
            format!("{GOOD}&authProxyPwd=Pwd0fProxy"),
            "embedded-password",
            "Pwd0fProxy",
        ),
        (
            format!("{GOOD}&proxyPassphrase=Long%20Phrase9"),
            "embedded-password",
            "Phrase9",
        ),
        (
            format!("{GOOD}&X-Auth-Token=T0kenValue"),
            "secret-parameter",
            "T0kenValue",
        ),
        (
            format!("{GOOD}&clientSecret=S3cretValue"),
            "secret-parameter",
            "S3cretValue",
        ),
        (
            "https://portal.example.com/?api_key=K3yValue1".to_string(),
            "secret-parameter",
            "K3yValue1",
        ),
        (
            "https://portal.example.com/?lang=de&sessionToken=Sess10nT".to_string(),
            "secret-parameter",
            "Sess10nT",
        ),
        (
            "https://portal.example.com/login?user=bob&pwd=Pw0fBob".to_string(),
            "embedded-password",
            "Pw0fBob",
        ),
    ] {
        let code = &check(&[&text])[0];
        let f = finding(code, rule);
        assert!(
            matches!(f["severity"].as_str(), Some("high" | "critical")),
            "{text}: {f}"
        );
        assert_masked_everywhere(&text, &[secret]);
    }
    // Names that merely contain a secret word are not secrets.
    for text in [
        "https://shop.example.com/?keyboard=de-ch",
        "https://zoo.example.com/?monkey=capuchin",
        "https://nlp.example.com/?tokenized=yes",
        "https://travel.example.com/?passenger=2",
    ] {
        let code = &check(&[text])[0];
        assert!(
            !has(code, "secret-parameter") && !has(code, "embedded-password"),
            "{text}: {code:#}"
        );
        assert!(!code.to_string().contains("********"), "{text}");
    }
}

#[test]
fn no_false_alarms_for_what_every_reader_accepts() {
    // One run each: together they would define one community three ways (community-conflict).
    let codes: Vec<Value> = [
        format!("{GOOD}#"),
        format!("{GOOD}&communityName=Sales+Team"),
        "hclsametime://stproxy.example.com:/?action=AddCommunity".to_string(),
    ]
    .iter()
    // The organisation's host: without it each code carries the info verdict host-not-checked.
    .map(|text| check_with(&["--allow-host", "stproxy.example.com"], &[text]).remove(0))
    .collect();
    assert!(findings(&codes[0]).is_empty(), "{:#}", codes[0]);
    for code in &codes[1..] {
        for f in findings(code) {
            assert_eq!(f["severity"], "low", "{f}");
        }
    }
    assert!(message(&codes[1], "malformed-encoding").contains("iOS"));
}

/// A tiny fixed-seed generator (xorshift): the property test is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Percent-encodes everything but letters, digits, `.` and `-` (a query value).
fn encode_all(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A provisioning URL with one risky switch set to a value some platform reads as true, put
/// through a random chain of the readings a phone may apply; the rule the switch must produce.
fn generated(rng: &mut Rng) -> (String, &'static str) {
    let (switch, rule) = [
        ("allowUntrustedSSL", "untrusted-ssl"),
        ("savePassword", "save-password"),
    ][rng.below(2)];
    let value = rng.pick(&[
        "true", "TRUE", "1", "+1", "yes", "y", "T", "007", "no", "on",
    ]);
    let host = rng.pick(&["evil.example.net", "stproxy.example.com", "10.1"]);
    let name = rng.pick(&["", "&communityName=Sales%20Team", "&communityName=IT"]);
    let mut param = format!("{switch}={value}");
    let wrapping = rng.below(8);
    // A tab or newline inside the parameter (the WHATWG parser removes it). Inside a vCard a
    // line break would end the property, so only a tab there.
    if rng.below(3) == 0 {
        let at = 1 + rng.below(param.len() - 1);
        let c = if wrapping == 3 {
            '\t'
        } else {
            ['\t', '\n', '\r'][rng.below(3)]
        };
        param.insert(at, c);
    }
    let separator = rng.pick(&["&", "&", "&amp;", "&#38;"]);
    let mut text = format!("hclsametime://{host}/?action=AddCommunity{name}{separator}{param}");
    match wrapping {
        0 => text = format!("URI:{text}"),
        1 => text = format!("\u{feff}URL: {text}"),
        2 => {
            let rest = text.trim_start_matches("hclsametime:");
            text = format!("intent:{rest}#Intent;scheme=hclsametime;end");
        }
        3 => text = format!("BEGIN:VCARD\nFN:Help\nURL:{text}\nEND:VCARD"),
        4 => text = format!("https://portal.example.com/open?u={}", encode_all(&text)),
        5 => text = format!("  {text}\t"),
        _ => {}
    }
    (text, rule)
}

/// The property: a risky setting that any reader sees produces its risky rule, whatever chain of
/// readings hides it, and no secret-looking mask appears in any suggestion.
#[test]
fn a_risky_setting_visible_to_any_reader_produces_its_rule() {
    let mut rng = Rng(0x5eed_2222_0022_beef);
    let cases: Vec<(String, &str)> = (0..240).map(|_| generated(&mut rng)).collect();
    for chunk in cases.chunks(60) {
        let texts: Vec<&str> = chunk.iter().map(|(t, _)| t.as_str()).collect();
        let codes = check_with(&["--fix"], &texts);
        assert_eq!(codes.len(), chunk.len());
        for ((text, rule), code) in chunk.iter().zip(&codes) {
            assert!(has(code, rule), "{text:?} lacks {rule}: {code:#}");
            assert!(!code.to_string().contains("********"), "{text:?}: {code:#}");
            // A fix never leaves the risky setting behind in any reading.
            if let Some(fixed) = code["fixed_url"].as_str() {
                let again = &check(&[fixed])[0];
                assert!(!has(again, rule), "{fixed} still has {rule}");
            }
        }
    }
}
