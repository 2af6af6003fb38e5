//! Rules over web URLs: a code that *is* a link (`https://…`), and every URL carried inside
//! another payload (a contact's `URL:`, an Android enrolment download location).
//!
//! Quishing (phishing through QR codes) works because a reader cannot see where a code leads
//! before the phone opens it. These rules say what a careful reader would notice: a password in
//! the link (`embedded-password`), a user name disguised as a host (`deceptive-userinfo`), plain
//! `http` (`cleartext-http`), look-alike or punycode host names (`idn-host`, UTS #39 mixed-script
//! and confusable checks), raw IP addresses in any spelling a browser accepts (`ip-literal-host`),
//! link shorteners that hide the destination (`url-shortener`), hosts outside the policy's
//! allow-list (`host-not-allowed`) and a second URL riding in a query parameter
//! (`suspicious-redirect`).
//!
//! Every function takes `place`, a noun phrase naming where the URL sits ("the link", "the
//! contact's URL"), so that messages read right whatever payload carried the URL. Suggested URLs
//! never keep a password.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use unicode_security::{GeneralSecurityProfile, MixedScript};

use super::Finding;
use super::catalogue;
use crate::audit::policy::Policy;
use crate::payload::link::LinkForm;
use crate::payload::{WebUrl, parse_web_url};

/// Link shorteners and dynamic-QR redirectors: see the file for where the list comes from.
const SHORTENERS: &str = include_str!("data/url-shorteners.txt");

/// Every finding about a link that is the whole payload: judged as the URL the phone opens
/// (`http://` added to a bare host, the URL of a bookmark), named as it was written.
pub fn audit(web: &WebUrl, policy: &Policy) -> Vec<Finding> {
    let unwritten = if web.scheme_inferred {
        ", written without a scheme, so phones open it as http://"
    } else {
        ""
    };
    let place = match web.form {
        Some(LinkForm::BareHost) => {
            "the link (a host name without a scheme, which phones open as http://)".to_string()
        }
        Some(LinkForm::Bookmark) => format!("the bookmark's URL ('{}'{unwritten})", web.target),
        Some(LinkForm::Urlto) => format!("the URLTO link ('{}'{unwritten})", web.target),
        None => "the link".to_string(),
    };
    audit_parsed(web, &web.target, &place, policy)
}

/// Every finding about a URL found inside another payload; `place` names it in messages.
/// Text that does not parse as a URL gives no finding. Suggestions replace this URL only, and
/// are judged within it (`Finding::within`).
pub fn audit_url(text: &str, place: &str, policy: &Policy) -> Vec<Finding> {
    match parse_web_url(text) {
        Some(web) => audit_parsed(&web, text.trim(), place, policy)
            .into_iter()
            .map(|f| f.within(text))
            .collect(),
        None => Vec::new(),
    }
}

fn audit_parsed(web: &WebUrl, text: &str, place: &str, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let Ok(parsed) = url::Url::parse(text) else {
        return out;
    };
    embedded_password(web, &parsed, place, &mut out);
    secret_parameters(web, &parsed, place, &mut out);
    userinfo_in_link(&parsed, place, &mut out);
    out.extend(super::sametime::deceptive_web_userinfo(text));
    cleartext_http(&parsed, place, &mut out);
    let raw_host = raw_host(text);
    if let Some(host) = parsed.host_str() {
        idn_host(host, raw_host.as_deref(), place, &mut out);
        ip_literal_host(&parsed, raw_host.as_deref(), place, &mut out);
        url_shortener(host, place, &mut out);
        host_not_allowed(host, place, policy, &mut out);
    }
    suspicious_redirect(&parsed, place, &mut out);
    match parsed.scheme() {
        "mailto" => {
            // mailto:a@x.example,b@y.example?subject=…: every recipient's domain.
            let to = percent_encoding::percent_decode_str(parsed.path()).decode_utf8_lossy();
            for address in to.split(',').filter(|a| !a.trim().is_empty()) {
                out.extend(audit_email(address, place, policy));
            }
        }
        // Chat and VoIP addresses without `//` (xmpp:jane@chat.example.com/phone,
        // sip:jane@example.com;transport=tls) name their domain the way an e-mail address does.
        "xmpp" | "sip" | "sips" | "im" if parsed.cannot_be_a_base() => {
            let path = parsed.path();
            let address = path.split(['/', ';', '?']).next().unwrap_or(path);
            let address = percent_encoding::percent_decode_str(address).decode_utf8_lossy();
            let address = address.rsplit_once(':').map_or(&*address, |(a, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    a
                } else {
                    &*address
                }
            });
            out.extend(audit_email(address, place, policy));
        }
        _ => {}
    }
    out
}

/// Findings about an e-mail address (a contact's `EMAIL`, a `mailto:` recipient): its domain
/// is judged like a link's host, for look-alike names, IP literals and the host allow-list.
pub fn audit_email(address: &str, place: &str, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let address = address.trim();
    let Some((_, domain)) = address.rsplit_once('@') else {
        return out;
    };
    let domain = domain.trim_end_matches('>').trim();
    if domain.is_empty() {
        return out;
    }
    let place = format!("{place} (e-mail address '{address}')");
    let literal = domain
        .strip_prefix('[')
        .and_then(|d| d.strip_suffix(']'))
        .map(|d| d.strip_prefix("IPv6:").unwrap_or(d));
    let ip = literal.unwrap_or(domain).parse::<IpAddr>().ok();
    if let Some(ip) = ip {
        out.push(
            Finding::new(
                &catalogue::IP_LITERAL_HOST,
                format!(
                    "{place} is addressed to the IP address {ip}{}: no name tells the reader who receives the mail",
                    ip_scope(ip)
                ),
            )
            .with_evidence(domain.to_string()),
        );
        return out;
    }
    // The ASCII form (what DNS sees) is what the allow-list holds.
    let ascii = idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_ascii_lowercase());
    idn_host(&ascii, Some(domain), &place, &mut out);
    host_not_allowed(&ascii, &place, policy, &mut out);
    out
}

/// `parsed` without user name and password, as text: the base of every suggestion.
fn without_credentials(parsed: &url::Url) -> url::Url {
    let mut clean = parsed.clone();
    // Both fail only for URLs that cannot have credentials, which then have none.
    let _ = clean.set_password(None);
    clean
}

fn embedded_password(web: &WebUrl, parsed: &url::Url, place: &str, out: &mut Vec<Finding>) {
    let Some(password) = web.password.as_deref().filter(|p| !p.is_empty()) else {
        return;
    };
    // Evidence quotes the decoded password, a spelling `Payload::secrets()` lists, so that the
    // report layer masks it.
    let evidence = format!("{}:{password}@", parsed.username());
    out.push(
        Finding::new(
            &catalogue::EMBEDDED_PASSWORD,
            format!(
                "{place} ({} URL) holds a password in clear text: anyone who sees or scans the code can read it",
                web.scheme
            ),
        )
        .with_evidence(evidence)
        .with_suggested_url(without_credentials(parsed).to_string()),
    );
}

/// A query parameter named like a secret (`?api_key=…`, `&pwd=…`): exposed whether or not the
/// site reads it. The suggestion drops those parameters and keeps the others as written.
fn secret_parameters(web: &WebUrl, parsed: &url::Url, place: &str, out: &mut Vec<Finding>) {
    if web.secret_parameters.is_empty() {
        return;
    }
    let mut clean = without_credentials(parsed);
    let kept: Vec<&str> = parsed
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|piece| !web.secret_parameters.iter().any(|p| p.written == *piece))
        .filter(|piece| !piece.is_empty())
        .collect();
    clean.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
    for param in &web.secret_parameters {
        let rule = match param.kind {
            crate::payload::secret_name::SecretName::Password => &catalogue::EMBEDDED_PASSWORD,
            crate::payload::secret_name::SecretName::Credential => &catalogue::SECRET_PARAMETER,
        };
        out.push(
            Finding::new(
                rule,
                format!(
                    "{place} carries a parameter named like a secret ('{}'), in clear text: anyone who sees or scans the code holds it",
                    param.name
                ),
            )
            .with_evidence(param.written.clone())
            .with_fix(format!(
                "Remove '{}' from the link and rotate the exposed credential.",
                param.name
            ))
            .with_suggested_url(clean.to_string()),
        );
    }
}

/// Any user part at all (`https://anything@host/`): what ZXing's readers flag as possibly
/// malicious. The suggestion drops the whole userinfo.
fn userinfo_in_link(parsed: &url::Url, place: &str, out: &mut Vec<Finding>) {
    if parsed.username().is_empty() && parsed.password().is_none() {
        return;
    }
    let host = parsed.host_str().unwrap_or("");
    let user = percent_encoding::percent_decode_str(parsed.username()).decode_utf8_lossy();
    let mut clean = parsed.clone();
    let suggestion = (clean.set_username("").is_ok() && clean.set_password(None).is_ok())
        .then(|| clean.to_string());
    let mut finding = Finding::new(
        &catalogue::USERINFO_IN_LINK,
        format!(
            "{place} has a user part ('{user}@' before {host}): readers see it before the host, and it has no business in a printed code"
        ),
    )
    .with_evidence(format!("{}@{host}", parsed.username()));
    if let Some(url) = suggestion {
        finding = finding.with_suggested_url(url);
    }
    out.push(finding);
}

fn cleartext_http(parsed: &url::Url, place: &str, out: &mut Vec<Finding>) {
    let secure = match parsed.scheme() {
        "http" => "https",
        "ws" => "wss",
        _ => return,
    };
    let mut fixed = without_credentials(parsed);
    let suggestion = fixed.set_scheme(secure).ok().map(|()| fixed.to_string());
    let host = parsed.host_str().unwrap_or("");
    let mut finding = Finding::new(
        &catalogue::CLEARTEXT_HTTP,
        format!(
            "{place} uses plain {}: anyone on the network path (a café or hotel Wi-Fi) can read and change what {host} sends, and anything typed there travels in clear text",
            parsed.scheme()
        ),
    )
    .with_evidence(format!("{}://{host}", parsed.scheme()));
    if let Some(url) = suggestion {
        finding = finding.with_suggested_url(url);
    }
    out.push(finding);
}

/// The host exactly as written in `scheme://[userinfo@]host[:port]…`, percent-decoded. The
/// authority ends at the first `/`, `?`, `#` or `\` (browsers treat `\` as `/` in http URLs),
/// the userinfo at its last `@`.
pub(crate) fn raw_host(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("://")?;
    let authority = rest.split(['/', '?', '#', '\\']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port
            .split_once(']')
            .map_or(host_port, |(h, _)| &host_port[..h.len() + 1])
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    let decoded = percent_encoding::percent_decode_str(host)
        .decode_utf8_lossy()
        .into_owned();
    (!decoded.is_empty()).then_some(decoded)
}

/// Why a host name may imitate another one, or `None` when it reads as what it is.
///
/// Judged label by label (UTS #39): a punycode label always (it is displayed as something other
/// than what is written, and phishing kits use it to dodge filters); a Unicode label when it
/// mixes scripts (Latin with Cyrillic `pаypal`), holds characters not allowed in identifiers, or
/// is made only of characters that are confusable with ASCII (all-Cyrillic `аррӏе`). A label in
/// one script that does not look like ASCII (`münchen`, `例え`) is a legitimate IDN.
pub(crate) fn idn_reasons(host: &str) -> Vec<String> {
    let mut reasons = Vec::new();
    for label in host.trim_end_matches('.').split('.') {
        let lower = label.to_lowercase();
        let unicode = if lower.starts_with("xn--") {
            let (decoded, result) = idna::domain_to_unicode(&lower);
            if result.is_err() || decoded.starts_with("xn--") {
                reasons.push(format!("'{label}' is an invalid punycode label"));
                continue;
            }
            reasons.push(format!(
                "'{label}' is punycode: phones and browsers may show it as '{decoded}'"
            ));
            decoded
        } else if !label.is_ascii() {
            lower
        } else {
            continue;
        };
        if let Some(c) = unicode
            .chars()
            .find(|&c| c != '-' && !c.is_ascii() && !c.identifier_allowed())
        {
            reasons.push(format!(
                "'{unicode}' holds U+{:04X}, a character not allowed in names (UTS #39)",
                c as u32
            ));
        } else if !unicode.as_str().is_single_script() {
            reasons.push(format!(
                "'{unicode}' mixes scripts (for example Latin with Cyrillic or Greek look-alikes)"
            ));
        } else if !unicode.is_ascii() {
            let skeleton: String = unicode_security::skeleton(&unicode).collect();
            if skeleton.is_ascii() {
                reasons.push(format!(
                    "'{unicode}' is made of letters that look like the ASCII name '{skeleton}'"
                ));
            }
        }
    }
    reasons
}

fn idn_host(host: &str, raw: Option<&str>, place: &str, out: &mut Vec<Finding>) {
    // The host as written says more than the `url` crate's ASCII form (which turns every
    // Unicode name into punycode): judge the written form, and the ASCII form when written
    // as punycode.
    let written = raw.filter(|r| !r.starts_with('[')).unwrap_or(host);
    let reasons = idn_reasons(written);
    if reasons.is_empty() {
        return;
    }
    let shown = if written == host {
        format!("'{host}'")
    } else {
        format!("'{written}' (on the wire '{host}')")
    };
    out.push(
        Finding::new(
            &catalogue::IDN_HOST,
            format!(
                "{place} goes to {shown}, which may imitate another name: {}",
                reasons.join("; ")
            ),
        )
        .with_evidence(written.to_string())
        .with_fix("Use the plain ASCII name of the site; check who owns the host in the code before anyone scans it."),
    );
}

fn ip_scope(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(a) if a.is_loopback() => " (loopback: the phone itself)",
        IpAddr::V4(a) if a.is_private() => " (a private address: it only works inside one network)",
        IpAddr::V4(a) if a.is_link_local() => " (link-local)",
        IpAddr::V4(a) if a.is_unspecified() => " (unspecified)",
        IpAddr::V6(a) if a.is_loopback() => " (loopback: the phone itself)",
        IpAddr::V6(a) if (a.segments()[0] & 0xfe00) == 0xfc00 => {
            " (a unique local address: it only works inside one network)"
        }
        IpAddr::V6(a) if (a.segments()[0] & 0xffc0) == 0xfe80 => " (link-local)",
        _ => "",
    }
}

/// The IP address a host names in any spelling, read as the WHATWG URL standard's IPv4
/// parser reads the host of an http URL (which accepts what `inet_aton` accepts: `10.1`,
/// `0x7f.1`, `0300.0.02.012`, `3232235777`), or an IPv6 literal.
pub(crate) fn ip_of_host(host: &str) -> Option<IpAddr> {
    let host = host.trim();
    if let Some(v6) = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .and_then(|h| h.parse::<Ipv6Addr>().ok())
    {
        return Some(v6.into());
    }
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return Some(v4.into());
    }
    // Only hosts made of digits, dots and hex letters can be IPv4 in another spelling.
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, '.' | 'x' | 'X'))
    {
        return None;
    }
    match url::Url::parse(&format!("http://{host}/")).ok()?.host()? {
        url::Host::Ipv4(a) => Some(a.into()),
        _ => None,
    }
}

/// The ip-literal-host finding about `host` (as written), when it names an IP address.
pub(crate) fn ip_literal_finding(host: &str, place: &str) -> Option<Finding> {
    let ip = ip_of_host(host)?;
    let mut out = Vec::new();
    report_ip(ip, Some(host), place, &mut out);
    out.pop()
}

fn ip_literal_host(parsed: &url::Url, raw: Option<&str>, place: &str, out: &mut Vec<Finding>) {
    let ip: IpAddr = match parsed.host() {
        Some(url::Host::Ipv4(a)) => a.into(),
        Some(url::Host::Ipv6(a)) => a.into(),
        // Non-special schemes keep the host opaque: read it as an http host would be read.
        Some(url::Host::Domain(d)) => match ip_of_host(d) {
            Some(ip) => ip,
            None => return,
        },
        None => return,
    };
    report_ip(ip, raw, place, out);
}

fn report_ip(ip: IpAddr, raw: Option<&str>, place: &str, out: &mut Vec<Finding>) {
    let canonical = match ip {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(a) => format!("[{a}]"),
    };
    let written = raw.unwrap_or(&canonical);
    let spelled = if written.eq_ignore_ascii_case(&canonical) {
        String::new()
    } else {
        // 0x7f.1, 017700000001, 2130706433: browsers accept hex, octal and dotless forms.
        format!(
            ", written as '{written}' (a hex, octal or shortened form that browsers accept but readers do not recognise)"
        )
    };
    out.push(
        Finding::new(
            &catalogue::IP_LITERAL_HOST,
            format!(
                "{place} goes to the IP address {canonical}{}{spelled}: no name tells the reader who runs it, and no certificate can vouch for it",
                ip_scope(ip)
            ),
        )
        .with_evidence(written.to_string()),
    );
}

/// The listed shortener that `host` is, or is a subdomain of.
pub(crate) fn shortener(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    SHORTENERS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .find(|s| {
            host == *s
                || host
                    .strip_suffix(s)
                    .is_some_and(|sub| sub.len() > 1 && sub.ends_with('.'))
        })
}

fn url_shortener(host: &str, place: &str, out: &mut Vec<Finding>) {
    if let Some(service) = shortener(host) {
        out.push(
            Finding::new(
                &catalogue::URL_SHORTENER,
                format!(
                    "{place} goes through the link shortener {service}: the real destination is hidden from the reader, and whoever owns the short link can change it after the code is printed"
                ),
            )
            .with_evidence(host.to_string()),
        );
    }
}

fn host_not_allowed(host: &str, place: &str, policy: &Policy, out: &mut Vec<Finding>) {
    if policy.hosts_checked() && !policy.host_allowed(host) {
        out.push(
            Finding::new(
                &catalogue::HOST_NOT_ALLOWED,
                format!(
                    "{place} goes to host '{host}', which is not among the policy's allowed hosts ({})",
                    policy.allowed_hosts.join(", ")
                ),
            )
            .with_evidence(host.to_string())
            .with_fix("Point the code at an allowed host, or add the host to allowed_hosts if it is yours."),
        );
    }
}

/// The URL a query value carries: `https://…`, `http://…` or `//host…`, also when encoded once
/// more than the query itself (`https%3A%2F%2F…` inside the value).
fn embedded_url(value: &str) -> Option<String> {
    let mut value = value.trim().to_string();
    for _ in 0..2 {
        let lower = value.to_ascii_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://"))
            && url::Url::parse(&value).is_ok_and(|u| u.host_str().is_some())
        {
            return Some(value);
        }
        if lower.starts_with("//") && lower.len() > 2 && !lower[2..].starts_with('/') {
            return Some(value);
        }
        value = percent_encoding::percent_decode_str(&value)
            .decode_utf8_lossy()
            .into_owned();
    }
    None
}

fn suspicious_redirect(parsed: &url::Url, place: &str, out: &mut Vec<Finding>) {
    let mut seen = Vec::new();
    for (name, value) in parsed.query_pairs() {
        let Some(target) = embedded_url(&value) else {
            continue;
        };
        if seen.contains(&name) {
            continue;
        }
        let target_host = url::Url::parse(&target)
            .or_else(|_| url::Url::parse(&format!("https:{target}")))
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        let shown: String = format!("{name}={value}").chars().take(120).collect();
        out.push(
            Finding::new(
                &catalogue::SUSPICIOUS_REDIRECT,
                format!(
                    "{place} carries another URL in parameter '{name}' (to '{target_host}'): the site may send the reader on to it (an open redirect), so the host a reader checks is not where they end up"
                ),
            )
            .with_evidence(shown),
        );
        seen.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Payload;

    fn rules(text: &str, policy: &Policy) -> Vec<String> {
        crate::audit::audit_text(text, &Payload::classify(text), policy)
            .into_iter()
            .map(|f| f.rule.id.to_string())
            .collect()
    }

    fn findings(text: &str) -> Vec<Finding> {
        crate::audit::audit_text(text, &Payload::classify(text), &Policy::default())
    }

    #[test]
    fn clean_https_link_has_no_finding() {
        assert!(findings("https://www.example.com/path?q=1#top").is_empty());
    }

    #[test]
    fn cleartext_http_suggests_https_without_the_password() {
        let f = findings("http://bob:pw@example.com:8080/a?b=c");
        let http = f
            .iter()
            .find(|f| f.rule == "cleartext-http")
            .expect("fires");
        assert_eq!(
            http.suggested_url.as_deref(),
            Some("https://bob@example.com:8080/a?b=c")
        );
        let ws = findings("ws://example.com/socket");
        assert_eq!(
            ws[0].suggested_url.as_deref(),
            Some("wss://example.com/socket")
        );
        assert!(rules("https://example.com/", &Policy::default()).is_empty());
        assert!(rules("ftp://example.com/", &Policy::default()).is_empty());
    }

    #[test]
    fn ip_literals_in_every_spelling_browsers_accept() {
        for (url, canonical) in [
            ("https://192.168.1.10/login", "192.168.1.10"),
            ("https://0x7f.1/", "127.0.0.1"),
            ("https://0300.0250.0.1/", "192.168.0.1"),
            ("https://3232235777/", "192.168.1.1"),
            ("https://0xC0A80101/", "192.168.1.1"),
            ("https://[::1]:8443/", "[::1]"),
        ] {
            let f = findings(url);
            let ip = f
                .iter()
                .find(|f| f.rule == "ip-literal-host")
                .unwrap_or_else(|| panic!("{url}: {f:?}"));
            assert!(ip.message.contains(canonical), "{url}: {}", ip.message);
        }
        let obfuscated = findings("https://0x7f.1/");
        assert!(obfuscated[0].message.contains("written as '0x7f.1'"));
        assert_eq!(obfuscated[0].evidence.as_deref(), Some("0x7f.1"));
        let plain = findings("https://8.8.8.8/");
        assert!(!plain[0].message.contains("written as"), "{plain:?}");
        // Names that merely start with digits are names.
        assert!(rules("https://1password.com/", &Policy::default()).is_empty());
        assert!(rules("https://123.example.com/", &Policy::default()).is_empty());
    }

    #[test]
    fn idn_hosts_mixed_script_confusable_and_punycode() {
        // Latin with a Cyrillic 'а' (U+0430).
        assert!(idn_reasons("p\u{0430}ypal.com")[0].contains("mixes scripts"));
        // All-Cyrillic look-alike of "apple".
        let whole = idn_reasons("\u{0430}\u{0440}\u{0440}\u{04cf}\u{0435}.com");
        assert!(whole[0].contains("look like the ASCII name"), "{whole:?}");
        // Written as punycode.
        let puny = idn_reasons("xn--80ak6aa92e.com");
        assert!(puny[0].contains("punycode"), "{puny:?}");
        assert!(puny.len() >= 2, "the decoded label is judged too: {puny:?}");
        assert!(!idn_reasons("xn--zz.example")[0].is_empty());
        // Legitimate single-script IDNs and ASCII names.
        for ok in [
            "münchen.de",
            "bücher.example",
            "例え.jp",
            "пример.рф",
            "www.example.com",
        ] {
            assert!(idn_reasons(ok).is_empty(), "{ok}: {:?}", idn_reasons(ok));
        }
        let f = findings("https://p\u{0430}ypal.com/login");
        let idn = f.iter().find(|f| f.rule == "idn-host").expect("fires");
        assert!(idn.message.contains("xn--"), "{}", idn.message);
        assert!(rules("https://münchen.de/", &Policy::default()).is_empty());
    }

    #[test]
    fn shorteners_and_their_subdomains() {
        assert_eq!(shortener("bit.ly"), Some("bit.ly"));
        assert_eq!(shortener("WWW.Bit.Ly."), Some("bit.ly"));
        assert_eq!(shortener("notbit.ly"), None);
        assert_eq!(shortener("bit.ly.evil.example"), None);
        assert_eq!(shortener("youtu.be"), None);
        assert!(rules("https://bit.ly/3xYz", &Policy::default()).contains(&"url-shortener".into()));
    }

    #[test]
    fn host_allow_list_applies_to_links() {
        let mut policy = Policy::default();
        policy
            .merge_flags(&["*.example.com".into()], &[])
            .expect("valid");
        assert!(rules("https://evil.example.net/", &policy).contains(&"host-not-allowed".into()));
        assert!(rules("https://www.example.com/", &policy).is_empty());
        // A mailto: link has no host, but its recipients have domains.
        assert_eq!(
            rules("mailto:someone@evil.example.net", &policy),
            ["host-not-allowed"]
        );
        assert!(rules("mailto:someone@www.example.com", &policy).is_empty());
        // Ports are a Sametime matter: not checked for links.
        policy.merge_flags(&[], &[443]).expect("valid");
        assert!(rules("https://www.example.com:8443/", &policy).is_empty());
    }

    #[test]
    fn redirect_parameters() {
        for url in [
            "https://example.com/out?url=https://evil.example.net/",
            "https://example.com/out?next=https%3A%2F%2Fevil.example.net%2F",
            "https://example.com/out?to=%2F%2Fevil.example.net",
            "https://example.com/out?u=https%253A%252F%252Fevil.example.net",
        ] {
            let f = findings(url);
            let r = f
                .iter()
                .find(|f| f.rule == "suspicious-redirect")
                .unwrap_or_else(|| panic!("{url}: {f:?}"));
            assert!(r.message.contains("evil.example.net"), "{}", r.message);
        }
        for url in [
            "https://example.com/search?q=http",
            "https://example.com/a?path=/local/page",
            "https://example.com/a?x=///",
        ] {
            assert!(
                !rules(url, &Policy::default()).contains(&"suspicious-redirect".into()),
                "{url}"
            );
        }
        // One finding per parameter name.
        let twice = findings("https://example.com/?u=https://a.example/&u=https://b.example/");
        assert_eq!(
            twice
                .iter()
                .filter(|f| f.rule == "suspicious-redirect")
                .count(),
            1
        );
    }

    #[test]
    fn email_domains() {
        let p = Policy::default();
        assert!(audit_email("jane@example.com", "the card", &p).is_empty());
        let f = audit_email("jane@ex\u{0430}mple.com", "the card", &p);
        assert_eq!(f[0].rule, "idn-host", "{f:?}");
        assert!(f[0].message.contains("e-mail address"), "{}", f[0].message);
        let f = audit_email("jane@[192.0.2.1]", "the card", &p);
        assert_eq!(f[0].rule, "ip-literal-host");
        let mut allow = Policy::default();
        allow.merge_flags(&["example.com".into()], &[]).unwrap();
        assert!(audit_email("jane@example.com", "x", &allow).is_empty());
        assert_eq!(
            audit_email("jane@evil.example", "x", &allow)[0].rule,
            "host-not-allowed"
        );
        assert!(audit_email("no-at-sign", "x", &p).is_empty());
        // mailto: links are judged by their recipients' domains.
        assert!(
            rules("mailto:a@example.com,b@ex\u{0430}mple.com?subject=hi", &p)
                .contains(&"idn-host".into())
        );
    }

    #[test]
    fn raw_host_reads_what_is_written() {
        assert_eq!(
            raw_host("https://u:p@0x7f.1:80/x").as_deref(),
            Some("0x7f.1")
        );
        assert_eq!(raw_host("https://[::1]:8/").as_deref(), Some("[::1]"));
        assert_eq!(
            raw_host("https://a.example\\@b/").as_deref(),
            Some("a.example")
        );
        assert_eq!(
            raw_host("https://p%D0%B0ypal.com/").as_deref(),
            Some("pаypal.com")
        );
        assert_eq!(raw_host("mailto:x@y"), None);
    }

    #[test]
    fn urls_inside_other_payloads_name_their_place() {
        let f = audit_url(
            "http://example.com/",
            "the contact's URL",
            &Policy::default(),
        );
        assert!(
            f[0].message
                .starts_with("the contact's URL uses plain http")
        );
        assert!(audit_url("not a url", "x", &Policy::default()).is_empty());
    }
}
