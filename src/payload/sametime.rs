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
mod reading;
mod rewrite;
pub mod spelling;
pub mod truth;

pub use raw::{IssueKind, ParseIssue};
pub use reading::Reading;
pub use rewrite::Rewrite;
pub use spelling::{Spelling, closest_known_parameter, edit_distance};
pub use truth::{Level, parse_bool};

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

/// The switches whose `true` weakens security: untrusted certificates accepted, passwords saved
/// on the phone, and the Sametime credentials handed to the authenticating proxy. The audit
/// reports them fail-safe (any spelling or value some client may honour), and no rewrite may
/// raise their `Level`.
pub const RISKY_SWITCHES: [&str; 3] = [
    "allowUntrustedSSL",
    "savePassword",
    "authProxyReuseCredentials",
];

/// A parsed provisioning URL. Reports write it (`report::payload::Sametime`) without the
/// password.
#[derive(Debug, Clone)]
pub struct Provisioning {
    /// The scheme, lower-cased: `hclsametime`, `sametime` or `stmeetings`.
    pub scheme: String,
    /// What the app will create.
    pub community: Box<Community>,
    /// The decoded value of the first `action` parameter.
    pub action: Option<String>,
    /// The path as written when it is neither empty nor `/`.
    pub path: Option<String>,
    /// Every parameter as seen, in order (secret-looking values are left out).
    pub parameters: Vec<Parameter>,
    /// Malformed spots and places where parsers read the URL differently.
    pub parse_issues: Vec<ParseIssue>,
    pub(crate) raw: Box<RawParts>,
    /// Every parameter some reader may take, hidden ones included (see `reading`).
    pub(crate) readings: Vec<Reading>,
    /// The authority as each URL parser reads it (userinfo may hold the password).
    pub(crate) authorities: Vec<super::authority::AuthorityReading>,
}

/// One query parameter as seen.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Decoded name.
    pub name: String,
    /// The name as written, when it differs from `name` (percent escapes, `+`): the app compares
    /// names as written, so `allow%55ntrustedSSL` is not `allowUntrustedSSL` to it.
    pub written: Option<String>,
    /// Decoded value; `None` when written without `=`, or when the parameter looks like a
    /// secret (`password=`, `authProxyPassword=`...), whose value is never serialized.
    pub value: Option<String>,
    /// One of the parameters the app knows, written exactly as documented.
    pub known: bool,
    pub secret: bool,
    /// The decoded value, secret or not.
    pub(crate) decoded: Option<String>,
    /// The value as written.
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

    /// The name as written in the URL (escapes kept).
    pub fn written_name(&self) -> &str {
        self.written.as_deref().unwrap_or(&self.name)
    }

    /// The name as a rewrite writes it back: decoded, without control characters.
    pub fn rewrite_name(&self) -> String {
        reading::clean(&self.name)
    }
}

/// The community definition the app will create, resolved as the HCL documentation says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    /// The Sametime proxy host as written; `None` when the URL has none.
    pub server: Option<String>,
    /// The other hosts some URL parser connects to (`payload::authority`: android.net.Uri ends
    /// the authority at a `\`, java.net.URI at the first `@`…). Policy checks hold for all.
    pub other_servers: Vec<String>,
    /// The port; `None` when the one written is not a number in 1..65535.
    pub port: Option<u16>,
    /// True when no port was written and 443 applies.
    pub port_defaulted: bool,
    /// The port as written when it is not valid.
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub user_source: Option<&'static str>,
}

/// True for a parameter name that looks like it carries a secret (`password`, `authProxyPassword`,
/// `pwd`, `token`...). The known `savePassword`, in any spelling, is a switch, not a secret.
pub fn is_secret_name(name: &str) -> bool {
    // A spelling of a documented parameter (`savepassword`, `SavePassword`, `amp;savePassword`)
    // is that switch, not a secret: it is judged, and shown, as the switch.
    let name = super::secret_name::strip_entity(name);
    if KNOWN_PARAMETERS.contains(&name) || spelling::classify(name, false).is_some() {
        return false;
    }
    super::secret_name::classify(name).is_some()
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
            let secret = is_secret_name(&name)
                && !decoded
                    .as_deref()
                    .is_some_and(super::secret_name::is_switch_value);
            Parameter {
                known: KNOWN_PARAMETERS.contains(&p.name.as_str()),
                written: (p.name != name).then(|| p.name.clone()),
                value: if secret { None } else { decoded.clone() },
                secret,
                decoded,
                raw_value: p.value.clone(),
                name,
            }
        })
        .collect();
    let mut community = Box::new(resolve(&parts, &parameters));
    let mut parse_issues = parse_issues;
    let authorities = super::authority::read(trimmed);
    let server_key = community
        .server
        .as_deref()
        .map(|s| decode(s).to_lowercase());
    community.other_servers = super::authority::distinct_hosts(&authorities)
        .into_iter()
        .filter(|h| Some(h) != server_key.as_ref())
        // `host:+443` to android.net.Uri (its port scan stops at the '+') is the same server
        // with the port text left in: the invalid-port rule reports that.
        .filter(|h| {
            server_key
                .as_ref()
                .is_none_or(|s| !h.starts_with(&format!("{s}:")))
        })
        .collect();
    if !community.other_servers.is_empty() {
        // One issue names every parser's host; it replaces the narrower WHATWG comparison.
        parse_issues.retain(|i| !(i.kind == IssueKind::ParsersDiffer && i.part == "host"));
        parse_issues.push(ParseIssue {
            kind: IssueKind::ParsersDiffer,
            part: "host",
            message: format!(
                "{}: the app may connect to any of them",
                super::authority::describe_hosts(&authorities)
            ),
            evidence: parts.host_str().to_string(),
        });
    }
    let action = first(&parameters, "action").map(str::to_string);
    let readings = reading::readings(&parts);
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
        readings,
        authorities,
    })
}

/// The decoded value of the first occurrence of `name`, written exactly so (Android's
/// `getQueryParameter` compares names as written and returns the first; the duplicate-parameter
/// rule reports the others).
fn first<'a>(params: &'a [Parameter], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.known && p.name == name)
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
        other_servers: Vec::new(),
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

    /// All occurrences of a documented parameter written exactly so, in order: what the app
    /// reads.
    pub fn params_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Parameter> + 'a {
        self.parameters
            .iter()
            .filter(move |p| p.known && p.name == name)
    }

    /// Every reading some reader may take, in order, hidden ones included.
    pub fn readings(&self) -> &[Reading] {
        &self.readings
    }

    /// Every reading that may stand for the documented `known`: exact, misspelt or hidden.
    pub fn readings_of<'a>(&'a self, known: &'a str) -> impl Iterator<Item = &'a Reading> + 'a {
        self.readings.iter().filter(move |r| r.reads_as(known))
    }

    /// How surely the risky switch `name` (one of `RISKY_SWITCHES`) is on: `On` when the app,
    /// reading the documented names, switches it on; `Maybe` when some client, some spelling the
    /// app may honour, or a repaired separator would; `Off` otherwise.
    pub fn risk(&self, name: &str) -> Level {
        let c = &self.community;
        let on = match name {
            "allowUntrustedSSL" => c.allow_untrusted_ssl,
            "savePassword" => c.save_password,
            "authProxyReuseCredentials" => c.auth_proxy.enabled && c.auth_proxy.reuse_credentials,
            _ => false,
        };
        if on {
            Level::On
        } else if self.readings_of(name).any(Reading::possibly_true) {
            Level::Maybe
        } else {
            Level::Off
        }
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

    /// The server as the report names it: every host some parser connects to.
    fn servers_text(&self) -> String {
        let c = &self.community;
        let server = c.server.as_deref().unwrap_or("(no host)");
        if c.other_servers.is_empty() {
            server.to_string()
        } else {
            format!(
                "{server} (or {}, as other parsers read it)",
                c.other_servers.join(", ")
            )
        }
    }

    /// The authority as each URL parser reads it.
    pub fn authorities(&self) -> &[super::authority::AuthorityReading] {
        &self.authorities
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
        let server = self.servers_text();
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

    /// Why the app will not add a community from this URL, when it will not. `describe` and the
    /// missing-action rule both word it from here, so that they never disagree.
    pub fn action_problem(&self) -> Option<ActionProblem> {
        // Which leaked escape hides a parameter named action: '&amp;action', '%26action' or
        // 'action%3D'.
        let query = self
            .raw
            .get(&self.raw.query)
            .unwrap_or("")
            .to_ascii_lowercase();
        let escape = if query.contains("amp;action") {
            "&amp;"
        } else if query.contains("%26action") {
            "%26"
        } else {
            "%3D"
        };
        match self.action.as_deref() {
            Some(ADD_COMMUNITY) => None,
            Some(value) => {
                // The app's action parameter, as the repaired reading sees it.
                let repaired = self
                    .readings
                    .iter()
                    .find(|r| r.is_exact() && r.name == "action")
                    .and_then(|r| r.value.clone())
                    .unwrap_or_else(|| value.to_string());
                Some(if repaired != value && repaired == ADD_COMMUNITY {
                    // A value can only swallow what follows through a '%26': a raw '&' or
                    // '&amp;' ends it.
                    ActionProblem::SwallowedValue {
                        value: value.to_string(),
                        escape: "%26",
                    }
                } else if value.eq_ignore_ascii_case(ADD_COMMUNITY) {
                    ActionProblem::WrongCase {
                        value: value.to_string(),
                    }
                } else {
                    ActionProblem::Other {
                        value: value.to_string(),
                    }
                })
            }
            None => Some(match self.readings_of("action").next() {
                Some(r) if r.spelling.as_ref().is_some_and(Spelling::is_hidden) => {
                    ActionProblem::HiddenName { escape }
                }
                Some(r) => ActionProblem::MisspeltName {
                    written: r.written.clone(),
                },
                None => ActionProblem::Missing,
            }),
        }
    }

    /// A few plain sentences a helpdesk can read to a user: what the app does when this code is
    /// scanned, as HCL's documentation describes it. Never shows the password.
    pub fn describe(&self) -> String {
        let c = &self.community;
        let mut s = Vec::new();
        if let Some(problem) = self.action_problem() {
            // Said once, and nothing about a community the app will not add.
            s.push(format!(
                "{}: the app will not add a community from this code.",
                capitalize(&problem.reason())
            ));
            if c.password_present {
                s.push(
                    "The code still gives the password written in it to anyone who scans it."
                        .to_string(),
                );
            }
            return s.join(" ");
        }
        let server = self.servers_text();
        let name = match (&c.community_name, c.community_name_defaulted) {
            (Some(n), false) => format!("community name '{n}'"),
            (Some(n), true) => {
                format!("a community name derived from the server ('{n}' or similar)")
            }
            (None, _) => "no community name".to_string(),
        };
        let port = if c.port_defaulted {
            format!("{} (the default port)", self.port_text())
        } else {
            self.port_text()
        };
        let credentials = match (&c.user, c.password_present) {
            (None, _) => "no user name (you enter your user name and password)".to_string(),
            (Some(u), false) => format!("the user name '{u}' (you enter the password)"),
            (Some(u), true) => format!(
                "the user name '{u}' and the password written in the code itself, so anyone who scans it knows that password"
            ),
        };
        s.push(format!(
            "Scanning it opens the app's Add Community panel filled in with {name}, server {server}, port {port} and {credentials}; you check the fields and save."
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
                "The community signs in to an authenticating proxy first, {how}{}.",
                if c.auth_proxy.enabled_implied {
                    " (switched on because the link supplies proxy credentials)"
                } else {
                    ""
                }
            ));
        }
        if c.save_password {
            s.push("It remembers the passwords (Sametime and proxy) on the phone.".to_string());
        }
        if c.allow_untrusted_ssl {
            s.push("It accepts untrusted SSL certificates, so someone on the network could impersonate the server and read your messages and password.".to_string());
        }
        for (switch, what) in [
            ("allowUntrustedSSL", "accept untrusted SSL certificates"),
            ("savePassword", "remember the passwords on the phone"),
            (
                "authProxyReuseCredentials",
                "hand your Sametime credentials to the authenticating proxy",
            ),
        ] {
            if self.risk(switch) == Level::Maybe
                && let Some(r) = self.readings_of(switch).find(|r| r.possibly_true())
            {
                s.push(format!(
                    "Depending on the phone and on how the app reads '{}', it may also {what}.",
                    r.evidence()
                ));
            }
        }
        s.push("If you are signed in to Sametime, the app asks you to log out first and returns to your session; log out and scan again.".to_string());
        let who = c
            .user
            .as_deref()
            .map_or("no user name".to_string(), |u| format!("user '{u}'"));
        s.push(format!(
            "If you already have a community with the same server, port and user name ({server}:{}, {who}), the app asks you to confirm, then updates it with these settings.",
            self.port_text()
        ));
        s.join(" ")
    }

    /// The repaired reading as an editable URL (without the password): the starting point of
    /// every suggested fix. Fail safe: a risky switch that some reader may take as true, but
    /// that the app does not read as written (percent-encoded, with control characters, or
    /// hidden behind a leaked separator), is dropped rather than written back in the documented
    /// spelling, which would switch it on.
    pub fn rewrite(&self) -> Rewrite {
        let parts = &self.raw;
        let host = reading::clean(parts.host_str());
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
        let params = self
            .readings
            .iter()
            .filter(|r| {
                let becomes_live = RISKY_SWITCHES.contains(&r.name.as_str()) && !r.is_exact();
                !(becomes_live && r.possibly_true())
            })
            .map(|r| (r.name.clone(), r.value.clone()))
            .collect();
        Rewrite {
            scheme: self.scheme.clone(),
            user: parts
                .get(&parts.user)
                .map(|u| reading::clean(&decode(u)))
                .filter(|u| !u.is_empty()),
            host,
            port: parts.port_str().filter(|p| !p.is_empty()).map(|p| {
                p.parse::<u16>()
                    .map_or_else(|_| reading::clean(p), |n| n.to_string())
            }),
            params,
        }
    }
}

/// Why the app will not add a community from a URL (see `Provisioning::action_problem`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionProblem {
    /// No parameter reads as `action` at all.
    Missing,
    /// `action` appears only behind a leaked escape (`communityName=X%26action=AddCommunity`).
    HiddenName { escape: &'static str },
    /// `action` spelled otherwise (`Action`, `acton`).
    MisspeltName { written: String },
    /// `action=AddCommunity%26communityName=…`: the value swallowed the parameters after it.
    SwallowedValue { value: String, escape: &'static str },
    /// `addcommunity`: the right word in the wrong case.
    WrongCase { value: String },
    /// Any other action.
    Other { value: String },
}

impl ActionProblem {
    /// What is wrong, as a clause: `'%26' stands where '&' belongs, so the app reads action
    /// as 'AddCommunity&communityName=X'`.
    pub fn reason(&self) -> String {
        match self {
            ActionProblem::Missing => "the code has no 'action=AddCommunity' parameter".to_string(),
            ActionProblem::HiddenName { escape } => format!(
                "its action parameter is hidden behind '{escape}' where '{}' belongs, so the app reads no action",
                plain(escape)
            ),
            ActionProblem::MisspeltName { written } => format!(
                "its action parameter is written '{written}', but the app looks for 'action' exactly"
            ),
            ActionProblem::SwallowedValue { value, escape } => format!(
                "'{escape}' stands where '{}' belongs, so the app reads action as '{value}' instead of 'AddCommunity'",
                plain(escape)
            ),
            ActionProblem::WrongCase { value } => {
                format!("its action is '{value}', not 'AddCommunity' (the value is case-sensitive)")
            }
            ActionProblem::Other { value } => {
                format!("its action is '{value}', not 'AddCommunity'")
            }
        }
    }

    /// The fix, naming the actual mistake.
    pub fn fix(&self) -> String {
        match self {
            ActionProblem::Missing => "Add action=AddCommunity as the first parameter.".to_string(),
            ActionProblem::HiddenName { escape } | ActionProblem::SwallowedValue { escape, .. } => {
                match *escape {
                    "&amp;" => "Write '&' instead of '&amp;' between the parameters: that escaping belongs in HTML and XML files only.".to_string(),
                    "%3D" => "Write '=' instead of '%3D' between a parameter's name and its value.".to_string(),
                    _ => "Write '&' instead of '%26' between the parameters: %26 belongs only in the copy of the URL in stproxyconfig.xml.".to_string(),
                }
            }
            ActionProblem::MisspeltName { written } => {
                format!("Rename '{written}' to 'action' (names are case-sensitive).")
            }
            ActionProblem::WrongCase { value } => {
                format!("Write the value exactly 'AddCommunity', not '{value}'.")
            }
            ActionProblem::Other { .. } => {
                "Set action=AddCommunity, the only action the app knows.".to_string()
            }
        }
    }
}

/// The separator an escape stands for.
fn plain(escape: &str) -> &'static str {
    if escape == "%3D" { "=" } else { "&" }
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
