//! End-to-end tests of every payload kind of issue 7: each test renders QR codes of real
//! payloads into a temporary folder (black modules on white, 6-px modules, a 4-module quiet
//! zone, as `examples/gen_testdata.rs` does), scans them with the real binary and checks the
//! payload kinds, the rule ids, and that no secret reaches stdout or stderr in any format.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::render_qr as render;

struct Case {
    file: &'static str,
    text: String,
    kind: &'static str,
    rules: &'static [&'static str],
    /// Fragments of secrets that must appear nowhere in the output.
    secrets: Vec<String>,
}

const ANDROID: &str = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"http://mdm.example.com/dpc.apk","android.app.extra.PROVISIONING_WIFI_SSID":"Staging","android.app.extra.PROVISIONING_WIFI_PASSWORD":"St4gingW1fiKey","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":true}"#;

/// An authenticator export of two accounts; the seeds are `0123456789abcdefghij` and
/// `abcdefghij0123456789` (base32 `GAYTEMZUGU3DOOBZMFRGGZDFMZTWQ2LK`, `MFRGGZDFMZTWQ2LKGAYTEMZUGU3DOOBZ`).
const MIGRATION: &str = "otpauth-migration://offline?data=CjgKFDAxMjM0NTY3ODlhYmNkZWZnaGlqEhFhbGljZUBleGFtcGxlLmNvbRoHRXhhbXBsZSABKAEwAgozChRhYmNkZWZnaGlqMDEyMzQ1Njc4ORIPYm9iQGV4YW1wbGUuY29tGgRDb3JwIAEoATACEAEYASAAKAc%3D";

fn cases() -> Vec<Case> {
    vec![
        Case {
            file: "wifi-office.png",
            text: r"WIFI:T:WPA;S:Office;P:Sup3r\;S3cr3tKey;H:false;;".into(),
            kind: "wifi",
            rules: &["embedded-password"],
            secrets: vec!["Sup3r".into(), "S3cr3tKey".into()],
        },
        Case {
            file: "wifi-guest.png",
            text: "WIFI:T:WPA;S:Guest;P:W3lcomeGuests;;".into(),
            kind: "wifi",
            rules: &["embedded-password"],
            secrets: vec!["W3lcomeGuests".into()],
        },
        Case {
            file: "wifi-cafe.png",
            text: "WIFI:T:nopass;S:Cafe;;".into(),
            kind: "wifi",
            rules: &["open-wifi"],
            secrets: vec![],
        },
        Case {
            file: "wifi-wep.png",
            text: "WIFI:T:WEP;S:Warehouse;P:A1B2C3D4E5;;".into(),
            kind: "wifi",
            rules: &["embedded-password", "weak-wifi"],
            secrets: vec!["A1B2C3D4E5".into()],
        },
        Case {
            file: "otp.png",
            text: "otpauth://totp/Example:alice@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=Example".into(),
            kind: "otpauth",
            rules: &["embedded-secret"],
            secrets: vec!["HXDMVJEC".into(), "WIZR4IFU".into()],
        },
        Case {
            file: "otp-weak.png",
            text: "otpauth://totp/bob?secret=JBSWY3DPEHPK3PXP&digits=4".into(),
            kind: "otpauth",
            rules: &["embedded-secret", "missing-issuer", "weak-otp"],
            secrets: vec!["JBSWY3DP".into()],
        },
        Case {
            file: "migration.png",
            text: MIGRATION.into(),
            kind: "otpauth-migration",
            rules: &["embedded-secret"],
            secrets: vec![
                "CjgKFDAx".into(),
                "GAYTEMZUGU3DOOBZ".into(),
                "MFRGGZDFMZTWQ2LK".into(),
            ],
        },
        Case {
            file: "vcard.png",
            text: "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nORG:Example Corp\r\nTEL;TYPE=work:+1 555 0100\r\nEMAIL:jane@example.com\r\nURL:http://bit.ly/jane-doe\r\nEND:VCARD\r\n".into(),
            kind: "contact",
            rules: &["cleartext-http", "url-shortener"],
            secrets: vec![],
        },
        Case {
            file: "mecard.png",
            text: r"MECARD:N:Doe,John;URL:https://john:C4rdP4ss@example.com/;EMAIL:john@example.com;;".into(),
            kind: "contact",
            // A user part in a link is reported on its own too (issue 14).
            rules: &["embedded-password", "userinfo-in-link"],
            secrets: vec!["C4rdP4ss".into()],
        },
        Case {
            file: "wireguard.png",
            text: "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.2/32\nDNS = 10.0.0.1\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0\n".into(),
            kind: "wireguard",
            rules: &["embedded-secret"],
            secrets: vec!["yAnz5TF".into(), "JBgB3fBmk".into()],
        },
        Case {
            file: "esim.png",
            text: "LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T$$731905".into(),
            kind: "esim",
            rules: &["embedded-secret"],
            secrets: vec!["731905".into()],
        },
        Case {
            file: "android.png",
            text: ANDROID.into(),
            kind: "android-enrollment",
            rules: &[
                "cleartext-http",
                "embedded-password",
                "missing-checksum",
                "skip-encryption",
            ],
            secrets: vec!["St4gingW1fiKey".into()],
        },
        Case {
            file: "link.png",
            text: "http://0x7f.1/login?next=https://evil.example.net/".into(),
            kind: "url",
            rules: &["cleartext-http", "ip-literal-host", "suspicious-redirect"],
            secrets: vec![],
        },
        Case {
            file: "link-idn.png",
            text: "https://p\u{0430}ypal.com/signin".into(),
            kind: "url",
            rules: &["idn-host"],
            secrets: vec![],
        },
    ]
}

fn scan(dir: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("qraudit")
        .expect("the qraudit binary is built")
        .current_dir(dir)
        .arg("scan")
        .args(extra)
        .arg(dir)
        .output()
        .expect("qraudit runs")
}

fn code_of<'a>(report: &'a Value, file: &str) -> &'a Value {
    let input = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .find(|i| i["path"].as_str().is_some_and(|p| p.ends_with(file)))
        .unwrap_or_else(|| panic!("no input {file}"));
    let codes = input["codes"].as_array().expect("codes");
    assert_eq!(codes.len(), 1, "{file}: {input:#}");
    &codes[0]
}

fn rules_of(code: &Value) -> Vec<String> {
    let mut rules: Vec<String> = code["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect();
    rules.sort();
    rules.dedup();
    rules
}

#[test]
fn every_payload_kind_is_scanned_classified_audited_and_redacted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases = cases();
    for case in &cases {
        render(&case.text, &dir.path().join(case.file));
    }
    let output = scan(dir.path(), &["--format", "json"]);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "findings fail the run: {stderr}"
    );
    let report: Value = serde_json::from_str(&stdout).expect("JSON report");
    for case in &cases {
        let code = code_of(&report, case.file);
        assert_eq!(
            code["payload"]["kind"], case.kind,
            "{}: {code:#}",
            case.file
        );
        assert_eq!(rules_of(code), case.rules, "{}: {code:#}", case.file);
        assert!(code["summary"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(
            code["description"].as_str().is_some_and(|s| !s.is_empty()),
            "{}: every kind has a description",
            case.file
        );
        for secret in &case.secrets {
            assert!(
                !stdout.contains(secret.as_str()),
                "{secret} leaked into stdout"
            );
            assert!(
                !stderr.contains(secret.as_str()),
                "{secret} leaked into stderr"
            );
        }
    }
    // Spot checks of parsed fields.
    let wifi = code_of(&report, "wifi-office.png");
    assert_eq!(wifi["payload"]["ssid"], "Office");
    assert_eq!(wifi["payload"]["password_present"], true);
    assert_eq!(
        wifi["description"],
        "Joins Wi-Fi network 'Office' (WPA) with the password in the code."
    );
    let migration = code_of(&report, "migration.png");
    assert_eq!(
        migration["payload"]["accounts"].as_array().map(Vec::len),
        Some(2)
    );
    let secret = &migration["findings"][0];
    assert!(
        secret["message"]
            .as_str()
            .is_some_and(|m| m.contains("seeds of 2 accounts")),
        "{secret:#}"
    );
    let esim = code_of(&report, "esim.png");
    assert_eq!(esim["payload"]["smdp_address"], "rsp.example.com");
    assert_eq!(esim["payload"]["confirmation_code_present"], true);
}

#[test]
fn table_and_jsonl_keep_secrets_out_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|c| !c.secrets.is_empty())
        .collect();
    for case in &cases {
        render(&case.text, &dir.path().join(case.file));
    }
    for format in ["table", "jsonl"] {
        let output = scan(dir.path(), &["--format", format]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stdout.contains("embedded-secret"), "{format}: {stdout}");
        for case in &cases {
            for secret in &case.secrets {
                assert!(
                    !stdout.contains(secret.as_str()),
                    "{format}: {secret} in {stdout}"
                );
                assert!(
                    !stderr.contains(secret.as_str()),
                    "{format}: {secret} in stderr"
                );
            }
        }
    }
}

#[test]
fn guest_networks_in_the_policy_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    for case in cases().iter().filter(|c| c.file.starts_with("wifi-")) {
        render(&case.text, &dir.path().join(case.file));
    }
    std::fs::write(
        dir.path().join("qraudit.toml"),
        "guest_networks = [\"Guest\"]\n",
    )
    .expect("policy written");
    let output = scan(dir.path(), &["--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    assert!(rules_of(code_of(&report, "wifi-guest.png")).is_empty());
    assert_eq!(
        rules_of(code_of(&report, "wifi-office.png")),
        ["embedded-password"]
    );
    // A typo in the key is an error naming the key and line, not silence.
    std::fs::write(
        dir.path().join("qraudit.toml"),
        "fail_on = \"high\"\nguest_network = [\"Guest\"]\n",
    )
    .expect("policy written");
    let output = scan(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("qraudit.toml:2") && stderr.contains("guest_network"),
        "{stderr}"
    );
}
