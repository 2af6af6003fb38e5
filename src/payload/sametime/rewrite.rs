//! A provisioning URL as an editable structure, written back in one canonical spelling.
//!
//! Suggested fixes are built here: the audit takes the *repaired* reading of a URL (what its
//! author evidently meant: `%26` and `&amp;` turned back into `&`, `+` into a space, tabs and
//! newlines dropped, the user name decoded), applies the fix of one rule (drop a parameter,
//! rename one, drop the user...) and writes it back with every component percent-encoded the
//! same way (`@` in a user name becomes `%40`, a space `%20`). The password never survives a
//! rewrite: a suggested URL is meant to be safe to publish. Whether a rewrite is offered at all is
//! decided elsewhere, once, by re-auditing it (`audit::improvement`).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded, in user names and in parameters,
/// so that no reader can disagree about where a component ends.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    /// Lower-case scheme as seen (`hclsametime`, `sametime`, `stmeetings`).
    pub scheme: String,
    /// Decoded user name; `None` lets the app prompt for it.
    pub user: Option<String>,
    pub host: String,
    /// The port as written, when it was written.
    pub port: Option<String>,
    /// Decoded parameters in order; a `None` value is a parameter written without `=`.
    pub params: Vec<(String, Option<String>)>,
}

impl Rewrite {
    /// The canonical URL text.
    pub fn to_url(&self) -> String {
        let mut out = format!("{}://", self.scheme);
        if let Some(user) = &self.user {
            out.push_str(&utf8_percent_encode(user, COMPONENT).to_string());
            out.push('@');
        }
        out.push_str(&self.host);
        if let Some(port) = &self.port {
            out.push(':');
            out.push_str(port);
        }
        out.push('/');
        let query: Vec<String> = self
            .params
            .iter()
            .map(|(name, value)| {
                let name = utf8_percent_encode(name, COMPONENT).to_string();
                match value {
                    Some(v) => format!("{name}={}", utf8_percent_encode(v, COMPONENT)),
                    None => name,
                }
            })
            .collect();
        if !query.is_empty() {
            out.push('?');
            out.push_str(&query.join("&"));
        }
        out
    }

    pub fn has(&self, name: &str) -> bool {
        self.params.iter().any(|(n, _)| n == name)
    }

    /// Removes every occurrence of `name`.
    pub fn remove(&mut self, name: &str) -> &mut Self {
        self.params.retain(|(n, _)| n != name);
        self
    }

    /// Sets `name` to `value`: the first occurrence keeps its place, later ones are removed;
    /// an absent parameter is appended (or put first when it is `action`).
    pub fn set(&mut self, name: &str, value: &str) -> &mut Self {
        match self.params.iter().position(|(n, _)| n == name) {
            Some(i) => {
                self.params[i].1 = Some(value.to_string());
                let mut seen = 0;
                self.params.retain(|(n, _)| {
                    if n == name {
                        seen += 1;
                        seen == 1
                    } else {
                        true
                    }
                });
            }
            None if name == "action" => self
                .params
                .insert(0, (name.to_string(), Some(value.to_string()))),
            None => self
                .params
                .push((name.to_string(), Some(value.to_string()))),
        }
        self
    }

    /// Keeps only the occurrence of `name` at position `keep` among its occurrences.
    pub fn keep_nth(&mut self, name: &str, keep: usize) -> &mut Self {
        let mut seen = 0;
        self.params.retain(|(n, _)| {
            if n == name {
                seen += 1;
                seen == keep + 1
            } else {
                true
            }
        });
        self
    }

    /// Removes every parameter that may stand for the documented `known` (any spelling
    /// `spelling::classify` relates to it) and whose value some client reads as true.
    pub fn remove_possibly_true(&mut self, known: &str) -> &mut Self {
        self.params.retain(|(name, value)| {
            let reads_as_known =
                super::spelling::classify(name, false).is_some_and(|s| s.known == known);
            !(reads_as_known && super::truth::possibly_true(value.as_deref().unwrap_or("")))
        });
        self
    }

    /// Renames every occurrence of `from` to `to`.
    pub fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        for (n, _) in &mut self.params {
            if n == from {
                *n = to.to_string();
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_user_and_values_canonically() {
        let r = Rewrite {
            scheme: "hclsametime".into(),
            user: Some("dmisawa@auto_sales".into()),
            host: "stproxy.example.com".into(),
            port: Some("9080".into()),
            params: vec![
                ("action".into(), Some("AddCommunity".into())),
                ("communityName".into(), Some("Sales & Marketing".into())),
            ],
        };
        assert_eq!(
            r.to_url(),
            "hclsametime://dmisawa%40auto_sales@stproxy.example.com:9080/?action=AddCommunity&communityName=Sales%20%26%20Marketing"
        );
    }

    #[test]
    fn set_keeps_first_place_and_drops_the_rest() {
        let mut r = Rewrite {
            scheme: "hclsametime".into(),
            user: None,
            host: "h.example.com".into(),
            port: None,
            params: vec![
                ("savePassword".into(), Some("true".into())),
                ("action".into(), Some("x".into())),
                ("action".into(), Some("y".into())),
            ],
        };
        r.set("action", "AddCommunity");
        assert_eq!(
            r.to_url(),
            "hclsametime://h.example.com/?savePassword=true&action=AddCommunity"
        );
    }
}
