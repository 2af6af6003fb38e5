//! The strict reading of a provisioning URL, and every place where readers disagree about it.
//!
//! A QR code is read by more than one parser: the Sametime app on Android (which splits the
//! authority at the *last* `@`, like `android.net.Uri`), on iOS, a helpdesk's browser, and
//! naive scripts that split on `://`, `@`, `:`, `/`, `?`, `&` and `=`. This module lexes the
//! raw text by hand, keeping the byte range of every component, so that it can say precisely
//! where a reading differs (the naive first-`@` split, the WHATWG parser of the `url` crate,
//! `+` as space or not, fragments, stripped tabs...). The differences become `ParseIssue`s,
//! which the `malformed-encoding` rule reports. Nothing here judges severity.
//!
//! The *primary* reading, from which the community is resolved, is Android's (`android.net.Uri`):
//! the userinfo ends at the last `@`, query values are percent-decoded with `+` read as a space
//! (`getQueryParameter`), and the first occurrence of a parameter wins. Where iOS or a naive
//! reader would differ, an issue says so.

use std::ops::Range;

use percent_encoding::percent_decode_str;

use super::KNOWN_PARAMETERS;

/// One place where the URL is malformed or where two parsers read it differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIssue {
    /// What kind of mistake or disagreement it is.
    pub kind: IssueKind,
    /// The component it is in: `scheme`, `userinfo`, `host`, `port`, `path`, `query`, `fragment`.
    pub part: &'static str,
    /// What is wrong, and how the readings differ.
    pub message: String,
    /// The component (or parameter) holding it; a password in it is already masked.
    pub evidence: String,
}

/// The kinds of parse issue; `name` is the stable short name the JSON report carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueKind {
    RawAtInUser,
    EncodedSeparator,
    HtmlEntity,
    RawCharacter,
    NonAscii,
    InvalidEscape,
    InvalidUtf8,
    PlusInQuery,
    Fragment,
    MissingSlashes,
    EscapedHost,
    DelimiterInUserinfo,
    UrlRejected,
    ParsersDiffer,
}

impl IssueKind {
    /// The stable short name (`raw-at-in-user`, `parsers-differ`...).
    pub fn name(self) -> &'static str {
        match self {
            IssueKind::RawAtInUser => "raw-at-in-user",
            IssueKind::EncodedSeparator => "encoded-separator",
            IssueKind::HtmlEntity => "html-entity",
            IssueKind::RawCharacter => "raw-character",
            IssueKind::NonAscii => "non-ascii",
            IssueKind::InvalidEscape => "invalid-escape",
            IssueKind::InvalidUtf8 => "invalid-utf8",
            IssueKind::PlusInQuery => "plus-in-query",
            IssueKind::Fragment => "fragment",
            IssueKind::MissingSlashes => "missing-slashes",
            IssueKind::EscapedHost => "escaped-host",
            IssueKind::DelimiterInUserinfo => "delimiter-in-userinfo",
            IssueKind::UrlRejected => "url-rejected",
            IssueKind::ParsersDiffer => "parsers-differ",
        }
    }

    /// How to write the URL so that this issue goes away: the fix of its `malformed-encoding`
    /// finding. `None` for the disagreements that have no one spelling to point at (the rule's
    /// general fix applies).
    pub fn fix(self) -> Option<&'static str> {
        match self {
            IssueKind::RawAtInUser => {
                Some("Write an '@' inside the user name as %40 (dmisawa%40auto_sales@host).")
            }
            IssueKind::EncodedSeparator => Some(
                "Use plain '&' and '=' between parameters in the code; %26 is only for the copy pasted into stproxyconfig.xml.",
            ),
            IssueKind::HtmlEntity => Some(
                "Write '&' between parameters, not '&amp;' (that escaping belongs to HTML and XML files only).",
            ),
            IssueKind::DelimiterInUserinfo => Some(
                "Remove the password from the URL (a '?' in it would have to be written %3F, a '#' %23).",
            ),
            IssueKind::RawCharacter | IssueKind::NonAscii => {
                Some("Percent-encode the character (a space is %20), or remove it.")
            }
            IssueKind::InvalidEscape => Some(
                "Write a literal '%' as %25; every other '%' must be followed by two hex digits.",
            ),
            IssueKind::InvalidUtf8 => Some("Percent-encode text as UTF-8."),
            IssueKind::PlusInQuery => Some(
                "Write a space as %20 (or a plus sign as %2B) so every client reads the same value.",
            ),
            IssueKind::Fragment => Some("Remove the '#...' part, or write a literal '#' as %23."),
            IssueKind::MissingSlashes => Some("Start the URL with the scheme followed by '://'."),
            IssueKind::EscapedHost => Some("Write the host name without percent escapes."),
            IssueKind::UrlRejected | IssueKind::ParsersDiffer => None,
        }
    }
}

/// One `name=value` piece of the query as written.
#[derive(Debug, Clone)]
pub(crate) struct RawParam {
    pub name: String,
    pub value: Option<String>,
    pub range: Range<usize>,
}

/// The raw components of the text, with their byte ranges in `text`.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawParts {
    /// The trimmed text (may hold the password: never serialized).
    pub text: String,
    pub scheme: String,
    pub has_slashes: bool,
    /// The userinfo up to the last `@` of the authority.
    pub userinfo: Option<Range<usize>>,
    pub user: Option<Range<usize>>,
    pub password: Option<Range<usize>>,
    pub host: Range<usize>,
    pub port: Option<Range<usize>>,
    pub path: Range<usize>,
    pub query: Option<Range<usize>>,
    pub fragment: Option<Range<usize>>,
    pub params: Vec<RawParam>,
    /// The password as the `url` crate normalises it (a third spelling to redact).
    pub url_password: Option<String>,
    /// A raw `?` or `#` inside the userinfo (see `lex`).
    pub delimiter_in_userinfo: bool,
}

impl RawParts {
    pub fn get(&self, range: &Option<Range<usize>>) -> Option<&str> {
        range.as_ref().and_then(|r| self.text.get(r.clone()))
    }

    pub fn host_str(&self) -> &str {
        self.text.get(self.host.clone()).unwrap_or("")
    }

    pub fn port_str(&self) -> Option<&str> {
        self.get(&self.port)
    }
}

/// Percent-decodes without touching `+` (userinfo, host); invalid UTF-8 becomes U+FFFD
/// (reported separately).
pub(crate) fn decode(s: &str) -> String {
    crate::text::escapes::percent_decoded(s)
}

/// Percent-decodes a query name or value, reading `+` as a space as Android does.
pub(crate) fn decode_query(s: &str) -> String {
    decode(&s.replace('+', " "))
}

/// Lexes `text` (already trimmed, scheme already checked). Never fails: missing components
/// are empty ranges.
pub(crate) fn lex(text: &str) -> RawParts {
    let mut parts = RawParts {
        text: text.to_string(),
        ..RawParts::default()
    };
    let Some(colon) = text.find(':') else {
        parts.scheme = text.to_string();
        parts.host = text.len()..text.len();
        parts.path = text.len()..text.len();
        return parts;
    };
    parts.scheme = text[..colon].to_string();
    let mut start = colon + 1;
    if text[start..].starts_with("//") {
        parts.has_slashes = true;
        start += 2;
    }
    // The authority ends at the first `/`, `?` or `#`, for naive and WHATWG readers alike.
    let mut authority_end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |i| start + i);
    // `user:pa?ss@host/`: a raw '?' or '#' in the password ends the authority early for every
    // parser, which then reads part of the password as host and port. The author evidently
    // meant the '@' further on; read it that way, so that the whole password is known (and
    // masked) and no fragment of it is shown as a host or port, and report the difference.
    let wide_end = text[start..].find('/').map_or(text.len(), |i| start + i);
    if !text[start..authority_end].contains('@')
        && let Some(at) = text[start..wide_end].rfind('@')
    {
        let userinfo = &text[start..start + at];
        if userinfo.contains(':') && !userinfo.contains(['=', '&']) {
            authority_end = wide_end;
            parts.delimiter_in_userinfo = true;
        }
    }
    let mut host_start = start;
    if let Some(at) = text[start..authority_end].rfind('@') {
        let userinfo = start..start + at;
        host_start = start + at + 1;
        match text[userinfo.clone()].find(':') {
            Some(c) => {
                parts.user = Some(userinfo.start..userinfo.start + c);
                parts.password = Some(userinfo.start + c + 1..userinfo.end);
            }
            // `dmisawa%3Ahunter2@`: `Uri.getUserInfo()` and `java.net.URI.getUserInfo()` return
            // the decoded `dmisawa:hunter2`, which the app splits like a written one.
            // (`https%3A%2F%2Fhost@` is a URL disguised as a user, not a user and a password.)
            None => match text[userinfo.clone()].to_ascii_lowercase().find("%3a") {
                Some(c)
                    if !decode(&text[userinfo.start + c + 3..userinfo.end]).starts_with("//") =>
                {
                    parts.user = Some(userinfo.start..userinfo.start + c);
                    parts.password = Some(userinfo.start + c + 3..userinfo.end);
                }
                _ => parts.user = Some(userinfo.clone()),
            },
        }
        parts.userinfo = Some(userinfo);
    }
    let hostport = &text[host_start..authority_end];
    let port_colon = if hostport.starts_with('[') {
        // An IPv6 literal: the port colon, if any, follows the closing bracket.
        hostport
            .find(']')
            .and_then(|b| hostport[b..].find(':').map(|c| b + c))
    } else {
        hostport.find(':')
    };
    match port_colon {
        Some(c) => {
            parts.host = host_start..host_start + c;
            parts.port = Some(host_start + c + 1..authority_end);
        }
        None => parts.host = host_start..authority_end,
    }
    let path_end = text[authority_end..]
        .find(['?', '#'])
        .map_or(text.len(), |i| authority_end + i);
    parts.path = authority_end..path_end;
    let mut rest = path_end;
    if text[rest..].starts_with('?') {
        let query_end = text[rest..].find('#').map_or(text.len(), |i| rest + i);
        parts.query = Some(rest + 1..query_end);
        rest = query_end;
    }
    if text[rest..].starts_with('#') {
        parts.fragment = Some(rest + 1..text.len());
    }
    if let Some(query) = parts.query.clone() {
        let mut offset = query.start;
        for piece in text[query.clone()].split('&') {
            let range = offset..offset + piece.len();
            offset = range.end + 1;
            if piece.is_empty() {
                continue;
            }
            let (name, value) = match piece.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (piece, None),
            };
            parts.params.push(RawParam {
                name: name.to_string(),
                value,
                range,
            });
        }
    }
    parts
}

/// Everything the readings disagree about, and every malformed spot, in text order per kind.
pub(crate) fn issues(parts: &mut RawParts) -> Vec<ParseIssue> {
    let mut found = Vec::new();
    let text = parts.text.clone();
    let mut push = |kind: IssueKind, pos: usize, message: String| {
        let (part, evidence) = locate(parts, pos);
        let issue = ParseIssue {
            kind,
            part,
            message,
            evidence,
        };
        // One issue per kind and evidence: ten spaces in one name are one problem.
        if !found
            .iter()
            .any(|f: &ParseIssue| f.kind == issue.kind && f.evidence == issue.evidence)
        {
            found.push(issue);
        }
    };

    if !parts.has_slashes {
        push(
            IssueKind::MissingSlashes,
            0,
            format!(
                "the scheme is not followed by '//': '{}:' must be written '{}://', or the app sees no host",
                parts.scheme, parts.scheme
            ),
        );
    }

    if parts.delimiter_in_userinfo
        && let Some(userinfo) = parts.userinfo.clone()
    {
        push(
            IssueKind::DelimiterInUserinfo,
            userinfo.start,
            format!(
                "the password holds a raw '?' or '#' (it must be percent-encoded): parsers end the host there and connect to another host than '{}'",
                parts.host_str()
            ),
        );
    }

    // Several `@` in the authority: a naive reader splits at the first, Android and WHATWG
    // at the last, so they disagree about the user and the host.
    if let Some(userinfo) = parts.userinfo.clone()
        && let Some(first_at) = text[userinfo.clone()].find('@')
    {
        let naive_host_and_rest = &text[userinfo.start + first_at + 1..parts.host.end];
        let message = if parts.password.is_some() {
            // The naive host would hold part of the password: name neither.
            "the user name holds a raw '@' (it must be written %40): a naive parser splits at the first '@' and connects to a different host than the app".to_string()
        } else {
            format!(
                "the user name holds a raw '@' (it must be written %40): a naive parser reads user '{}' at host '{}', the app reads user '{}' at host '{}'",
                &text[userinfo.start..userinfo.start + first_at],
                naive_host_and_rest,
                decode(&text[userinfo.clone()]),
                &text[parts.host.clone()]
            )
        };
        push(IssueKind::RawAtInUser, userinfo.start, message);
    }

    for (pos, c) in text.char_indices() {
        match c {
            '\t' | '\n' | '\r' => push(
                IssueKind::RawCharacter,
                pos,
                format!(
                    "a raw {} (U+{:04X}): the WHATWG parser silently removes it, a naive parser keeps it",
                    char_name(c),
                    c as u32
                ),
            ),
            c if c.is_control() => push(
                IssueKind::RawCharacter,
                pos,
                format!(
                    "a raw control character (U+{:04X}): it must be percent-encoded, and parsers treat it differently",
                    c as u32
                ),
            ),
            ' ' => push(
                IssueKind::RawCharacter,
                pos,
                "a raw space: it must be written %20; some readers stop at the space, others encode it".to_string(),
            ),
            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => push(
                IssueKind::RawCharacter,
                pos,
                format!(
                    "a raw '{c}' is not allowed in a URL: it must be percent-encoded, and parsers treat it differently"
                ),
            ),
            c if !c.is_ascii() => push(
                IssueKind::NonAscii,
                pos,
                format!(
                    "a raw non-ASCII character '{c}' (U+{:04X}): it must be percent-encoded as UTF-8; readers encode or reject it differently",
                    c as u32
                ),
            ),
            '%' => {
                let hex: String = text[pos + 1..].chars().take(2).collect();
                if hex.len() != 2 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                    push(
                        IssueKind::InvalidEscape,
                        pos,
                        format!(
                            "'%{hex}' is not a valid escape (a '%' must be followed by two hex digits; a literal '%' is written %25)"
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    // Escapes that decode to invalid UTF-8, per component.
    let mut ranges: Vec<Range<usize>> = Vec::new();
    ranges.extend(parts.user.clone());
    ranges.extend(parts.password.clone());
    ranges.extend(parts.params.iter().map(|p| p.range.clone()));
    for range in ranges {
        if let Some(piece) = text.get(range.clone())
            && percent_decode_str(piece).decode_utf8().is_err()
        {
            push(
                IssueKind::InvalidUtf8,
                range.start,
                "percent escapes that do not decode to UTF-8: each reader substitutes or rejects them differently".to_string(),
            );
        }
    }

    let host = parts.host_str().to_string();
    if host.contains('%') {
        push(
            IssueKind::EscapedHost,
            parts.host.start,
            format!(
                "the host '{host}' holds percent escapes: the WHATWG parser keeps them as written (an opaque host), other readers decode them"
            ),
        );
    }

    if let Some(query) = parts.query.clone() {
        let q = &text[query.clone()];
        let lower = q.to_ascii_lowercase();
        if let Some(i) = lower.find("&amp;") {
            push(
                IssueKind::HtmlEntity,
                query.start + i,
                "'&amp;' is the HTML/XML escape of '&': it leaked from a web page or stproxyconfig.xml, so the app sees a parameter named 'amp;...'".to_string(),
            );
        }
        for (i, _) in lower.match_indices("%26") {
            if leaked_separator(&q[i + 3..]) {
                push(
                    IssueKind::EncodedSeparator,
                    query.start + i,
                    "'%26' stands where '&' belongs (the escaping meant for stproxyconfig.xml leaked into the code): the app sees one parameter instead of several".to_string(),
                );
            }
        }
        for (i, _) in lower.match_indices("%3d") {
            if KNOWN_PARAMETERS
                .iter()
                .any(|name| lower[..i].ends_with(&name.to_ascii_lowercase()))
            {
                push(
                    IssueKind::EncodedSeparator,
                    query.start + i,
                    "'%3D' stands where '=' belongs: the app sees a parameter without a value"
                        .to_string(),
                );
            }
        }
        for param in &parts.params {
            if param.value.as_deref().is_some_and(|v| v.contains('+')) {
                push(
                    IssueKind::PlusInQuery,
                    param.range.start,
                    "a '+' in a value: Android and browsers read it as a space, iOS as a plus sign; write %20 for a space or %2B for a plus".to_string(),
                );
            }
        }
    }

    // An empty fragment (`…AddCommunity#`) is dropped by every reader: nothing to report.
    if let Some(fragment) = parts.fragment.clone().filter(|f| !f.is_empty()) {
        push(
            IssueKind::Fragment,
            fragment.start.saturating_sub(1),
            "the text after '#' is a fragment: the WHATWG parser drops it from the query, a naive parser keeps it in the last parameter (write %23 for a literal '#')".to_string(),
        );
    }

    compare_with_url_crate(parts, &mut found);
    found
}

/// True when the text after a `%26` looks like the next `name=` of a provisioning URL: the
/// escaping meant for stproxyconfig.xml, not a literal `&` inside a value (`Sales%26Marketing`).
fn leaked_separator(after: &str) -> bool {
    let name: String = after
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let rest = after[name.len()..].to_ascii_lowercase();
    !name.is_empty()
        && (rest.starts_with('=') || rest.starts_with("%3d"))
        && (KNOWN_PARAMETERS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&name))
            || super::closest_known_parameter(&name).is_some())
}

fn char_name(c: char) -> &'static str {
    match c {
        '\t' => "tab",
        '\n' => "line feed",
        _ => "carriage return",
    }
}

/// The component holding byte `pos`, and the evidence to show for it. A password (or a
/// secret-looking parameter value) is never shown, even in part.
fn locate(parts: &RawParts, pos: usize) -> (&'static str, String) {
    let text = &parts.text;
    let within = |r: &Option<Range<usize>>| {
        r.as_ref()
            .is_some_and(|r| r.contains(&pos) || (r.is_empty() && r.start == pos))
    };
    if pos < parts.scheme.len() + 1 {
        return ("scheme", format!("{}:", parts.scheme));
    }
    if within(&parts.userinfo) || parts.userinfo.as_ref().is_some_and(|r| r.end == pos) {
        let user = parts.get(&parts.user).unwrap_or("");
        let evidence = if parts.password.is_some() {
            // Only the part before the first '@' or ':' is safe to show whole.
            format!("{user}:{}@", crate::text::redact::MASK)
        } else {
            format!("{user}@")
        };
        return ("userinfo", evidence);
    }
    if parts.host.contains(&pos) || (parts.host.is_empty() && parts.host.start == pos) {
        return ("host", parts.host_str().to_string());
    }
    if within(&parts.port) {
        return ("port", format!(":{}", parts.port_str().unwrap_or("")));
    }
    if parts.path.contains(&pos) {
        return ("path", text[parts.path.clone()].to_string());
    }
    if let Some(param) = parts.params.iter().find(|p| p.range.contains(&pos)) {
        if super::is_secret_name(&decode(&param.name)) {
            return (
                "query",
                format!("{}={}", param.name, crate::text::redact::MASK),
            );
        }
        return ("query", text[param.range.clone()].to_string());
    }
    if within(&parts.query) {
        return ("query", parts.get(&parts.query).unwrap_or("").to_string());
    }
    if let Some(fragment) = &parts.fragment
        && pos + 1 >= fragment.start
    {
        return ("fragment", format!("#{}", &text[fragment.clone()]));
    }
    (
        "host",
        text.get(pos..).unwrap_or("").chars().take(20).collect(),
    )
}

/// Parses with the `url` crate (WHATWG; the scheme is non-special, so the host stays opaque)
/// and records every difference not already explained by a more specific issue.
fn compare_with_url_crate(parts: &mut RawParts, found: &mut Vec<ParseIssue>) {
    let explained = |found: &Vec<ParseIssue>, part: &str| found.iter().any(|f| f.part == part);
    let parsed = match url::Url::parse(&parts.text) {
        Ok(parsed) => parsed,
        Err(url::ParseError::InvalidPort) => return, // the invalid-port rule owns this one
        Err(e) => {
            if found.is_empty() {
                found.push(ParseIssue {
                    kind: IssueKind::UrlRejected,
                    part: "host",
                    message: format!("the WHATWG URL parser rejects this URL ({e}) while a naive parser accepts it"),
                    evidence: parts.host_str().to_string(),
                });
            }
            return;
        }
    };
    parts.url_password = parsed.password().map(str::to_string);
    let mut differ = |part: &'static str, what: String, evidence: String| {
        if !explained(found, part) {
            found.push(ParseIssue {
                kind: IssueKind::ParsersDiffer,
                part,
                message: what,
                evidence,
            });
        }
    };
    let ours_user = parts.get(&parts.user).map(decode).unwrap_or_default();
    let theirs_user = decode(parsed.username());
    if ours_user != theirs_user {
        differ(
            "userinfo",
            format!(
                "the WHATWG parser reads user '{theirs_user}', a strict reading gives '{ours_user}'"
            ),
            format!("{ours_user}@"),
        );
    }
    let theirs_host = parsed.host_str().unwrap_or("");
    if !theirs_host.eq_ignore_ascii_case(parts.host_str()) {
        differ(
            "host",
            format!(
                "the WHATWG parser reads host '{theirs_host}', a strict reading gives '{}'",
                parts.host_str()
            ),
            parts.host_str().to_string(),
        );
    }
    let ours_port = parts
        .port_str()
        .filter(|p| !p.is_empty())
        .and_then(|p| p.parse::<u16>().ok());
    if parsed.port() != ours_port && parts.port_str().is_some_and(|p| !p.is_empty()) {
        differ(
            "port",
            format!(
                "the WHATWG parser reads port {:?}, a strict reading gives {:?}",
                parsed.port(),
                parts.port_str()
            ),
            format!(":{}", parts.port_str().unwrap_or("")),
        );
    }
    let ours: Vec<(String, String)> = parts
        .params
        .iter()
        .map(|p| {
            (
                decode_query(&p.name),
                p.value.as_deref().map(decode_query).unwrap_or_default(),
            )
        })
        .collect();
    let theirs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if ours != theirs {
        let first = ours
            .iter()
            .zip(theirs.iter())
            .find(|(a, b)| a != b)
            .map(|(a, _)| a.0.clone())
            .unwrap_or_default();
        let secret = super::is_secret_name(&first);
        differ(
            "query",
            format!("the WHATWG parser reads the parameters differently, starting at '{first}'"),
            if secret {
                format!("{first}={}", crate::text::redact::MASK)
            } else {
                first
            },
        );
    }
}

/// The query with leaked escapes of its own separators undone: `&amp;` and a `%26` that is
/// followed by the next `name=` become `&`, a `%3D` right after a known name becomes `=`.
pub(crate) fn repair_separators(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut i = 0;
    while i < query.len() {
        let rest = &query[i..];
        let lower: String = rest
            .chars()
            .take(5)
            .collect::<String>()
            .to_ascii_lowercase();
        if lower.starts_with("&amp;") {
            out.push('&');
            i += 5;
        } else if lower.starts_with("%26") && leaked_separator(&rest[3..]) {
            out.push('&');
            i += 3;
        } else if lower.starts_with("%3d")
            && KNOWN_PARAMETERS.iter().any(|name| {
                out.to_ascii_lowercase()
                    .ends_with(&name.to_ascii_lowercase())
            })
        {
            out.push('=');
            i += 3;
        } else {
            let c = rest.chars().next().unwrap_or('\0');
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}
