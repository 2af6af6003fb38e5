//! Whether a parameter's name says that its value is a secret, in any URL.
//!
//! A poster's author may put a credential under any name (`authProxyPass`, `api_key`,
//! `sessionToken`, `X-Client-Secret`), whether or not the app reads it: printed on a code, it is
//! exposed all the same. The name is cut into segments (at every character that is not a letter
//! or digit, and at camelCase boundaries: `authProxyPass` is `auth`, `proxy`, `pass`), and a
//! segment names a secret when it is one of the secret words or ends with one (`apikey`,
//! `authproxypassword`). Matching segments rather than substrings keeps ordinary words out:
//! `keyboard`, `tokenized` and `passenger` do not end with a secret word, and the few English
//! words that do (`monkey`, `bypass`) are listed.

/// What kind of secret a name announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// A password (`pass`, `pwd`, `passphrase`…): reported as an embedded password.
    Password,
    /// Another credential (`token`, `secret`, `key`, `credential`…).
    Credential,
}

/// Words that name a password, as a whole segment or its end.
const PASSWORD_WORDS: [&str; 6] = [
    "password",
    "passwd",
    "passphrase",
    "pass",
    "pwd",
    "passcode",
];

/// Words that name another credential.
const CREDENTIAL_WORDS: [&str; 7] = [
    "secret",
    "token",
    "key",
    "credential",
    "credentials",
    "apikey",
    "privatekey",
];

/// English words that end with a secret word without naming one.
const ORDINARY_WORDS: [&str; 16] = [
    "bypass",
    "compass",
    "encompass",
    "overpass",
    "underpass",
    "surpass",
    "trespass",
    "impass",
    "monkey",
    "donkey",
    "turkey",
    "hockey",
    "jockey",
    "whiskey",
    "passkey",
    "hotkey",
];

/// The kind of secret `name` announces, or `None`. `name` is the decoded parameter name.
pub fn classify(name: &str) -> Option<SecretName> {
    // `a=1&amp;pass=2` splits into `amp;pass`: the entity's name is no part of the parameter's.
    let name = strip_entity(name);
    let segments = segments(name);
    let ends_with = |segment: &str, words: &[&str]| {
        !ORDINARY_WORDS.contains(&segment)
            && words
                .iter()
                .any(|w| segment == *w || (segment.ends_with(w) && segment.len() > w.len()))
    };
    if segments
        .iter()
        .any(|s| s == "pw" || ends_with(s, &PASSWORD_WORDS))
    {
        return Some(SecretName::Password);
    }
    if segments.iter().any(|s| ends_with(s, &CREDENTIAL_WORDS)) {
        return Some(SecretName::Credential);
    }
    None
}

/// A value that is a switch's, not a credential's (`true`, `no`, `1`): a name like
/// `rememberPassword=true` announces a setting. Masking such a value would mask every `true` of
/// the report.
pub fn is_switch_value(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "y" | "n"
    )
}

/// The name without a leaked `amp;` in front.
pub fn strip_entity(name: &str) -> &str {
    match name.get(..4) {
        Some(head) if head.eq_ignore_ascii_case("amp;") => &name[4..],
        _ => name,
    }
}

/// `authProxyPass` → `auth`, `proxy`, `pass`; `X-API-Key` → `x`, `api`, `key`; `APIKey` → `api`,
/// `key`. Lower-cased.
fn segments(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in name.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = word.chars().collect();
        let mut current = String::new();
        for (i, c) in chars.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1);
            let boundary = c.is_uppercase()
                && prev.is_some_and(|p| {
                    p.is_lowercase()
                        || p.is_ascii_digit()
                        || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                });
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_in_any_case_and_with_a_prefix() {
        for name in [
            "password",
            "authProxyPass",
            "authProxyPassword",
            "authproxypassword",
            "PWD",
            "user_pw",
            "dbPasswd",
            "wifi-passphrase",
            "amp;password",
        ] {
            assert_eq!(classify(name), Some(SecretName::Password), "{name}");
        }
        for name in [
            "token",
            "sessionToken",
            "access_token",
            "accesstoken",
            "api_key",
            "apiKey",
            "APIKey",
            "X-API-Key",
            "client_secret",
            "ClientSecret",
            "credentials",
            "awsCredential",
            "privatekey",
        ] {
            assert_eq!(classify(name), Some(SecretName::Credential), "{name}");
        }
    }

    #[test]
    fn ordinary_words_are_not_secrets() {
        for name in [
            "keyboard",
            "monkey",
            "tokenized",
            "passenger",
            "passport",
            "keyword",
            "bypass",
            "compass",
            "communityName",
            "authProxyUser",
            "turkey",
            "tokens_count",
            "secretary",
        ] {
            assert_eq!(classify(name), None, "{name}");
        }
    }
}
