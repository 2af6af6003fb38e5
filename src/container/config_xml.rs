//! Reading the provisioning URL that a Sametime proxy serves from `stproxyconfig.xml`.
//!
//! HCL's procedure puts the custom URL in `<mobile><configUrl>…</configUrl></mobile>` with every
//! `&` written as `%26`, and the browser client's "Configure Mobile Client" page then shows it
//! as a QR code. A file is recognised by content (a `<configUrl>` element inside `<mobile>`),
//! not by name. The URL audited is the one the procedure intends: XML entities resolved and
//! `%26` turned back into `&`. A raw `&` or an `&amp;` where `%26` belongs is reported as
//! `config-url-escaping`. The element is found by a small tolerant scan rather than a full
//! XML parser, so that a file a strict parser rejects (a raw `&` makes it invalid XML) is still
//! audited.

/// The configUrl of a stproxyconfig.xml file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigUrl {
    /// The element's text as written (trimmed).
    pub raw: String,
    /// The provisioning URL it stands for.
    pub url: String,
    /// What is escaped wrongly, when something is: `&` or `&amp;`.
    pub bad_escaping: Option<&'static str>,
}

/// The `<mobile><configUrl>` of these bytes, if they are such a file.
pub fn extract(bytes: &[u8]) -> Option<ConfigUrl> {
    let text = std::str::from_utf8(bytes).ok()?;
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let mobile_start = text.find("<mobile")?;
    let mobile = &text[mobile_start..];
    let mobile = &mobile[..mobile.find("</mobile>").unwrap_or(mobile.len())];
    let open = mobile.find("<configUrl>")? + "<configUrl>".len();
    let close = mobile[open..].find("</configUrl>")? + open;
    let mut raw = mobile[open..close].trim();
    if let Some(inner) = raw
        .strip_prefix("<![CDATA[")
        .and_then(|r| r.strip_suffix("]]>"))
    {
        raw = inner.trim();
    }
    let bad_escaping = if raw.contains("&amp;") {
        Some("&amp;")
    } else if raw.contains('&') {
        Some("&")
    } else {
        None
    };
    let url = raw
        .replace("&amp;", "&")
        .replace("%26", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'");
    Some(ConfigUrl {
        raw: raw.to_string(),
        url,
        bad_escaping,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "<?xml version=\"1.0\"?>\n<config>\n<mobile>\n  <configUrl>hclsametime://h.example.com/?action=AddCommunity%26communityName=Sametime%20Server</configUrl>\n</mobile>\n</config>\n";

    #[test]
    fn the_procedures_escaping_is_undone() {
        let config = extract(GOOD.as_bytes()).unwrap();
        assert_eq!(
            config.url,
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Sametime%20Server"
        );
        assert_eq!(config.bad_escaping, None);
    }

    #[test]
    fn raw_ampersands_and_entities_are_flagged() {
        let raw = GOOD.replace("%26", "&");
        assert_eq!(extract(raw.as_bytes()).unwrap().bad_escaping, Some("&"));
        let entity = GOOD.replace("%26", "&amp;");
        let config = extract(entity.as_bytes()).unwrap();
        assert_eq!(config.bad_escaping, Some("&amp;"));
        assert!(config.url.contains("AddCommunity&communityName"));
    }

    #[test]
    fn other_files_are_not_config_files() {
        assert!(extract(b"<html><body>hi</body></html>").is_none());
        assert!(extract(b"configUrl: <mobile>").is_none());
        assert!(extract(&[0xff, 0xfe, 0x00]).is_none());
    }
}
