//! Whether a switch's value is true: the one place that decides it, per platform.
//!
//! HCL documents `true` and `false` only and says nothing about other text. The platforms that
//! read a provisioning URL do not agree on it (docs/audit.md, "How a phone reads a code", gives
//! the table and its sources):
//!
//! - Java's `Boolean.parseBoolean` takes `true` in any case and nothing else;
//! - Android's `Uri.getBooleanQueryParameter` lower-cases the value and takes *everything but*
//!   `false` and `0` as true: `no`, `off`, `000`, an empty value and a name written without `=`
//!   (`getQueryParameter` returns `""` for it) are all true there;
//! - iOS's `NSString.boolValue` skips leading whitespace, one sign and any zeros, then takes a
//!   first character of `Y`, `y`, `T`, `t` or `1`..`9` (so `TRUE`, `yes`, `1`, `+1`, `0001`,
//!   `t` are true);
//! - scripts and other tools commonly accept `yes`, `on` and `enabled`.
//!
//! A value is *possibly true* when any of these reads it as true. The audit treats a possibly
//! true risky switch as switched on (fail safe) and names the platforms that do; no rewrite may
//! ever turn one into a live `true`. Callers ask only the questions below.

/// A reader of provisioning URLs whose reading of a boolean we model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `Boolean.parseBoolean`: `true` in any case.
    Android,
    /// `Uri.getBooleanQueryParameter`: anything but `false` (any case) and `0`.
    AndroidUri,
    /// `NSString.boolValue`.
    Ios,
    /// Scripts and other tools that take the usual words for "on".
    Lenient,
}

impl Client {
    pub const ALL: [Client; 4] = [
        Client::Android,
        Client::AndroidUri,
        Client::Ios,
        Client::Lenient,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Client::Android => "Android (Boolean.parseBoolean)",
            Client::AndroidUri => "Android (Uri.getBooleanQueryParameter)",
            Client::Ios => "iOS (NSString.boolValue)",
            Client::Lenient => "other readers",
        }
    }
}

/// How surely a risky switch is on. Ordered: `Off < Maybe < On`, so that "a rewrite never raises
/// a switch" is a plain comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// No client reads it as on.
    Off,
    /// Some client, or some spelling the app may or may not honour, switches it on.
    Maybe,
    /// The app, reading the documented names as Android does, switches it on.
    On,
}

/// True when `client` reads `value` as true.
pub fn reads_true(client: Client, value: &str) -> bool {
    match client {
        Client::Android => value.eq_ignore_ascii_case("true"),
        Client::AndroidUri => {
            let lower = value.to_lowercase();
            lower != "false" && lower != "0"
        }
        Client::Ios => ios_bool_value(value),
        Client::Lenient => matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "y" | "on" | "enabled" | "1" | "t"
        ),
    }
}

/// `NSString.boolValue` as Apple documents it and swift-corelibs-foundation implements it:
/// whitespace, one optional sign, zeros, then one of `tTyY1-9`.
fn ios_bool_value(value: &str) -> bool {
    let rest = value.trim_start_matches(char::is_whitespace);
    let rest = rest
        .strip_prefix('+')
        .or_else(|| rest.strip_prefix('-'))
        .unwrap_or(rest);
    let rest = rest.trim_start_matches('0');
    rest.chars()
        .next()
        .is_some_and(|c| matches!(c, 't' | 'T' | 'y' | 'Y' | '1'..='9'))
}

/// True when some client reads `value` as true.
pub fn possibly_true(value: &str) -> bool {
    Client::ALL.iter().any(|c| reads_true(*c, value))
}

/// The clients that read `value` as true, by name (`"Android, iOS"`); empty when none does.
pub fn readers_of_true(value: &str) -> Vec<&'static str> {
    Client::ALL
        .iter()
        .filter(|c| reads_true(**c, value))
        .map(|c| c.name())
        .collect()
}

/// What each platform makes of `value`, as a clause: `Android (Boolean.parseBoolean) reads it
/// as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true`.
pub fn readings(value: &str) -> String {
    let [first, rest @ ..] = [Client::Android, Client::AndroidUri, Client::Ios];
    let mut out = format!("{} reads it as {}", first.name(), reads_true(first, value));
    for client in rest {
        out.push_str(&format!(
            ", {} as {}",
            client.name(),
            reads_true(client, value)
        ));
    }
    out
}

/// What a platform makes of the port written after the host's `:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortRead {
    /// No port: the default (443) applies.
    Default,
    /// This port number (possibly out of range: the connection then fails).
    Number(i64),
    /// The platform rejects the URL, or finds no host in it.
    Rejected,
}

/// A reader of the port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortReader {
    /// `android.net.Uri.getPort()`: the `:` must be followed by ASCII digits only (else the
    /// text stays in the host and there is no port), then `Integer.parseInt`; `-1` (the app's
    /// default) when empty or too large for an int.
    AndroidUri,
    /// `java.net.URI`: ASCII digits only; empty means no port.
    JavaUri,
    /// WHATWG URL "port state": ASCII digits only, at most 65535; empty means the default.
    Whatwg,
    /// `Integer.parseInt` on the text after the `:` (an app that splits the authority itself):
    /// one sign, then any Unicode decimal digits (`+443`, full-width `４４３`).
    ParseInt,
}

impl PortReader {
    pub const ALL: [PortReader; 4] = [
        PortReader::AndroidUri,
        PortReader::JavaUri,
        PortReader::Whatwg,
        PortReader::ParseInt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PortReader::AndroidUri => "android.net.Uri",
            PortReader::JavaUri => "java.net.URI",
            PortReader::Whatwg => "the WHATWG URL parser",
            PortReader::ParseInt => "Integer.parseInt",
        }
    }
}

/// How `reader` reads the port written as `raw` (the text after the host's `:`).
pub fn read_port(reader: PortReader, raw: &str) -> PortRead {
    let ascii_digits = raw.chars().all(|c| c.is_ascii_digit());
    match reader {
        PortReader::AndroidUri | PortReader::JavaUri if raw.is_empty() => PortRead::Default,
        PortReader::AndroidUri if ascii_digits => match raw.parse::<i32>() {
            Ok(n) => PortRead::Number(n.into()),
            Err(_) => PortRead::Default,
        },
        PortReader::AndroidUri => PortRead::Rejected,
        PortReader::JavaUri if ascii_digits => match raw.parse::<i32>() {
            Ok(n) => PortRead::Number(n.into()),
            Err(_) => PortRead::Rejected,
        },
        PortReader::JavaUri => PortRead::Rejected,
        PortReader::Whatwg if raw.is_empty() => PortRead::Default,
        PortReader::Whatwg if ascii_digits => match raw.parse::<u32>() {
            Ok(n) if n <= 65535 => PortRead::Number(n.into()),
            _ => PortRead::Rejected,
        },
        PortReader::Whatwg => PortRead::Rejected,
        PortReader::ParseInt => parse_int(raw).map_or(PortRead::Rejected, PortRead::Number),
    }
}

/// `Integer.parseInt(s)`: an optional `+` or `-`, then one or more decimal digits of any script
/// (`Character.digit(c, 10)`), within the range of an int.
fn parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits.chars() {
        value = value * 10 + i64::from(unicode_digit(c)?);
        if value > i64::from(i32::MAX) + 1 {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    (i64::from(i32::MIN)..=i64::from(i32::MAX))
        .contains(&value)
        .then_some(value)
}

/// The value of a decimal digit in the scripts phones meet (ASCII, full-width, Arabic-Indic,
/// Extended Arabic-Indic, Devanagari, Bengali), as `Character.digit` gives it.
fn unicode_digit(c: char) -> Option<u32> {
    const ZEROS: [u32; 6] = [0x30, 0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6];
    ZEROS
        .iter()
        .find(|zero| (**zero..**zero + 10).contains(&(c as u32)))
        .map(|zero| c as u32 - zero)
}

/// Every reader's port, as a clause: `android.net.Uri reads no port (443), …`.
pub fn port_readings(raw: &str) -> String {
    let parts: Vec<String> = PortReader::ALL
        .iter()
        .map(|reader| {
            let read = match read_port(*reader, raw) {
                PortRead::Default => "the default, 443".to_string(),
                PortRead::Number(n) => format!("port {n}"),
                PortRead::Rejected => {
                    "no usable port (it rejects the URL or keeps the text in the host)".to_string()
                }
            };
            format!("{} reads {read}", reader.name())
        })
        .collect();
    parts.join("; ")
}

/// `true`/`false` as the Android app reads them (`Boolean.parseBoolean`: case-insensitive
/// `true`, anything else false); `None` for a value that is neither word, where "explicitly
/// set" matters (`authProxyEnabled` absent versus false).
pub fn parse_bool(value: &str) -> Option<bool> {
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The value a boolean parameter is rewritten to when its meaning is plain: `Some("true")` when
/// every client reads it as true, `Some("false")` when none does, `None` when they disagree
/// (then only removal is safe).
pub fn plain_value(value: &str) -> Option<&'static str> {
    let readers = readers_of_true(value);
    if readers.len() == Client::ALL.len() {
        Some("true")
    } else if readers.is_empty() {
        Some("false")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_read_as_documented() {
        for v in ["true", "TRUE", "True"] {
            for client in Client::ALL {
                assert!(reads_true(client, v), "{v} {client:?}");
            }
        }
        // iOS: sign, zeros, then a digit 1-9 or Y/T.
        for v in [
            "1", "yes", "Y", "t", "+1", "-1", "0001", "  7", "tomato", "\u{a0}9",
        ] {
            assert!(!reads_true(Client::Android, v), "{v}");
            assert!(reads_true(Client::Ios, v), "{v}");
            assert!(possibly_true(v), "{v}");
        }
        // Uri.getBooleanQueryParameter: all but false and 0, the empty value included.
        for v in ["no", "", "off", "n", "000", "+-1", "x1", "false ", "0.0"] {
            assert!(reads_true(Client::AndroidUri, v), "{v}");
            assert!(!reads_true(Client::Android, v), "{v}");
            assert!(possibly_true(v), "{v}");
        }
        for v in ["false", "FALSE", "False", "0"] {
            assert!(!possibly_true(v), "{v}");
        }
        assert!(possibly_true("on") && possibly_true("enabled"));
        assert!(!reads_true(Client::Ios, "on"));
    }

    #[test]
    fn ports_as_each_platform_reads_them() {
        use PortRead::*;
        let table: [(&str, [PortRead; 4]); 6] = [
            ("", [Default, Default, Default, Rejected]),
            (
                "8443",
                [Number(8443), Number(8443), Number(8443), Number(8443)],
            ),
            ("+443", [Rejected, Rejected, Rejected, Number(443)]),
            ("0443", [Number(443), Number(443), Number(443), Number(443)]),
            (
                "70000",
                [Number(70000), Number(70000), Rejected, Number(70000)],
            ),
            (
                "\u{FF14}\u{FF14}\u{FF13}",
                [Rejected, Rejected, Rejected, Number(443)],
            ),
        ];
        for (raw, expected) in table {
            for (reader, want) in PortReader::ALL.iter().zip(expected) {
                assert_eq!(read_port(*reader, raw), want, "{raw:?} {reader:?}");
            }
        }
        assert!(port_readings("").contains("android.net.Uri reads the default, 443"));
    }

    #[test]
    fn plain_values_only_where_every_client_agrees() {
        assert_eq!(plain_value("TRUE"), Some("true"));
        assert_eq!(plain_value("false"), Some("false"));
        assert_eq!(plain_value("0"), Some("false"));
        assert_eq!(plain_value("no"), None);
        assert_eq!(plain_value("1"), None);
        assert_eq!(plain_value("yes"), None);
        assert_eq!(
            readings("1"),
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true"
        );
        assert!(Level::Off < Level::Maybe && Level::Maybe < Level::On);
    }
}
