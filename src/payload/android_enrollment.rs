//! Android Enterprise QR provisioning: the JSON object a factory-reset device reads when its
//! welcome screen is tapped six times (`android.app.extra.PROVISIONING_*` extras of
//! `DevicePolicyManager`).
//!
//! What a reviewer needs from it: which device-policy app becomes device owner and where it is
//! downloaded from, whether its checksum is pinned (`..._DEVICE_ADMIN_PACKAGE_CHECKSUM` or
//! `..._DEVICE_ADMIN_SIGNATURE_CHECKSUM`), the Wi-Fi network and password the device joins,
//! and switches such as `..._SKIP_ENCRYPTION`. The Wi-Fi password is a secret, and so are the
//! values of admin-extras entries whose names look like secrets (an EMM enrolment token):
//! never serialized, listed by `secrets()` as decoded and as written in the JSON text.

use serde_json::{Map, Value};

pub const PREFIX: &str = "android.app.extra.PROVISIONING_";
const COMPONENT: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME";
const PACKAGE: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_NAME";
pub const DOWNLOAD: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION";
pub const PACKAGE_CHECKSUM: &str = "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM";
pub const SIGNATURE_CHECKSUM: &str =
    "android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM";
const SSID: &str = "android.app.extra.PROVISIONING_WIFI_SSID";
pub const WIFI_PASSWORD: &str = "android.app.extra.PROVISIONING_WIFI_PASSWORD";
const SECURITY: &str = "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE";
const HIDDEN: &str = "android.app.extra.PROVISIONING_WIFI_HIDDEN";
pub const SKIP_ENCRYPTION: &str = "android.app.extra.PROVISIONING_SKIP_ENCRYPTION";
const SYSTEM_APPS: &str = "android.app.extra.PROVISIONING_LEAVE_ALL_SYSTEM_APPS_ENABLED";
const EXTRAS: &str = "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE";

#[derive(Debug, Clone)]
pub struct Enrollment {
    pub admin_component: Option<String>,
    pub admin_package: Option<String>,
    pub download_location: Option<String>,
    pub package_checksum_present: bool,
    pub signature_checksum_present: bool,
    pub wifi_ssid: Option<String>,
    pub wifi_security_type: Option<String>,
    pub wifi_hidden: bool,
    /// True when a Wi-Fi password is present and not empty (never serialized).
    pub wifi_password_present: bool,
    pub skip_encryption: bool,
    pub leave_all_system_apps_enabled: bool,
    /// Names of the admin-extras entries (values of secret-looking ones are never shown).
    pub admin_extras: Vec<String>,
    /// Names of secret-looking admin-extras entries (an enrolment token), values redacted.
    pub secret_extras: Vec<String>,
    /// Other provisioning keys, by name.
    pub other_keys: Vec<String>,
    pub parse_issues: Vec<String>,
    secrets: Vec<String>,
    /// The JSON with `SKIP_ENCRYPTION` removed, for a suggestion (only without secrets in it).
    object: Map<String, Value>,
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::String(s) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn as_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "token",
        "password",
        "secret",
        "passwd",
        "credential",
        "apikey",
        "api_key",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The raw JSON string tokens (between the quotes, escapes kept) that follow `"key":` anywhere
/// in `json`: the spelling of a value as written, which may differ from the decoded one.
fn raw_values(json: &str, key: &str) -> Vec<String> {
    let needle = format!("\"{key}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = json[from..].find(&needle) {
        let after = from + at + needle.len();
        from = after;
        let rest = json[after..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('"') else {
            continue;
        };
        let mut end = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        if let Some(end) = end {
            out.push(rest[..end].to_string());
        }
    }
    out
}

/// Parses a provisioning JSON object: a JSON object with at least one
/// `android.app.extra.PROVISIONING_` key. `None` for any other text.
pub fn parse(text: &str) -> Option<Enrollment> {
    let trimmed = text.trim();
    if !trimmed.starts_with('{') || !trimmed.contains(PREFIX) {
        return None;
    }
    let Value::Object(map) = serde_json::from_str::<Value>(trimmed).ok()? else {
        return None;
    };
    if !map.keys().any(|k| k.starts_with(PREFIX)) {
        return None;
    }
    let mut secrets = Vec::new();
    let mut issues = Vec::new();
    let wifi_password = as_text(map.get(WIFI_PASSWORD)).filter(|p| !p.is_empty());
    if let Some(p) = &wifi_password {
        secrets.push(p.clone());
        secrets.extend(raw_values(trimmed, WIFI_PASSWORD));
    }
    let mut admin_extras = Vec::new();
    let mut secret_extras = Vec::new();
    match map.get(EXTRAS) {
        Some(Value::Object(extras)) => {
            for (name, value) in extras {
                admin_extras.push(name.clone());
                if secret_name(name) {
                    secret_extras.push(name.clone());
                    if let Some(v) = as_text(Some(value)).filter(|v| !v.is_empty()) {
                        secrets.push(v);
                        secrets.extend(raw_values(trimmed, name));
                    }
                }
            }
        }
        Some(_) => issues.push("the admin extras bundle is not a JSON object".into()),
        None => {}
    }
    let known = [
        COMPONENT,
        PACKAGE,
        DOWNLOAD,
        PACKAGE_CHECKSUM,
        SIGNATURE_CHECKSUM,
        SSID,
        WIFI_PASSWORD,
        SECURITY,
        HIDDEN,
        SKIP_ENCRYPTION,
        SYSTEM_APPS,
        EXTRAS,
    ];
    let other_keys = map
        .keys()
        .filter(|k| !known.contains(&k.as_str()))
        .cloned()
        .collect();
    if !map.contains_key(COMPONENT) && !map.contains_key(PACKAGE) {
        issues.push("no device-admin component: the device cannot be provisioned".into());
    }
    secrets.retain(|s| !s.is_empty());
    secrets.sort();
    secrets.dedup();
    let present = |k: &str| as_text(map.get(k)).is_some_and(|v| !v.trim().is_empty());
    Some(Enrollment {
        admin_component: as_text(map.get(COMPONENT)),
        admin_package: as_text(map.get(PACKAGE)),
        download_location: as_text(map.get(DOWNLOAD)).map(|d| d.trim().to_string()),
        package_checksum_present: present(PACKAGE_CHECKSUM),
        signature_checksum_present: present(SIGNATURE_CHECKSUM),
        wifi_ssid: as_text(map.get(SSID)),
        wifi_security_type: as_text(map.get(SECURITY)),
        wifi_hidden: map.get(HIDDEN).is_some_and(truthy),
        wifi_password_present: wifi_password.is_some(),
        skip_encryption: map.get(SKIP_ENCRYPTION).is_some_and(truthy),
        leave_all_system_apps_enabled: map.get(SYSTEM_APPS).is_some_and(truthy),
        admin_extras,
        secret_extras,
        other_keys,
        parse_issues: issues,
        secrets,
        object: map,
    })
}

impl Enrollment {
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.clone()
    }

    /// The SSID as the device compares it: Android takes it with or without surrounding quotes.
    pub fn ssid_unquoted(&self) -> Option<&str> {
        let s = self.wifi_ssid.as_deref()?;
        Some(
            s.strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .unwrap_or(s),
        )
    }

    /// The provisioning JSON without `key`, when the code holds no secret (a suggestion must
    /// be safe to publish, and a masked password would not be usable).
    pub fn without(&self, key: &str) -> Option<String> {
        if !self.secrets.is_empty() {
            return None;
        }
        let mut map = self.object.clone();
        map.remove(key)?;
        serde_json::to_string(&Value::Object(map)).ok()
    }

    fn admin(&self) -> &str {
        self.admin_component
            .as_deref()
            .or(self.admin_package.as_deref())
            .unwrap_or("(none)")
    }

    pub fn summary(&self) -> String {
        let mut s = format!("Android Enterprise enrolment, admin {}", self.admin());
        if let Some(ssid) = self.ssid_unquoted() {
            s.push_str(&format!(", Wi-Fi '{ssid}'"));
            if self.wifi_password_present {
                s.push_str(" with password");
            }
        }
        s
    }

    pub fn describe(&self) -> String {
        let mut s = format!(
            "Sets up a factory-reset Android device as a company-managed device: {} becomes device owner",
            self.admin()
        );
        if let Some(d) = &self.download_location {
            s.push_str(&format!(", downloaded from {d}"));
        }
        s.push('.');
        if let Some(ssid) = self.ssid_unquoted() {
            s.push_str(&format!(
                " The device joins Wi-Fi network '{ssid}'{}.",
                if self.wifi_password_present {
                    " with the password in the code"
                } else {
                    ""
                }
            ));
        }
        if self.skip_encryption {
            s.push_str(" Storage encryption is skipped.");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const EXAMPLE: &str = r#"{
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "com.example.dpc/.AdminReceiver",
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION": "http://mdm.example.com/dpc.apk",
  "android.app.extra.PROVISIONING_WIFI_SSID": "\"Staging\"",
  "android.app.extra.PROVISIONING_WIFI_PASSWORD": "pa\"ss\u0021word",
  "android.app.extra.PROVISIONING_WIFI_SECURITY_TYPE": "WPA",
  "android.app.extra.PROVISIONING_SKIP_ENCRYPTION": true,
  "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {"com.example.ENROLLMENT_TOKEN": "tok-123456", "site": "HQ"}
}"#;

    #[test]
    fn reads_the_provisioning_extras() {
        let e = parse(EXAMPLE).expect("enrolment");
        assert_eq!(
            e.admin_component.as_deref(),
            Some("com.example.dpc/.AdminReceiver")
        );
        assert_eq!(
            e.download_location.as_deref(),
            Some("http://mdm.example.com/dpc.apk")
        );
        assert!(!e.package_checksum_present && !e.signature_checksum_present);
        assert_eq!(e.ssid_unquoted(), Some("Staging"));
        assert!(e.wifi_password_present && e.skip_encryption);
        assert_eq!(e.admin_extras, ["com.example.ENROLLMENT_TOKEN", "site"]);
        assert_eq!(e.secret_extras, ["com.example.ENROLLMENT_TOKEN"]);
        let secrets = e.secrets();
        for s in ["pa\"ss!word", r#"pa\"ss\u0021word"#, "tok-123456"] {
            assert!(secrets.contains(&s.to_string()), "{s}: {secrets:?}");
        }
        let json = crate::report::payload::unmasked_json(
            &crate::payload::Payload::AndroidEnrollment(e.clone()),
        )
        .to_string();
        assert!(
            !json.contains("ss!word") && !json.contains("tok-123456"),
            "{json}"
        );
        assert_eq!(
            e.without(SKIP_ENCRYPTION),
            None,
            "never a suggestion with secrets"
        );
    }

    #[test]
    fn not_enrolment_json() {
        assert!(parse("{\"a\": 1}").is_none());
        assert!(parse("[\"android.app.extra.PROVISIONING_X\"]").is_none());
        assert!(parse("{\"android.app.extra.PROVISIONING_X\": ").is_none());
        assert!(parse("{\"x\": \"android.app.extra.PROVISIONING_X\"}").is_none());
        let e = parse("{\"android.app.extra.PROVISIONING_WIFI_SSID\": 5, \"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE\": 1}").unwrap();
        assert_eq!(e.wifi_ssid.as_deref(), Some("5"));
        assert_eq!(e.parse_issues.len(), 2, "{:?}", e.parse_issues);
    }

    #[test]
    fn suggestion_without_a_key() {
        let e = parse(r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a/.B","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":"true"}"#).unwrap();
        assert!(e.skip_encryption);
        assert_eq!(
            e.without(SKIP_ENCRYPTION).as_deref(),
            Some(r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a/.B"}"#)
        );
    }

    #[test]
    fn raw_values_keep_escapes() {
        assert_eq!(
            raw_values(r#"{"k" : "a\"b", "k":1, "k":"c\\"}"#, "k"),
            [r#"a\"b"#, r"c\\"]
        );
        assert!(raw_values(r#"{"k": "unterminated"#, "k").is_empty());
    }
}
