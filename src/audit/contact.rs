//! Rules over contact cards: the card itself is harmless, but every link and e-mail address in
//! it is something the phone offers to open. Which properties those are is decided in one place
//! for MECARD and vCard alike (`payload::contact`); here URLs get all the web rules
//! (`audit::web`), with a message naming the card's property; a URL without a scheme is audited
//! as the `http://` link phones turn it into. E-mail domains get the host rules.

use super::Finding;
use super::web;
use crate::audit::policy::Policy;
use crate::payload::contact::Contact;

pub fn audit(c: &Contact, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    for u in &c.urls {
        let place = if u.scheme_missing {
            format!(
                "the contact's {} '{}' (written without a scheme, so phones open it as http://)",
                u.property, u.url
            )
        } else {
            format!("the contact's {} '{}'", u.property, u.url)
        };
        out.extend(web::audit_url(&u.effective(), &place, policy));
    }
    for e in &c.emails {
        out.extend(web::audit_email(e, "the contact", policy));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::audit::policy::Policy;
    use crate::payload::Payload;

    fn findings(text: &str, policy: &Policy) -> Vec<crate::audit::Finding> {
        crate::audit::audit_text(text, &Payload::classify(text), policy)
    }

    #[test]
    fn urls_and_emails_inside_cards_are_audited() {
        let card = "BEGIN:VCARD\nVERSION:3.0\nFN:Jane\nURL:http://bit.ly/abc\nEMAIL:jane@ex\u{0430}mple.com\nEND:VCARD";
        let f = findings(card, &Policy::default());
        let rules: Vec<&str> = f.iter().map(|f| f.rule.id).collect();
        assert_eq!(
            rules,
            ["cleartext-http", "url-shortener", "idn-host"],
            "{f:?}"
        );
        assert!(
            f[0].message
                .starts_with("the contact's URL 'http://bit.ly/abc' uses plain http")
        );
        assert_eq!(f[0].suggested_url.as_deref(), Some("https://bit.ly/abc"));
    }

    #[test]
    fn scheme_less_url_is_cleartext_and_a_clean_card_is_clean() {
        let f = findings(
            "MECARD:N:Doe,Jane;URL:www.example.com;;",
            &Policy::default(),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "cleartext-http");
        assert!(
            f[0].message.contains("without a scheme"),
            "{}",
            f[0].message
        );
        let clean =
            "MECARD:N:Doe,Jane;TEL:+15551234;EMAIL:jane@example.com;URL:https://example.com/;;";
        assert!(findings(clean, &Policy::default()).is_empty());
    }

    #[test]
    fn allow_list_and_passwords() {
        let mut policy = Policy::default();
        policy.merge_flags(&["*.example.com".into()], &[]).unwrap();
        let f = findings(
            "MECARD:N:X;EMAIL:x@evil.example;URL:https://u:pw@www.example.com/;;",
            &policy,
        );
        let rules: Vec<&str> = f.iter().map(|f| f.rule.id).collect();
        assert_eq!(
            rules,
            ["embedded-password", "userinfo-in-link", "host-not-allowed"],
            "{f:?}"
        );
    }
}
