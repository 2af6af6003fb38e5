//! The host (and userinfo) of a `scheme://authority…` URL as each URL parser on a phone sees it.
//!
//! The parsers that meet a provisioning URL disagree on where the authority ends and where the
//! host starts, and an attacker who knows it can show a reviewer one host and send the app to
//! another (`hclsametime://evil.example.net\@stproxy.example.com/`). Modelled here, each from
//! its source or specification (docs/audit.md, "How a phone reads a code"):
//!
//! - **RFC 3986** (the strict reading of `sametime::raw`): the authority ends at the first `/`,
//!   `?` or `#`; the userinfo at its last `@`; the host at the port's `:`.
//! - **WHATWG URL** (browsers, the `url` crate): the same delimiters for a non-special scheme
//!   such as `hclsametime` (for `http`/`https` a `\` is a `/` too); the host is opaque and stays
//!   percent-encoded.
//! - **android.net.Uri** (`parseAuthority`, `parseHost`): the authority ends at the first `/`,
//!   `\`, `?` or `#`; the host starts after the last `@` and ends at a `:` followed only by
//!   ASCII digits (a reverse scan); the host is percent-decoded.
//! - **java.net.URI** (RFC 2396): a character outside RFC 2396's sets (`\`, a space, `"`,
//!   `{`…) rejects the whole URL; the userinfo ends at the *first* `@`; a host that is not a
//!   valid host name (an `_`, a second `@`, an escape) makes the authority "registry-based" and
//!   `getHost()` null.
//!
//! Hosts are compared percent-decoded and lower-cased. A parser that finds no host names none.

/// A URL parser whose reading of the authority is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    Rfc3986,
    Whatwg,
    AndroidUri,
    JavaUri,
}

impl Parser {
    pub const ALL: [Parser; 4] = [
        Parser::Rfc3986,
        Parser::Whatwg,
        Parser::AndroidUri,
        Parser::JavaUri,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Parser::Rfc3986 => "RFC 3986",
            Parser::Whatwg => "the WHATWG URL parser",
            Parser::AndroidUri => "android.net.Uri",
            Parser::JavaUri => "java.net.URI",
        }
    }
}

/// What one parser makes of the authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorityReading {
    pub parser: Parser,
    /// The host, percent-decoded and lower-cased; `None` when the parser finds none.
    pub host: Option<String>,
    /// The userinfo, percent-decoded (it may hold a password: never serialize it).
    pub userinfo: Option<String>,
}

/// Every parser's reading of the authority of `text` (`scheme://…`); empty without `//`.
pub fn read(text: &str) -> Vec<AuthorityReading> {
    let text = text.trim();
    let Some((_, rest)) = text.split_once(':') else {
        return Vec::new();
    };
    let Some(rest) = rest.strip_prefix("//") else {
        return Vec::new();
    };
    Parser::ALL
        .iter()
        .map(|parser| match parser {
            Parser::Rfc3986 => rfc3986(rest),
            Parser::Whatwg => whatwg(text),
            Parser::AndroidUri => android(rest),
            Parser::JavaUri => java(rest),
        })
        .collect()
}

/// The distinct hosts the parsers see, in parser order.
pub fn distinct_hosts(readings: &[AuthorityReading]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for host in readings.iter().filter_map(|r| r.host.clone()) {
        if !host.is_empty() && !out.contains(&host) {
            out.push(host);
        }
    }
    out
}

/// "android.net.Uri reads host 'a', RFC 3986 and the WHATWG URL parser 'b', java.net.URI none".
pub fn describe_hosts(readings: &[AuthorityReading]) -> String {
    let mut groups: Vec<(Option<String>, Vec<&'static str>)> = Vec::new();
    for r in readings {
        let host = r.host.clone().filter(|h| !h.is_empty());
        match groups.iter_mut().find(|(h, _)| *h == host) {
            Some((_, names)) => names.push(r.parser.name()),
            None => groups.push((host, vec![r.parser.name()])),
        }
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(host, names)| {
            let who = names.join(" and ");
            match host {
                Some(h) => format!("{who} '{h}'"),
                None => format!("{who} no host"),
            }
        })
        .collect();
    format!("the parsers read different hosts: {}", parts.join(", "))
}

use crate::text::escapes::percent_decoded as decode;

fn host_of(hostport: &str, port_colon: Option<usize>) -> String {
    let host = match port_colon {
        Some(c) => &hostport[..c],
        None => hostport,
    };
    decode(host).to_lowercase()
}

/// The first `:` that is not inside an IPv6 literal.
fn forward_port_colon(hostport: &str) -> Option<usize> {
    if hostport.starts_with('[') {
        let close = hostport.find(']')?;
        hostport[close..].find(':').map(|c| close + c)
    } else {
        hostport.find(':')
    }
}

fn rfc3986(rest: &str) -> AuthorityReading {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(decode(u)), h),
        None => (None, authority),
    };
    AuthorityReading {
        parser: Parser::Rfc3986,
        host: Some(host_of(hostport, forward_port_colon(hostport))),
        userinfo,
    }
}

fn whatwg(text: &str) -> AuthorityReading {
    let parsed = url::Url::parse(text).ok();
    let userinfo = parsed.as_ref().and_then(|u| {
        let user = decode(u.username());
        match u.password() {
            Some(p) => Some(format!("{user}:{}", decode(p))),
            None if user.is_empty() => None,
            None => Some(user),
        }
    });
    AuthorityReading {
        parser: Parser::Whatwg,
        host: parsed
            .as_ref()
            .and_then(|u| u.host_str())
            .map(|h| decode(h).to_lowercase()),
        userinfo,
    }
}

fn android(rest: &str) -> AuthorityReading {
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let userinfo = authority.rfind('@').map(|at| decode(&authority[..at]));
    let hostport = authority
        .rfind('@')
        .map_or(authority, |at| &authority[at + 1..]);
    // findPortSeparator: a reverse scan that stops at the first character that is neither a
    // colon nor an ASCII digit.
    let mut port_colon = None;
    for (i, c) in hostport.char_indices().rev() {
        if c == ':' {
            port_colon = Some(i);
            break;
        }
        if !c.is_ascii_digit() {
            break;
        }
    }
    AuthorityReading {
        parser: Parser::AndroidUri,
        host: Some(host_of(hostport, port_colon)),
        userinfo,
    }
}

/// RFC 2396's characters of an authority (unreserved, escaped, reserved of the authority).
fn java_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.!~*'();:&=+$,%@[]".contains(c)
}

fn java(rest: &str) -> AuthorityReading {
    let none = AuthorityReading {
        parser: Parser::JavaUri,
        host: None,
        userinfo: None,
    };
    // The whole URL is checked; a character outside RFC 2396 anywhere is a URISyntaxException.
    let whole_ok = rest.chars().all(|c| java_allowed(c) || "/?#".contains(c));
    if !whole_ok {
        return none;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, server) = match authority.split_once('@') {
        Some((u, s)) => (Some(decode(u)), s),
        None => (None, authority),
    };
    let (host, port) = match forward_port_colon(server) {
        Some(c) => (&server[..c], Some(&server[c + 1..])),
        None => (server, None),
    };
    let port_ok = port.is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()));
    if !port_ok || !java_hostname(host) {
        // A registry-based authority: getHost() and getUserInfo() are null.
        return none;
    }
    AuthorityReading {
        parser: Parser::JavaUri,
        host: Some(host.to_lowercase()),
        userinfo,
    }
}

/// RFC 2396 `host`: an IPv6 reference, or labels of letters, digits and inner hyphens.
fn java_hostname(host: &str) -> bool {
    if host.starts_with('[') {
        return host.ends_with(']');
    }
    !host.is_empty()
        && host.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str) -> Vec<(Parser, Option<String>)> {
        read(text).into_iter().map(|r| (r.parser, r.host)).collect()
    }

    fn host(text: &str, parser: Parser) -> Option<String> {
        read(text)
            .into_iter()
            .find(|r| r.parser == parser)
            .and_then(|r| r.host)
    }

    #[test]
    fn a_backslash_ends_androids_authority_only() {
        let text = "hclsametime://evil.example.net\\@stproxy.example.com/?action=AddCommunity";
        assert_eq!(
            host(text, Parser::AndroidUri).as_deref(),
            Some("evil.example.net")
        );
        assert_eq!(
            host(text, Parser::Rfc3986).as_deref(),
            Some("stproxy.example.com")
        );
        assert_eq!(
            host(text, Parser::Whatwg).as_deref(),
            Some("stproxy.example.com")
        );
        assert_eq!(host(text, Parser::JavaUri), None);
        let all = read(text);
        assert_eq!(
            distinct_hosts(&all),
            ["stproxy.example.com", "evil.example.net"]
        );
        assert!(describe_hosts(&all).contains("android.net.Uri 'evil.example.net'"));
    }

    #[test]
    fn plain_authorities_agree() {
        for text in [
            "hclsametime://stproxy.example.com/?action=AddCommunity",
            "hclsametime://dmisawa@stproxy.example.com:8443/?action=AddCommunity",
            "hclsametime://STPROXY.example.com:443/",
        ] {
            assert_eq!(
                distinct_hosts(&read(text)).len(),
                1,
                "{text}: {:?}",
                hosts(text)
            );
        }
    }

    #[test]
    fn escapes_ports_and_several_ats() {
        // Android decodes the host; WHATWG keeps an opaque host's escapes (compared decoded).
        let text = "hclsametime://evil%2Eexample%2Enet/";
        assert_eq!(distinct_hosts(&read(text)), ["evil.example.net"]);
        // java.net.URI ends the userinfo at the first '@' and then finds no valid host.
        let text = "hclsametime://a@b.example.com@evil.example.net/";
        assert_eq!(host(text, Parser::JavaUri), None);
        assert_eq!(
            host(text, Parser::AndroidUri).as_deref(),
            Some("evil.example.net")
        );
        // An underscore makes the authority registry-based to java.net.URI.
        assert_eq!(
            host("hclsametime://st_proxy.example.com/", Parser::JavaUri),
            None
        );
        // Android's port scan stops at a non-digit: ':+443' stays in its host.
        assert_eq!(
            host("hclsametime://h.example.com:+443/", Parser::AndroidUri).as_deref(),
            Some("h.example.com:+443")
        );
    }
}
