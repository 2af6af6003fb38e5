//! Whether a switch's value is true: the one place that decides it, per client.
//!
//! HCL documents `true` and `false` only and says nothing about other text. The clients that
//! read a provisioning URL do not agree on it: Android's `Boolean.parseBoolean` takes `true` in
//! any case and nothing else; iOS's `NSString.boolValue` skips leading blanks, one sign and any
//! zeros, then takes a first character of `Y`, `y`, `T`, `t` or `1`..`9` (so `TRUE`, `yes`, `1`,
//! `+1`, `0001`, `t` are all true); scripts and other tools commonly accept `yes`, `on` and
//! `enabled`. A value is *possibly true* when any of these reads it as true. The audit treats a
//! possibly true risky switch as switched on (fail safe), and no rewrite may ever turn one into a
//! live `true`. Issue 22 extends the per-platform tables here; callers ask only the questions
//! below, so they need not change when the tables do.

/// A reader of provisioning URLs whose reading of a boolean we model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// `Boolean.parseBoolean`: `true` in any case.
    Android,
    /// `NSString.boolValue`.
    Ios,
    /// Scripts and other tools that take the usual words for "on".
    Lenient,
}

impl Client {
    pub const ALL: [Client; 3] = [Client::Android, Client::Ios, Client::Lenient];

    pub fn name(self) -> &'static str {
        match self {
            Client::Android => "Android",
            Client::Ios => "iOS",
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
        Client::Ios => ios_bool_value(value),
        Client::Lenient => matches!(
            value.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "y" | "on" | "enabled" | "1" | "t"
        ),
    }
}

/// `NSString.boolValue` as swift-corelibs-foundation implements it: blanks, one optional sign,
/// zeros, then one of `tTyY1-9`.
fn ios_bool_value(value: &str) -> bool {
    let rest = value.trim_start_matches([' ', '\t']);
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

/// What each client makes of `value`, as a clause: `Android reads it as false, iOS as true`.
pub fn readings(value: &str) -> String {
    let android = reads_true(Client::Android, value);
    let ios = reads_true(Client::Ios, value);
    format!("Android reads it as {android}, iOS as {ios}")
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
            assert!(reads_true(Client::Android, v), "{v}");
            assert!(reads_true(Client::Ios, v), "{v}");
        }
        for v in ["1", "yes", "Y", "t", "+1", "-1", "0001", "  7", "tomato"] {
            assert!(!reads_true(Client::Android, v), "{v}");
            assert!(reads_true(Client::Ios, v), "{v}");
            assert!(possibly_true(v), "{v}");
        }
        for v in ["false", "0", "no", "", "off", "n", "000", "+-1", "x1"] {
            assert!(!possibly_true(v), "{v}");
        }
        assert!(possibly_true("on") && possibly_true("enabled"));
        assert!(!reads_true(Client::Ios, "on"));
    }

    #[test]
    fn plain_values_only_where_every_client_agrees() {
        assert_eq!(plain_value("TRUE"), Some("true"));
        assert_eq!(plain_value("no"), Some("false"));
        assert_eq!(plain_value("1"), None);
        assert_eq!(plain_value("yes"), None);
        assert_eq!(readings("1"), "Android reads it as false, iOS as true");
        assert!(Level::Off < Level::Maybe && Level::Maybe < Level::On);
    }
}
