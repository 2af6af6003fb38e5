//! eSIM activation codes (GSMA SGP.22, section 4.1): `LPA:1$SM-DP+ address$Matching ID` with
//! the optional `$SM-DP+ OID` and `$Confirmation Code Required Flag` (`1`).
//!
//! The matching ID is the one-time token that lets a phone download one subscriber's profile;
//! the confirmation code is a second secret that the carrier sends separately, so that the QR
//! code alone is not enough. Many generators nevertheless put the confirmation code itself into
//! the code, where the specification has the OID or the flag (`LPA:1$smdp$id$$1234`,
//! `LPA:1$smdp$id$1234`). This reader takes a fourth field that is not an OID (digits and dots)
//! and a fifth field other than `0`/`1` as such a confirmation code. Only the confirmation code
//! is treated as a secret: the matching ID is what identifies the code for a reviewer.

#[derive(Debug, Clone)]
pub struct Esim {
    /// The activation-code format (`1`).
    pub format: String,
    pub smdp_address: String,
    pub matching_id: String,
    pub oid: Option<String>,
    /// The flag says the user must type a confirmation code.
    pub confirmation_code_required: bool,
    /// A confirmation code travels in the code itself (never serialized).
    pub confirmation_code_present: bool,
    pub parse_issues: Vec<String>,
    confirmation_code: Option<String>,
}

fn is_oid(s: &str) -> bool {
    s.contains('.')
        && s.split('.')
            .all(|arc| !arc.is_empty() && arc.chars().all(|c| c.is_ascii_digit()))
}

/// Parses an `LPA:` activation code (prefix case-insensitive); `None` for other text.
pub fn parse(text: &str) -> Option<Esim> {
    let trimmed = text.trim();
    let body = trimmed
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("LPA:"))
        .map(|_| &trimmed[4..])?;
    let parts: Vec<&str> = body.split('$').collect();
    let field = |i: usize| parts.get(i).map(|s| s.trim()).unwrap_or("");
    let mut e = Esim {
        format: field(0).to_string(),
        smdp_address: field(1).to_string(),
        matching_id: field(2).to_string(),
        oid: None,
        confirmation_code_required: false,
        confirmation_code_present: false,
        parse_issues: Vec::new(),
        confirmation_code: None,
    };
    if e.format != "1" {
        e.parse_issues.push(format!(
            "activation-code format '{}' is not 1: phones reject it",
            e.format
        ));
    }
    if e.smdp_address.is_empty() {
        e.parse_issues.push("no SM-DP+ address".into());
    }
    if e.matching_id.is_empty() {
        e.parse_issues.push("no matching ID".into());
    }
    let mut codes = Vec::new();
    match field(3) {
        "" => {}
        oid if is_oid(oid) => e.oid = Some(oid.to_string()),
        "1" if parts.len() == 4 => {
            e.confirmation_code_required = true;
            e.parse_issues.push(
                "the confirmation-code flag is in the OID position ($$1 was probably meant)".into(),
            );
        }
        code => codes.push(code.to_string()),
    }
    match field(4) {
        "" | "0" => {}
        "1" => e.confirmation_code_required = true,
        code => codes.push(code.to_string()),
    }
    if parts.len() > 6 {
        e.parse_issues.push(format!(
            "{} fields after the matching ID, more than the specification defines",
            parts.len() - 3
        ));
    }
    if !codes.is_empty() {
        e.parse_issues.push(
            "a confirmation code is written into the activation code itself (the specification only has a flag there)".into(),
        );
        e.confirmation_code_present = true;
        e.confirmation_code_required = true;
        e.confirmation_code = Some(codes.join("$"));
    }
    Some(e)
}

impl Esim {
    pub fn secrets(&self) -> Vec<String> {
        match &self.confirmation_code {
            Some(code) => code.split('$').map(str::to_string).collect(),
            None => Vec::new(),
        }
    }

    pub fn summary(&self) -> String {
        format!(
            "eSIM profile from {}{}",
            self.smdp_address,
            if self.confirmation_code_present {
                ", confirmation code in code"
            } else if self.confirmation_code_required {
                ", confirmation code required"
            } else {
                ""
            }
        )
    }

    pub fn describe(&self) -> String {
        let mut s = format!(
            "Downloads and installs an eSIM profile (a phone line) from {} with matching ID {}.",
            self.smdp_address, self.matching_id
        );
        if self.confirmation_code_present {
            s.push_str(" The confirmation code is in the code too, so whoever scans it first gets the line.");
        } else if self.confirmation_code_required {
            s.push_str(" The phone asks for a confirmation code sent separately.");
        } else {
            s.push_str(" Whoever scans it first gets the line: treat it like a SIM card.");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_forms() {
        let e = parse("LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T").expect("esim");
        assert_eq!(
            (e.smdp_address.as_str(), e.matching_id.as_str()),
            ("rsp.example.com", "K2-LM3N4P5Q-R6S7T")
        );
        assert!(!e.confirmation_code_present && !e.confirmation_code_required);
        assert!(e.parse_issues.is_empty());
        let e = parse("lpa:1$rsp.example.com$ABC$1.3.6.1.4.1.31746$1").unwrap();
        assert_eq!(e.oid.as_deref(), Some("1.3.6.1.4.1.31746"));
        assert!(e.confirmation_code_required && !e.confirmation_code_present);
        assert!(e.secrets().is_empty());
        assert!(e.parse_issues.is_empty(), "{:?}", e.parse_issues);
    }

    #[test]
    fn confirmation_codes_written_into_the_code() {
        for text in [
            "LPA:1$rsp.example.com$ABC$$8419",
            "LPA:1$rsp.example.com$ABC$8419",
            "LPA:1$rsp.example.com$ABC$1.2.3$8419",
        ] {
            let e = parse(text).expect("esim");
            assert!(e.confirmation_code_present, "{text}");
            assert_eq!(e.secrets(), ["8419"], "{text}");
            let json =
                crate::report::payload::unmasked_json(&crate::payload::Payload::Esim(e.clone()))
                    .to_string();
            assert!(!json.contains("8419"), "{json}");
        }
        let e = parse("LPA:1$rsp.example.com$ABC$1").unwrap();
        assert!(e.confirmation_code_required && !e.confirmation_code_present);
    }

    #[test]
    fn malformed_codes_never_panic() {
        for text in ["LPA:", "LPA:$", "LPA:2$$$$$$$$", "LPA:1$a", "LPA:é$ü$ö$ä$ß"] {
            let e = parse(text).expect("esim");
            assert!(!e.parse_issues.is_empty(), "{text}");
            let _ = (e.summary(), e.describe());
        }
        assert!(parse("LPA").is_none());
        assert!(parse("1$rsp.example.com$ABC").is_none());
    }
}
