//! What a phone opens as a link, beyond `scheme://` text: bare host names, DoCoMo bookmarks and
//! `URLTO:` links, and URLs in the schemes phones hand to apps.
//!
//! Camera apps (ZXing's result parsers, which Android readers build on, and iOS's data
//! detectors) offer to open:
//!
//! - any URL with an authority, in any scheme (`https://…`, `intent://…`, `itms-services://…`,
//!   `com.example.app://…`): the phone hands it to whichever app claims the scheme;
//! - URLs without an authority in the schemes phones hand to apps (`mailto:`, `tel:`, `sms:`,
//!   `geo:`, `market:`, `magnet:`…): `data/app-schemes.txt` lists them. Any other `word:text`
//!   (`Note:call-back`, `Re:meeting`) is text;
//! - a bare host name with an optional port and path (`example.com`, `www.example.com:8443/x`),
//!   which phones open as `http://…`;
//! - `MEBKM:TITLE:…;URL:…;;` bookmarks and `URLTO:title:url` links, whose URL may lack a scheme
//!   too.
//!
//! A bare host must not swallow ordinary text. It needs a real public suffix from the Public
//! Suffix List (the `psl` crate, compiled in; or a name reserved for documentation and tests by
//! RFC 2606/6761: `.example`, `.test`, `.invalid`, `.localhost`), syntactically valid labels,
//! and no whitespace. Public suffixes include dictionary words (`.world`, `.app`, `.zip`) and
//! file extensions (`.rs`, `.md`, `.py`), so a name of just one label plus such a suffix
//! (`hello.world`, `notes.zip`, `main.rs`) is text unless something else marks it as a link: a
//! port, a path, a subdomain (`www.`), or a punycode or Unicode label. Without such a mark only
//! the suffixes that read as nothing else are links: the classic generic ones (`.com`, `.net`,
//! `.org`, `.edu`, `.gov`, `.mil`, `.int`, `.info`, `.biz`), the reserved ones above, and
//! two-letter country codes except those that are common file extensions (`SHORT_FILE_TLDS`).

use super::{WebUrl, fields, raw_password};
use crate::text::strip_prefix_ignore_case;

/// Schemes without an authority (`scheme:rest`) that phones hand to an app: see the file.
const APP_SCHEMES: &str = include_str!("data/app-schemes.txt");

/// Top-level names reserved for documentation, testing and local use (RFC 2606, RFC 6761):
/// not in the Public Suffix List, but what examples and test codes use.
const RESERVED_TLDS: [&str; 4] = ["example", "test", "invalid", "localhost"];

/// Generic suffixes that are never ordinary words or file extensions.
const CLASSIC_GTLDS: [&str; 9] = [
    "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz",
];

/// Two-letter country codes that are also common file extensions (`main.rs`, `readme.md`,
/// `setup.py`, `run.sh`, `Makefile.am`): a bare `name.xx` with one of these is text.
const SHORT_FILE_TLDS: [&str; 19] = [
    "ai", "am", "bz", "cc", "cr", "do", "in", "md", "mk", "ml", "mo", "pl", "pm", "ps", "py", "rs",
    "sc", "sh", "so",
];

/// How a link was written, when not as a plain URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkForm {
    /// A host name without a scheme (`www.example.com/menu`).
    BareHost,
    /// A DoCoMo bookmark (`MEBKM:TITLE:…;URL:…;;`).
    Bookmark,
    /// `URLTO:title:url`.
    Urlto,
}

/// True when `scheme` is one phones hand to an app even without `//`.
pub(crate) fn is_app_scheme(scheme: &str) -> bool {
    let scheme = scheme.to_ascii_lowercase();
    APP_SCHEMES
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|s| s == scheme)
}

/// The scheme written at the start of `value` (`https` of `https://…`), when it has one.
pub(crate) fn written_scheme(value: &str) -> Option<&str> {
    let (scheme, _) = value.split_once(':')?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// A URL with a scheme, as phones read one: with an authority in any scheme, without one in
/// the schemes phones hand to apps. One token: free text is not a URL.
pub(crate) fn explicit_url(text: &str) -> Option<url::Url> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.contains(char::is_whitespace) {
        return None;
    }
    let parsed = url::Url::parse(trimmed).ok()?;
    if parsed.cannot_be_a_base() && !is_app_scheme(parsed.scheme()) {
        return None;
    }
    Some(parsed)
}

/// The parts of a bare host link: `host[:port][/path…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BareHost {
    /// The host as written.
    pub host: String,
    /// The host in ASCII (punycode), lower case: what DNS and the suffix list see.
    pub ascii: String,
}

/// Reads `text` as a bare host link, when it is one (see the module comment for the rules).
pub(crate) fn bare_host(text: &str) -> Option<BareHost> {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    let end = text.find(['/', '?', '#']).unwrap_or(text.len());
    let (authority, rest) = text.split_at(end);
    // `user@host` is an e-mail address, not a link; `[::1]` and `1.2.3.4` are not names.
    if authority.contains(['@', '[', '\\']) {
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    if let Some(port) = port
        && !(port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)))
    {
        return None;
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|l| valid_label(l)) {
        return None;
    }
    let ascii = idna::domain_to_ascii(host).ok()?.to_ascii_lowercase();
    let ascii_labels: Vec<&str> = ascii.split('.').collect();
    let tld = *ascii_labels.last()?;
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // Labels of the public suffix, when the name has one.
    let suffix_labels = if RESERVED_TLDS.contains(&tld) {
        1
    } else {
        let suffix = psl::suffix(ascii.as_bytes())?;
        if !suffix.is_known() {
            return None;
        }
        std::str::from_utf8(suffix.as_bytes())
            .ok()?
            .split('.')
            .count()
    };
    // The name must be more than a suffix (`co.uk` alone is not a host anyone runs).
    if ascii_labels.len() <= suffix_labels {
        return None;
    }
    let marked = port.is_some()
        || !rest.is_empty()
        || ascii_labels.len() > suffix_labels + 1
        || !host.is_ascii()
        || ascii_labels.iter().any(|l| l.starts_with("xn--"));
    let reads_as_nothing_else = RESERVED_TLDS.contains(&tld)
        || CLASSIC_GTLDS.contains(&tld)
        || (suffix_labels > 1)
        || (tld.len() == 2 && !SHORT_FILE_TLDS.contains(&tld));
    if !marked && !reads_as_nothing_else {
        return None;
    }
    Some(BareHost {
        host: host.to_string(),
        ascii,
    })
}

/// A DNS label as written: letters (any script), digits and inner hyphens, 1 to 63 bytes.
fn valid_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
}

/// A link as a phone opens it: the URL (scheme added where none was written) and how it was
/// written. `None` when `text` is no link.
pub(crate) fn parse(text: &str) -> Option<WebUrl> {
    let trimmed = text.trim();
    if let Some(body) = strip_prefix_ignore_case(trimmed, "MEBKM:") {
        return bookmark(body);
    }
    if let Some(body) = strip_prefix_ignore_case(trimmed, "URLTO:") {
        return urlto(body);
    }
    if let Some(parsed) = explicit_url(trimmed) {
        return Some(web_url(&parsed, trimmed, trimmed, false, None, None));
    }
    bare_host(trimmed)?;
    let target = format!("http://{trimmed}");
    let parsed = url::Url::parse(&target).ok()?;
    // Bare hosts were checked to be names; the URL crate agrees or this is no link.
    parsed.host_str()?;
    Some(web_url(
        &parsed,
        &target,
        trimmed,
        true,
        Some(LinkForm::BareHost),
        None,
    ))
}

/// The URL of a field whose value is meant as a URL (a bookmark's, a `URLTO:`'s, a contact's
/// `URL`): with a scheme as written, or `http://` added as phones do.
pub(crate) fn url_value(value: &str) -> Option<(url::Url, String, bool)> {
    let value = value.trim();
    if value.is_empty() || value.contains(char::is_whitespace) {
        return None;
    }
    if written_scheme(value).is_some()
        && let Some(parsed) = explicit_url(value)
    {
        return Some((parsed, value.to_string(), false));
    }
    // `www.example.com:8080/x` has a "scheme" `www.example.com` to a URL parser.
    let target = format!("http://{value}");
    let parsed = url::Url::parse(&target).ok()?;
    parsed.host_str()?;
    Some((parsed, target, true))
}

/// `MEBKM:TITLE:…;URL:…;;` (ZXing's BookmarkDoCoMoResultParser: the URL field is required).
fn bookmark(body: &str) -> Option<WebUrl> {
    let fields = fields::split(body);
    let url = fields.first("URL")?;
    let (parsed, target, inferred) = url_value(&url.value)?;
    let title = fields
        .first("TITLE")
        .map(|t| t.value.trim().to_string())
        .filter(|t| !t.is_empty());
    let mut web = web_url(
        &parsed,
        &target,
        &url.raw,
        inferred,
        Some(LinkForm::Bookmark),
        title,
    );
    web.parse_issues = fields.issues;
    Some(web)
}

/// `URLTO:title:url` (ZXing's URLTOResultParser: the title ends at the first `:`, may be empty).
fn urlto(body: &str) -> Option<WebUrl> {
    let (title, url) = body.split_once(':')?;
    let (parsed, target, inferred) = url_value(url)?;
    let title = Some(title.trim().to_string()).filter(|t| !t.is_empty());
    Some(web_url(
        &parsed,
        &target,
        url.trim(),
        inferred,
        Some(LinkForm::Urlto),
        title,
    ))
}

/// Builds the payload of a link. `target` is the URL as phones open it, `written` the URL as
/// the text spells it (for the spellings of a password).
pub(crate) fn web_url(
    parsed: &url::Url,
    target: &str,
    written: &str,
    scheme_inferred: bool,
    form: Option<LinkForm>,
    title: Option<String>,
) -> WebUrl {
    let decode = crate::text::escapes::percent_decoded;
    let mut password = parsed.password().map(decode);
    let mut password_as_written: Vec<String> = [raw_password(target), raw_password(written)]
        .into_iter()
        .flatten()
        .collect();
    // `bob%3Ahunter2@`: android.net.Uri and java.net.URI hand the app the decoded userinfo
    // `bob:hunter2`, which splits at its first ':' like a written one.
    if password.is_none()
        && let Some((_, encoded)) = split_encoded_colon(parsed.username())
        && !encoded.is_empty()
        && !decode(encoded).starts_with("//")
    {
        password = Some(decode(encoded));
        password_as_written.push(encoded.to_string());
    }
    password_as_written.sort();
    password_as_written.dedup();
    let mut web = WebUrl {
        scheme: parsed.scheme().to_string(),
        host: parsed.host_str().map(str::to_string),
        url: None,
        scheme_inferred,
        form,
        title,
        parse_issues: Vec::new(),
        target: target.to_string(),
        password,
        password_as_written,
        secret_parameters: secret_parameters(parsed),
    };
    if form.is_some() {
        // The payload shows the URL it opens, never with its password.
        web.url =
            Some(crate::text::redact::Redactor::new(web.secret_spellings(), false).apply(target));
    }
    web
}

/// `user%3Apassword` split at its first encoded colon: `(user, password)`, both as written.
pub(crate) fn split_encoded_colon(userinfo: &str) -> Option<(&str, &str)> {
    let at = userinfo.to_ascii_lowercase().find("%3a")?;
    Some((&userinfo[..at], &userinfo[at + 3..]))
}

/// The query parameters whose name says they hold a secret, with a non-empty value.
fn secret_parameters(parsed: &url::Url) -> Vec<super::SecretParameter> {
    let Some(query) = parsed.query() else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|piece| {
            let (name, raw_value) = piece.split_once('=')?;
            let decoded_name = decode_form(name);
            // `savePassword=true` in a link (an intent, a forwarded provisioning URL) is the
            // switch, in any spelling, not a secret.
            if !super::sametime::is_secret_name(&decoded_name) {
                return None;
            }
            let kind = super::secret_name::classify(&decoded_name)?;
            let value = decode_form(raw_value);
            (!value.trim().is_empty() && !super::secret_name::is_switch_value(&value)).then(|| {
                super::SecretParameter {
                    name: decoded_name,
                    written: piece.to_string(),
                    raw_value: raw_value.to_string(),
                    value,
                    kind,
                }
            })
        })
        .collect()
}

/// A query name or value decoded as browsers and `Uri.getQueryParameter` decode it.
fn decode_form(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_hosts_with_a_public_suffix() {
        for (text, ascii) in [
            ("example.com", "example.com"),
            ("www.example.com:8443/x", "www.example.com"),
            ("xn--e1afmkfd.example", "xn--e1afmkfd.example"),
            ("shop.example.co.uk", "shop.example.co.uk"),
            ("example.co.uk", "example.co.uk"),
            ("example.de", "example.de"),
            ("münchen.de", "xn--mnchen-3ya.de"),
            ("hello.world/menu", "hello.world"),
            ("www.hello.world", "www.hello.world"),
            ("invoice.zip/", "invoice.zip"),
            ("EXAMPLE.COM?q=1", "example.com"),
            ("example.com#top", "example.com"),
            ("user.github.io", "user.github.io"),
        ] {
            let host = bare_host(text).unwrap_or_else(|| panic!("{text} is a link"));
            assert_eq!(host.ascii, ascii, "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_not_a_bare_host() {
        for text in [
            // Words with a dot, also where the second word is a real suffix.
            "hello.world",
            "Hello.World",
            "first.last",
            "e.g.",
            "i.e",
            // Version numbers and numbers.
            "1.2.3",
            "v2.0.1",
            "3.14",
            "10.0.0.1",
            // File names, also where the extension is a real suffix.
            "notes.txt",
            "report.pdf",
            "main.rs",
            "readme.md",
            "setup.py",
            "invoice.zip",
            "movie.mov",
            "Makefile.am",
            "photo.jpeg",
            // A suffix alone, broken names, e-mail addresses, sentences.
            "co.uk",
            "com",
            "-bad.com",
            "bad-.com",
            "a..com",
            ".com",
            "example.com.",
            "jane@example.com",
            "see example.com",
            "example.com:0",
            "example.com:99999",
            "example.com:http",
            "",
        ] {
            assert_eq!(bare_host(text), None, "{text:?} is text");
        }
    }

    #[test]
    fn links_in_every_form() {
        let bare = parse("www.example.com:8443/x").expect("link");
        assert_eq!(bare.target, "http://www.example.com:8443/x");
        assert!(bare.scheme_inferred);
        assert_eq!(bare.form, Some(LinkForm::BareHost));
        assert_eq!(bare.host.as_deref(), Some("www.example.com"));

        let bookmark = parse(r"MEBKM:TITLE:Our menu;URL:https\://example.com/menu;;").unwrap();
        assert_eq!(bookmark.target, "https://example.com/menu");
        assert_eq!(bookmark.title.as_deref(), Some("Our menu"));
        assert!(!bookmark.scheme_inferred);
        assert!(
            bookmark.parse_issues.is_empty(),
            "{:?}",
            bookmark.parse_issues
        );
        // ZXing's own example writes the URL's ':' unescaped; a bookmark without a scheme opens
        // over http.
        let bookmark = parse("MEBKM:TITLE:ZXing;URL:google.com;;").unwrap();
        assert_eq!(bookmark.target, "http://google.com");
        assert!(bookmark.scheme_inferred);
        assert!(parse("MEBKM:TITLE:no url;;").is_none());

        let urlto = parse("URLTO:Example:https://example.com/a").unwrap();
        assert_eq!(urlto.target, "https://example.com/a");
        assert_eq!(urlto.title.as_deref(), Some("Example"));
        let urlto = parse("urlto::www.example.com").unwrap();
        assert_eq!(urlto.target, "http://www.example.com");
        assert_eq!(urlto.title, None);
        assert!(parse("URLTO:no colon").is_none());
    }

    #[test]
    fn app_schemes_and_plain_words_with_a_colon() {
        for link in [
            "geo:47.3769,8.5417",
            "market:details?id=com.example.app",
            "intent://scan/#Intent;scheme=zxing;package=com.google.zxing.client.android;end",
            "itms-services://?action=download-manifest&url=https://example.com/app.plist",
            "com.example.app://open/settings",
            "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a",
            "smsto:+15551234:hello",
            "FACETIME:+15551234",
            "javascript:alert(1)",
        ] {
            assert!(parse(link).is_some(), "{link} is a link");
        }
        for text in ["Note:call-back", "Re:meeting", "TODO:fix", "ABC:123", "x:"] {
            assert!(parse(text).is_none(), "{text} is text");
        }
    }

    #[test]
    fn passwords_are_masked_in_the_payload() {
        let bookmark = parse("MEBKM:URL:https\\://bob:s3cr\\;t@example.com/;;").unwrap();
        assert_eq!(bookmark.password.as_deref(), Some("s3cr;t"));
        assert_eq!(
            bookmark.url.as_deref(),
            Some("https://bob:********@example.com/")
        );
        let bare = parse("example.com").unwrap();
        assert_eq!(bare.url.as_deref(), Some("http://example.com"));
    }
}
