//! Contact cards: `MECARD:N:Doe,Jane;TEL:…;EMAIL:…;URL:…;;` (NTT DoCoMo's format, as ZXing
//! reads it) and vCard (`BEGIN:VCARD` … `END:VCARD`, versions 2.1 to 4.0).
//!
//! A contact is not dangerous in itself, but the links and addresses in it are what a phone
//! offers to open: each URL is audited like a web link (`audit::web`) and each e-mail domain for
//! look-alike names and the host allow-list. A URL written without a scheme (`www.example.com`)
//! is audited as `http://…`, since that is how phones open it. Only passwords inside URLs are
//! secrets here; names, numbers and addresses are shown (they are what the card is for).

use serde::Serialize;

use super::fields;
use super::{parse_web_url, raw_password};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactFormat {
    Mecard,
    Vcard,
}

/// A URL of the card, as written and as audited.
#[derive(Debug, Clone, Serialize)]
pub struct ContactUrl {
    /// The value, unescaped, with a password in it masked (payload JSON never holds a secret).
    pub url: String,
    /// The value, unescaped, as phones read it (may hold a password).
    #[serde(skip)]
    pub value: String,
    /// True when written without a scheme: audited (and opened by phones) as `http://…`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub scheme_missing: bool,
    /// The property it came from (`URL`, `PHOTO`, `X-SOCIALPROFILE`…).
    pub property: String,
    /// The value exactly as written (escapes kept): needed to mask every spelling of a password.
    #[serde(skip)]
    pub raw: String,
}

impl ContactUrl {
    /// The URL as phones open it.
    pub fn effective(&self) -> String {
        if self.scheme_missing {
            format!("http://{}", self.value.trim())
        } else {
            self.value.trim().to_string()
        }
    }

    /// Every spelling of a password in this URL.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(web) = parse_web_url(&self.effective()) {
            out.extend(web.password.into_iter().chain(web.password_as_written));
        }
        out.extend(raw_password(&self.raw));
        out.extend(raw_password(&self.value));
        out.retain(|s| !s.is_empty());
        out.sort();
        out.dedup();
        out
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub format: ContactFormat,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

/// True for a value that reads as a URL without a scheme (`www.example.com/x`).
fn has_scheme(value: &str) -> bool {
    match value.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

fn contact_url(property: &str, value: &str, raw: &str) -> Option<ContactUrl> {
    let url = value.trim();
    if url.is_empty() {
        return None;
    }
    let mut u = ContactUrl {
        url: String::new(),
        value: url.to_string(),
        scheme_missing: !has_scheme(url),
        property: property.to_string(),
        raw: raw.trim().to_string(),
    };
    u.url = crate::redact::Redactor::new(u.secrets(), false).apply(url);
    Some(u)
}

fn looks_like_web_url(value: &str) -> bool {
    let lower = value.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Parses a MECARD or a vCard; `None` for any other text.
pub fn parse(text: &str) -> Option<Contact> {
    let trimmed = text.trim_start();
    let head = trimmed.get(..11).unwrap_or(trimmed);
    if head
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("MECARD:"))
    {
        return Some(parse_mecard(&trimmed[7..]));
    }
    if head.eq_ignore_ascii_case("BEGIN:VCARD") {
        return Some(parse_vcard(trimmed));
    }
    None
}

fn empty(format: ContactFormat) -> Contact {
    Contact {
        format,
        name: None,
        organization: None,
        phones: Vec::new(),
        emails: Vec::new(),
        urls: Vec::new(),
        parse_issues: Vec::new(),
    }
}

fn parse_mecard(body: &str) -> Contact {
    let f = fields::split(body.trim_end_matches(['\r', '\n']));
    let mut c = empty(ContactFormat::Mecard);
    c.parse_issues = f.issues.clone();
    for field in &f.fields {
        let value = field.value.trim();
        match field.name.as_str() {
            // "Doe,Jane": family name, then given name.
            "N" if c.name.is_none() => {
                c.name = Some(match value.split_once(',') {
                    Some((last, first)) if !first.trim().is_empty() => {
                        format!("{} {}", first.trim(), last.trim())
                    }
                    _ => value.replace(',', " ").trim().to_string(),
                })
            }
            "ORG" if c.organization.is_none() => c.organization = Some(value.to_string()),
            "TEL" | "TEL-AV" if !value.is_empty() => c.phones.push(value.to_string()),
            "EMAIL" if !value.is_empty() => c.emails.push(value.to_string()),
            "URL" => c.urls.extend(contact_url("URL", value, &field.raw)),
            _ if looks_like_web_url(value) => {
                c.urls.extend(contact_url(&field.name, value, &field.raw))
            }
            _ => {}
        }
    }
    c
}

/// vCard text escapes: `\n`, `\,`, `\;`, `\\`.
fn vcard_unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_vcard(text: &str) -> Contact {
    let mut c = empty(ContactFormat::Vcard);
    // Unfold: a line starting with a space or tab continues the previous one (RFC 6350 3.2).
    let unfolded = text
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    let mut ended = false;
    let mut structured_name = None;
    for line in unfolded.lines().map(|l| l.trim_end_matches('\r')) {
        if line.trim().is_empty() {
            continue;
        }
        if ended {
            c.parse_issues
                .push("text after END:VCARD is ignored by phones".into());
            break;
        }
        // The name part ends at the first ':' outside a quoted parameter value.
        let mut in_quotes = false;
        let Some(colon) = line.char_indices().find_map(|(i, ch)| {
            if ch == '"' {
                in_quotes = !in_quotes;
            }
            (ch == ':' && !in_quotes).then_some(i)
        }) else {
            c.parse_issues.push(format!(
                "line '{}' has no ':' and is ignored",
                line.chars().take(40).collect::<String>()
            ));
            continue;
        };
        let (head, raw) = (&line[..colon], &line[colon + 1..]);
        let name = head.split(';').next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
        let value = vcard_unescape(raw);
        let value = value.trim();
        match name.as_str() {
            "BEGIN" | "VERSION" => {}
            "END" => ended = true,
            "FN" if c.name.is_none() && !value.is_empty() => c.name = Some(value.to_string()),
            "N" if structured_name.is_none() => {
                // Family;Given;Additional;Prefix;Suffix (raw ';' separates; escaped ones do not).
                let parts: Vec<String> = split_unescaped(raw, ';')
                    .into_iter()
                    .map(|p| vcard_unescape(&p).trim().to_string())
                    .collect();
                let given = parts.get(1).cloned().unwrap_or_default();
                let family = parts.first().cloned().unwrap_or_default();
                let joined = format!("{given} {family}").trim().to_string();
                structured_name = (!joined.is_empty()).then_some(joined);
            }
            "ORG" if c.organization.is_none() => {
                let org = split_unescaped(raw, ';')
                    .into_iter()
                    .map(|p| vcard_unescape(&p).trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                c.organization = (!org.is_empty()).then_some(org);
            }
            "TEL" if !value.is_empty() => c.phones.push(value.to_string()),
            "EMAIL" if !value.is_empty() => c.emails.push(value.to_string()),
            "URL" => c.urls.extend(contact_url("URL", value, raw)),
            _ if looks_like_web_url(value) => c.urls.extend(contact_url(&name, value, raw)),
            _ => {}
        }
    }
    if c.name.is_none() {
        c.name = structured_name;
    }
    if !ended {
        c.parse_issues
            .push("no END:VCARD: some phones reject the card".into());
    }
    c
}

fn split_unescaped(raw: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        if ch == '\\' {
            let last = parts.last_mut().expect("never empty");
            last.push('\\');
            if let Some(next) = chars.next() {
                last.push(next);
            }
        } else if ch == sep {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("never empty").push(ch);
        }
    }
    parts
}

impl Contact {
    /// Passwords inside the card's URLs, in every spelling (decoded, as the URL has it, and as
    /// written in the card with its escapes).
    pub fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = self.urls.iter().flat_map(ContactUrl::secrets).collect();
        out.sort();
        out.dedup();
        out
    }

    fn who(&self) -> String {
        match (&self.name, &self.organization) {
            (Some(n), Some(o)) => format!("'{n}' ({o})"),
            (Some(n), None) => format!("'{n}'"),
            (None, Some(o)) => format!("'{o}'"),
            (None, None) => "without a name".to_string(),
        }
    }

    fn counts(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        [
            (self.phones.len(), "phone number", "phone numbers"),
            (self.emails.len(), "e-mail address", "e-mail addresses"),
            (self.urls.len(), "link", "links"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect::<Vec<_>>()
        .join(", ")
    }

    pub fn summary(&self) -> String {
        let counts = self.counts();
        let kind = match self.format {
            ContactFormat::Mecard => "MECARD",
            ContactFormat::Vcard => "vCard",
        };
        if counts.is_empty() {
            format!("contact {} ({kind})", self.who())
        } else {
            format!("contact {} ({kind}): {counts}", self.who())
        }
    }

    pub fn describe(&self) -> String {
        let counts = self.counts();
        let mut s = format!("Offers to save a contact {}", self.who());
        if !counts.is_empty() {
            s.push_str(&format!(" with {counts}"));
        }
        s.push('.');
        if !self.urls.is_empty() {
            let links: Vec<String> = self
                .urls
                .iter()
                .map(|u| {
                    if u.scheme_missing {
                        format!("http://{}", u.url)
                    } else {
                        u.url.clone()
                    }
                })
                .collect();
            s.push_str(&format!(" Tapping its links opens {}.", links.join(", ")));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mecard_with_escapes() {
        let c = parse(r"MECARD:N:Doe,Jane;ORG:ACME\, Inc.;TEL:+15551234;EMAIL:jane@example.com;URL:https://example.com/a\:b;NOTE:x\;y;;")
            .expect("contact");
        assert_eq!(c.format, ContactFormat::Mecard);
        assert_eq!(c.name.as_deref(), Some("Jane Doe"));
        assert_eq!(c.organization.as_deref(), Some("ACME, Inc."));
        assert_eq!(c.phones, ["+15551234"]);
        assert_eq!(c.emails, ["jane@example.com"]);
        assert_eq!(c.urls[0].url, "https://example.com/a:b");
        assert!(!c.urls[0].scheme_missing);
        assert!(c.parse_issues.is_empty(), "{:?}", c.parse_issues);
        assert_eq!(
            c.summary(),
            "contact 'Jane Doe' (ACME, Inc.) (MECARD): 1 phone number, 1 e-mail address, 1 link"
        );
    }

    #[test]
    fn scheme_less_urls_open_over_http() {
        let c = parse("MECARD:N:X;URL:www.example.com/menu;;").unwrap();
        assert!(c.urls[0].scheme_missing);
        assert_eq!(c.urls[0].effective(), "http://www.example.com/menu");
        // An unescaped ':' in a MECARD URL (very common) still reads as one URL.
        let c = parse("MECARD:N:X;URL:http://example.com:8080/;;").unwrap();
        assert_eq!(c.urls[0].url, "http://example.com:8080/");
    }

    #[test]
    fn vcard_folding_groups_and_params() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;John;;Dr.;\r\nitem1.EMAIL;TYPE=INTERNET,WORK:john@exa\r\n mple.com\r\nTEL;TYPE=\"cell:x\":+1 555\r\nORG:ACME\\, Inc.;Sales\r\nURL;type=pref:https://example.com/\r\nX-SOCIALPROFILE;type=x:https://social.example/john\r\nNOTE:see http://not-a-link-property\r\nEND:VCARD\r\n";
        let c = parse(text).expect("vcard");
        assert_eq!(c.format, ContactFormat::Vcard);
        assert_eq!(c.name.as_deref(), Some("John Doe"));
        assert_eq!(c.emails, ["john@example.com"]);
        assert_eq!(c.phones, ["+1 555"]);
        assert_eq!(c.organization.as_deref(), Some("ACME, Inc., Sales"));
        let urls: Vec<&str> = c.urls.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://example.com/", "https://social.example/john"]
        );
        assert_eq!(c.urls[1].property, "X-SOCIALPROFILE");
        assert!(c.parse_issues.is_empty(), "{:?}", c.parse_issues);
    }

    #[test]
    fn vcard_fn_wins_and_malformed_cards_are_reported() {
        let c = parse("BEGIN:VCARD\nFN:Jane Q. Public\nN:Public;Jane\ngarbage\n").unwrap();
        assert_eq!(c.name.as_deref(), Some("Jane Q. Public"));
        assert!(c.parse_issues.iter().any(|i| i.contains("garbage")));
        assert!(c.parse_issues.iter().any(|i| i.contains("END:VCARD")));
        assert!(parse("begin:vcard").is_some());
        assert!(parse("BEGIN:VCALENDAR").is_none());
        assert!(parse("MECARD").is_none());
    }

    #[test]
    fn passwords_in_urls_are_secrets_in_every_spelling() {
        let c = parse(r"MECARD:N:X;URL:https://bob:p%40ss\;w@example.com/;;").unwrap();
        let s = c.secrets();
        for spelling in [r"p%40ss\;w", "p@ss;w", "p%40ss;w"] {
            assert!(s.contains(&spelling.to_string()), "{spelling}: {s:?}");
        }
        let json = serde_json::to_string(&c).unwrap();
        // The URL is shown, with its password masked.
        assert!(json.contains("https://bob:********@example.com/"), "{json}");
        assert_eq!(c.urls[0].effective(), "https://bob:p%40ss;w@example.com/");
    }

    #[test]
    fn generated_inputs_never_panic() {
        let atoms = [
            "\\",
            ";",
            ":",
            ",",
            "\"",
            "\n",
            "\r\n ",
            "URL",
            "N",
            "EMAIL",
            "http://",
            "é",
            "END",
            "BEGIN:VCARD",
        ];
        let mut seed: u64 = 0x1234_5678_9abc_def1;
        for round in 0..4000 {
            let mut text = String::from(if round % 2 == 0 {
                "MECARD:"
            } else {
                "BEGIN:VCARD\n"
            });
            for _ in 0..(seed % 14) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(atoms[(seed % atoms.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let c = parse(&text).expect("a contact");
            let _ = (c.summary(), c.describe(), c.secrets());
        }
    }
}
