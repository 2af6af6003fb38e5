//! Rules over one-time-password codes (`otpauth://` and `otpauth-migration://`).
//!
//! An OTP seed is the second factor itself: whoever has the code can generate valid one-time
//! codes forever, so any seed in a published or shared code is `embedded-secret` (critical).
//! `weak-otp` follows RFC 4226 section 4 (a shared secret of at least 128 bits, 160 recommended)
//! and its 6-digit minimum; SHA1 with 6 digits is what every authenticator uses and is fine.
//! `missing-issuer` is about phishing resistance: without an issuer the app lists a bare
//! account name, and a look-alike enrolment for another service is indistinguishable.

use super::Finding;
use super::catalogue;
use crate::payload::otpauth::{Migration, Otpauth};

/// RFC 4226 section 4, requirement 6: "The length of the shared secret MUST be at least 128 bits".
const MIN_SECRET_BITS: u32 = 128;

pub fn audit(o: &Otpauth) -> Vec<Finding> {
    let mut out = Vec::new();
    let who = match o.effective_issuer() {
        Some(i) => format!("account '{}' at {i}", o.account),
        None => format!("account '{}'", o.account),
    };
    if o.secret_present {
        out.push(
            Finding::new(
                &catalogue::EMBEDDED_SECRET,
                format!(
                    "the code carries the {} seed of {who}: anyone who scans or photographs it can generate valid one-time codes, for as long as the account keeps this seed",
                    o.otp_type.to_ascii_uppercase()
                ),
            )
            .with_evidence(format!("secret={}", o.secrets().first().cloned().unwrap_or_default()))
            .with_fix("Show enrolment codes once, on the owner's screen, never printed or shared; re-enrol this account (a new seed) since the code has been exposed."),
        );
    }
    let mut weak = Vec::new();
    if let Some(bits) = o.secret_bits.filter(|b| *b < MIN_SECRET_BITS) {
        weak.push(format!(
            "the secret is {bits} bits, under the 128 that RFC 4226 requires"
        ));
    }
    if o.digits < 6 {
        weak.push(format!(
            "{} digits are easier to guess than the minimum of 6",
            o.digits
        ));
    }
    if !matches!(o.algorithm.as_str(), "SHA1" | "SHA256" | "SHA512") {
        weak.push(format!(
            "algorithm '{}' is not one of SHA1, SHA256, SHA512",
            o.algorithm
        ));
    }
    if !weak.is_empty() {
        out.push(
            Finding::new(
                &catalogue::WEAK_OTP,
                format!("the one-time codes of {who} are weak: {}", weak.join("; ")),
            )
            .with_evidence(format!(
                "algorithm={} digits={}{}",
                o.algorithm,
                o.digits,
                o.secret_bits
                    .map(|b| format!(" secret={b} bits"))
                    .unwrap_or_default()
            )),
        );
    }
    match (&o.issuer, &o.label_issuer) {
        (None, None) => out.push(
            Finding::new(
                &catalogue::MISSING_ISSUER,
                format!(
                    "the code names no issuer: the authenticator app lists only '{}', so users cannot tell which service the codes are for",
                    o.account
                ),
            )
            .with_evidence(o.label.clone()),
        ),
        (Some(param), Some(prefix)) if param != prefix => out.push(
            Finding::new(
                &catalogue::MISSING_ISSUER,
                format!(
                    "the label says issuer '{prefix}' but the issuer parameter says '{param}': apps disagree on which one they show"
                ),
            )
            .with_evidence(format!("{}?issuer={param}", o.label))
            .with_fix("Write the same issuer in the label prefix and the issuer parameter."),
        ),
        _ => {}
    }
    out
}

pub fn audit_migration(m: &Migration) -> Vec<Finding> {
    let mut out = Vec::new();
    let seeds = m.seeds();
    if m.data_present {
        out.push(
            Finding::new(
                &catalogue::EMBEDDED_SECRET,
                format!(
                    "the code is an authenticator export carrying the seeds of {} account{} ({}): anyone who scans it gets every one of these second factors",
                    seeds,
                    if seeds == 1 { "" } else { "s" },
                    m.account_list(5)
                ),
            )
            .with_evidence(format!("{} accounts in data=…", m.accounts.len()))
            .with_fix("Never print, send or photograph an export code; re-enrol every listed account (new seeds) since the code has left the owner's phone."),
        );
    }
    let short: Vec<String> = m
        .accounts
        .iter()
        .filter(|a| a.secret_bits > 0 && a.secret_bits < MIN_SECRET_BITS)
        .map(|a| format!("'{}' ({} bits)", a.name, a.secret_bits))
        .collect();
    if !short.is_empty() {
        out.push(Finding::new(
            &catalogue::WEAK_OTP,
            format!(
                "{} account{} of the export ha{} a secret under the 128 bits RFC 4226 requires: {}",
                short.len(),
                if short.len() == 1 { "" } else { "s" },
                if short.len() == 1 { "s" } else { "ve" },
                short.join(", ")
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::audit::policy::Policy;
    use crate::payload::Payload;
    use crate::payload::otpauth::tests::migration_uri;

    fn rules(text: &str) -> Vec<String> {
        crate::audit::audit_text(text, &Payload::classify(text), &Policy::default())
            .into_iter()
            .map(|f| f.rule.id.to_string())
            .collect()
    }

    const GOOD: &str = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";

    #[test]
    fn a_good_seed_is_still_a_secret_in_a_code() {
        assert_eq!(rules(GOOD), ["embedded-secret"]);
        let f = crate::audit::audit_text(GOOD, &Payload::classify(GOOD), &Policy::default());
        assert!(
            f[0].message.contains("'alice@example.com' at Example"),
            "{f:?}"
        );
        assert_eq!(f[0].severity, crate::audit::Severity::Critical);
    }

    #[test]
    fn weak_parameters() {
        // 80-bit secret (the classic JBSWY3DPEHPK3PXP example).
        assert!(
            rules("otpauth://totp/E:a?secret=JBSWY3DPEHPK3PXP&issuer=E")
                .contains(&"weak-otp".into())
        );
        assert!(rules(&format!("{GOOD}&digits=4")).contains(&"weak-otp".into()));
        assert!(rules(&format!("{GOOD}&algorithm=MD5")).contains(&"weak-otp".into()));
        // SHA1, 6 digits, 160 bits is fine; so are SHA256/8.
        assert!(!rules(GOOD).contains(&"weak-otp".into()));
        assert!(!rules(&format!("{GOOD}&algorithm=sha256&digits=8")).contains(&"weak-otp".into()));
    }

    #[test]
    fn issuer_missing_or_inconsistent() {
        assert!(
            rules("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
                .contains(&"missing-issuer".into())
        );
        assert!(
            rules(
                "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Other"
            )
            .contains(&"missing-issuer".into())
        );
        // The label prefix alone, or the parameter alone, is enough.
        assert!(
            !rules("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
                .contains(&"missing-issuer".into())
        );
        assert!(
            !rules("otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example")
                .contains(&"missing-issuer".into())
        );
    }

    #[test]
    fn no_secret_no_embedded_secret() {
        assert!(
            !rules("otpauth://totp/Example:alice?issuer=Example")
                .contains(&"embedded-secret".into())
        );
    }

    #[test]
    fn export_counts_its_accounts() {
        let uri = migration_uri(&[
            (b"0123456789abcdefghij", "alice", "Example"),
            (b"0123456789", "bob", "Corp"),
            (b"abcdefghijabcdefghij", "carol", ""),
        ]);
        let f = crate::audit::audit_text(&uri, &Payload::classify(&uri), &Policy::default());
        let secret = f
            .iter()
            .find(|f| f.rule == "embedded-secret")
            .expect("fires");
        assert!(
            secret.message.contains("seeds of 3 accounts"),
            "{}",
            secret.message
        );
        assert!(
            secret
                .message
                .contains("Example (alice), Corp (bob), carol"),
            "{}",
            secret.message
        );
        let weak = f
            .iter()
            .find(|f| f.rule == "weak-otp")
            .expect("bob's seed is 80 bits");
        assert!(weak.message.contains("'bob' (80 bits)"), "{}", weak.message);
    }
}
