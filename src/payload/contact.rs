//! Contact cards: `MECARD:N:Doe,Jane;TEL:…;EMAIL:…;URL:…;;` (NTT DoCoMo's format, as ZXing
//! reads it) and vCard (`BEGIN:VCARD` … `END:VCARD`, versions 2.1 to 4.0).
//!
//! A contact is not dangerous in itself, but the links and addresses in it are what a phone
//! offers to open: each URL is audited like a web link (`audit::web`) and each e-mail domain for
//! look-alike names and the host allow-list. Both formats hand every property to one function,
//! `take_property`, which decides what the audit sees: phone numbers (a `tel:` URI is read as
//! its number), e-mail addresses (a `mailto:` prefix dropped), the `URL` property (a value
//! without a scheme, `www.example.com`, is audited as the `http://…` phones open), and any
//! other property whose value is a link in a scheme phones hand to apps (`X-SOCIALPROFILE`,
//! `IMPP:xmpp:…`, `SOURCE`), except embedded `data:` images.
//!
//! Names keep their structure: vCard's `N` (family; given; additional; prefix; suffix, each a
//! comma-separated list in 3.0 and 4.0) and MECARD's `N` (family, given). vCard 2.1 values in
//! quoted-printable (`ENCODING=QUOTED-PRINTABLE`, soft line breaks, `CHARSET=`) are decoded.
//! Only passwords inside URLs are secrets here; names, numbers and addresses are shown (they are
//! what the card is for).

use super::fields;
use super::link;
use super::{parse_web_url, raw_password};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactFormat {
    Mecard,
    Vcard,
}

/// A URL of the card, as written and as audited.
#[derive(Debug, Clone)]
pub struct ContactUrl {
    /// The value, unescaped, with a password in it masked (payload JSON never holds a secret).
    pub url: String,
    /// The value, unescaped, as phones read it (may hold a password).
    pub value: String,
    /// True when written without a scheme: audited (and opened by phones) as `http://…`.
    pub scheme_missing: bool,
    /// The property it came from (`URL`, `PHOTO`, `X-SOCIALPROFILE`…).
    pub property: String,
    /// The value exactly as written (escapes kept): needed to mask every spelling of a password.
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

#[derive(Debug, Clone)]
pub struct Contact {
    pub format: ContactFormat,
    /// The name to show: vCard's `FN`, else the structured name put together.
    pub name: Option<String>,
    /// The structured name (`N`), component by component, as written.
    pub structured_name: Option<StructuredName>,
    pub organization: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub urls: Vec<ContactUrl>,
    pub parse_issues: Vec<String>,
}

/// vCard's `N`: family; given; additional; prefix; suffix (MECARD's `N`: family, given). Each
/// component is a list (vCard 3.0 and 4.0 separate values with commas: `Philip,Paul`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructuredName {
    pub prefix: Vec<String>,
    pub given: Vec<String>,
    pub additional: Vec<String>,
    pub family: Vec<String>,
    pub suffix: Vec<String>,
}

impl StructuredName {
    fn is_empty(&self) -> bool {
        self.display().is_empty()
    }

    /// "Dr. John Philip Paul Stevenson Jr., M.D.": prefix, given, additional and family names
    /// separated by spaces, suffixes after a comma.
    pub fn display(&self) -> String {
        let mut s = [&self.prefix, &self.given, &self.additional, &self.family]
            .iter()
            .flat_map(|part| part.iter())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        if !self.suffix.is_empty() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&self.suffix.join(", "));
        }
        s
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
        // `www.example.com:8080/x` has a "scheme" to a URL parser, but is no link in it.
        scheme_missing: link::written_scheme(url).is_none() || link::explicit_url(url).is_none(),
        property: property.to_string(),
        raw: raw.trim().to_string(),
    };
    u.url = crate::text::redact::Redactor::new(u.secrets(), false).apply(url);
    Some(u)
}

/// A phone number from a `TEL` value: a `tel:` URI (vCard 4.0's `TEL;VALUE=uri:tel:+1…`) is
/// read as its number, with an extension kept (`;ext=5555`) and other URI parameters dropped.
fn phone_number(value: &str) -> Option<String> {
    let value = value.trim();
    let uri = value
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("tel:"))
        .map(|_| &value[4..]);
    let number = match uri {
        Some(uri) => {
            let mut parts = uri.split(';');
            let number = percent_encoding::percent_decode_str(parts.next().unwrap_or(""))
                .decode_utf8_lossy()
                .trim()
                .to_string();
            let ext = parts.find_map(|p| {
                p.split_once('=')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("ext"))
                    .map(|(_, v)| v.to_string())
            });
            match ext {
                Some(ext) if !ext.is_empty() => format!("{number} ext. {ext}"),
                _ => number,
            }
        }
        None => value.to_string(),
    };
    (!number.is_empty()).then_some(number)
}

/// The one place where a property of a card, MECARD or vCard, becomes what the audit sees: a
/// phone number, an e-mail address (whose domain is audited) or a link (audited as a link).
/// `value` is unescaped, `raw` as written (for every spelling of a password).
fn take_property(c: &mut Contact, name: &str, value: &str, raw: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    match name {
        "TEL" | "TEL-AV" => c.phones.extend(phone_number(value)),
        "EMAIL" => {
            let address = value
                .get(..7)
                .filter(|p| p.eq_ignore_ascii_case("mailto:"))
                .map_or(value, |_| &value[7..]);
            if !address.trim().is_empty() {
                c.emails.push(address.trim().to_string());
            }
        }
        "URL" => c.urls.extend(contact_url("URL", value, raw)),
        _ => {
            // Any other property whose value is a link a phone opens; an embedded image
            // (`PHOTO:data:image/png;base64,…`) is not one.
            let is_link = link::written_scheme(value)
                .is_some_and(|scheme| !scheme.eq_ignore_ascii_case("data"))
                && link::explicit_url(value).is_some();
            if is_link {
                c.urls.extend(contact_url(name, value, raw));
            }
        }
    }
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
        structured_name: None,
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
            "N" if c.structured_name.is_none() => {
                let (family, given) = value.split_once(',').unwrap_or((value, ""));
                let name = StructuredName {
                    family: non_empty(family),
                    given: non_empty(given),
                    ..StructuredName::default()
                };
                if !name.is_empty() {
                    c.name = Some(name.display());
                    c.structured_name = Some(name);
                }
            }
            "ORG" if c.organization.is_none() => c.organization = Some(value.to_string()),
            name => take_property(&mut c, name, value, &field.raw),
        }
    }
    c
}

fn non_empty(value: &str) -> Vec<String> {
    let value = value.trim();
    if value.is_empty() {
        Vec::new()
    } else {
        vec![value.to_string()]
    }
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

/// The parameters of a vCard property (`TYPE=cell`, vCard 2.1's bare `CELL`), upper-cased
/// names, values as written.
fn vcard_params(head: &str) -> Vec<(String, String)> {
    split_unescaped(head, ';')
        .into_iter()
        .skip(1)
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_string(),
            ),
            None => (p.trim().to_ascii_uppercase(), String::new()),
        })
        .collect()
}

/// vCard 2.1's quoted-printable (`=C3=A9`), decoded in the property's `CHARSET` (UTF-8 when
/// none is named, or the name is unknown). Bad escapes are kept as written.
fn quoted_printable(value: &str, charset: Option<&str>) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'=', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    let encoding = charset
        .and_then(|name| encoding_rs::Encoding::for_label(name.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode(&out).0.into_owned()
}

/// Logical lines of a vCard: folded lines joined (a line starting with a space or tab continues
/// the previous one, RFC 6350 3.2), and a quoted-printable value that ends with a soft line
/// break (`=`) joined with the next line (vCard 2.1).
fn vcard_lines(text: &str) -> Vec<String> {
    let unfolded = text
        .replace("\r\n ", "")
        .replace("\r\n\t", "")
        .replace("\n ", "")
        .replace("\n\t", "");
    let mut out: Vec<String> = Vec::new();
    let mut continues = false;
    for line in unfolded.lines().map(|l| l.trim_end_matches('\r')) {
        match out.last_mut() {
            Some(last) if continues => {
                last.pop();
                last.push_str(line);
            }
            _ => out.push(line.to_string()),
        }
        let last = out.last().map(String::as_str).unwrap_or("");
        continues = last.ends_with('=')
            && last
                .split_once(':')
                .is_some_and(|(head, _)| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"));
    }
    out
}

fn parse_vcard(text: &str) -> Contact {
    let mut c = empty(ContactFormat::Vcard);
    let mut ended = false;
    let mut version: Option<String> = None;
    for line in vcard_lines(text) {
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
        let (head, written) = (&line[..colon], &line[colon + 1..]);
        let name = head.split(';').next().unwrap_or("");
        let name = name.rsplit('.').next().unwrap_or(name).to_ascii_uppercase();
        let params = vcard_params(head);
        let param = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let qp = param("ENCODING").is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
            || param("QUOTED-PRINTABLE").is_some();
        let raw = if qp {
            quoted_printable(written, param("CHARSET"))
        } else {
            written.to_string()
        };
        let value = vcard_unescape(&raw);
        let value = value.trim();
        match name.as_str() {
            "BEGIN" => {}
            "VERSION" => version = Some(value.to_string()),
            "END" => ended = true,
            "FN" if c.name.is_none() && !value.is_empty() => c.name = Some(value.to_string()),
            "N" if c.structured_name.is_none() => {
                // Family;Given;Additional;Prefix;Suffix (raw ';' separates; escaped ones do not);
                // in 3.0 and 4.0 a raw ',' separates the values of one component.
                let lists = version.as_deref() != Some("2.1");
                let parts: Vec<Vec<String>> = split_unescaped(&raw, ';')
                    .into_iter()
                    .map(|part| {
                        let values = if lists {
                            split_unescaped(&part, ',')
                        } else {
                            vec![part]
                        };
                        values
                            .iter()
                            .map(|v| vcard_unescape(v).trim().to_string())
                            .filter(|v| !v.is_empty())
                            .collect()
                    })
                    .collect();
                let part = |i: usize| parts.get(i).cloned().unwrap_or_default();
                let structured = StructuredName {
                    family: part(0),
                    given: part(1),
                    additional: part(2),
                    prefix: part(3),
                    suffix: part(4),
                };
                if !structured.is_empty() {
                    c.structured_name = Some(structured);
                }
            }
            "ORG" if c.organization.is_none() => {
                let org = split_unescaped(&raw, ';')
                    .into_iter()
                    .map(|p| vcard_unescape(&p).trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                c.organization = (!org.is_empty()).then_some(org);
            }
            // Embedded binary data (vCard 2.1/3.0 PHOTO;ENCODING=b) is no link.
            _ if param("ENCODING")
                .is_some_and(|e| matches!(e.to_ascii_uppercase().as_str(), "B" | "BASE64"))
                || param("BASE64").is_some() => {}
            other => take_property(&mut c, other, value, &raw),
        }
    }
    if c.name.is_none() {
        c.name = c.structured_name.as_ref().map(StructuredName::display);
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
        assert_eq!(c.name.as_deref(), Some("Dr. John Doe"));
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

    fn structured(c: &Contact) -> [Vec<&str>; 5] {
        let n = c.structured_name.as_ref().expect("a structured name");
        fn v(l: &[String]) -> Vec<&str> {
            l.iter().map(String::as_str).collect()
        }
        [
            v(&n.prefix),
            v(&n.given),
            v(&n.additional),
            v(&n.family),
            v(&n.suffix),
        ]
    }

    #[test]
    fn names_keep_all_five_components_in_every_version() {
        // RFC 6350's own example (vCard 4.0), with lists in components.
        let v4 = parse(
            "BEGIN:VCARD\nVERSION:4.0\nN:Stevenson;John;Philip,Paul;Dr.;Jr.,M.D.,A.C.P.\nEND:VCARD",
        )
        .unwrap();
        assert_eq!(
            structured(&v4),
            [
                vec!["Dr."],
                vec!["John"],
                vec!["Philip", "Paul"],
                vec!["Stevenson"],
                vec!["Jr.", "M.D.", "A.C.P."]
            ]
        );
        assert_eq!(
            v4.name.as_deref(),
            Some("Dr. John Philip Paul Stevenson Jr., M.D., A.C.P.")
        );
        // vCard 3.0 with escapes: an escaped ';' or ',' stays inside its component.
        let v3 = parse("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ms. Ann O'Neil\r\nN:O'Neil\\, Smith;Ann;Marie;Ms.;PhD\r\nEND:VCARD\r\n").unwrap();
        assert_eq!(
            structured(&v3),
            [
                vec!["Ms."],
                vec!["Ann"],
                vec!["Marie"],
                vec!["O'Neil, Smith"],
                vec!["PhD"]
            ]
        );
        assert_eq!(
            v3.name.as_deref(),
            Some("Ms. Ann O'Neil"),
            "FN wins for display"
        );
        // vCard 2.1, quoted-printable with a soft line break, UTF-8 and Latin-1.
        let v21 = parse("BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=\r\n=BCrgen;;Prof. Dr.;\r\nTEL;CELL:+49 170 1234567\r\nEND:VCARD\r\n").unwrap();
        assert_eq!(
            structured(&v21),
            [
                vec!["Prof. Dr."],
                vec!["Jürgen"],
                vec![],
                vec!["Müller"],
                vec![]
            ]
        );
        assert_eq!(v21.phones, ["+49 170 1234567"]);
        let latin1 = parse("BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Gonz=E1lez;Mar=EDa\nEND:VCARD").unwrap();
        assert_eq!(latin1.name.as_deref(), Some("María González"));
        // MECARD: family, given.
        let m = parse("MECARD:N:Doe,Jane;;").unwrap();
        assert_eq!(
            structured(&m),
            [vec![], vec!["Jane"], vec![], vec!["Doe"], vec![]]
        );
        let json =
            crate::report::payload::unmasked_json(&crate::payload::Payload::Contact(v4.clone()));
        assert_eq!(
            json["structured_name"]["additional"],
            serde_json::json!(["Philip", "Paul"])
        );
    }

    #[test]
    fn tel_uris_yield_the_number() {
        let c = parse("BEGIN:VCARD\nVERSION:4.0\nFN:A\nTEL;VALUE=uri;TYPE=\"voice,home\":tel:+1-555-555-5555;ext=5555\nTEL;VALUE=uri:tel:+1-555-555-0100\nTEL;TYPE=cell:TEL:%2B44%2020%207946%200000\nEND:VCARD").unwrap();
        assert_eq!(
            c.phones,
            [
                "+1-555-555-5555 ext. 5555",
                "+1-555-555-0100",
                "+44 20 7946 0000"
            ]
        );
        let m = parse("MECARD:N:X;TEL:tel:+15551234;;").unwrap();
        assert_eq!(m.phones, ["+15551234"]);
    }

    #[test]
    fn both_formats_extract_links_and_mail_domains_in_one_place() {
        // The same properties, as MECARD and as vCard, give the same phones, e-mails and links.
        let mecard = parse(r"MECARD:N:Doe,Jane;TEL:tel:+15551234;EMAIL:mailto:jane@example.com;URL:www.example.com;NOTE:xmpp\:jane@chat.example.com;X-SOCIALPROFILE:https\://social.example/jane;;").unwrap();
        let vcard = parse("BEGIN:VCARD\nVERSION:3.0\nN:Doe;Jane\nTEL;VALUE=uri:tel:+15551234\nEMAIL:mailto:jane@example.com\nURL:www.example.com\nIMPP:xmpp:jane@chat.example.com\nX-SOCIALPROFILE:https://social.example/jane\nPHOTO;VALUE=uri:data:image/png;base64,iVBORw0KGgo=\nPHOTO;ENCODING=b;TYPE=JPEG:http://not-a-link\nNOTE:Re:meeting\nEND:VCARD").unwrap();
        for c in [&mecard, &vcard] {
            assert_eq!(c.phones, ["+15551234"]);
            assert_eq!(c.emails, ["jane@example.com"]);
            let urls: Vec<(&str, &str, bool)> = c
                .urls
                .iter()
                .map(|u| (u.property.as_str(), u.url.as_str(), u.scheme_missing))
                .collect();
            assert_eq!(urls.len(), 3, "{urls:?}");
            assert_eq!(urls[0], ("URL", "www.example.com", true));
            assert_eq!(urls[1].1, "xmpp:jane@chat.example.com");
            assert_eq!(
                urls[2],
                ("X-SOCIALPROFILE", "https://social.example/jane", false)
            );
            assert_eq!(c.name.as_deref(), Some("Jane Doe"));
        }
    }

    #[test]
    fn passwords_in_urls_are_secrets_in_every_spelling() {
        let c = parse(r"MECARD:N:X;URL:https://bob:p%40ss\;w@example.com/;;").unwrap();
        let s = c.secrets();
        for spelling in [r"p%40ss\;w", "p@ss;w", "p%40ss;w"] {
            assert!(s.contains(&spelling.to_string()), "{spelling}: {s:?}");
        }
        let json =
            crate::report::payload::unmasked_json(&crate::payload::Payload::Contact(c.clone()))
                .to_string();
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
