//! How a parameter name as written relates to the names HCL documents.
//!
//! HCL documents the names (`allowUntrustedSSL`, `savePassword`...) but not whether the app
//! matches them case-insensitively, trims them, decodes percent escapes in them or forgives a
//! typo. Android's `Uri.getQueryParameter` compares the name exactly as written, escapes
//! included; iOS's `URLComponents.queryItems` decodes names first; other readers lower-case or
//! trim. So a name that differs from a documented one only by case, whitespace, percent-encoding,
//! one or two edits, or because a leaked `%26` hides it inside another value, is a spelling the
//! app *may or may not* honour. `classify` says which documented name a spelling may stand for
//! and how it differs; the audit then judges the risky ones as if honoured (fail safe) and never
//! renames one into a live documented name.

use super::KNOWN_PARAMETERS;
use super::raw::decode_query;

/// One way a written name differs from the documented one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// It sits behind a leaked separator (`%26`, `&amp;`, `%3D`): the app reads it as part of
    /// another parameter today, a reader that repairs the separator reads it as its own.
    Hidden,
    /// The name holds percent escapes (`allow%55ntrustedSSL`).
    PercentEncoded,
    /// The name holds spaces, tabs or other blanks (`allowUntrustedSSL%20`).
    Whitespace,
    /// The name differs in letter case (`AllowUntrustedSSL`).
    Case,
    /// The name is this many edits away (`allowUntrustedSL`).
    Edits(usize),
}

impl Difference {
    fn describe(self) -> String {
        match self {
            Difference::Hidden => {
                "it is hidden behind an escaped separator ('%26' or '&amp;' where '&' belongs)"
                    .to_string()
            }
            Difference::PercentEncoded => "it is percent-encoded".to_string(),
            Difference::Whitespace => "it holds whitespace".to_string(),
            Difference::Case => "it differs in letter case".to_string(),
            Difference::Edits(1) => "it is one edit away".to_string(),
            Difference::Edits(n) => format!("it is {n} edits away"),
        }
    }
}

/// Which documented name a written name may stand for, and how it differs from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    pub known: &'static str,
    /// Empty when the name is exactly the documented one, read where the app reads it.
    pub differences: Vec<Difference>,
}

impl Spelling {
    /// The documented name, written as documented and read as its own parameter.
    pub fn is_exact(&self) -> bool {
        self.differences.is_empty()
    }

    pub fn is_hidden(&self) -> bool {
        self.differences.contains(&Difference::Hidden)
    }

    /// `it differs in letter case and it is percent-encoded`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self.differences.iter().map(|d| d.describe()).collect();
        parts.join(" and ")
    }

    /// The clause every hedged finding uses: `'AllowUntrustedSSL' is not the documented spelling
    /// 'allowUntrustedSSL' (it differs in letter case); HCL does not say whether the app honours
    /// such a spelling, so it may or may not`. For a hidden parameter it says where it hides.
    pub fn hedge(&self, written: &str) -> String {
        if self.is_hidden() {
            format!(
                "'{written}' is hidden behind an escaped separator ('%26', '&amp;' or '%3D' where '&' or '=' belongs): the app reads it as part of the parameter before it, but a reader or a fix that repairs the separator reads it as '{}'",
                self.known
            )
        } else {
            format!(
                "'{written}' is not the documented spelling '{}' ({}); HCL does not say whether the app honours such a spelling, so it may or may not",
                self.known,
                self.describe()
            )
        }
    }
}

/// The edits a name may be away from a documented one and still be read as a spelling of it:
/// two for long names, one for short ones (`action` must not match `fiction`).
fn edit_budget(known: &str) -> usize {
    if known.len() >= 8 { 2 } else { 1 }
}

/// The documented name `raw_name` (as written in the URL, escapes included) may stand for.
/// `hidden` says the parameter only appears once a leaked separator is repaired. `None` when no
/// documented name is close.
pub fn classify(raw_name: &str, hidden: bool) -> Option<Spelling> {
    let mut differences = Vec::new();
    if hidden {
        differences.push(Difference::Hidden);
    }
    if let Some(known) = KNOWN_PARAMETERS.iter().find(|k| **k == raw_name) {
        return Some(Spelling { known, differences });
    }
    let decoded = decode_query(raw_name);
    if raw_name.contains('%') && decoded != raw_name {
        differences.push(Difference::PercentEncoded);
    }
    let squeezed: String = decoded
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    if squeezed != decoded {
        differences.push(Difference::Whitespace);
    }
    if let Some(known) = KNOWN_PARAMETERS.iter().find(|k| **k == squeezed) {
        return Some(Spelling { known, differences });
    }
    if let Some(known) = KNOWN_PARAMETERS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(&squeezed))
    {
        differences.push(Difference::Case);
        return Some(Spelling { known, differences });
    }
    let lower = squeezed.to_ascii_lowercase();
    let (distance, known) = KNOWN_PARAMETERS
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .min_by_key(|(d, _)| *d)?;
    if distance > edit_budget(known) {
        return None;
    }
    differences.push(Difference::Edits(distance));
    Some(Spelling { known, differences })
}

/// The known parameter a misspelt name most likely meant, for a "did you mean": the same name
/// in another case, or within a small edit distance (`comunityName` → `communityName`). Looser
/// than `classify`, which decides what the app might read.
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
    // Two rows, swapped: every parameter of every code is measured against every known name.
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn differences(raw: &str) -> Option<(&'static str, Vec<Difference>)> {
        classify(raw, false).map(|s| (s.known, s.differences))
    }

    #[test]
    fn spellings_of_documented_names() {
        use Difference::*;
        assert_eq!(
            differences("allowUntrustedSSL"),
            Some(("allowUntrustedSSL", vec![]))
        );
        assert_eq!(
            differences("AllowUntrustedSSL"),
            Some(("allowUntrustedSSL", vec![Case]))
        );
        assert_eq!(
            differences("allow%55ntrustedSSL"),
            Some(("allowUntrustedSSL", vec![PercentEncoded]))
        );
        assert_eq!(
            differences("allowUntrustedSSL%20"),
            Some(("allowUntrustedSSL", vec![PercentEncoded, Whitespace]))
        );
        assert_eq!(
            differences("save+Password"),
            Some(("savePassword", vec![Whitespace]))
        );
        assert_eq!(
            differences("savepasword"),
            Some(("savePassword", vec![Edits(1)]))
        );
        assert_eq!(
            differences("authProxyReuseCredential"),
            Some(("authProxyReuseCredentials", vec![Edits(1)]))
        );
        assert_eq!(differences("Action"), Some(("action", vec![Case])));
        assert_eq!(differences("fiction"), None);
        assert_eq!(differences("password"), None);
        assert_eq!(differences("foo"), None);
        let hidden = classify("savePassword", true).expect("known");
        assert!(hidden.is_hidden() && !hidden.is_exact());
    }

    #[test]
    fn hedges_name_the_difference() {
        let s = classify("AllowUntrustedSSL", false).expect("known");
        assert_eq!(
            s.hedge("AllowUntrustedSSL"),
            "'AllowUntrustedSSL' is not the documented spelling 'allowUntrustedSSL' (it differs in letter case); HCL does not say whether the app honours such a spelling, so it may or may not"
        );
    }
}
