//! Rules over URLs that are not provisioning URLs (`https://`, `ftp://`...).
//!
//! Two Sametime rules are about the URL form itself and so apply to any scheme:
//! `embedded-password` (a password in the userinfo) and `deceptive-userinfo`
//! (`https://good.example.com@evil.example.net/`).

use super::Finding;
use super::catalogue;
use crate::payload::WebUrl;

pub fn audit(web: &WebUrl, text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(password) = web.password.as_deref().filter(|p| !p.is_empty())
        && let Ok(mut parsed) = url::Url::parse(text.trim())
    {
        // Evidence quotes the decoded password, the spelling `Payload::secrets()` lists, so
        // that the report layer masks it.
        let evidence = format!("{}:{password}@", parsed.username());
        let mut finding = Finding::new(
            &catalogue::EMBEDDED_PASSWORD,
            format!(
                "the {} URL holds a password in clear text: anyone who sees or scans the code can read it",
                web.scheme
            ),
        )
        .with_evidence(evidence);
        if parsed.set_password(None).is_ok() {
            finding = finding.with_suggested_url(parsed.to_string());
        }
        out.push(finding);
    }
    out.extend(super::sametime::deceptive_web_userinfo(text));
    out
}
