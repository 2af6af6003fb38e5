//! End-to-end tests of issue 14's links, payments and contact fidelity, on the real binary:
//! `qraudit check` on texts, and `qraudit scan` on QR codes rendered into a temporary folder and
//! read back by the real decoder.

use serde_json::Value;

mod common;
use common::{qraudit, render_qr as render};

/// Runs `qraudit check --format json --fail-on never` on the texts (with extra flags first).
fn check(extra: &[&str], texts: &[&str]) -> Value {
    let output = qraudit()
        .args(["check", "--format", "json", "--fail-on", "never", "-q"])
        .args(extra)
        .args(texts)
        .output()
        .expect("qraudit runs");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// The single code of input `i`.
fn code(report: &Value, i: usize) -> &Value {
    &report["inputs"][i]["codes"][0]
}

fn rules(code: &Value) -> Vec<String> {
    code["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

fn finding<'a>(code: &'a Value, rule: &str) -> &'a Value {
    code["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {code}"))
}

#[test]
fn bare_hosts_bookmarks_and_urlto_are_audited_as_links() {
    let texts = [
        "example.com",
        "www.example.com:8443/x",
        "xn--e1afmkfd.example",
        "MEBKM:TITLE:Menu;URL:https\\://staff@bit.ly/menu;;",
        "URLTO:Wiki:http://wiki.example.com/",
        "hello.world",
        "notes.txt",
        "v1.2.3",
    ];
    let report = check(&[], &texts);
    let bare = code(&report, 0);
    assert_eq!(bare["payload"]["kind"], "url");
    assert_eq!(bare["payload"]["scheme_inferred"], true);
    assert_eq!(bare["payload"]["form"], "bare-host");
    assert_eq!(bare["payload"]["url"], "http://example.com");
    assert_eq!(rules(bare), ["cleartext-http"]);
    let http = finding(bare, "cleartext-http");
    assert!(
        http["message"]
            .as_str()
            .unwrap()
            .contains("a host name without a scheme"),
        "{http}"
    );
    assert_eq!(http["suggested_url"], "https://example.com/");

    let port = code(&report, 1);
    assert_eq!(port["payload"]["host"], "www.example.com");
    assert_eq!(port["payload"]["url"], "http://www.example.com:8443/x");

    let puny = code(&report, 2);
    assert_eq!(puny["payload"]["kind"], "url");
    assert!(rules(puny).contains(&"idn-host".to_string()), "{puny}");

    let bookmark = code(&report, 3);
    assert_eq!(bookmark["payload"]["form"], "bookmark");
    assert_eq!(bookmark["payload"]["title"], "Menu");
    assert_eq!(
        rules(bookmark),
        ["userinfo-in-link", "url-shortener"],
        "{bookmark}"
    );
    assert!(
        finding(bookmark, "userinfo-in-link")["message"]
            .as_str()
            .unwrap()
            .starts_with("the bookmark's URL ('https://staff@bit.ly/menu')"),
        "{bookmark}"
    );
    assert_eq!(
        finding(bookmark, "userinfo-in-link")["suggested_url"],
        "https://bit.ly/menu"
    );

    let urlto = code(&report, 4);
    assert_eq!(urlto["payload"]["form"], "urlto");
    assert_eq!(rules(urlto), ["cleartext-http"]);

    // Ordinary text stays text.
    for (i, text) in texts.iter().enumerate().skip(5) {
        assert_eq!(code(&report, i)["payload"]["kind"], "text", "{text}");
        assert!(rules(code(&report, i)).is_empty());
    }
}

#[test]
fn userinfo_is_low_and_deceptive_userinfo_stays_high() {
    let report = check(
        &[],
        &[
            "https://anything@example.com/",
            "https://login.example.com@evil.example.net/",
            "https://example.com/@someone",
            "intent://scan/#Intent;scheme=zxing;package=com.google.zxing.client.android;end",
            "geo:47.3769,8.5417",
            "Note:call-back",
        ],
    );
    let plain = code(&report, 0);
    assert_eq!(rules(plain), ["userinfo-in-link"]);
    assert_eq!(finding(plain, "userinfo-in-link")["severity"], "low");
    let deceptive = code(&report, 1);
    assert_eq!(
        rules(deceptive),
        ["userinfo-in-link", "deceptive-userinfo"],
        "{deceptive}"
    );
    assert_eq!(finding(deceptive, "deceptive-userinfo")["severity"], "high");
    assert!(rules(code(&report, 2)).is_empty());
    // Links in schemes phones hand to apps are links; a word before a colon is text.
    assert_eq!(code(&report, 3)["payload"]["kind"], "url");
    assert_eq!(code(&report, 3)["payload"]["scheme"], "intent");
    assert_eq!(code(&report, 4)["payload"]["kind"], "url");
    assert_eq!(code(&report, 5)["payload"]["kind"], "text");
}

const EPC: &str = "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR123.45\n\n\nSpende fuer Wikipedia";
const SWISS: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD";
const BITCOIN: &str = "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=0.5&label=Food%20Bank";

#[test]
fn payment_codes_are_read_from_images_and_reported_for_review() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [("epc.png", EPC), ("swiss.png", SWISS), ("btc.png", BITCOIN)] {
        render(text, &dir.path().join(name));
    }
    let output = qraudit()
        .args(["scan", "--format", "json", "-q"])
        .arg(dir.path())
        .output()
        .unwrap();
    // Info findings do not fail a run.
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let btc = code(&report, 0);
    assert_eq!(btc["payload"]["kind"], "payment");
    assert_eq!(btc["payload"]["format"], "bitcoin");
    assert_eq!(
        btc["payload"]["account"]["value"],
        "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    );
    assert_eq!(btc["payload"]["amount"], "0.5");
    assert_eq!(btc["payload"]["recipient"], "Food Bank");
    let epc = code(&report, 1);
    assert_eq!(epc["payload"]["format"], "epc");
    assert_eq!(epc["payload"]["account"]["kind"], "IBAN");
    assert_eq!(epc["payload"]["currency"], "EUR");
    assert_eq!(epc["payload"]["amount"], "123.45");
    assert_eq!(epc["payload"]["recipient"], "Wikimedia Foerdergesellschaft");
    let request = finding(epc, "payment-request");
    assert_eq!(request["severity"], "info");
    assert!(
        request["message"]
            .as_str()
            .unwrap()
            .contains("pay 123.45 EUR to IBAN DE33100205000001194700"),
        "{request}"
    );
    let swiss = code(&report, 2);
    assert_eq!(swiss["payload"]["format"], "swiss-qr-bill");
    assert_eq!(
        swiss["payload"]["recipient_address"],
        "Rue du Lac, 1268, 2501, Biel, CH"
    );
    assert_eq!(
        swiss["summary"],
        "Swiss QR-bill: 1949.75 CHF to QR-IBAN CH4431999123000889012 ('Robert Schneider AG')"
    );
}

#[test]
fn the_policy_lists_the_accounts_payments_may_go_to() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("qraudit.toml");
    std::fs::write(
        &policy,
        "payment_accounts = [\"CH44 3199 9123 0008 8901 2\", \"1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH\"]\n",
    )
    .unwrap();
    let output = qraudit()
        .args(["check", "--format", "json", "-q", "--policy"])
        .arg(&policy)
        .args([SWISS, BITCOIN, EPC])
        .output()
        .unwrap();
    // The swapped account is high: the run fails.
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(rules(code(&report, 0)).is_empty());
    assert!(rules(code(&report, 1)).is_empty());
    let epc = code(&report, 2);
    assert_eq!(rules(epc), ["payment-account-not-allowed"]);
    assert_eq!(
        finding(epc, "payment-account-not-allowed")["severity"],
        "high"
    );
    // A typo in the list is an error naming the key and the line.
    std::fs::write(
        &policy,
        "\npayment_accounts = [\"CH44 3199 9123 0008 8901 3\"]\n",
    )
    .unwrap();
    let output = qraudit()
        .args(["check", "-q", "--policy"])
        .arg(&policy)
        .arg(SWISS)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(":2: payment_accounts:"), "{stderr}");
}

#[test]
fn hostile_and_truncated_payments_are_issues_not_crashes() {
    let truncated_swiss = &SWISS[..SWISS.len() / 2];
    let report = check(
        &[],
        &[
            truncated_swiss,
            "BCD\n001\n1\nSCT\n\n\nDE00\nEUR1,5",
            "lightning:lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzq",
            "ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7/approve?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1e30",
        ],
    );
    for i in 0..4 {
        let c = code(&report, i);
        assert_eq!(c["payload"]["kind"], "payment", "{c}");
        let issues = c["payload"]["parse_issues"].as_array().expect("issues");
        assert!(!issues.is_empty(), "{c}");
        assert!(
            finding(c, "payment-request")["message"]
                .as_str()
                .unwrap()
                .contains("the request is malformed"),
            "{c}"
        );
    }
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn contacts_keep_names_and_read_tel_uris() {
    let vcard = "BEGIN:VCARD\nVERSION:4.0\nFN:Dr. John Stevenson\nN:Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.\nTEL;VALUE=uri;TYPE=cell:tel:+1-555-555-5555;ext=5555\nIMPP:xmpp:john@chat.ex\u{0430}mple.com\nEMAIL:john@ex\u{0430}mple.com\nEND:VCARD";
    let mecard = "MECARD:N:Stevenson,John;TEL:tel:+15555555555;URL:www.example.com/john;;";
    let report = check(&[], &[vcard, mecard]);
    let v = code(&report, 0);
    assert_eq!(
        v["payload"]["structured_name"]["prefix"],
        serde_json::json!(["Dr."])
    );
    assert_eq!(
        v["payload"]["structured_name"]["additional"],
        serde_json::json!(["Philip", "Paul"])
    );
    assert_eq!(
        v["payload"]["structured_name"]["suffix"],
        serde_json::json!(["Jr.", "M.D."])
    );
    assert_eq!(
        v["payload"]["phones"],
        serde_json::json!(["+1-555-555-5555 ext. 5555"])
    );
    // The IMPP link and the e-mail domain are both audited for look-alike names.
    let idn: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "idn-host")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(idn.len(), 2, "{v}");
    assert!(idn[0].starts_with("the contact's IMPP"), "{idn:?}");
    assert!(idn[1].contains("e-mail address"), "{idn:?}");
    let m = code(&report, 1);
    assert_eq!(
        m["payload"]["structured_name"]["family"],
        serde_json::json!(["Stevenson"])
    );
    assert_eq!(m["payload"]["phones"], serde_json::json!(["+15555555555"]));
    assert_eq!(m["payload"]["urls"][0]["scheme_inferred"], true);
    assert_eq!(rules(m), ["cleartext-http"]);
}

#[test]
fn explain_shows_the_new_rules_with_their_examples() {
    for (rule, example) in [
        ("userinfo-in-link", "https://anything@example.com/"),
        (
            "payment-request",
            "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH",
        ),
        ("payment-account-not-allowed", "payment_accounts = ["),
    ] {
        let output = qraudit().args(["explain", rule]).output().unwrap();
        assert_eq!(output.status.code(), Some(0));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.starts_with(rule), "{text}");
        assert!(text.contains(example), "{rule}: {text}");
        assert!(text.contains("Fires on:"), "{text}");
    }
    let rules = qraudit().arg("rules").output().unwrap();
    let text = String::from_utf8(rules.stdout).unwrap();
    for rule in [
        "userinfo-in-link",
        "payment-request",
        "payment-account-not-allowed",
    ] {
        assert!(text.contains(rule), "{rule}");
    }
}

#[test]
fn new_payload_fields_match_the_documented_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("docs/report-schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema");
    let report = check(
        &[],
        &[
            "www.example.com:8443/x",
            "MEBKM:TITLE:Menu;URL:example.com/menu;;",
            EPC,
            SWISS,
            BITCOIN,
            "BEGIN:VCARD\nVERSION:4.0\nN:Doe;Jane;;Dr.;\nTEL;VALUE=uri:tel:+1-555\nURL:www.example.com\nEND:VCARD",
        ],
    );
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Strict enough to catch a wrong payment format, a wrong link form, a bad account.
    for (input, field, bad) in [
        (2, "format", serde_json::json!("paypal")),
        (0, "form", serde_json::json!("guess")),
        (
            4,
            "account",
            serde_json::json!("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"),
        ),
    ] {
        let mut broken = report.clone();
        broken["inputs"][input]["codes"][0]["payload"][field] = bad;
        assert!(!validator.is_valid(&broken), "{field}");
    }
}
