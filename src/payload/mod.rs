//! Payload classification: what kind of thing a decoded text is.
//!
//! `Payload::classify` is the single seam between decoding and auditing: decode produces text,
//! this module says "Sametime provisioning URL", "web URL" or "plain text" and parses it into
//! typed fields, and the audit rules work on those fields. It never judges (no severities here)
//! and never formats a report. Parsed fields may hold secrets; each payload lists them in
//! `secrets()` so that the report layer can redact them.

pub mod sametime;

use serde::Serialize;

/// A classified, parsed payload. Serialized as the `payload` object of a code in JSON, tagged by
/// `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Payload {
    /// An HCL Sametime mobile provisioning URL (`hclsametime://`, and related schemes).
    Sametime(sametime::Provisioning),
    /// Any other URL with a scheme (`https://…`, `mailto:…`).
    Url(WebUrl),
    /// Text that is not a recognised payload.
    Text,
}

/// A URL that is not a provisioning URL, with the parts the audit needs.
#[derive(Debug, Clone, Serialize)]
pub struct WebUrl {
    pub scheme: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The password of the userinfo, percent-decoded, when there is one (a secret).
    #[serde(skip)]
    pub password: Option<String>,
    /// The same password as spelled in the text (it may differ from the decoded form, and from
    /// the `url` crate's normalised form): redaction must mask every spelling.
    #[serde(skip)]
    pub password_as_written: Option<String>,
}

impl Payload {
    /// Classifies decoded text. Never fails: anything unrecognised is `Text`.
    pub fn classify(text: &str) -> Payload {
        if let Some(provisioning) = sametime::parse(text) {
            return Payload::Sametime(provisioning);
        }
        if let Some(web) = parse_web_url(text) {
            return Payload::Url(web);
        }
        Payload::Text
    }

    /// The `kind` tag, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Sametime(_) => "sametime",
            Payload::Url(_) => "url",
            Payload::Text => "text",
        }
    }

    /// Every secret this payload carries, in every spelling in which it occurs in the text.
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Payload::Sametime(p) => p.secrets(),
            Payload::Url(web) => web
                .password
                .iter()
                .chain(&web.password_as_written)
                .cloned()
                .collect(),
            Payload::Text => Vec::new(),
        }
    }

    /// A short description for one table cell.
    pub fn summary(&self) -> String {
        match self {
            Payload::Sametime(p) => p.summary(),
            Payload::Url(web) => match &web.host {
                Some(host) => format!("{} link to {host}", web.scheme),
                None => format!("{} link", web.scheme),
            },
            Payload::Text => "text".to_string(),
        }
    }
}

fn parse_web_url(text: &str) -> Option<WebUrl> {
    let trimmed = text.trim();
    // A URL is one token: free text that merely starts with "note:" is not a URL.
    if trimmed.contains(char::is_whitespace) {
        return None;
    }
    let parsed = url::Url::parse(trimmed).ok()?;
    if parsed.cannot_be_a_base() && !matches!(parsed.scheme(), "mailto" | "tel" | "sms") {
        return None;
    }
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    Some(WebUrl {
        scheme: parsed.scheme().to_string(),
        host: parsed.host_str().map(str::to_string),
        password,
        password_as_written: raw_password(trimmed),
    })
}

/// The password of `scheme://user:password@host…` exactly as written: the authority ends at the
/// first `/`, `?` or `#`, the userinfo at its last `@`, and the user at the first `:`.
fn raw_password(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty()).then(|| password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_web_urls_and_text() {
        assert_eq!(Payload::classify("https://example.com/a").kind(), "url");
        assert_eq!(Payload::classify("hello world").kind(), "text");
        assert_eq!(Payload::classify("note: see https://x.y").kind(), "text");
    }

    #[test]
    fn web_url_password_is_a_secret() {
        let payload = Payload::classify("https://bob:s%40cret@example.com/");
        assert_eq!(
            payload.secrets(),
            vec!["s@cret".to_string(), "s%40cret".to_string()]
        );
    }
}
