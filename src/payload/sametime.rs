//! HCL Sametime mobile provisioning URLs: parsing, and the community the app will create.
//!
//! `hclsametime://[user[:password]@]host[:port]/?action=AddCommunity&...` tells the Sametime
//! mobile app to add (or update) a community definition. This module owns reading such a URL
//! (see `raw` for the strict lexer and the comparison with the WHATWG parser) and resolving the
//! effective `Community` exactly as the HCL documentation describes it: port 443 when omitted,
//! user decoded (none means prompted), community name defaulted from the host, savePassword and
//! allowUntrustedSSL false by default, the authenticating proxy enabled explicitly or implied by
//! proxy credentials. It never judges: the rules live in `audit::sametime`.
//!
//! The password is kept out of serialization; `secrets()` lists every spelling of it (as written,
//! decoded, and as the `url` crate normalises it) so that the report layer can mask it.

mod raw;
mod rewrite;

pub use raw::ParseIssue;
pub use rewrite::Rewrite;

use serde::Serialize;

use raw::{RawParts, decode, decode_query};

/// The schemes that provision a Sametime community (`sametime` and `stmeetings` are the legacy
/// and the Meetings spellings a reviewer meets in old posters).
pub const SCHEMES: [&str; 3] = ["hclsametime", "sametime", "stmeetings"];

/// The port the app uses when the URL gives none.
pub const DEFAULT_PORT: u16 = 443;

/// The only action the app knows.
pub const ADD_COMMUNITY: &str = "AddCommunity";

/// Every parameter the app knows, spelled as in the HCL documentation (names are case-sensitive).
pub const KNOWN_PARAMETERS: [&str; 7] = [
    "action",
    "communityName",
    "savePassword",
    "authProxyEnabled",
    "authProxyReuseCredentials",
    "authProxyUser",
    "allowUntrustedSSL",
];

/// The parameters whose value is `true` or `false`.
pub const BOOLEAN_PARAMETERS: [&str; 3] = ["savePassword", "authProxyEnabled", "allowUntrustedSSL"];

/// A parsed provisioning URL. Serialized (inside `payload`, tagged `kind: "sametime"`) without
/// the password.
#[derive(Debug, Clone, Serialize)]
pub struct Provisioning {
    /// The scheme, lower-cased: `hclsametime`, `sametime` or `stmeetings`.
    pub scheme: String,
    /// What the app will create.
    pub community: Box<Community>,
    /// The decoded value of the first `action` parameter.
    pub action: Option<String>,
    /// The path as written when it is neither empty nor `/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Every parameter as seen, in order (secret-looking values are left out).
    pub parameters: Vec<Parameter>,
    /// Malformed spots and places where parsers read the URL differently.
    pub parse_issues: Vec<ParseIssue>,
    #[serde(skip)]
    pub(crate) raw: Box<RawParts>,
}

/// One query parameter as seen.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Decoded name.
    pub name: String,
    /// Decoded value; `None` when written without `=`, or when the parameter looks like a
    /// secret (`password=`, `authProxyPassword=`...), whose value is never serialized.
    pub value: Option<String>,
    /// One of the parameters the app knows.
    pub known: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
    /// The decoded value, secret or not.
    #[serde(skip)]
    pub(crate) decoded: Option<String>,
    /// The value as written.
    #[serde(skip)]
    pub(crate) raw_value: Option<String>,
}

impl Parameter {
    /// The decoded value, even of a secret parameter (for rules; never serialize it).
    pub fn value_text(&self) -> Option<&str> {
        self.decoded.as_deref()
    }

    /// The value as written in the URL.
    pub fn raw_value(&self) -> Option<&str> {
        self.raw_value.as_deref()
    }
}

/// The community definition the app will create, resolved as the HCL documentation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Community {
    /// The Sametime proxy host as written; `None` when the URL has none.
    pub server: Option<String>,
    /// The port; `None` when the one written is not a number in 1..65535.
    pub port: Option<u16>,
    /// True when no port was written and 443 applies.
    pub port_defaulted: bool,
    /// The port as written when it is not valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_invalid: Option<String>,
    /// Decoded user name; `None` means the app prompts for it.
    pub user: Option<String>,
    pub password_present: bool,
    /// Decoded `communityName`, or the default derived from the host.
    pub community_name: Option<String>,
    pub community_name_defaulted: bool,
    pub save_password: bool,
    pub auth_proxy: AuthProxy,
    pub allow_untrusted_ssl: bool,
}

/// The authenticating (reverse) proxy settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthProxy {
    pub enabled: bool,
    /// True when `authProxyEnabled` is absent and proxy credentials switched it on.
    pub enabled_implied: bool,
    /// `authProxyReuseCredentials=true`: the proxy gets the Sametime user and password.
    pub reuse_credentials: bool,
    /// The proxy user: `authProxyUser`, or the Sametime user when credentials are reused;
    /// `None` means prompted (when enabled).
    pub user: Option<String>,
    /// Where `user` comes from: `authProxyUser` or `sametime-user`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_source: Option<&'static str>,
}

/// True for a parameter name that looks like it carries a secret (`password`, `authProxyPassword`,
/// `pwd`, `token`...). The known `savePassword` is a switch, not a secret.
pub fn is_secret_name(name: &str) -> bool {
    if KNOWN_PARAMETERS.contains(&name) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    ["password", "passwd", "pwd", "secret", "token"]
        .iter()
        .any(|s| lower.contains(s))
        || matches!(lower.as_str(), "pass" | "pw")
}

/// The known parameter a misspelt name most likely meant: same name in another case, or within
/// a small edit distance (`comunityName` → `communityName`).
pub fn closest_known_parameter(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    KNOWN_PARAMETERS
        .iter()
        .map(|known| (edit_distance(&lower, &known.to_ascii_lowercase()), *known))
        .filter(|(d, known)| *d <= (known.len() / 4).clamp(1, 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

/// Levenshtein distance over chars (names are short, so the quadratic table is fine).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// `true`/`false` as the Android app reads them (`Boolean.parseBoolean`: case-insensitive
/// `true`, anything else false); `None` for any other value.
pub fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// True for a value some client may read as true although it is not `true`: iOS's `boolValue`
/// takes `1`..`9`, `y`, `yes`, `t`...; many scripts take `on`.
pub fn truthy_somewhere(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    parse_bool(&lower) == Some(true)
        || matches!(lower.as_str(), "on" | "enabled")
        || lower
            .chars()
            .next()
            .is_some_and(|c| matches!(c, '1'..='9' | 'y' | 't'))
}

/// Parses a provisioning URL. `None` only when the scheme is not a provisioning scheme; a
/// malformed URL of such a scheme is still parsed as far as possible, with its problems in
/// `parse_issues`.
pub fn parse(text: &str) -> Option<Provisioning> {
    let trimmed = text.trim();
    let (scheme, _) = trimmed.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    if !SCHEMES.contains(&scheme.as_str()) {
        return None;
    }
    let mut parts = raw::lex(trimmed);
    let parse_issues = raw::issues(&mut parts);
    let parameters: Vec<Parameter> = parts
        .params
        .iter()
        .map(|p| {
            let name = decode_query(&p.name);
            let decoded = p.value.as_deref().map(decode_query);
            let secret = is_secret_name(&name);
            Parameter {
                known: KNOWN_PARAMETERS.contains(&name.as_str()),
                value: if secret { None } else { decoded.clone() },
                secret,
                decoded,
                raw_value: p.value.clone(),
                name,
            }
        })
        .collect();
    let community = Box::new(resolve(&parts, &parameters));
    let action = first(&parameters, "action").map(str::to_string);
    let path = parts
        .text
        .get(parts.path.clone())
        .filter(|p| !p.is_empty() && *p != "/")
        .map(str::to_string);
    Some(Provisioning {
        scheme,
        community,
        action,
        path,
        parameters,
        parse_issues,
        raw: Box::new(parts),
    })
}

/// The decoded value of the first occurrence of `name` (Android's `getQueryParameter` returns
/// the first; the duplicate-parameter rule reports the others).
fn first<'a>(params: &'a [Parameter], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.name == name)
        .map(|p| p.decoded.as_deref().unwrap_or(""))
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

fn resolve(parts: &RawParts, params: &[Parameter]) -> Community {
    let server = non_empty(Some(parts.host_str()));
    let (port, port_defaulted, port_invalid) = match parts.port_str() {
        None | Some("") => (Some(DEFAULT_PORT), true, None),
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => (Some(n), false, None),
            _ => (None, false, Some(p.to_string())),
        },
    };
    let user = non_empty(parts.get(&parts.user).map(decode).as_deref());
    let password_present = parts.get(&parts.password).is_some_and(|p| !p.is_empty());
    let (community_name, community_name_defaulted) = match non_empty(first(params, "communityName"))
    {
        Some(name) => (Some(name), false),
        // The documentation only says the default is "based on the host name"; the host
        // itself is the closest honest statement of it.
        None => (server.clone(), true),
    };
    let flag = |name| first(params, name).and_then(parse_bool);
    let reuse_credentials = first(params, "authProxyReuseCredentials")
        .and_then(parse_bool)
        .unwrap_or(false);
    let proxy_user_param = non_empty(first(params, "authProxyUser"));
    let explicit = flag("authProxyEnabled");
    // "If this parameter is omitted but authenticating proxy credentials are supplied, Sametime
    // behaves as if this parameter is set to true."
    let enabled = explicit.unwrap_or(reuse_credentials || proxy_user_param.is_some());
    let (proxy_user, user_source) = if !enabled {
        (None, None)
    } else if let Some(u) = proxy_user_param {
        (Some(u), Some("authProxyUser"))
    } else if reuse_credentials {
        (user.clone(), user.as_ref().map(|_| "sametime-user"))
    } else {
        (None, None)
    };
    Community {
        server,
        port,
        port_defaulted,
        port_invalid,
        user,
        password_present,
        community_name,
        community_name_defaulted,
        save_password: flag("savePassword").unwrap_or(false),
        auth_proxy: AuthProxy {
            enabled,
            enabled_implied: enabled && explicit.is_none(),
            reuse_credentials,
            user: proxy_user,
            user_source,
        },
        allow_untrusted_ssl: flag("allowUntrustedSSL").unwrap_or(false),
    }
}

impl Provisioning {
    /// The trimmed text this was parsed from (it may hold the password).
    pub fn text(&self) -> &str {
        &self.raw.text
    }

    /// The host as written.
    pub fn host(&self) -> &str {
        self.raw.host_str()
    }

    /// The userinfo as written (up to the last `@`), password included.
    pub fn userinfo_raw(&self) -> Option<&str> {
        self.raw.get(&self.raw.userinfo)
    }

    /// The user as written (still percent-encoded).
    pub fn user_raw(&self) -> Option<&str> {
        self.raw.get(&self.raw.user)
    }

    /// The port as written, if any.
    pub fn port_raw(&self) -> Option<&str> {
        self.raw.port_str()
    }

    /// The password as written, when the URL holds a non-empty one.
    pub fn password_raw(&self) -> Option<&str> {
        self.raw.get(&self.raw.password).filter(|p| !p.is_empty())
    }

    /// The decoded password.
    pub fn password(&self) -> Option<String> {
        self.password_raw().map(decode)
    }

    /// All occurrences of a parameter, in order.
    pub fn params_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Parameter> + 'a {
        self.parameters.iter().filter(move |p| p.name == name)
    }

    /// Every secret in every spelling in which it occurs: the password as written, decoded and
    /// as the `url` crate normalises it, and the values of secret-looking parameters.
    pub fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(raw) = self.password_raw() {
            out.push(raw.to_string());
            out.push(decode(raw));
        }
        out.extend(self.raw.url_password.clone());
        for p in self.parameters.iter().filter(|p| p.secret) {
            out.extend(p.raw_value.clone());
            out.extend(p.decoded.clone());
        }
        out.retain(|s| !s.is_empty());
        out.sort();
        out.dedup();
        out
    }

    /// The effective port as text: the number, or the invalid text as written.
    fn port_text(&self) -> String {
        match (&self.community.port, &self.community.port_invalid) {
            (Some(p), _) => p.to_string(),
            (None, Some(raw)) => format!("'{raw}'"),
            (None, None) => DEFAULT_PORT.to_string(),
        }
    }

    /// A compact description for one table cell; never shows the password.
    pub fn summary(&self) -> String {
        let c = &self.community;
        let name = match (&c.community_name, c.community_name_defaulted) {
            (Some(n), false) => format!("'{n}'"),
            (Some(n), true) => format!("'{n}' (default name)"),
            (None, _) => "(no name)".to_string(),
        };
        let server = c.server.as_deref().unwrap_or("(no host)");
        let mut out = format!("Sametime {name} @ {server}:{}", self.port_text());
        match (&c.user, c.password_present) {
            (None, _) => out.push_str(", user prompted"),
            (Some(u), false) => out.push_str(&format!(", user '{u}'")),
            (Some(u), true) => out.push_str(&format!(", user '{u}' + password")),
        }
        if c.auth_proxy.enabled {
            match &c.auth_proxy.user {
                Some(u) => out.push_str(&format!(", proxy auth as '{u}'")),
                None => out.push_str(", proxy auth"),
            }
        }
        if c.save_password {
            out.push_str(", saves passwords");
        }
        if c.allow_untrusted_ssl {
            out.push_str(", UNTRUSTED SSL");
        }
        if self.action.as_deref() != Some(ADD_COMMUNITY) {
            out.push_str(", no AddCommunity action");
        }
        out
    }

    /// A few plain sentences a helpdesk can read to a user: what the app will do when this code
    /// is scanned. Never shows the password.
    pub fn describe(&self) -> String {
        let c = &self.community;
        let mut s = Vec::new();
        if self.action.as_deref() != Some(ADD_COMMUNITY) {
            s.push(match &self.action {
                None => "This link does not say 'action=AddCommunity', so the app will not add a community from it.".to_string(),
                Some(a) => format!("This link asks for action '{a}' instead of 'AddCommunity', so the app will not add a community from it."),
            });
        }
        let server = c.server.as_deref().unwrap_or("(no host)");
        let name = match (&c.community_name, c.community_name_defaulted) {
            (Some(n), false) => format!("community '{n}'"),
            (Some(n), true) => format!("a community named after the server ('{n}' or similar)"),
            (None, _) => "a community without a name".to_string(),
        };
        let port = if c.port_defaulted {
            format!("{} (the default port)", self.port_text())
        } else {
            self.port_text()
        };
        let credentials = match (&c.user, c.password_present) {
            (None, _) => "ask for your user name and password".to_string(),
            (Some(u), false) => format!("fill in the user name '{u}' and ask for your password"),
            (Some(u), true) => format!(
                "sign in as '{u}' with the password written in the code itself, so anyone who scans it knows that password"
            ),
        };
        s.push(format!(
            "The app will add {name} on {server}:{port} and {credentials}."
        ));
        if c.auth_proxy.enabled {
            let how = match (&c.auth_proxy.user, c.auth_proxy.user_source) {
                (Some(u), Some("sametime-user")) => {
                    format!("reusing your Sametime user name ('{u}') and password")
                }
                (Some(u), _) => format!("as '{u}', asking for the proxy password separately"),
                (None, _) if c.auth_proxy.reuse_credentials => {
                    "reusing the Sametime user name and password you enter".to_string()
                }
                (None, _) => "asking for a proxy user name and password".to_string(),
            };
            s.push(format!(
                "It will first sign in to an authenticating proxy, {how}{}.",
                if c.auth_proxy.enabled_implied {
                    " (switched on because the link supplies proxy credentials)"
                } else {
                    ""
                }
            ));
        }
        if c.save_password {
            s.push("It will remember the passwords (Sametime and proxy) on the phone.".to_string());
        }
        if c.allow_untrusted_ssl {
            s.push("It will accept untrusted SSL certificates, so someone on the network could impersonate the server and read your messages and password.".to_string());
        }
        let who = c
            .user
            .as_deref()
            .map_or("the same user".to_string(), |u| format!("user '{u}'"));
        s.push(format!(
            "If you already have a community for {server}:{} and {who}, the app will ask you to update it with these settings instead.",
            self.port_text()
        ));
        s.join(" ")
    }

    /// The repaired reading as an editable URL (without the password): the starting point of
    /// every suggested fix.
    pub fn rewrite(&self) -> Rewrite {
        let parts = &self.raw;
        let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
        let host = clean(parts.host_str());
        let host = if host.contains('%') {
            let decoded = decode(&host);
            if decoded
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            {
                decoded
            } else {
                host
            }
        } else {
            host
        };
        // What the author meant the query to be: the naive reader's view (fragment included),
        // with leaked XML/HTML escapes of '&' and '=' undone and '+' read as a space.
        let mut query = parts.get(&parts.query).unwrap_or("").to_string();
        if let Some(fragment) = parts.get(&parts.fragment) {
            query.push('#');
            query.push_str(fragment);
        }
        let query = raw::repair_separators(&clean(&query));
        let params = query
            .split('&')
            .filter(|piece| !piece.is_empty())
            .map(|piece| match piece.split_once('=') {
                Some((n, v)) => (decode_query(n), Some(decode_query(v))),
                None => (decode_query(piece), None),
            })
            .collect();
        Rewrite {
            scheme: self.scheme.clone(),
            user: parts
                .get(&parts.user)
                .map(|u| clean(&decode(u)))
                .filter(|u| !u.is_empty()),
            host,
            port: parts.port_str().filter(|p| !p.is_empty()).map(|p| {
                p.parse::<u16>()
                    .map_or_else(|_| clean(p), |n| n.to_string())
            }),
            params,
        }
    }
}

#[cfg(test)]
mod tests;
