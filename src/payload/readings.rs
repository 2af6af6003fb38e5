//! The texts a phone may act on when it scans one code: the readings.
//!
//! qraudit classifies the decoded text as written, but the software on a phone does not always
//! act on that text. A scanner app strips wrappers first (ZXing's `URIResultParser` drops a
//! leading `URL:` or `URI:`, `ResultParser.getMassagedText` a leading byte-order mark, and both
//! trim the blanks around it); a browser's URL parser (WHATWG URL standard, "basic URL parser")
//! removes every ASCII tab and newline and trims leading and trailing C0 controls and spaces;
//! Chrome on Android turns `intent://…#Intent;scheme=hclsametime;end` into `hclsametime://…`; a
//! tap on a contact card's link, or a web page that forwards one of its query parameters, opens
//! a provisioning URL nested in another payload; and a link pasted from a web page or a mail
//! carries `&amp;` where `&` was meant. Each of those texts is a *reading*.
//!
//! This module computes them: the distinct texts, each with the words that say how a reader
//! arrives at it ("after a scanner strips `URI:`"). It never judges; `audit::findings_of` audits
//! every reading and reports each finding once per code, and the report layer masks the secrets
//! of every reading (`secrets_of_text`). Readings compose (a `URI:` wrapper around a link with a
//! tab in it): the closure is computed breadth first, bounded in depth and count so that a
//! hostile text cannot make it grow.

use super::Payload;

/// How deep readings compose (a wrapper, an intent, the WHATWG clean-up, an entity, a nested
/// link: each at most once on any path in practice).
const MAX_DEPTH: usize = 5;

/// At most this many readings per code, the text as written included.
const MAX_READINGS: usize = 16;

/// One text some reader acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextReading {
    /// The text the reader acts on (may hold a secret: never serialized as such).
    pub text: String,
    /// How a reader arrives at it, as a clause: "after a scanner strips `URI:`". Empty for the
    /// text as written.
    pub how: String,
}

/// Every reading of `text`, the text as written first, then the others in the order found.
pub fn all(text: &str) -> Vec<TextReading> {
    let mut out = vec![TextReading {
        text: text.to_string(),
        how: String::new(),
    }];
    let mut frontier = vec![0usize];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for index in frontier {
            let parent = out[index].clone();
            for (derived, how) in derive(&parent.text) {
                if out.len() >= MAX_READINGS {
                    return out;
                }
                if out.iter().any(|r| same_text(&r.text, &derived)) {
                    continue;
                }
                let how = if parent.how.is_empty() {
                    how
                } else {
                    format!("{}, then {how}", parent.how)
                };
                out.push(TextReading { text: derived, how });
                next.push(out.len() - 1);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    out
}

/// Every reading other than the text as written.
pub fn alternatives(text: &str) -> Vec<TextReading> {
    let mut all = all(text);
    all.remove(0);
    all
}

/// Every secret of every reading, in every spelling: what the code's `Redactor` masks. A
/// password that only a nested or cleaned-up reading reveals is masked like one written plainly.
pub fn secrets_of_text(text: &str, payload: &Payload) -> Vec<String> {
    let mut out = payload.secrets();
    for reading in alternatives(text) {
        out.extend(Payload::classify(&reading.text).secrets());
    }
    out.retain(|s| !s.is_empty());
    out.sort();
    out.dedup();
    out
}

/// Two texts every classifier reads alike (it trims them first).
fn same_text(a: &str, b: &str) -> bool {
    a.trim() == b.trim()
}

/// The readings one step away from `text`.
fn derive(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    out.extend(scanner_wrappers(text));
    out.extend(whatwg_cleaned(text));
    out.extend(html_unescaped(text));
    out.extend(intent_target(text));
    out.extend(nested_links(text));
    out
}

/// ZXing's massaging: a leading byte-order mark dropped, then a `URL:` or `URI:` prefix (any
/// case here, fail safe: ZXing compares case-sensitively, other scanners do not), then the
/// blanks around the rest trimmed.
fn scanner_wrappers(text: &str) -> Option<(String, String)> {
    let mut rest = text;
    let mut stripped = Vec::new();
    let unbommed = rest.trim_start_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if unbommed.len() != rest.len() && rest.contains('\u{feff}') {
        stripped.push("the byte-order mark".to_string());
    }
    rest = unbommed;
    for prefix in ["URL:", "URI:"] {
        if rest
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        {
            stripped.push(format!("`{}`", &rest[..prefix.len()]));
            rest = &rest[prefix.len()..];
            break;
        }
    }
    let rest = rest.trim_matches(|c: char| c == '\u{feff}' || c.is_whitespace());
    if stripped.is_empty() || rest.is_empty() {
        return None;
    }
    Some((
        rest.to_string(),
        format!("after a scanner strips {}", stripped.join(" and ")),
    ))
}

/// The WHATWG URL parser's clean-up of its input: leading and trailing C0 controls and spaces
/// trimmed, every ASCII tab and newline (U+0009, U+000A, U+000D) removed wherever it is. Only
/// for texts a browser would take as a URL (a scheme followed by `:`).
fn whatwg_cleaned(text: &str) -> Option<(String, String)> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned == text.trim() || !has_scheme(&cleaned) {
        return None;
    }
    // Multi-line payloads (vCards, Wi-Fi notes, WireGuard files) are not URLs to anyone.
    let kind = Payload::classify(&cleaned);
    if !matches!(kind, Payload::Sametime(_) | Payload::Url(_)) {
        return None;
    }
    Some((
        cleaned,
        "as a browser's URL parser reads it (tabs and newlines removed, controls trimmed)"
            .to_string(),
    ))
}

/// `&amp;` (and the numeric `&#38;`, `&#x26;`) read as `&`: a link copied out of a web page's
/// source, an e-mail or stproxyconfig.xml.
fn html_unescaped(text: &str) -> Option<(String, String)> {
    let lower = text.to_ascii_lowercase();
    if !["&amp;", "&#38;", "&#x26;"]
        .iter()
        .any(|e| lower.contains(e))
        || !has_scheme(text)
    {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &lower[i..];
        let entity = ["&amp;", "&#38;", "&#x26;"]
            .iter()
            .find(|e| rest.starts_with(**e));
        match entity {
            Some(e) => {
                out.push('&');
                i += e.len();
            }
            None => {
                let c = text[i..].chars().next().unwrap_or('\0');
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    Some((
        out,
        "as pasted from a web page or mail (`&amp;` read as `&`)".to_string(),
    ))
}

/// `intent://HOST/PATH?QUERY#Intent;scheme=SCHEME;…;end`, as Chrome on Android builds the URI it
/// hands to the app: `SCHEME://HOST/PATH?QUERY` (the Intent fragment removed).
fn intent_target(text: &str) -> Option<(String, String)> {
    let trimmed = text.trim();
    let body = trimmed
        .get(..7)
        .filter(|head| head.eq_ignore_ascii_case("intent:"))
        .map(|_| &trimmed[7..])?;
    let lower = body.to_ascii_lowercase();
    let marker = lower.find("#intent;")?;
    let (target, extras) = (&body[..marker], &body[marker + 8..]);
    let scheme = extras
        .split(';')
        .find_map(|field| field.strip_prefix("scheme="))?
        .trim();
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    Some((
        format!("{scheme}:{target}"),
        format!("as Chrome on Android opens the intent (scheme={scheme})"),
    ))
}

/// Provisioning URLs (and intents) nested in another payload: the links of a contact card, the
/// link a bookmark or `URLTO:` opens, and query parameters of a web link, percent-decoded.
fn nested_links(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match Payload::classify(text) {
        Payload::Contact(contact) => {
            for url in &contact.urls {
                // The value as written: a provisioning URL is never given `http://`.
                let link = url.value.trim().to_string();
                if is_app_link(&link) {
                    out.push((
                        link,
                        format!("when the contact's {} link is tapped", url.property),
                    ));
                }
            }
        }
        Payload::Url(web) => {
            if web.form.is_some() && is_app_link(&web.target) {
                out.push((
                    web.target.clone(),
                    "when the link the code opens is followed".to_string(),
                ));
            }
            if let Ok(parsed) = url::Url::parse(&web.target) {
                for (name, value) in parsed.query_pairs() {
                    let value = value.trim();
                    if is_app_link(value) {
                        out.push((
                            value.to_string(),
                            format!(
                                "when the page forwards the link's '{name}' parameter (percent-decoded)"
                            ),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// A provisioning URL or an Android intent (which may open one).
fn is_app_link(text: &str) -> bool {
    let Some((scheme, _)) = text.trim().split_once(':') else {
        return false;
    };
    let scheme = scheme.to_ascii_lowercase();
    super::sametime::SCHEMES.contains(&scheme.as_str()) || scheme == "intent"
}

/// `scheme:` at the start, as RFC 3986 spells a scheme.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.trim().split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        alternatives(text).into_iter().map(|r| r.text).collect()
    }

    const URL: &str = "hclsametime://evil.example.net/?action=AddCommunity&allowUntrustedSSL=true";

    #[test]
    fn scanner_wrappers_are_stripped() {
        for wrapped in [
            format!("URI:{URL}"),
            format!("URL:{URL}"),
            format!("url: {URL} "),
            format!("\u{feff}{URL}"),
            format!("\u{feff}URI:{URL}"),
        ] {
            assert_eq!(texts(&wrapped), [URL], "{wrapped:?}");
        }
        let how = &alternatives(&format!("URI:{URL}"))[0].how;
        assert_eq!(how, "after a scanner strips `URI:`");
        assert!(texts(URL).is_empty());
    }

    #[test]
    fn whatwg_removes_tabs_and_newlines_anywhere() {
        for dirty in [
            "hclsametime://evil.example.net/?action=AddCommunity&allow\tUntrustedSSL=true",
            "hclsametime://evil.example.net/?action=AddCommunity&allowUntrusted\nSSL=true",
            "hclsametime://evil.example.net/?action=AddCommunity&allowUntrustedSSL=tr\r\nue",
            "\u{1}hclsametime://evil.example.net/?action=AddCommunity&allowUntrustedSSL=true\u{7}",
        ] {
            assert!(texts(dirty).contains(&URL.to_string()), "{dirty:?}");
        }
        // A vCard is no URL: its line breaks stay.
        assert!(texts("BEGIN:VCARD\nFN:Jane\nEND:VCARD").is_empty());
    }

    #[test]
    fn nested_links_and_entities() {
        let intent = "intent://evil.example.net/?action=AddCommunity&allowUntrustedSSL=true#Intent;scheme=hclsametime;package=x;end";
        assert_eq!(texts(intent), [URL]);
        let card = format!("BEGIN:VCARD\nFN:Help\nURL:{URL}\nEND:VCARD");
        assert_eq!(texts(&card), [URL]);
        let mecard = "MECARD:N:Help;URL:hclsametime://evil.example.net/?action=AddCommunity&allowUntrustedSSL=true;;";
        assert!(
            texts(mecard).contains(&URL.to_string()),
            "{:?}",
            texts(mecard)
        );
        let web = "https://portal.example.com/go?to=hclsametime%3A%2F%2Fevil.example.net%2F%3Faction%3DAddCommunity%26allowUntrustedSSL%3Dtrue";
        assert_eq!(texts(web), [URL]);
        let pasted =
            "hclsametime://evil.example.net/?action=AddCommunity&amp;allowUntrustedSSL=true";
        assert_eq!(texts(pasted), [URL]);
        assert_eq!(
            texts("hclsametime://evil.example.net/?action=AddCommunity&#38;allowUntrustedSSL=true"),
            [URL]
        );
    }

    #[test]
    fn readings_compose_and_stay_bounded() {
        let text = "URI:intent://evil.example.net/?action=AddCommunity&amp;allow\tUntrustedSSL=true#Intent;scheme=hclsametime;end";
        let all = alternatives(text);
        let last = all.iter().find(|r| r.text == URL).expect("fully unwrapped");
        assert!(
            last.how.starts_with("after a scanner strips `URI:`, then"),
            "{}",
            last.how
        );
        let hostile = "URI:".repeat(500) + URL;
        assert!(all.len() <= MAX_READINGS && self::all(&hostile).len() <= MAX_READINGS);
    }
}
