//! Payload classification: what kind of thing a decoded text is.
//!
//! `Payload::classify` is the single seam between decoding and auditing: decode produces text,
//! this module says "Sametime provisioning URL", "Wi-Fi network", "OTP seed", "web URL" or "plain
//! text" (and the other kinds of `Payload`) and parses it into typed fields, and the audit rules
//! work on those fields. Each kind has its own file; `docs/payloads.md` documents them. It never judges (no severities here)
//! and never formats a report. Parsed fields may hold secrets; each payload lists them in
//! `secrets()` so that the report layer can redact them.

pub mod android_enrollment;
pub mod authority;
pub mod contact;
pub mod esim;
pub(crate) mod fields;
pub mod link;
pub mod otpauth;
pub mod payment;
pub mod readings;
pub mod sametime;
pub mod secret_name;
pub mod wifi;
pub mod wireguard;

/// A classified, parsed payload. Reports write it as `report::payload::WirePayload`, never
/// directly: the domain is free to change without changing the wire format.
#[derive(Debug, Clone)]
pub enum Payload {
    /// An HCL Sametime mobile provisioning URL (`hclsametime://`, and related schemes).
    Sametime(sametime::Provisioning),
    /// Any other link a phone opens: a URL with a scheme (`https://…`, `mailto:…`, `geo:…`), a
    /// bare host name (`www.example.com/menu`), a `MEBKM:` bookmark or a `URLTO:` link.
    Url(WebUrl),
    /// A payment request: `bitcoin:`, `ethereum:`, `lightning:`, EPC/SEPA (`BCD`) or Swiss
    /// QR-bill (`SPC`).
    Payment(payment::Payment),
    /// A Wi-Fi network (`WIFI:T:WPA;S:…;P:…;;`).
    Wifi(wifi::Wifi),
    /// A one-time-password seed (`otpauth://totp/…`).
    Otpauth(otpauth::Otpauth),
    /// An authenticator export carrying many seeds (`otpauth-migration://offline?data=…`).
    OtpauthMigration(otpauth::Migration),
    /// A contact card (`MECARD:` or `BEGIN:VCARD`).
    Contact(contact::Contact),
    /// A WireGuard tunnel configuration (`[Interface]` … `PrivateKey = …`).
    Wireguard(wireguard::WireGuard),
    /// An eSIM activation code (`LPA:1$…`).
    Esim(esim::Esim),
    /// An Android Enterprise provisioning JSON object.
    AndroidEnrollment(android_enrollment::Enrollment),
    /// Text that is not a recognised payload.
    Text,
}

/// A link that is not a provisioning URL, with the parts the audit needs.
#[derive(Debug, Clone)]
pub struct WebUrl {
    pub scheme: String,
    pub host: Option<String>,
    /// The URL the phone opens, when the text is not just that URL (a bare host, a bookmark,
    /// `URLTO:`), with a password masked.
    pub url: Option<String>,
    /// True when no scheme was written and the phone adds `http://` (as ZXing's readers do).
    pub scheme_inferred: bool,
    /// How the link was written, when not as a plain URL.
    pub form: Option<link::LinkForm>,
    /// The title of a bookmark or `URLTO:` link, as written.
    pub title: Option<String>,
    pub parse_issues: Vec<String>,
    /// The URL as phones open it (may hold a password): what the audit judges.
    pub target: String,
    /// The password of the userinfo, percent-decoded, when there is one (a secret).
    pub password: Option<String>,
    /// The same password as spelled in the text (it may differ from the decoded form, from the
    /// `url` crate's normalised form, and from the URL once a bookmark's escapes are resolved):
    /// redaction must mask every spelling.
    pub password_as_written: Vec<String>,
    /// Query parameters named like a secret (`api_key`, `token`, `pwd`…), with non-empty values.
    pub secret_parameters: Vec<SecretParameter>,
}

/// A query parameter of a link whose name says it holds a secret (see `secret_name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretParameter {
    /// The name, decoded.
    pub name: String,
    /// `name=value` as written.
    pub written: String,
    /// The value as written and decoded (both are secrets).
    pub raw_value: String,
    pub value: String,
    pub kind: secret_name::SecretName,
}

impl WebUrl {
    /// Every spelling of the link's password and of its secret parameters' values.
    pub fn secret_spellings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .password
            .iter()
            .chain(&self.password_as_written)
            .chain(
                self.secret_parameters
                    .iter()
                    .flat_map(|p| [&p.raw_value, &p.value]),
            )
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

impl Payload {
    /// Classifies decoded text. Never fails: anything unrecognised is `Text`.
    pub fn classify(text: &str) -> Payload {
        if let Some(provisioning) = sametime::parse(text) {
            return Payload::Sametime(provisioning);
        }
        if let Some(w) = wifi::parse(text) {
            return Payload::Wifi(w);
        }
        if let Some(m) = otpauth::parse_migration(text) {
            return Payload::OtpauthMigration(m);
        }
        if let Some(o) = otpauth::parse(text) {
            return Payload::Otpauth(o);
        }
        if let Some(c) = contact::parse(text) {
            return Payload::Contact(c);
        }
        if let Some(w) = wireguard::parse(text) {
            return Payload::Wireguard(w);
        }
        if let Some(e) = esim::parse(text) {
            return Payload::Esim(e);
        }
        if let Some(e) = android_enrollment::parse(text) {
            return Payload::AndroidEnrollment(e);
        }
        if let Some(p) = payment::parse(text) {
            return Payload::Payment(p);
        }
        if let Some(web) = link::parse(text) {
            return Payload::Url(web);
        }
        Payload::Text
    }

    /// The `kind` tag, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Sametime(_) => "sametime",
            Payload::Url(_) => "url",
            Payload::Payment(_) => "payment",
            Payload::Wifi(_) => "wifi",
            Payload::Otpauth(_) => "otpauth",
            Payload::OtpauthMigration(_) => "otpauth-migration",
            Payload::Contact(_) => "contact",
            Payload::Wireguard(_) => "wireguard",
            Payload::Esim(_) => "esim",
            Payload::AndroidEnrollment(_) => "android-enrollment",
            Payload::Text => "text",
        }
    }

    /// Every secret this payload carries, in every spelling in which it occurs in the text.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Payload::Sametime(p) => p.secrets(),
            Payload::Url(web) => web.secret_spellings(),
            Payload::Payment(_) => Vec::new(),
            Payload::Wifi(w) => w.secrets(),
            Payload::Otpauth(o) => o.secrets(),
            Payload::OtpauthMigration(m) => m.secrets(),
            Payload::Contact(c) => c.secrets(),
            Payload::Wireguard(w) => w.secrets(),
            Payload::Esim(e) => e.secrets(),
            Payload::AndroidEnrollment(e) => e.secrets(),
            Payload::Text => Vec::new(),
        }
    }

    /// A short description for one table cell.
    pub fn summary(&self) -> String {
        match self {
            Payload::Sametime(p) => p.summary(),
            Payload::Url(web) => web.summary(),
            Payload::Payment(p) => p.summary(),
            Payload::Wifi(w) => w.summary(),
            Payload::Otpauth(o) => o.summary(),
            Payload::OtpauthMigration(m) => m.summary(),
            Payload::Contact(c) => c.summary(),
            Payload::Wireguard(w) => w.summary(),
            Payload::Esim(e) => e.summary(),
            Payload::AndroidEnrollment(e) => e.summary(),
            Payload::Text => "text".to_string(),
        }
    }

    /// A few plain sentences for a helpdesk: what scanning the code does. `None` for text.
    pub fn describe(&self) -> Option<String> {
        Some(match self {
            Payload::Sametime(p) => p.describe(),
            Payload::Url(web) => web.describe(),
            Payload::Payment(p) => p.describe(),
            Payload::Wifi(w) => w.describe(),
            Payload::Otpauth(o) => o.describe(),
            Payload::OtpauthMigration(m) => m.describe(),
            Payload::Contact(c) => c.describe(),
            Payload::Wireguard(w) => w.describe(),
            Payload::Esim(e) => e.describe(),
            Payload::AndroidEnrollment(e) => e.describe(),
            Payload::Text => return None,
        })
    }
}

impl WebUrl {
    /// A short description for one table cell.
    pub fn summary(&self) -> String {
        let link = match &self.host {
            Some(host) => format!("{} link to {host}", self.scheme),
            None => format!("{} link", self.scheme),
        };
        match self.form {
            Some(link::LinkForm::BareHost) => format!("{link} (no scheme written)"),
            Some(link::LinkForm::Bookmark) => format!("bookmark: {link}"),
            Some(link::LinkForm::Urlto) => format!("URLTO: {link}"),
            None => link,
        }
    }

    /// What opening the link does, in plain words.
    pub fn describe(&self) -> String {
        let opens = match (self.scheme.as_str(), &self.host) {
            ("mailto", _) => "Opens a new e-mail in the mail app.".to_string(),
            ("tel", _) => "Offers to call a phone number.".to_string(),
            ("sms" | "smsto" | "mms" | "mmsto", _) => {
                "Opens a text message in the messaging app.".to_string()
            }
            ("geo", _) => "Opens a place in the maps app.".to_string(),
            ("javascript", _) => {
                "Runs the script in the code in the browser, if the phone lets it.".to_string()
            }
            ("http" | "https", Some(host)) => format!(
                "Opens a web page on {host} in the browser{}.",
                if self.scheme == "http" {
                    " over an unencrypted connection"
                } else {
                    ""
                }
            ),
            (scheme, Some(host)) => {
                format!("Opens a {scheme} link to {host} in whichever app handles {scheme}.")
            }
            (scheme, None) => format!("Opens a {scheme} link in whichever app handles {scheme}."),
        };
        let written = match (self.form, &self.title) {
            (Some(link::LinkForm::BareHost), _) => {
                " The code holds only the host name: phones add http:// to open it.".to_string()
            }
            (Some(link::LinkForm::Bookmark), Some(title)) => {
                format!(" The code is a bookmark titled '{title}'.")
            }
            (Some(link::LinkForm::Bookmark), None) => " The code is a bookmark.".to_string(),
            (Some(link::LinkForm::Urlto), Some(title)) => {
                format!(" The code is a URLTO link titled '{title}'.")
            }
            _ => String::new(),
        };
        let inferred = if self.scheme_inferred && self.form != Some(link::LinkForm::BareHost) {
            " No scheme is written: phones add http://."
        } else {
            ""
        };
        format!("{opens}{written}{inferred}")
    }
}

/// Parses a URL with a scheme, as written inside another payload (a contact's property, an
/// enrolment's download location): any scheme with an authority, the schemes phones hand to
/// apps without one. `None` for anything else, bare host names included.
pub(crate) fn parse_web_url(text: &str) -> Option<WebUrl> {
    let trimmed = text.trim();
    let parsed = link::explicit_url(trimmed)?;
    Some(link::web_url(&parsed, trimmed, trimmed, false, None, None))
}

/// The password of `scheme://user:password@host…` exactly as written: the authority ends at the
/// first `/`, `?` or `#`, the userinfo at its last `@`, and the user at the first `:`.
pub(crate) fn raw_password(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_web_urls_and_text() {
        assert_eq!(Payload::classify("https://example.com/a").kind(), "url");
        assert_eq!(Payload::classify("hello world").kind(), "text");
        assert_eq!(Payload::classify("note: see https://x.y").kind(), "text");
    }

    #[test]
    fn classifies_every_kind() {
        for (text, kind) in [
            (
                "hclsametime://stproxy.example.com/?action=AddCommunity",
                "sametime",
            ),
            ("https://example.com/", "url"),
            ("WIFI:T:WPA;S:Office;P:x;;", "wifi"),
            (" wifi:S:Cafe;;", "wifi"),
            ("otpauth://totp/E:a?secret=AAAA", "otpauth"),
            ("otpauth-migration://offline?data=AA", "otpauth-migration"),
            ("MECARD:N:Doe,Jane;;", "contact"),
            ("BEGIN:VCARD\nFN:Jane\nEND:VCARD", "contact"),
            ("[Interface]\nPrivateKey = x\n", "wireguard"),
            ("LPA:1$rsp.example.com$ABC", "esim"),
            (
                "{\"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME\": \"a/.B\"}",
                "android-enrollment",
            ),
            ("{\"a\": 1}", "text"),
            ("hello", "text"),
            ("www.example.com/menu", "url"),
            ("MEBKM:TITLE:x;URL:example.com;;", "url"),
            ("URLTO::https://example.com", "url"),
            ("geo:47.37,8.54", "url"),
            ("hello.world", "text"),
            ("Re:meeting", "text"),
            (
                "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "payment",
            ),
            (
                "ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359",
                "payment",
            ),
            ("lightning:tips@pay.example.com", "payment"),
            ("BCD\n002\n1\nSCT", "payment"),
            ("SPC\n0200\n1", "payment"),
        ] {
            assert_eq!(Payload::classify(text).kind(), kind, "{text:?}");
            let json = crate::report::payload::unmasked_json(&Payload::classify(text));
            assert_eq!(json["kind"], kind, "{text:?}");
        }
    }

    /// For every kind that carries a secret: the payload JSON never holds it, the redactor
    /// built from `secrets()` removes it from the text, and the whole report of the code (text,
    /// payload, summary, description, every finding) holds no fragment of it.
    #[test]
    fn no_secret_survives_serialization_or_redaction() {
        use crate::scan::analyze::{AnalysisOptions, analyze_text};
        use crate::text::redact::Redactor;
        let migration = otpauth::tests::migration_uri(&[(b"sEcReTsEeD-0123456789", "a", "b")]);
        let migration_data = migration.split_once("data=").unwrap().1.to_string();
        let seed_b32 = otpauth::base32_encode(b"sEcReTsEeD-0123456789");
        let cases: Vec<(String, Vec<String>)> = vec![
            ("https://bob:Hunt%3Ber2@example.com/".into(), vec!["Hunt%3Ber2".into(), "Hunt;er2".into()]),
            (
                r#"WIFI:T:WPA;S:Office;P:Pa\;ss\"W0rdZ;;"#.into(),
                vec![r#"Pa;ss"W0rdZ"#.into(), r#"Pa\;ss\"W0rdZ"#.into(), "W0rdZ".into()],
            ),
            (r#"WIFI:T:WEP;S:Old;P:"0123ABCDEF";;"#.into(), vec!["0123ABCDEF".into()]),
            (
                "WIFI:T:WPA2-EAP;S:Corp;E:PEAP;I:jdoe;P:Corp0rateZ;;".into(),
                vec!["Corp0rateZ".into()],
            ),
            (
                "otpauth://totp/E:a?secret=hxdm%20vjec%20jjws%20rb3h&issuer=E".into(),
                vec!["hxdm".into(), "HXDM".into(), "vjec".into(), "jjws".into()],
            ),
            (migration.clone(), vec![migration_data.clone(), seed_b32.clone(), migration_data[10..30].to_string()]),
            (
                r"MECARD:N:X;URL:https://bob:Car\;dPw@example.com/;;".into(),
                vec!["Car;dPw".into(), r"Car\;dPw".into(), "dPw".into()],
            ),
            (
                "BEGIN:VCARD\nFN:X\nURL:https://bob:VcardPw9@example.com/\nEND:VCARD".into(),
                vec!["VcardPw9".into()],
            ),
            (
                "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n[Peer]\nPresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=\nEndpoint = vpn.example.com:51820\n".into(),
                vec!["yAnz5TF".into(), "FpCyhws9".into()],
            ),
            ("LPA:1$rsp.example.com$ABC$$84190".into(), vec!["84190".into()]),
            (
                r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a/.B","android.app.extra.PROVISIONING_WIFI_SSID":"Staging","android.app.extra.PROVISIONING_WIFI_PASSWORD":"An\"dr0idPw","android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE":{"com.example.ENROLLMENT_TOKEN":"T0ken-xyz"}}"#.into(),
                vec!["dr0idPw".into(), "T0ken-xyz".into()],
            ),
        ];
        for (text, fragments) in cases {
            let payload = Payload::classify(&text);
            assert_ne!(payload.kind(), "text", "{text:?}");
            let json = crate::report::payload::unmasked_json(&payload).to_string();
            let redacted = Redactor::new(payload.secrets(), false).apply(&text);
            let report = analyze_text(
                &crate::source::Provenance::of_input("x"),
                1,
                &text,
                &AnalysisOptions::default(),
            )
            .into_report();
            let report_json = serde_json::to_string(&report).unwrap();
            assert!(
                report
                    .findings
                    .iter()
                    .any(|f| f.severity >= crate::audit::Severity::Critical),
                "{text:?}: {report_json}"
            );
            for fragment in &fragments {
                assert!(
                    !json.contains(fragment.as_str()),
                    "{fragment} in payload JSON {json}"
                );
                assert!(
                    !redacted.contains(fragment.as_str()),
                    "{fragment} in redacted text {redacted}"
                );
                assert!(
                    !report_json.contains(fragment.as_str()),
                    "{fragment} in report {report_json}"
                );
            }
            // And with --show-secrets the text is there, so the assertions above are not vacuous.
            let shown = analyze_text(
                &crate::source::Provenance::of_input("x"),
                1,
                &text,
                &AnalysisOptions {
                    show_secrets: true,
                    ..AnalysisOptions::default()
                },
            );
            assert!(
                fragments
                    .iter()
                    .any(|f| shown.entry.text.as_deref().unwrap().contains(f.as_str())),
                "{text:?}"
            );
        }
    }

    #[test]
    fn web_url_password_is_a_secret() {
        let payload = Payload::classify("https://bob:s%40cret@example.com/");
        assert_eq!(
            payload.secrets(),
            vec!["s%40cret".to_string(), "s@cret".to_string()]
        );
        // A bookmark's escapes are one more spelling.
        let payload = Payload::classify(r"MEBKM:URL:https\://bob:p\;w@example.com/;;");
        let secrets = payload.secrets();
        for spelling in ["p;w", r"p\;w"] {
            assert!(
                secrets.contains(&spelling.to_string()),
                "{spelling}: {secrets:?}"
            );
        }
    }
}
