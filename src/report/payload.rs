//! The `payload` object of a code in reports: the wire types, separate from the domain's
//! `payload::Payload` so that the domain can rename or restructure a field without silently
//! changing a public, versioned format (`schema_version`). Reports used to hold the domain type
//! serialised into a `serde_json::Value`; these types spell out the same JSON, kind by kind, and
//! `WirePayload::from_domain` is the one place where a domain payload becomes one.
//!
//! Redaction: `from_domain` passes every string value through the code's `Redactor`, as
//! `Redactor::apply_json` did over the whole object, including the strings that are fixed
//! vocabulary (`"auth": "wpa"`, an issue's `kind`): those are `String`s here rather than enums
//! for that reason (a Rust enum could not be masked), and so that a report is read back as
//! written. Numbers and booleans are never masked, and neither are the field names and the
//! `kind` tag: they are this format's own words, never the input's. (Reports used to mask them
//! too, through `apply_json`: a password `in` wrote the key `kind` as `k********d`, which told a
//! reader the password and left a code without a kind that `merge` could not read back.)
//!
//! Key order: objects are written with their keys sorted, as reports always were (serde_json's
//! `Map` without `preserve_order`), because a payload is serialised through a `Value`.
//!
//! Reading reports back (`merge`, `--baseline`): a payload whose `kind` is known and whose JSON
//! is exactly what the typed form writes is read as that type; anything else (an unknown kind,
//! an unknown or missing field, a masked key, a report of an older or newer build of schema
//! version 1) is kept verbatim as `WirePayload::Verbatim`, which writes it back as the same JSON
//! (keys sorted, as before). Reading never refuses a report for its payloads: `finish::read`
//! never did (it refuses only other schema versions), and a merge must not lose a code.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::payload as domain;
use crate::text::redact::Redactor;

/// A code's payload as reports write it.
#[derive(Debug, Clone, PartialEq)]
pub enum WirePayload {
    /// A payload of a kind this version writes, in its typed form (boxed: the largest kinds
    /// are ten times the size of a `Value`).
    Known(Box<Known>),
    /// JSON kept as it is: read from a report whose payload this version would not write the
    /// same way, or written when a secret masks a key (see the module comment).
    Verbatim(Value),
}

/// The payload kinds this version writes, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Known {
    Sametime(Sametime),
    Url(Url),
    Payment(Payment),
    Wifi(Wifi),
    Otpauth(Otpauth),
    OtpauthMigration(Migration),
    Contact(Contact),
    Wireguard(WireGuard),
    Esim(Esim),
    AndroidEnrollment(Enrollment),
    Text,
    /// A symbol that could not be decoded: there is no text to analyse.
    Unreadable,
    /// A text whose payload parser or audit panicked: not analysed (`analyze::analyze_text`).
    Unanalyzed,
}

impl Known {
    /// The `kind` tag, as written.
    pub fn kind(&self) -> &'static str {
        // Keep `KINDS` in step (a test checks every kind analysis writes is listed there).
        match self {
            Known::Sametime(_) => "sametime",
            Known::Url(_) => "url",
            Known::Payment(_) => "payment",
            Known::Wifi(_) => "wifi",
            Known::Otpauth(_) => "otpauth",
            Known::OtpauthMigration(_) => "otpauth-migration",
            Known::Contact(_) => "contact",
            Known::Wireguard(_) => "wireguard",
            Known::Esim(_) => "esim",
            Known::AndroidEnrollment(_) => "android-enrollment",
            Known::Text => "text",
            Known::Unreadable => "unreadable",
            Known::Unanalyzed => "unanalyzed",
        }
    }

    /// The host, network or name the payload is about (the table's label of a code).
    pub fn subject(&self) -> Option<String> {
        let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
        match self {
            Known::Sametime(p) => {
                let server = text(p.community.server.as_deref())?;
                Some(match p.community.port {
                    Some(port) if !p.community.port_defaulted => format!("{server}:{port}"),
                    _ => server,
                })
            }
            Known::Url(u) => text(u.host.as_deref()),
            Known::Wifi(w) => text(w.ssid.as_deref()),
            // The issuer, else the account of the label.
            Known::Otpauth(o) => text(o.issuer.as_deref()).or_else(|| text(Some(&o.account))),
            Known::Contact(c) => text(c.name.as_deref()),
            Known::Payment(_)
            | Known::OtpauthMigration(_)
            | Known::Wireguard(_)
            | Known::Esim(_)
            | Known::AndroidEnrollment(_)
            | Known::Text
            | Known::Unreadable
            | Known::Unanalyzed => None,
        }
    }
}

/// Every `kind` this version writes: what `finish::read` accepts in a report read back.
pub const KINDS: [&str; 13] = [
    "sametime",
    "url",
    "payment",
    "wifi",
    "otpauth",
    "otpauth-migration",
    "contact",
    "wireguard",
    "esim",
    "android-enrollment",
    "text",
    "unreadable",
    "unanalyzed",
];

impl WirePayload {
    /// The payload of a symbol that could not be decoded.
    pub fn unreadable() -> WirePayload {
        WirePayload::Known(Box::new(Known::Unreadable))
    }

    /// The payload of a text that could not be analysed.
    pub fn unanalyzed() -> WirePayload {
        WirePayload::Known(Box::new(Known::Unanalyzed))
    }

    /// The wire form of a classified payload, every string passed through `redactor`.
    pub fn from_domain(payload: &domain::Payload, redactor: &Redactor) -> WirePayload {
        WirePayload::Known(Box::new(Known::from_domain(payload, redactor)))
    }

    /// The `kind` tag; `None` only for verbatim JSON without a string `kind`.
    pub fn kind(&self) -> Option<&str> {
        match self {
            WirePayload::Known(known) => Some(known.kind()),
            WirePayload::Verbatim(json) => json.get("kind").and_then(Value::as_str),
        }
    }

    /// The host, network or name the payload is about (the table's label of a code).
    pub fn subject(&self) -> Option<String> {
        match self {
            WirePayload::Known(known) => known.subject(),
            WirePayload::Verbatim(json) => subject_of_json(json),
        }
    }

    /// The payload as JSON, keys sorted.
    pub fn to_json(&self) -> Value {
        match self {
            WirePayload::Known(known) => to_json(known),
            WirePayload::Verbatim(json) => json.clone(),
        }
    }

    /// Reads a payload from a report's JSON: typed when this version writes it that way, kept
    /// verbatim otherwise.
    pub fn from_json(json: Value) -> WirePayload {
        let known = json
            .get("kind")
            .and_then(Value::as_str)
            .is_some()
            .then(|| serde_json::from_value::<Known>(json.clone()).ok())
            .flatten()
            .filter(|known| to_json(known) == json);
        match known {
            Some(known) => WirePayload::Known(Box::new(known)),
            None => WirePayload::Verbatim(json),
        }
    }
}

/// A typed payload as JSON. Through a `Value`, so that keys come out sorted (the order every
/// report has had) whatever order the fields are declared in.
fn to_json(known: &Known) -> Value {
    // Serialising these types cannot fail: no maps with non-string keys, no floats.
    serde_json::to_value(known).unwrap_or(Value::Null)
}

impl Serialize for WirePayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for WirePayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(WirePayload::from_json)
    }
}

/// The wire JSON of a domain payload, unredacted: what the domain's fields put on the wire,
/// for the payload parsers' tests that no secret field reaches it.
#[cfg(test)]
pub(crate) fn unmasked_json(payload: &domain::Payload) -> Value {
    to_json(&Known::from_domain(payload, &Redactor::default()))
}

/// The subject of verbatim JSON, read the way the table always read payloads.
fn subject_of_json(payload: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(community) = payload.get("community") {
        let server = community.get("server").and_then(text)?;
        let defaulted = community
            .get("port_defaulted")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        return Some(match community.get("port").and_then(Value::as_u64) {
            Some(port) if !defaulted => format!("{server}:{port}"),
            _ => server,
        });
    }
    ["host", "ssid", "issuer", "name", "account"]
        .iter()
        .find_map(|key| payload.get(*key).and_then(text))
}

// The kinds. Field names, `skip_serializing_if` and `null`s are the wire format: each mirrors
// what `docs/report-schema.json` and `docs/payloads.md` document. `default` lets a field that
// is left out when empty be read back.

/// An HCL Sametime provisioning URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sametime {
    pub scheme: String,
    pub community: Community,
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub parameters: Vec<Parameter>,
    pub parse_issues: Vec<ParseIssue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
    /// `null` when written without `=` or when the parameter is a secret.
    pub value: Option<String>,
    pub known: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub secret: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Community {
    pub server: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_servers: Vec<String>,
    pub port: Option<u16>,
    pub port_defaulted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_invalid: Option<String>,
    pub user: Option<String>,
    pub password_present: bool,
    pub community_name: Option<String>,
    pub community_name_defaulted: bool,
    pub save_password: bool,
    pub auth_proxy: AuthProxy,
    pub allow_untrusted_ssl: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthProxy {
    pub enabled: bool,
    pub enabled_implied: bool,
    pub reuse_credentials: bool,
    pub user: Option<String>,
    /// `authProxyUser` or `sametime-user`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParseIssue {
    /// Kebab-case: `raw-at-in-user`, `parsers-differ`…
    pub kind: String,
    /// `scheme`, `userinfo`, `host`, `port`, `path`, `query` or `fragment`.
    pub part: String,
    pub message: String,
    pub evidence: String,
}

/// Any other link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Url {
    pub scheme: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scheme_inferred: bool,
    /// `bare-host`, `bookmark` or `urlto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

/// A payment request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// `bitcoin`, `ethereum`, `lightning`, `epc` or `swiss-qr-bill`.
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_accounts: Vec<Account>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub kind: String,
    pub value: String,
}

/// A Wi-Fi network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wifi {
    pub ssid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security: Option<String>,
    /// `open`, `wep`, `wpa`, `wpa3`, `enterprise`, `unspecified` or `unknown`.
    pub auth: String,
    pub hidden: bool,
    pub password_present: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eap: Option<Eap>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_fields: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eap {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous_identity: Option<String>,
}

/// A one-time-password seed (the seed itself is never on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Otpauth {
    #[serde(rename = "type")]
    pub otp_type: String,
    pub label: String,
    pub account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_issuer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub algorithm: String,
    pub digits: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<u64>,
    pub secret_present: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_bits: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_parameters: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

/// An authenticator export (`otpauth-migration://`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Migration {
    pub accounts: Vec<MigrationAccount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_index: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<i64>,
    pub data_present: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationAccount {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub algorithm: String,
    pub digits: u32,
    #[serde(rename = "type")]
    pub otp_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<u64>,
    pub secret_bits: u32,
}

/// A contact card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// `mecard` or `vcard`.
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub structured_name: Option<StructuredName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<ContactUrl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuredName {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suffix: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactUrl {
    /// The value, unescaped, a password in it masked.
    pub url: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scheme_inferred: bool,
    pub property: String,
}

/// A WireGuard configuration (its keys are never on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireGuard {
    pub interface: Interface,
    pub peers: Vec<Peer>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen_port: Option<String>,
    pub private_key_present: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_ips: Vec<String>,
    pub preshared_key_present: bool,
}

/// An eSIM activation code (its confirmation code is never on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Esim {
    pub format: String,
    pub smdp_address: String,
    pub matching_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    pub confirmation_code_required: bool,
    pub confirmation_code_present: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

/// An Android Enterprise provisioning object (secret values are never on the wire).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrollment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    pub package_checksum_present: bool,
    pub signature_checksum_present: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wifi_ssid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wifi_security_type: Option<String>,
    pub wifi_hidden: bool,
    pub wifi_password_present: bool,
    pub skip_encryption: bool,
    pub leave_all_system_apps_enabled: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_extras: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secret_extras: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parse_issues: Vec<String>,
}

// From the domain. Every string goes through the redactor, vocabulary included (see the module
// comment); the spellings of the domain's enums are the wire's, and are fixed here.

/// Redacts strings, one shape at a time.
struct Mask<'a>(&'a Redactor);

impl Mask<'_> {
    fn s(&self, text: &str) -> String {
        self.0.apply(text)
    }
    fn opt(&self, text: &Option<String>) -> Option<String> {
        self.0.apply_opt(text.as_deref())
    }
    fn all(&self, texts: &[String]) -> Vec<String> {
        texts.iter().map(|t| self.0.apply(t)).collect()
    }
}

impl Known {
    fn from_domain(payload: &domain::Payload, redactor: &Redactor) -> Known {
        let m = Mask(redactor);
        match payload {
            domain::Payload::Sametime(p) => Known::Sametime(sametime(p, &m)),
            domain::Payload::Url(u) => Known::Url(url(u, &m)),
            domain::Payload::Payment(p) => Known::Payment(payment(p, &m)),
            domain::Payload::Wifi(w) => Known::Wifi(wifi(w, &m)),
            domain::Payload::Otpauth(o) => Known::Otpauth(otpauth(o, &m)),
            domain::Payload::OtpauthMigration(x) => Known::OtpauthMigration(migration(x, &m)),
            domain::Payload::Contact(c) => Known::Contact(contact(c, &m)),
            domain::Payload::Wireguard(w) => Known::Wireguard(wireguard(w, &m)),
            domain::Payload::Esim(e) => Known::Esim(esim(e, &m)),
            domain::Payload::AndroidEnrollment(e) => Known::AndroidEnrollment(enrollment(e, &m)),
            domain::Payload::Text => Known::Text,
        }
    }
}

fn sametime(p: &domain::sametime::Provisioning, m: &Mask) -> Sametime {
    let c = &p.community;
    Sametime {
        scheme: m.s(&p.scheme),
        community: Community {
            server: m.opt(&c.server),
            other_servers: m.all(&c.other_servers),
            port: c.port,
            port_defaulted: c.port_defaulted,
            port_invalid: m.opt(&c.port_invalid),
            user: m.opt(&c.user),
            password_present: c.password_present,
            community_name: m.opt(&c.community_name),
            community_name_defaulted: c.community_name_defaulted,
            save_password: c.save_password,
            auth_proxy: AuthProxy {
                enabled: c.auth_proxy.enabled,
                enabled_implied: c.auth_proxy.enabled_implied,
                reuse_credentials: c.auth_proxy.reuse_credentials,
                user: m.opt(&c.auth_proxy.user),
                user_source: c.auth_proxy.user_source.map(|s| m.s(s)),
            },
            allow_untrusted_ssl: c.allow_untrusted_ssl,
        },
        action: m.opt(&p.action),
        path: m.opt(&p.path),
        parameters: p
            .parameters
            .iter()
            .map(|q| Parameter {
                name: m.s(&q.name),
                written: m.opt(&q.written),
                value: m.opt(&q.value),
                known: q.known,
                secret: q.secret,
            })
            .collect(),
        parse_issues: p
            .parse_issues
            .iter()
            .map(|i| ParseIssue {
                kind: m.s(issue_kind(i.kind)),
                part: m.s(i.part),
                message: m.s(&i.message),
                evidence: m.s(&i.evidence),
            })
            .collect(),
    }
}

fn issue_kind(kind: domain::sametime::IssueKind) -> &'static str {
    use domain::sametime::IssueKind as K;
    match kind {
        K::RawAtInUser => "raw-at-in-user",
        K::EncodedSeparator => "encoded-separator",
        K::HtmlEntity => "html-entity",
        K::RawCharacter => "raw-character",
        K::NonAscii => "non-ascii",
        K::InvalidEscape => "invalid-escape",
        K::InvalidUtf8 => "invalid-utf8",
        K::PlusInQuery => "plus-in-query",
        K::Fragment => "fragment",
        K::MissingSlashes => "missing-slashes",
        K::EscapedHost => "escaped-host",
        K::DelimiterInUserinfo => "delimiter-in-userinfo",
        K::UrlRejected => "url-rejected",
        K::ParsersDiffer => "parsers-differ",
    }
}

fn url(u: &domain::WebUrl, m: &Mask) -> Url {
    use domain::link::LinkForm;
    Url {
        scheme: m.s(&u.scheme),
        host: m.opt(&u.host),
        url: m.opt(&u.url),
        scheme_inferred: u.scheme_inferred,
        form: u.form.map(|form| {
            m.s(match form {
                LinkForm::BareHost => "bare-host",
                LinkForm::Bookmark => "bookmark",
                LinkForm::Urlto => "urlto",
            })
        }),
        title: m.opt(&u.title),
        parse_issues: m.all(&u.parse_issues),
    }
}

fn payment(p: &domain::payment::Payment, m: &Mask) -> Payment {
    use domain::payment::PaymentFormat as F;
    let account = |a: &domain::payment::Account| Account {
        kind: m.s(&a.kind),
        value: m.s(&a.value),
    };
    Payment {
        format: m.s(match p.format {
            F::Bitcoin => "bitcoin",
            F::Ethereum => "ethereum",
            F::Lightning => "lightning",
            F::Epc => "epc",
            F::SwissQrBill => "swiss-qr-bill",
        }),
        account: p.account.as_ref().map(account),
        other_accounts: p.other_accounts.iter().map(account).collect(),
        amount: m.opt(&p.amount),
        currency: m.opt(&p.currency),
        recipient: m.opt(&p.recipient),
        recipient_address: m.opt(&p.recipient_address),
        bic: m.opt(&p.bic),
        reference: m.opt(&p.reference),
        message: m.opt(&p.message),
        network: m.opt(&p.network),
        contract: m.opt(&p.contract),
        function: m.opt(&p.function),
        url: m.opt(&p.url),
        version: m.opt(&p.version),
        parse_issues: m.all(&p.parse_issues),
    }
}

fn wifi(w: &domain::wifi::Wifi, m: &Mask) -> Wifi {
    use domain::wifi::WifiAuth as A;
    Wifi {
        ssid: m.opt(&w.ssid),
        security: m.opt(&w.security),
        auth: m.s(match w.auth {
            A::Open => "open",
            A::Wep => "wep",
            A::Wpa => "wpa",
            A::Wpa3 => "wpa3",
            A::Enterprise => "enterprise",
            A::Unspecified => "unspecified",
            A::Unknown => "unknown",
        }),
        hidden: w.hidden,
        password_present: w.password_present,
        eap: w.eap.as_ref().map(|e| Eap {
            method: m.opt(&e.method),
            phase2: m.opt(&e.phase2),
            identity: m.opt(&e.identity),
            anonymous_identity: m.opt(&e.anonymous_identity),
        }),
        other_fields: m.all(&w.other_fields),
        parse_issues: m.all(&w.parse_issues),
    }
}

fn otpauth(o: &domain::otpauth::Otpauth, m: &Mask) -> Otpauth {
    Otpauth {
        otp_type: m.s(&o.otp_type),
        label: m.s(&o.label),
        account: m.s(&o.account),
        label_issuer: m.opt(&o.label_issuer),
        issuer: m.opt(&o.issuer),
        algorithm: m.s(&o.algorithm),
        digits: o.digits,
        period: o.period,
        counter: o.counter,
        secret_present: o.secret_present,
        secret_bits: o.secret_bits,
        unknown_parameters: m.all(&o.unknown_parameters),
        parse_issues: m.all(&o.parse_issues),
    }
}

fn migration(x: &domain::otpauth::Migration, m: &Mask) -> Migration {
    Migration {
        accounts: x
            .accounts
            .iter()
            .map(|a| MigrationAccount {
                name: m.s(&a.name),
                issuer: m.opt(&a.issuer),
                algorithm: m.s(a.algorithm),
                digits: a.digits,
                otp_type: m.s(a.otp_type),
                counter: a.counter,
                secret_bits: a.secret_bits,
            })
            .collect(),
        version: x.version,
        batch_size: x.batch_size,
        batch_index: x.batch_index,
        batch_id: x.batch_id,
        data_present: x.data_present,
        parse_issues: m.all(&x.parse_issues),
    }
}

fn contact(c: &domain::contact::Contact, m: &Mask) -> Contact {
    use domain::contact::ContactFormat;
    Contact {
        format: m.s(match c.format {
            ContactFormat::Mecard => "mecard",
            ContactFormat::Vcard => "vcard",
        }),
        name: m.opt(&c.name),
        structured_name: c.structured_name.as_ref().map(|n| StructuredName {
            prefix: m.all(&n.prefix),
            given: m.all(&n.given),
            additional: m.all(&n.additional),
            family: m.all(&n.family),
            suffix: m.all(&n.suffix),
        }),
        organization: m.opt(&c.organization),
        phones: m.all(&c.phones),
        emails: m.all(&c.emails),
        urls: c
            .urls
            .iter()
            .map(|u| ContactUrl {
                url: m.s(&u.url),
                scheme_inferred: u.scheme_missing,
                property: m.s(&u.property),
            })
            .collect(),
        parse_issues: m.all(&c.parse_issues),
    }
}

fn wireguard(w: &domain::wireguard::WireGuard, m: &Mask) -> WireGuard {
    WireGuard {
        interface: Interface {
            addresses: m.all(&w.interface.addresses),
            dns: m.all(&w.interface.dns),
            listen_port: m.opt(&w.interface.listen_port),
            private_key_present: w.interface.private_key_present,
        },
        peers: w
            .peers
            .iter()
            .map(|p| Peer {
                public_key: m.opt(&p.public_key),
                endpoint: m.opt(&p.endpoint),
                allowed_ips: m.all(&p.allowed_ips),
                preshared_key_present: p.preshared_key_present,
            })
            .collect(),
        parse_issues: m.all(&w.parse_issues),
    }
}

fn esim(e: &domain::esim::Esim, m: &Mask) -> Esim {
    Esim {
        format: m.s(&e.format),
        smdp_address: m.s(&e.smdp_address),
        matching_id: m.s(&e.matching_id),
        oid: m.opt(&e.oid),
        confirmation_code_required: e.confirmation_code_required,
        confirmation_code_present: e.confirmation_code_present,
        parse_issues: m.all(&e.parse_issues),
    }
}

fn enrollment(e: &domain::android_enrollment::Enrollment, m: &Mask) -> Enrollment {
    Enrollment {
        admin_component: m.opt(&e.admin_component),
        admin_package: m.opt(&e.admin_package),
        download_location: m.opt(&e.download_location),
        package_checksum_present: e.package_checksum_present,
        signature_checksum_present: e.signature_checksum_present,
        wifi_ssid: m.opt(&e.wifi_ssid),
        wifi_security_type: m.opt(&e.wifi_security_type),
        wifi_hidden: e.wifi_hidden,
        wifi_password_present: e.wifi_password_present,
        skip_encryption: e.skip_encryption,
        leave_all_system_apps_enabled: e.leave_all_system_apps_enabled,
        admin_extras: m.all(&e.admin_extras),
        secret_extras: m.all(&e.secret_extras),
        other_keys: m.all(&e.other_keys),
        parse_issues: m.all(&e.parse_issues),
    }
}

#[cfg(test)]
mod tests;
