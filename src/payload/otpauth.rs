//! One-time-password enrolment codes.
//!
//! `otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer&algorithm=SHA1&digits=6&period=30`
//! is the Key URI Format of Google Authenticator (also `hotp` with `counter`). The secret is the
//! seed of a second factor: never serialized; `secrets()` lists it as written, percent-decoded
//! and normalised (upper case, no spaces or padding).
//!
//! `otpauth-migration://offline?data=BASE64` is Google Authenticator's export ("Transfer
//! accounts"): `data` is a base64 protocol buffer `MigrationPayload { repeated OtpParameters
//! otp_parameters = 1; int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32
//! batch_id = 5; }` with `OtpParameters { bytes secret = 1; string name = 2; string issuer = 3;
//! Algorithm algorithm = 4; DigitCount digits = 5; OtpType type = 6; int64 counter = 7; }`. It
//! is read by the small protobuf reader below (bounded, never panics). The whole `data` value is
//! a secret (it holds every seed), and so is each seed in base32.

use base64::Engine;

/// An `otpauth://` key URI.
#[derive(Debug, Clone)]
pub struct Otpauth {
    /// `totp` or `hotp` (lower-cased; anything else is kept and reported).
    pub otp_type: String,
    /// The label, percent-decoded.
    pub label: String,
    /// The account part of the label (after `Issuer:`).
    pub account: String,
    /// The issuer prefix of the label, when there is one.
    pub label_issuer: Option<String>,
    /// The `issuer` parameter.
    pub issuer: Option<String>,
    /// `algorithm`, upper-cased; SHA1 when absent.
    pub algorithm: String,
    pub digits: u32,
    pub period: Option<u64>,
    pub counter: Option<u64>,
    /// True when `secret` is present and not empty (the secret itself is never serialized).
    pub secret_present: bool,
    /// The length of the decoded secret in bits, when it is valid base32.
    pub secret_bits: Option<u32>,
    pub unknown_parameters: Vec<String>,
    pub parse_issues: Vec<String>,
    secret_spellings: Vec<String>,
}

use crate::text::escapes::percent_decoded as decode;

/// Splits `scheme://rest` when the scheme matches case-insensitively.
fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    let prefix = format!("{scheme}://");
    text.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(&prefix))
        .map(|_| &text[prefix.len()..])
}

/// The query of `rest` as (name, raw value) pairs; the fragment is dropped.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('#')
        .next()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((n, v)) => (decode(n), v.to_string()),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// RFC 4648 base32 (case-insensitive; spaces, hyphens and `=` padding ignored), or `None`.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut bits: u64 = 0;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.chars() {
        let v = match c.to_ascii_uppercase() {
            c @ 'A'..='Z' => c as u64 - 'A' as u64,
            c @ '2'..='7' => c as u64 - '2' as u64 + 26,
            ' ' | '-' | '=' => continue,
            _ => return None,
        };
        bits = (bits << 5) | v;
        nbits += 5;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    Some(out)
}

/// Upper-case base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut bits, mut nbits) = (0u32, 0);
    for &b in bytes {
        bits = (bits << 8) | b as u32;
        nbits += 8;
        while nbits >= 5 {
            nbits -= 5;
            out.push(ALPHABET[((bits >> nbits) & 31) as usize] as char);
        }
        bits &= (1 << nbits) - 1;
    }
    if nbits > 0 {
        out.push(ALPHABET[((bits << (5 - nbits)) & 31) as usize] as char);
    }
    out
}

const KNOWN_OTP_PARAMETERS: &[&str] = &[
    "secret",
    "issuer",
    "algorithm",
    "digits",
    "period",
    "counter",
    "image",
];

/// Parses an `otpauth://` URI (scheme case-insensitive); `None` for any other text.
pub fn parse(text: &str) -> Option<Otpauth> {
    let rest = strip_scheme(text.trim(), "otpauth")?;
    let mut issues = Vec::new();
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (otp_type, label_raw) = path.split_once('/').unwrap_or((path, ""));
    let otp_type = otp_type.to_ascii_lowercase();
    if otp_type != "totp" && otp_type != "hotp" {
        issues.push(format!(
            "type '{otp_type}' is neither totp nor hotp: authenticator apps reject the code"
        ));
    }
    let label = decode(label_raw);
    let (label_issuer, account) = match label.split_once(':') {
        Some((i, a)) => (Some(i.trim().to_string()), a.trim().to_string()),
        None => (None, label.trim().to_string()),
    };
    if account.is_empty() {
        issues.push("the label names no account".into());
    }
    let pairs = query_pairs(query);
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let mut unknown = Vec::new();
    for (name, _) in &pairs {
        let lower = name.to_ascii_lowercase();
        if !KNOWN_OTP_PARAMETERS.contains(&lower.as_str()) && !unknown.contains(name) {
            unknown.push(name.clone());
        }
        if pairs
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
            > 1
        {
            let issue = format!("parameter '{name}' appears more than once");
            if !issues.contains(&issue) {
                issues.push(issue);
            }
        }
    }
    let mut secret_spellings = Vec::new();
    let mut secret_bits = None;
    let secret_raw = first("secret").unwrap_or("");
    if !secret_raw.is_empty() {
        let decoded = decode(secret_raw);
        let normalised: String = decoded
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '='))
            .collect::<String>()
            .to_ascii_uppercase();
        secret_spellings.extend([secret_raw.to_string(), decoded.clone(), normalised.clone()]);
        secret_spellings.push(normalised.to_ascii_lowercase());
        match base32_decode(&decoded) {
            Some(bytes) if !bytes.is_empty() => secret_bits = Some(bytes.len() as u32 * 8),
            _ => issues.push("the secret is not valid base32: authenticator apps reject it".into()),
        }
    } else {
        issues.push("no secret: authenticator apps reject the code".into());
    }
    secret_spellings.retain(|s| !s.is_empty());
    secret_spellings.sort();
    secret_spellings.dedup();
    let issuer = first("issuer").map(decode).filter(|i| !i.trim().is_empty());
    let algorithm = first("algorithm")
        .map(|a| decode(a).to_ascii_uppercase())
        .unwrap_or_else(|| "SHA1".to_string());
    let digits = match first("digits") {
        None => 6,
        Some(d) => d.trim().parse().unwrap_or_else(|_| {
            issues.push(format!("digits '{d}' is not a number: apps use 6"));
            6
        }),
    };
    let number = |name: &str, issues: &mut Vec<String>| {
        first(name).and_then(|v| {
            v.trim().parse::<u64>().ok().or_else(|| {
                issues.push(format!("{name} '{v}' is not a number"));
                None
            })
        })
    };
    let period = if otp_type == "totp" {
        Some(number("period", &mut issues).unwrap_or(30))
    } else {
        None
    };
    let counter = number("counter", &mut issues);
    if otp_type == "hotp" && counter.is_none() {
        issues.push("an hotp code needs a counter".into());
    }
    Some(Otpauth {
        otp_type,
        label,
        account,
        label_issuer,
        issuer,
        algorithm,
        digits,
        period,
        counter,
        secret_present: !secret_raw.is_empty(),
        secret_bits,
        unknown_parameters: unknown,
        parse_issues: issues,
        secret_spellings,
    })
}

impl Otpauth {
    pub fn secrets(&self) -> Vec<String> {
        self.secret_spellings.clone()
    }

    /// The issuer a user sees: the parameter, else the label prefix.
    pub fn effective_issuer(&self) -> Option<&str> {
        self.issuer.as_deref().or(self.label_issuer.as_deref())
    }

    fn who(&self) -> String {
        match self.effective_issuer() {
            Some(i) => format!("'{}' at {i}", self.account),
            None => format!("'{}'", self.account),
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "{} seed for {}{}",
            self.otp_type.to_ascii_uppercase(),
            self.who(),
            if self.secret_present {
                ""
            } else {
                " (no secret)"
            }
        )
    }

    pub fn describe(&self) -> String {
        if self.secret_present {
            format!(
                "Adds a second factor ({}) for {} to an authenticator app. The code holds the seed itself: anyone who scans it can generate the same one-time codes.",
                self.otp_type.to_ascii_uppercase(),
                self.who()
            )
        } else {
            format!(
                "Meant to add a second factor for {} to an authenticator app, but it holds no secret, so apps reject it.",
                self.who()
            )
        }
    }
}

/// One account of an authenticator export.
#[derive(Debug, Clone)]
pub struct MigrationAccount {
    pub name: String,
    pub issuer: Option<String>,
    /// `SHA1`, `SHA256`, `SHA512`, `MD5`, or `unspecified`.
    pub algorithm: &'static str,
    /// 6, 8, or 0 when unspecified.
    pub digits: u32,
    /// `totp`, `hotp`, or `unspecified`.
    pub otp_type: &'static str,
    pub counter: Option<u64>,
    pub secret_bits: u32,
}

/// An `otpauth-migration://` export.
#[derive(Debug, Clone)]
pub struct Migration {
    pub accounts: Vec<MigrationAccount>,
    pub version: Option<u64>,
    pub batch_size: Option<u64>,
    pub batch_index: Option<u64>,
    pub batch_id: Option<i64>,
    /// True when `data` is present and not empty (it holds every seed: never serialized).
    pub data_present: bool,
    pub parse_issues: Vec<String>,
    secret_spellings: Vec<String>,
}

/// A minimal protocol-buffer reader: enough for the migration payload, bounded by its input.
struct Proto<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

impl<'a> Proto<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Proto { buf, pos: 0 }
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.buf.get(self.pos)?;
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len())?;
        let out = &self.buf[self.pos..end];
        self.pos = end;
        Some(out)
    }

    /// The next field, `Ok(None)` at the end, `Err` on malformed input.
    fn field(&mut self) -> Result<Option<(u64, Wire<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let bad = |what: &str| format!("malformed protocol buffer ({what})");
        let key = self.varint().ok_or_else(|| bad("truncated key"))?;
        let (number, wire) = (key >> 3, key & 7);
        let value = match wire {
            0 => Wire::Varint(self.varint().ok_or_else(|| bad("truncated varint"))?),
            1 => {
                self.take(8).ok_or_else(|| bad("truncated fixed64"))?;
                Wire::Fixed
            }
            2 => {
                let len = self.varint().ok_or_else(|| bad("truncated length"))?;
                let len = usize::try_from(len).map_err(|_| bad("length too large"))?;
                Wire::Bytes(self.take(len).ok_or_else(|| bad("length past the end"))?)
            }
            5 => {
                self.take(4).ok_or_else(|| bad("truncated fixed32"))?;
                Wire::Fixed
            }
            other => return Err(bad(&format!("wire type {other}"))),
        };
        Ok(Some((number, value)))
    }
}

fn parse_account(bytes: &[u8]) -> Result<(MigrationAccount, Vec<u8>), String> {
    let mut p = Proto::new(bytes);
    let mut account = MigrationAccount {
        name: String::new(),
        issuer: None,
        algorithm: "unspecified",
        digits: 0,
        otp_type: "unspecified",
        counter: None,
        secret_bits: 0,
    };
    let mut secret = Vec::new();
    while let Some((number, value)) = p.field()? {
        match (number, value) {
            (1, Wire::Bytes(b)) => secret = b.to_vec(),
            (2, Wire::Bytes(b)) => account.name = String::from_utf8_lossy(b).into_owned(),
            (3, Wire::Bytes(b)) => {
                account.issuer =
                    Some(String::from_utf8_lossy(b).into_owned()).filter(|i| !i.is_empty())
            }
            (4, Wire::Varint(v)) => {
                account.algorithm = match v {
                    1 => "SHA1",
                    2 => "SHA256",
                    3 => "SHA512",
                    4 => "MD5",
                    _ => "unspecified",
                }
            }
            (5, Wire::Varint(v)) => {
                account.digits = match v {
                    1 => 6,
                    2 => 8,
                    _ => 0,
                }
            }
            (6, Wire::Varint(v)) => {
                account.otp_type = match v {
                    1 => "hotp",
                    2 => "totp",
                    _ => "unspecified",
                }
            }
            (7, Wire::Varint(v)) => account.counter = Some(v),
            _ => {}
        }
    }
    account.secret_bits = secret.len() as u32 * 8;
    Ok((account, secret))
}

/// Parses an `otpauth-migration://` export (scheme case-insensitive); `None` for other text.
pub fn parse_migration(text: &str) -> Option<Migration> {
    let rest = strip_scheme(text.trim(), "otpauth-migration")?;
    let mut issues = Vec::new();
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let pairs = query_pairs(query);
    let raw = pairs
        .iter()
        .find(|(n, _)| n == "data")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let mut m = Migration {
        accounts: Vec::new(),
        version: None,
        batch_size: None,
        batch_index: None,
        batch_id: None,
        data_present: !raw.is_empty(),
        parse_issues: Vec::new(),
        secret_spellings: Vec::new(),
    };
    if raw.is_empty() {
        m.parse_issues.push("no data parameter".into());
        return Some(m);
    }
    // A form decoder may have turned '+' into a space: base64 has no spaces.
    let decoded = decode(raw).replace(' ', "+");
    m.secret_spellings
        .extend([raw.to_string(), decode(raw), decoded.clone()]);
    let config = base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
    let standard = base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, config);
    let url_safe = base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, config);
    let bytes = match standard
        .decode(decoded.trim())
        .or_else(|_| url_safe.decode(decoded.trim()))
    {
        Ok(b) => b,
        Err(e) => {
            issues.push(format!("data is not base64 ({e})"));
            m.parse_issues = issues;
            return Some(m);
        }
    };
    let mut p = Proto::new(&bytes);
    loop {
        match p.field() {
            Ok(None) => break,
            Ok(Some((1, Wire::Bytes(b)))) => match parse_account(b) {
                Ok((account, secret)) => {
                    if !secret.is_empty() {
                        let b32 = base32_encode(&secret);
                        m.secret_spellings.push(b32.to_ascii_lowercase());
                        m.secret_spellings.push(b32);
                    } else {
                        issues.push(format!("account '{}' has no secret", account.name));
                    }
                    m.accounts.push(account);
                }
                Err(e) => {
                    issues.push(format!("account {}: {e}", m.accounts.len() + 1));
                    break;
                }
            },
            Ok(Some((2, Wire::Varint(v)))) => m.version = Some(v),
            Ok(Some((3, Wire::Varint(v)))) => m.batch_size = Some(v),
            Ok(Some((4, Wire::Varint(v)))) => m.batch_index = Some(v),
            Ok(Some((5, Wire::Varint(v)))) => m.batch_id = Some(v as i64 as i32 as i64),
            Ok(Some(_)) => {}
            Err(e) => {
                issues.push(e);
                break;
            }
        }
    }
    if m.accounts.is_empty() {
        issues.push("the export holds no account".into());
    }
    m.parse_issues = issues;
    m.secret_spellings.retain(|s| !s.is_empty());
    m.secret_spellings.sort();
    m.secret_spellings.dedup();
    Some(m)
}

impl Migration {
    pub fn secrets(&self) -> Vec<String> {
        self.secret_spellings.clone()
    }

    /// How many accounts carry a seed.
    pub fn seeds(&self) -> usize {
        self.accounts.iter().filter(|a| a.secret_bits > 0).count()
    }

    /// `issuer (name)` of up to `max` accounts, for messages.
    pub fn account_list(&self, max: usize) -> String {
        let mut names: Vec<String> = self
            .accounts
            .iter()
            .take(max)
            .map(|a| match &a.issuer {
                Some(i) => format!("{i} ({})", a.name),
                None => a.name.clone(),
            })
            .collect();
        if self.accounts.len() > max {
            names.push(format!("and {} more", self.accounts.len() - max));
        }
        names.join(", ")
    }

    pub fn summary(&self) -> String {
        let n = self.accounts.len();
        format!(
            "authenticator export, {n} account{}{}",
            if n == 1 { "" } else { "s" },
            match (self.batch_index, self.batch_size) {
                (Some(i), Some(s)) if s > 1 => format!(" (batch {} of {s})", i + 1),
                _ => String::new(),
            }
        )
    }

    pub fn describe(&self) -> String {
        let n = self.accounts.len();
        format!(
            "Imports {n} account{} into an authenticator app ({}). The code holds every seed: anyone who scans it gets all these second factors.",
            if n == 1 { "" } else { "s" },
            self.account_list(5)
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a migration payload (for tests): accounts as (secret, name, issuer).
    pub(crate) fn migration_uri(accounts: &[(&[u8], &str, &str)]) -> String {
        fn bytes_field(out: &mut Vec<u8>, number: u8, b: &[u8]) {
            out.push(number << 3 | 2);
            let mut len = b.len();
            while len >= 0x80 {
                out.push((len as u8 & 0x7f) | 0x80);
                len >>= 7;
            }
            out.push(len as u8);
            out.extend_from_slice(b);
        }
        let mut payload = Vec::new();
        for (secret, name, issuer) in accounts {
            let mut acc = Vec::new();
            bytes_field(&mut acc, 1, secret);
            bytes_field(&mut acc, 2, name.as_bytes());
            bytes_field(&mut acc, 3, issuer.as_bytes());
            acc.extend_from_slice(&[4 << 3, 1, 5 << 3, 1, 6 << 3, 2]);
            bytes_field(&mut payload, 1, &acc);
        }
        payload.extend_from_slice(&[2 << 3, 1, 3 << 3, 1, 4 << 3, 0, 5 << 3, 7]);
        let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
        let encoded = b64
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        format!("otpauth-migration://offline?data={encoded}")
    }

    #[test]
    fn key_uri_with_every_parameter() {
        let o = parse("otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60").expect("otp");
        assert_eq!(o.otp_type, "totp");
        assert_eq!(o.label_issuer.as_deref(), Some("ACME Co"));
        assert_eq!(o.account, "john.doe@example.com");
        assert_eq!(o.issuer.as_deref(), Some("ACME Co"));
        assert_eq!(
            (o.algorithm.as_str(), o.digits, o.period),
            ("SHA256", 8, Some(60))
        );
        assert_eq!(o.secret_bits, Some(160));
        assert!(o.parse_issues.is_empty(), "{:?}", o.parse_issues);
        assert!(
            o.secrets()
                .contains(&"HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ".to_string())
        );
        let json =
            crate::report::payload::unmasked_json(&crate::payload::Payload::Otpauth(o.clone()))
                .to_string();
        assert!(!json.contains("HXDMVJEC"), "{json}");
    }

    #[test]
    fn defaults_and_spellings() {
        let o = parse("OTPAUTH://TOTP/alice?secret=jbsw%20y3dp%20ehpk%203pxp").expect("otp");
        assert_eq!(
            (o.algorithm.as_str(), o.digits, o.period),
            ("SHA1", 6, Some(30))
        );
        assert_eq!(o.secret_bits, Some(80));
        assert_eq!(o.effective_issuer(), None);
        let s = o.secrets();
        for spelling in [
            "jbsw%20y3dp%20ehpk%203pxp",
            "jbsw y3dp ehpk 3pxp",
            "JBSWY3DPEHPK3PXP",
        ] {
            assert!(s.contains(&spelling.to_string()), "{spelling}: {s:?}");
        }
    }

    #[test]
    fn malformed_key_uris_are_read_and_reported() {
        let o = parse("otpauth://totp/x?secret=not*base32&digits=six&period=&secret=AAAA").unwrap();
        assert!(o.secret_present);
        assert_eq!(o.secret_bits, None);
        assert!(o.parse_issues.iter().any(|i| i.contains("base32")));
        assert!(o.parse_issues.iter().any(|i| i.contains("digits")));
        assert!(o.parse_issues.iter().any(|i| i.contains("more than once")));
        let o = parse("otpauth://hotp").unwrap();
        assert!(!o.secret_present);
        assert!(o.parse_issues.iter().any(|i| i.contains("counter")));
        assert!(parse("otpauth-migration://offline?data=x").is_none());
        assert!(parse("otpauth:/x").is_none());
    }

    #[test]
    fn base32_round_trip() {
        assert_eq!(
            base32_decode("JBSWY3DPEHPK3PXP").unwrap(),
            b"Hello!\xde\xad\xbe\xef"
        );
        assert_eq!(base32_encode(b"Hello!\xde\xad\xbe\xef"), "JBSWY3DPEHPK3PXP");
        assert_eq!(base32_encode(b"a"), "ME");
        assert_eq!(base32_decode("ME======").unwrap(), b"a");
        assert!(base32_decode("A1").is_none());
    }

    #[test]
    fn migration_export_counts_accounts_and_lists_every_seed() {
        let uri = migration_uri(&[
            (b"0123456789abcdefghij", "alice@example.com", "Example"),
            (b"short", "bob", ""),
        ]);
        let m = parse_migration(&uri).expect("migration");
        assert_eq!(m.accounts.len(), 2);
        assert_eq!(m.accounts[0].name, "alice@example.com");
        assert_eq!(m.accounts[0].issuer.as_deref(), Some("Example"));
        assert_eq!(
            (
                m.accounts[0].algorithm,
                m.accounts[0].digits,
                m.accounts[0].otp_type
            ),
            ("SHA1", 6, "totp")
        );
        assert_eq!(m.accounts[0].secret_bits, 160);
        assert_eq!(m.accounts[1].issuer, None);
        assert_eq!(
            (m.version, m.batch_size, m.batch_id),
            (Some(1), Some(1), Some(7))
        );
        let secrets = m.secrets();
        assert!(secrets.contains(&base32_encode(b"0123456789abcdefghij")));
        assert!(secrets.contains(&base32_encode(b"short")));
        let data = uri.split_once("data=").unwrap().1;
        assert!(secrets.contains(&data.to_string()));
        let json = crate::report::payload::unmasked_json(
            &crate::payload::Payload::OtpauthMigration(m.clone()),
        )
        .to_string();
        assert!(
            !json.contains(data) && !json.contains(&base32_encode(b"short")),
            "{json}"
        );
        assert_eq!(m.summary(), "authenticator export, 2 accounts");
    }

    #[test]
    fn malformed_migrations_never_panic() {
        for text in [
            "otpauth-migration://offline",
            "otpauth-migration://offline?data=",
            "otpauth-migration://offline?data=!!!",
            "otpauth-migration://offline?data=CgA%3D",
            "otpauth-migration://offline?data=Cv____8P",
            "otpauth-migration://offline?data=Cg",
            "otpauth-migration://offline?data=Dw",
        ] {
            let m = parse_migration(text).expect("still a migration code");
            assert!(!m.parse_issues.is_empty(), "{text}");
        }
        // Every prefix of a valid payload, and byte flips.
        let uri = migration_uri(&[(b"0123456789abcdef", "a", "b")]);
        let data = uri
            .split_once("data=")
            .unwrap()
            .1
            .replace("%2B", "+")
            .replace("%2F", "/")
            .replace("%3D", "=");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&data)
            .unwrap();
        for cut in 0..bytes.len() {
            for flip in [0u8, 0x80, 0xff] {
                let mut b = bytes[..cut].to_vec();
                if let Some(last) = b.last_mut() {
                    *last ^= flip;
                }
                let text = format!(
                    "otpauth-migration://offline?data={}",
                    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&b)
                );
                let _ = parse_migration(&text).expect("parses").summary();
            }
        }
    }
}
