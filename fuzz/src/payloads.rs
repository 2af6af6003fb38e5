//! Hostile payloads of every kind qraudit classifies, built from `arbitrary` choices: each is
//! well-formed enough to be classified as its kind, with fields that carry what attackers put
//! there (bidi overrides, ANSI escapes, controls, percent signs, separators, long runs,
//! non-UTF-8 bytes), and a planted secret in the field where the kind carries one, so that
//! the target can check the secret is masked in every output.

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine;

/// A payload and the secrets planted in it.
#[derive(Debug, Clone)]
pub struct Built {
    pub bytes: Vec<u8>,
    /// Each secret as its kind's parser reads it (decoded), and as written in `bytes`.
    pub secrets: Vec<(String, String)>,
}

/// One piece of a hostile text field.
#[derive(Debug, Arbitrary)]
enum Piece {
    Word(u8),
    Special(u8),
    Bidi(u8),
    Ansi(u8),
    Control(u8),
    Percent(u8, u8),
    Unicode(char),
    Run(u8, u8),
}

const WORDS: [&str; 12] = [
    "Sales", "Team", "stproxy", "example", "com", "jdoe", "admin", "Guest", "Café", "東京", "Ops",
    "x",
];
const SPECIALS: &str = ";:,\\&=?#@%/\"'<>$! \t+";
const BIDI: [char; 9] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}',
];
const ANSI: [&str; 6] = [
    "\u{1b}[2J",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}[31m",
    "\u{1b}[1A\u{1b}[K",
    "\u{9b}31m",
    "\u{1b}P+q\u{1b}\\",
];

/// A text field of hostile pieces (at most 40 of them).
#[derive(Debug)]
pub struct Field(String);

impl<'a> Arbitrary<'a> for Field {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut out = String::new();
        let n = u.int_in_range(0..=40)?;
        for _ in 0..n {
            match Piece::arbitrary(u)? {
                Piece::Word(i) => out.push_str(WORDS[usize::from(i) % WORDS.len()]),
                Piece::Special(i) => {
                    out.push(SPECIALS.as_bytes()[usize::from(i) % SPECIALS.len()] as char)
                }
                Piece::Bidi(i) => out.push(BIDI[usize::from(i) % BIDI.len()]),
                Piece::Ansi(i) => out.push_str(ANSI[usize::from(i) % ANSI.len()]),
                Piece::Control(c) => out.push(char::from(c % 0x20)),
                Piece::Percent(a, b) => out.push_str(&format!("%{:X}{:X}", a % 16, b % 16)),
                Piece::Unicode(c) => out.push(c),
                Piece::Run(c, n) => {
                    let c = char::from(b'a' + c % 26);
                    out.extend(std::iter::repeat_n(c, usize::from(n) * 8));
                }
            }
        }
        Ok(Field(out))
    }
}

/// A secret: 8 to 24 characters, so that finding it in an output cannot be chance. `special`
/// adds characters that need escaping in some formats.
#[derive(Debug)]
pub struct Secret(String);

impl<'a> Arbitrary<'a> for Secret {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        const PLAIN: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
        const SPECIAL: &[u8] = b"!$*+-._~;,:\\\"@&=?#% ";
        let len = u.int_in_range(8..=24)?;
        let special = bool::arbitrary(u)?;
        let mut s = String::from("Zq"); // never a word of the report's own prose
        while s.len() < len {
            let from = if special && u8::arbitrary(u)? % 4 == 0 {
                SPECIAL
            } else {
                PLAIN
            };
            s.push(from[usize::from(u8::arbitrary(u)?) % from.len()] as char);
        }
        // A secret that ends in a space or quote is trimmed or unquoted by readers: keep the
        // last character plain so that the secret as planted is the secret as read.
        s.push('k');
        Ok(Secret(s))
    }
}

/// A host name, sometimes hostile (an IP literal, IDN, a look-alike with userinfo).
#[derive(Debug, Arbitrary)]
pub enum Host {
    Plain(u8),
    Ipv4(u8, u8, u8, u8),
    Ipv6,
    Idn,
    Port(u8, u16),
}

impl Host {
    fn text(&self) -> String {
        match self {
            Host::Plain(i) => ["stproxy.example.com", "chat.example.org", "localhost", "a.b"]
                [usize::from(*i) % 4]
                .to_string(),
            Host::Ipv4(a, b, c, d) => format!("{a}.{b}.{c}.{d}"),
            Host::Ipv6 => "[2001:db8::1]".to_string(),
            Host::Idn => "xn--exmple-cua.com".to_string(),
            Host::Port(i, port) => format!("{}:{port}", Host::Plain(*i).text()),
        }
    }
}

/// Every payload kind, with random fields.
#[derive(Debug, Arbitrary)]
pub enum PayloadSpec {
    Sametime {
        scheme: u8,
        user: Option<Field>,
        password: Option<Secret>,
        host: Host,
        params: Vec<(u8, Field)>,
        secret_param: Option<Secret>,
    },
    WebUrl {
        https: bool,
        user: Field,
        password: Secret,
        host: Host,
        path: Field,
    },
    Wifi {
        auth: u8,
        ssid: Field,
        password: Secret,
        hidden: bool,
    },
    Otpauth {
        hotp: bool,
        label: Field,
        secret: Vec<u8>,
        issuer: Field,
        digits: u8,
    },
    Migration {
        entries: Vec<(Vec<u8>, Field, Field)>,
    },
    Mecard {
        name: Field,
        tel: Field,
        url_password: Secret,
        note: Field,
    },
    Vcard {
        name: Field,
        org: Field,
        url_password: Secret,
    },
    Wireguard {
        key: [u8; 32],
        address: Field,
        endpoint: Host,
    },
    Esim {
        smdp: Host,
        matching: Field,
        confirmation: Secret,
    },
    Android {
        component: Field,
        ssid: Field,
        password: Secret,
        token: Option<Secret>,
    },
    Text(Field),
    Binary(Vec<u8>),
    Long {
        unit: u8,
        repeat: u16,
    },
}

const PARAMS: [&str; 10] = [
    "action",
    "communityName",
    "savePassword",
    "authProxyEnabled",
    "authProxyUser",
    "authProxyReuseCredentials",
    "allowUntrustedSSL",
    "user",
    "port",
    "comunityName",
];

fn pct(s: &str) -> String {
    percent_encode(s, |b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

fn percent_encode(s: &str, keep: impl Fn(u8) -> bool) -> String {
    s.bytes()
        .map(|b| {
            if keep(b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `\` before the characters the Wi-Fi and MECARD syntax reserves.
fn wifi_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '\\' | ';' | ',' | ':' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn json_string(s: &str) -> String {
    serde_json_escape(s)
}

/// A JSON string literal (without a serde dependency: quotes, backslashes and controls).
fn serde_json_escape(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl PayloadSpec {
    pub fn build(&self) -> Built {
        let mut secrets = Vec::new();
        let text = match self {
            PayloadSpec::Sametime {
                scheme,
                user,
                password,
                host,
                params,
                secret_param,
            } => {
                let scheme = ["hclsametime", "sametime", "stmeetings", "HCLSametime"]
                    [usize::from(*scheme) % 4];
                let mut url = format!("{scheme}://");
                if let Some(user) = user {
                    url.push_str(&pct(&user.0));
                    if let Some(password) = password {
                        let written = pct(&password.0);
                        url.push(':');
                        url.push_str(&written);
                        secrets.push((password.0.clone(), written));
                    }
                    url.push('@');
                }
                url.push_str(&host.text());
                url.push_str("/?action=AddCommunity");
                for (name, value) in params.iter().take(12) {
                    let name = PARAMS[usize::from(*name) % PARAMS.len()];
                    url.push_str(&format!("&{name}={}", pct(&value.0)));
                }
                if let Some(secret) = secret_param {
                    let written = pct(&secret.0);
                    url.push_str(&format!("&authProxyPassword={written}"));
                    secrets.push((secret.0.clone(), written));
                }
                url
            }
            PayloadSpec::WebUrl {
                https,
                user,
                password,
                host,
                path,
            } => {
                let written = pct(&password.0);
                secrets.push((password.0.clone(), written.clone()));
                format!(
                    "{}://{}:{written}@{}/{}",
                    if *https { "https" } else { "http" },
                    pct(&user.0),
                    host.text(),
                    percent_encode(&path.0, |b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b))
                )
            }
            PayloadSpec::Wifi {
                auth,
                ssid,
                password,
                hidden,
            } => {
                let auth = ["WPA", "WEP", "SAE", "nopass", "WPA2-EAP", ""][usize::from(*auth) % 6];
                let written = wifi_escape(&password.0);
                secrets.push((password.0.clone(), written.clone()));
                format!(
                    "WIFI:T:{auth};S:{};P:{written};{};",
                    wifi_escape(&ssid.0),
                    if *hidden { "H:true;" } else { "" }
                )
            }
            PayloadSpec::Otpauth {
                hotp,
                label,
                secret,
                issuer,
                digits,
            } => {
                let seed = base32(secret);
                if seed.len() >= 8 {
                    secrets.push((seed.clone(), seed.clone()));
                }
                format!(
                    "otpauth://{}/{}?secret={seed}&issuer={}&digits={}{}",
                    if *hotp { "hotp" } else { "totp" },
                    pct(&label.0),
                    pct(&issuer.0),
                    digits % 12,
                    if *hotp { "&counter=0" } else { "" }
                )
            }
            PayloadSpec::Migration { entries } => {
                let mut payload = Vec::new();
                for (seed, name, issuer) in entries.iter().take(8) {
                    let mut entry = Vec::new();
                    proto_bytes(&mut entry, 1, &seed[..seed.len().min(64)]);
                    proto_bytes(&mut entry, 2, name.0.as_bytes());
                    proto_bytes(&mut entry, 3, issuer.0.as_bytes());
                    entry.extend([0x20, 0x01, 0x28, 0x01, 0x30, 0x02]);
                    proto_bytes(&mut payload, 1, &entry);
                }
                payload.extend([0x10, 0x01, 0x18, 0x01, 0x20, 0x00]);
                let data = base64::engine::general_purpose::STANDARD.encode(&payload);
                format!("otpauth-migration://offline?data={}", pct(&data))
            }
            PayloadSpec::Mecard {
                name,
                tel,
                url_password,
                note,
            } => {
                let written = pct(&url_password.0);
                secrets.push((url_password.0.clone(), written.clone()));
                format!(
                    "MECARD:N:{};TEL:{};URL:https\\://bob\\:{written}@example.com/;NOTE:{};;",
                    wifi_escape(&name.0),
                    wifi_escape(&tel.0),
                    wifi_escape(&note.0)
                )
            }
            PayloadSpec::Vcard {
                name,
                org,
                url_password,
            } => {
                let written = pct(&url_password.0);
                secrets.push((url_password.0.clone(), written.clone()));
                format!(
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{}\r\nORG:{}\r\nURL:https://bob:{written}@example.com/\r\nEND:VCARD\r\n",
                    name.0.replace(['\r', '\n'], " "),
                    org.0.replace(['\r', '\n'], " ")
                )
            }
            PayloadSpec::Wireguard {
                key,
                address,
                endpoint,
            } => {
                let key = base64::engine::general_purpose::STANDARD.encode(key);
                secrets.push((key.clone(), key.clone()));
                format!(
                    "[Interface]\nPrivateKey = {key}\nAddress = {}\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = {}\nAllowedIPs = 0.0.0.0/0\n",
                    address.0.replace(['\r', '\n'], " "),
                    endpoint.text()
                )
            }
            PayloadSpec::Esim {
                smdp,
                matching,
                confirmation,
            } => {
                // A confirmation code written where only a flag belongs: a secret.
                let code: String = confirmation
                    .0
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric())
                    .collect();
                if code.len() >= 8 {
                    secrets.push((code.clone(), code.clone()));
                }
                format!(
                    "LPA:1${}${}$${code}",
                    smdp.text(),
                    matching.0.replace('$', "")
                )
            }
            PayloadSpec::Android {
                component,
                ssid,
                password,
                token,
            } => {
                let written = json_string(&password.0);
                secrets.push((
                    password.0.clone(),
                    written.trim_matches('"').to_string(),
                ));
                let mut json = format!(
                    "{{\"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME\":{},\"android.app.extra.PROVISIONING_WIFI_SSID\":{},\"android.app.extra.PROVISIONING_WIFI_PASSWORD\":{written}",
                    json_string(&component.0),
                    json_string(&ssid.0)
                );
                if let Some(token) = token {
                    let written = json_string(&token.0);
                    secrets.push((token.0.clone(), written.trim_matches('"').to_string()));
                    json.push_str(&format!(
                        ",\"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE\":{{\"enrollment_token\":{written}}}"
                    ));
                }
                json.push('}');
                json
            }
            PayloadSpec::Text(field) => field.0.clone(),
            PayloadSpec::Binary(bytes) => {
                return Built {
                    bytes: bytes.clone(),
                    secrets,
                };
            }
            PayloadSpec::Long { unit, repeat } => {
                let unit = ["A", "hclsametime://h/?a=", "%", "\u{202E}", "é", "\u{1b}["]
                    [usize::from(*unit) % 6];
                unit.repeat(usize::from(*repeat) % 3000 + 1)
            }
        };
        Built {
            bytes: text.into_bytes(),
            secrets,
        }
    }
}

/// RFC 4648 base32 without padding, as authenticators write seeds.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes.iter().take(40) {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// A length-delimited protobuf field.
fn proto_bytes(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    out.push((field << 3) | 2);
    let mut len = bytes.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(bytes);
}
