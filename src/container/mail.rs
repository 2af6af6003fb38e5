//! Mail: RFC 5322 messages with MIME bodies (`.eml`, and each message of an mbox).
//!
//! Parsing is `mailparse`'s (MIME structure, RFC 2047/2231 names, base64 and quoted-printable,
//! charsets). Every leaf part is looked at: attached and inline images (`multipart/related`
//! parts referenced by `cid:` are ordinary parts here), attached containers (a PDF, a zip),
//! forwarded messages (`message/rfc822`, opened as mails one level deeper: mailparse itself does
//! not descend into them), `data:` URIs in HTML bodies, and provisioning URLs written in
//! `text/plain` and `text/html` bodies (a helpdesk mail often carries the link beside the code).
//! Only provisioning URLs are taken from bodies: every mail carries web links (signatures,
//! trackers) and auditing them all would bury the one that matters.

use mailparse::{MailHeaderMap, ParsedMail};

use super::{Content, Kind, Walker, segment_name};
use crate::payload::Payload;
use crate::source::Provenance;

/// Header fields that (two of them at least) make a header block a mail's.
const MAIL_HEADERS: [&str; 16] = [
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "received",
    "return-path",
    "content-type",
    "reply-to",
    "sender",
    "delivered-to",
    "x-mailer",
    "in-reply-to",
    "references",
];

/// True when the bytes open with an RFC 5322 header block naming at least two well-known
/// mail fields (and nothing that is not a header line before the first blank line).
pub(super) fn sniff(bytes: &[u8]) -> bool {
    const HEAD: usize = 16 * 1024;
    let truncated = bytes.len() > HEAD;
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(HEAD)]);
    let lines: Vec<&str> = head.split('\n').collect();
    let mut known = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if i == 0 {
                return false;
            }
            continue;
        }
        let well_formed = line.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        });
        if !well_formed {
            // A line cut by the end of the sniffed head proves nothing either way.
            if truncated && i + 1 == lines.len() {
                break;
            }
            return false;
        }
        let name = line.split(':').next().unwrap_or("").to_ascii_lowercase();
        if MAIL_HEADERS.contains(&name.as_str()) {
            known += 1;
        }
    }
    known >= 2
}

/// Opens one message at nesting level `depth`.
pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], depth: u32) {
    match mailparse::parse_mail(bytes) {
        Ok(parsed) => walk(walker, location, &parsed, "", depth),
        Err(err) => walker.error(location, format!("cannot parse mail: {err}")),
    }
}

/// Visits a MIME entity; `section` is its IMAP part number ("" for the message itself).
fn walk(walker: &mut Walker, base: &Provenance, part: &ParsedMail<'_>, section: &str, depth: u32) {
    if walker.exhausted() {
        return;
    }
    if part.ctype.mimetype.starts_with("multipart/") {
        for (i, sub) in part.subparts.iter().enumerate() {
            let child = if section.is_empty() {
                (i + 1).to_string()
            } else {
                format!("{section}.{}", i + 1)
            };
            walk(walker, base, sub, &child, depth);
        }
        return;
    }
    // A message that is not multipart has one body, part 1 (as in IMAP).
    let section = if section.is_empty() { "1" } else { section };
    let location = base.step(&format!("{section}{}", name_suffix(part)));
    if !walker.take_part(&location) {
        return;
    }
    let mimetype = part.ctype.mimetype.as_str();
    if mimetype == "text/plain" || mimetype == "text/html" {
        let text = match part.get_body() {
            Ok(text) => text,
            Err(err) => {
                walker.error(&location, bad_body(part, &err));
                return;
            }
        };
        if !walker.take_bytes(&location, text.len() as u64) {
            return;
        }
        if mimetype == "text/html" {
            let html = decode_entities(&text);
            texts(walker, &location, &html);
            data_uris(walker, &location, &html, depth);
        } else {
            texts(walker, &location, &text);
        }
        return;
    }
    let body = match part.get_body_raw() {
        Ok(body) => body,
        Err(err) => {
            walker.error(&location, bad_body(part, &err));
            return;
        }
    };
    if !walker.take_bytes(&location, body.len() as u64) {
        return;
    }
    match mimetype {
        "message/rfc822" | "message/global" => walker.open(Kind::Mail, &location, &body, depth + 1),
        other => walker.item(location, body, depth, other.starts_with("image/")),
    }
}

/// The error for a body that does not decode, naming its transfer encoding.
fn bad_body(part: &ParsedMail<'_>, err: &mailparse::MailParseError) -> String {
    let encoding = part
        .headers
        .get_first_value("Content-Transfer-Encoding")
        .map(|e| e.trim().to_ascii_lowercase())
        .unwrap_or_else(|| "7bit".to_string());
    format!(
        "{} body does not decode as {encoding}: {err}",
        part.ctype.mimetype
    )
}

/// `/name` for a part with a file name, `/cid:ID` for one with only a Content-ID, else "".
fn name_suffix(part: &ParsedMail<'_>) -> String {
    let disposition = part.get_content_disposition();
    let name = disposition
        .params
        .get("filename")
        .or_else(|| part.ctype.params.get("name"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .or_else(|| {
            part.headers
                .get_first_value("Content-ID")
                .map(|id| {
                    id.trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
                .filter(|id| !id.is_empty())
                .map(|id| format!("cid:{id}"))
        });
    match name {
        Some(name) => format!("/{}", segment_name(&name)),
        None => String::new(),
    }
}

/// Adds every provisioning URL in `text` as a text part at `location`.
fn texts(walker: &mut Walker, location: &Provenance, text: &str) {
    for url in provisioning_urls(text) {
        if !walker.take_part(location) {
            return;
        }
        walker.push(location.clone(), Content::Text(url));
    }
}

/// The provisioning URLs written in a text, in order, without repeats (an HTML link usually
/// shows its own URL as its text).
pub(super) fn provisioning_urls(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut urls: Vec<String> = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("://") {
        let at = from + found;
        let mut start = at;
        while start > 0
            && (bytes[start - 1].is_ascii_alphanumeric() || b"+-.".contains(&bytes[start - 1]))
        {
            start -= 1;
        }
        let rest = &text[at + 3..];
        let end = at
            + 3
            + rest
                .find(|c: char| c.is_whitespace() || "<>\"'`".contains(c))
                .unwrap_or(rest.len());
        let candidate = text[start..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']']);
        if start < at
            && matches!(Payload::classify(candidate), Payload::Sametime(_))
            && !urls.iter().any(|u| u == candidate)
        {
            urls.push(candidate.to_string());
        }
        from = end.max(at + 3);
    }
    urls
}

/// Replaces the character references that appear in URLs in HTML (`&amp;` above all).
pub(super) fn decode_entities(html: &str) -> String {
    if !html.contains('&') {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .filter(|&end| end <= 10)
            .map(|end| &rest[1..1 + end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let number = name.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (entity, decoded) {
            (Some(name), Some(c)) => {
                out.push(c);
                rest = &rest[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Scans the images written into an HTML body as `data:image/…` URIs, as `LOCATION!data-N`.
pub(super) fn data_uris(walker: &mut Walker, location: &Provenance, html: &str, depth: u32) {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    let mut n = 0;
    while let Some(found) = lower[from..].find("data:image/") {
        let start = from + found;
        let end = start
            + html[start..]
                .find(['"', '\'', ')', '<', '>'])
                .unwrap_or(html.len() - start);
        from = end.max(start + 1);
        n += 1;
        let uri_location = location.step(&format!("data-{n}"));
        if !walker.take_part(&uri_location) {
            return;
        }
        let uri = &html[start + "data:".len()..end];
        let bytes = match super::data_uri::decode(uri) {
            Ok(bytes) => bytes,
            Err(err) => {
                walker.error(&uri_location, err);
                continue;
            }
        };
        if !walker.take_bytes(&uri_location, bytes.len() as u64) {
            return;
        }
        walker.item(uri_location, bytes, depth, true);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ContainerLimits, expand};
    use super::*;

    #[test]
    fn finds_provisioning_urls_in_prose_and_links() {
        let text = "Scan the code, or tap (hclsametime://chat.example.com?user=bob).\n\
                    <a href=\"hclsametime://chat.example.com?user=bob\">hclsametime://chat.example.com?user=bob</a> \
                    see https://example.com/help and stmeetings://meet.example.com/x, thanks";
        assert_eq!(
            provisioning_urls(text),
            vec![
                "hclsametime://chat.example.com?user=bob".to_string(),
                "stmeetings://meet.example.com/x".to_string()
            ]
        );
        assert!(provisioning_urls("no links here: a://").is_empty());
    }

    #[test]
    fn decodes_entities_used_in_urls() {
        assert_eq!(
            decode_entities("a?x=1&amp;y=2&#38;z=&#x33; &nbsp; & done"),
            "a?x=1&y=2&z=3 &nbsp; & done"
        );
    }

    #[test]
    fn sniffs_header_blocks_not_prose() {
        assert!(sniff(
            b"Received: from x\r\n\tby y\r\nFrom: a@b\r\nSubject: s\r\n\r\n"
        ));
        assert!(!sniff(b"Subject: only one known field\n\nbody"));
        assert!(!sniff(b"Dear team,\nFrom: me\nSubject: x\n"));
    }

    fn mail(body: &str) -> Vec<u8> {
        format!(
            "From: a@example.com\r\nTo: b@example.com\r\nSubject: t\r\nMIME-Version: 1.0\r\n{body}"
        )
        .into_bytes()
    }

    #[test]
    fn single_part_text_mail_yields_its_urls_at_part_1() {
        let bytes =
            mail("Content-Type: text/plain\r\n\r\nUse hclsametime://st.example.com?u=a\r\n");
        let expansion = expand("m.eml", &bytes, &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.kind, Kind::Mail);
        assert_eq!(expansion.parts.len(), 1);
        assert_eq!(expansion.parts[0].location.to_string(), "m.eml!1");
        assert!(
            matches!(&expansion.parts[0].content, Content::Text(t) if t == "hclsametime://st.example.com?u=a")
        );
    }

    #[test]
    fn bad_base64_is_an_error_for_that_part_and_siblings_are_read() {
        let bytes = mail(
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: image/png; name=\"bad.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
             iVBO!!!!*&^%\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nhclsametime://st.example.com\r\n--b--\r\n",
        );
        let expansion = expand("m.eml", &bytes, &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.errors.len(), 1, "{:?}", expansion.errors);
        assert!(
            expansion.errors[0]
                .starts_with("m.eml!1/bad.png: image/png body does not decode as base64"),
            "{:?}",
            expansion.errors
        );
        assert_eq!(expansion.parts.len(), 1);
        assert_eq!(expansion.parts[0].location.to_string(), "m.eml!2");
    }

    #[test]
    fn nested_messages_stop_at_the_depth_limit() {
        let mut bytes = mail("Content-Type: text/plain\r\n\r\nhclsametime://deep.example.com\r\n");
        for _ in 0..4 {
            let mut outer = mail("Content-Type: message/rfc822\r\n\r\n");
            outer.extend_from_slice(&bytes);
            bytes = outer;
        }
        let limits = ContainerLimits {
            max_depth: 3,
            ..ContainerLimits::default()
        };
        let expansion = expand("m.eml", &bytes, &limits).unwrap();
        assert!(expansion.parts.is_empty());
        assert_eq!(
            expansion.errors,
            vec!["m.eml!1!1!1: mail not opened: containers nested more than 3 deep (--max-depth)"]
        );
        let expansion = expand("m.eml", &bytes, &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.parts[0].location.to_string(), "m.eml!1!1!1!1!1");
    }
}
