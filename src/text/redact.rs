//! Redaction of secrets in everything qraudit writes.
//!
//! Payload parsers name the secrets they found (a password in a URL, a Wi-Fi key, an OTP seed),
//! in every spelling in which they occur in the text (raw and percent-decoded). The report layer
//! builds one `Redactor` per code from them and passes every string it writes through it: text,
//! messages, evidence, suggested URLs and the payload JSON alike. Doing it in one place at the
//! output boundary, rather than in each rule, means a new rule cannot forget to redact.

/// What every secret is replaced with.
pub const MASK: &str = "********";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so that a secret containing another is masked whole.
    secrets: Vec<String>,
}

impl Redactor {
    /// A redactor for these secrets; with `show_secrets` it leaves everything as it is.
    pub fn new(secrets: impl IntoIterator<Item = String>, show_secrets: bool) -> Self {
        if show_secrets {
            return Redactor::default();
        }
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        secrets.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn is_noop(&self) -> bool {
        self.secrets.is_empty()
    }

    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }

    /// True when masking changes `text`: it holds one of the secrets.
    pub fn masks(&self, text: &str) -> bool {
        self.apply(text) != text
    }

    pub fn apply_opt(&self, text: Option<&str>) -> Option<String> {
        text.map(|t| self.apply(t))
    }

    /// Redacts every string (and object key) inside a JSON value. Tests only: reports build
    /// their payloads typed (`report::payload`), masking values and never the format's own keys.
    #[cfg(test)]
    pub fn apply_json(&self, value: &mut serde_json::Value) {
        if self.is_noop() {
            return;
        }
        match value {
            serde_json::Value::String(s) => *s = self.apply(s),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.apply_json(v)),
            serde_json::Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.apply_json(&mut v);
                    map.insert(self.apply(&key), v);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_spelling_longest_first() {
        let r = Redactor::new(["p@ss".to_string(), "p%40ss".to_string()], false);
        assert_eq!(
            r.apply("hclsametime://u:p%40ss@h/ and p@ss"),
            "hclsametime://u:********@h/ and ********"
        );
    }

    #[test]
    fn show_secrets_disables_redaction() {
        let r = Redactor::new(["hunter2".to_string()], true);
        assert_eq!(r.apply("pw hunter2"), "pw hunter2");
    }

    #[test]
    fn redacts_inside_json() {
        let r = Redactor::new(["s3cret".to_string()], false);
        let mut v = serde_json::json!({"a": ["x s3cret"], "s3cret": 1});
        r.apply_json(&mut v);
        assert_eq!(v, serde_json::json!({"a": ["x ********"], "********": 1}));
    }
}
