//! Wi-Fi network codes: `WIFI:T:WPA;S:Office;P:secret;H:false;;`.
//!
//! The format is ZXing's (also read by the Android and iOS cameras): fields `T` (security: `WEP`,
//! `WPA`, `SAE`, `WPA2-EAP`, `nopass`), `S` (SSID), `P` (password), `H` (hidden network), and for
//! 802.1X networks `E` (EAP method), `PH2` (phase 2), `I` (identity) and `A` (anonymous identity).
//! Fields come in any order, values escape `; , : \ "` with a backslash, and a value in double
//! quotes is taken literally (ZXing quotes names that would read as hex). Field syntax is in
//! `fields`. The password is a secret: it is never serialized, and `secrets()` lists every
//! spelling of it (unescaped, as written, with and without quotes).

use super::fields::{self, Field};

/// How the network is secured, read from `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WifiAuth {
    /// `T:nopass`, an empty `T`, or no `T` and no password.
    Open,
    /// `T:WEP`: broken since 2001.
    Wep,
    /// `T:WPA` (and `WPA2`, `WPA/WPA2`): a pre-shared key.
    Wpa,
    /// `T:SAE` or `T:WPA3`: WPA3-Personal.
    Wpa3,
    /// `T:WPA2-EAP` and similar: 802.1X, a user name and password of one person.
    Enterprise,
    /// No `T`, but a password: readers guess WPA.
    Unspecified,
    /// A `T` value no reader knows.
    Unknown,
}

impl WifiAuth {
    pub fn label(self) -> &'static str {
        match self {
            WifiAuth::Open => "open",
            WifiAuth::Wep => "WEP",
            WifiAuth::Wpa => "WPA",
            WifiAuth::Wpa3 => "WPA3",
            WifiAuth::Enterprise => "802.1X",
            WifiAuth::Unspecified => "security not stated",
            WifiAuth::Unknown => "unknown security",
        }
    }
}

/// The 802.1X fields of an enterprise network.
#[derive(Debug, Clone, Default)]
pub struct Eap {
    pub method: Option<String>,
    pub phase2: Option<String>,
    pub identity: Option<String>,
    pub anonymous_identity: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Wifi {
    /// The network name, unescaped and unquoted.
    pub ssid: Option<String>,
    /// `T` as written.
    pub security: Option<String>,
    pub auth: WifiAuth,
    pub hidden: bool,
    /// True when `P` is present and not empty (the password itself is never serialized).
    pub password_present: bool,
    pub eap: Option<Eap>,
    /// Names of fields this reader does not know (`R`, `K`...), in order.
    pub other_fields: Vec<String>,
    pub parse_issues: Vec<String>,
    password: Option<String>,
    /// Every spelling of the password: unescaped, as written, quoted and not.
    password_spellings: Vec<String>,
    /// `P:` plus the password as written: the evidence rules quote.
    password_field: Option<String>,
}

const KNOWN: &[&str] = &["T", "S", "P", "H", "E", "PH2", "I", "A"];

/// Parses a `WIFI:` code (the prefix is case-insensitive); `None` for any other text.
pub fn parse(text: &str) -> Option<Wifi> {
    let trimmed = text.trim_start();
    let body = trimmed
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("WIFI:"))
        .map(|_| &trimmed[5..])?;
    let f = fields::split(body.trim_end_matches(['\r', '\n']));
    let mut issues = f.issues.clone();
    for name in KNOWN {
        if f.all(name).count() > 1 {
            issues.push(format!(
                "field {name} appears more than once: readers take the first"
            ));
        }
    }
    let text_of = |name: &str| f.first(name).map(|v| fields::unquote(v).0);
    let ssid = text_of("S");
    if ssid.as_deref().is_none_or(str::is_empty) {
        issues.push("no network name (S): phones cannot join".into());
    }
    let password_field: Option<&Field> = f.first("P").filter(|p| !p.value.is_empty());
    let security = f.first("T").map(|t| t.value.trim().to_string());
    let auth = match security.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None if password_field.is_some() => {
            issues.push("no security type (T): readers guess WPA".into());
            WifiAuth::Unspecified
        }
        None | Some("") | Some("NOPASS") => WifiAuth::Open,
        Some("WEP") => WifiAuth::Wep,
        Some("WPA" | "WPA2" | "WPA/WPA2" | "WPA2/WPA3" | "WPA-PSK" | "WPA2-PSK") => WifiAuth::Wpa,
        Some("SAE" | "WPA3" | "WPA3-SAE") => WifiAuth::Wpa3,
        Some(t) if t.contains("EAP") || t.contains("ENTERPRISE") || t == "802.1X" => {
            WifiAuth::Enterprise
        }
        Some(t) => {
            issues.push(format!("unknown security type T:{t}"));
            WifiAuth::Unknown
        }
    };
    if auth == WifiAuth::Open && password_field.is_some() {
        issues.push("a password is given for an open (nopass) network: phones ignore it".into());
    }
    let eap = (auth == WifiAuth::Enterprise).then(|| Eap {
        method: text_of("E"),
        phase2: text_of("PH2"),
        identity: text_of("I"),
        anonymous_identity: text_of("A"),
    });
    let mut password_spellings = Vec::new();
    let password = password_field.map(|p| {
        let (unquoted, quoted) = fields::unquote(p);
        password_spellings.extend([p.value.clone(), p.raw.clone(), unquoted.clone()]);
        if quoted {
            password_spellings.push(p.raw[1..p.raw.len() - 1].to_string());
        }
        unquoted
    });
    password_spellings.retain(|s| !s.is_empty());
    password_spellings.dedup();
    Some(Wifi {
        ssid,
        security,
        auth,
        hidden: f
            .first("H")
            .is_some_and(|h| h.value.trim().eq_ignore_ascii_case("true")),
        password_present: password.as_deref().is_some_and(|p| !p.is_empty()),
        eap,
        other_fields: f
            .fields
            .iter()
            .filter(|x| !x.name.is_empty() && !KNOWN.contains(&x.name.as_str()))
            .map(|x| x.name.clone())
            .collect(),
        parse_issues: issues,
        password,
        password_spellings,
        password_field: password_field.map(|p| format!("P:{}", p.raw)),
    })
}

impl Wifi {
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// `P:` and the password as written, for evidence (masked by the report layer).
    pub fn password_evidence(&self) -> Option<&str> {
        self.password_field.as_deref()
    }

    pub fn secrets(&self) -> Vec<String> {
        self.password_spellings.clone()
    }

    fn name(&self) -> String {
        format!("'{}'", self.ssid.as_deref().unwrap_or(""))
    }

    pub fn summary(&self) -> String {
        let mut s = format!("Wi-Fi {} ({})", self.name(), self.auth.label());
        if self.password_present {
            s.push_str(", password in code");
        }
        if self.hidden {
            s.push_str(", hidden");
        }
        s
    }

    pub fn describe(&self) -> String {
        let name = self.name();
        let mut s = match self.auth {
            WifiAuth::Open => format!(
                "Joins the open Wi-Fi network {name}: no password, and traffic on it is not encrypted."
            ),
            WifiAuth::Enterprise => {
                let who = self
                    .eap
                    .as_ref()
                    .and_then(|e| e.identity.as_deref())
                    .map(|i| format!(" as user '{i}'"))
                    .unwrap_or_default();
                if self.password_present {
                    format!(
                        "Joins the company Wi-Fi network {name} (802.1X){who} with that user's password in the code."
                    )
                } else {
                    format!(
                        "Joins the company Wi-Fi network {name} (802.1X){who}; the phone asks for the password."
                    )
                }
            }
            auth if self.password_present => format!(
                "Joins Wi-Fi network {name} ({}) with the password in the code.",
                auth.label()
            ),
            auth => format!(
                "Joins Wi-Fi network {name} ({}); the code holds no password.",
                auth.label()
            ),
        };
        if self.hidden {
            s.push_str(
                " The network is hidden: the phone looks for it by name everywhere it goes.",
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_field_in_any_order() {
        let w = parse(r#"WIFI:P:pa\;ss\:wo\,rd\\;S:Office \"HQ\";H:true;T:WPA;;"#).expect("wifi");
        assert_eq!(w.ssid.as_deref(), Some(r#"Office "HQ""#));
        assert_eq!(w.password(), Some(r#"pa;ss:wo,rd\"#));
        assert_eq!(w.auth, WifiAuth::Wpa);
        assert!(w.hidden && w.password_present);
        assert!(w.parse_issues.is_empty(), "{:?}", w.parse_issues);
        assert_eq!(w.password_evidence(), Some(r#"P:pa\;ss\:wo\,rd\\"#));
        let secrets = w.secrets();
        assert!(secrets.contains(&r#"pa;ss:wo,rd\"#.to_string()));
        assert!(secrets.contains(&r#"pa\;ss\:wo\,rd\\"#.to_string()));
    }

    #[test]
    fn quoted_hex_like_values() {
        let w = parse(r#"wifi:T:WEP;S:"ABCD";P:"0123456789";;"#).expect("wifi");
        assert_eq!(w.ssid.as_deref(), Some("ABCD"));
        assert_eq!(w.password(), Some("0123456789"));
        assert_eq!(w.auth, WifiAuth::Wep);
        assert!(w.secrets().contains(&"\"0123456789\"".to_string()));
        assert!(w.secrets().contains(&"0123456789".to_string()));
    }

    #[test]
    fn security_types() {
        for (t, auth) in [
            ("T:nopass;", WifiAuth::Open),
            ("", WifiAuth::Open),
            ("T:;", WifiAuth::Open),
            ("T:wpa;P:x;", WifiAuth::Wpa),
            ("T:SAE;P:x;", WifiAuth::Wpa3),
            (
                "T:WPA2-EAP;E:PEAP;PH2:MSCHAPV2;I:jdoe;P:x;",
                WifiAuth::Enterprise,
            ),
            ("P:x;", WifiAuth::Unspecified),
            ("T:ROT13;P:x;", WifiAuth::Unknown),
        ] {
            let w = parse(&format!("WIFI:S:N;{t};")).expect("wifi");
            assert_eq!(w.auth, auth, "{t}");
        }
        let e = parse("WIFI:T:WPA2-EAP;S:Corp;E:PEAP;PH2:MSCHAPV2;I:jdoe;A:anon;P:pw;;").unwrap();
        let eap = e.eap.as_ref().expect("eap");
        assert_eq!(eap.identity.as_deref(), Some("jdoe"));
        assert_eq!(eap.method.as_deref(), Some("PEAP"));
        assert!(e.describe().contains("as user 'jdoe'"));
    }

    #[test]
    fn malformed_but_read() {
        let w = parse("WIFI:S:Cafe;P:secret").expect("wifi");
        assert_eq!(w.password(), Some("secret"));
        assert!(w.parse_issues.iter().any(|i| i.contains(";;")));
        assert!(w.parse_issues.iter().any(|i| i.contains("guess WPA")));
        let w = parse("WIFI:;;").expect("wifi");
        assert!(w.parse_issues.iter().any(|i| i.contains("no network name")));
        let w = parse("WIFI:S:a;S:b;T:WPA;P:x;R:1;;").expect("wifi");
        assert_eq!(w.ssid.as_deref(), Some("a"));
        assert_eq!(w.other_fields, ["R"]);
        assert!(w.parse_issues.iter().any(|i| i.contains("more than once")));
        assert!(parse("https://example.com").is_none());
        assert!(parse("WIFI").is_none());
    }

    #[test]
    fn json_has_no_password() {
        let w = parse("WIFI:T:WPA;S:Office;P:Tr0ub4dor&3;;").unwrap();
        let json = crate::report::payload::unmasked_json(&crate::payload::Payload::Wifi(w.clone()))
            .to_string();
        assert!(!json.contains("Tr0ub4dor"), "{json}");
        assert!(json.contains("\"password_present\":true"), "{json}");
        assert_eq!(
            w.describe(),
            "Joins Wi-Fi network 'Office' (WPA) with the password in the code."
        );
        assert_eq!(w.summary(), "Wi-Fi 'Office' (WPA), password in code");
    }

    /// Generated hostile inputs: every mix of the special characters never panics, and a
    /// password that was read is always among the secrets.
    #[test]
    fn generated_inputs_never_panic() {
        let atoms = [
            "\\", ";", ":", ",", "\"", "S", "P", "T", "WPA", "é", "\u{0}", ";;", "P:", "S:", "\\;",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            let mut body = String::from("WIFI:");
            for _ in 0..(seed % 12) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                body.push_str(atoms[(seed % atoms.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x2545_f491_4f6c_dd1d);
            let w = parse(&body).expect("a WIFI: text is always Wi-Fi");
            if let Some(p) = w.password().filter(|p| !p.is_empty()) {
                assert!(w.secrets().iter().any(|s| s == p), "{body:?}");
            }
            let _ = (
                w.summary(),
                w.describe(),
                crate::report::payload::unmasked_json(&crate::payload::Payload::Wifi(w.clone())),
            );
        }
    }
}
