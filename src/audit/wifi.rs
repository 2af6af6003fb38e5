//! Rules over Wi-Fi network codes.
//!
//! A Wi-Fi key printed on a poster is a finding unless the network is meant for anyone who can
//! see the poster: the policy lists such networks in `guest_networks`. An 802.1X (enterprise)
//! code carries one person's password and is never exempt. `open-wifi` and `weak-wifi` are about
//! the network itself and fire for guest networks too: a guest network can still encrypt.

use super::Finding;
use super::catalogue;
use crate::audit::policy::Policy;
use crate::payload::wifi::{Wifi, WifiAuth};

pub fn audit(w: &Wifi, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let ssid = w.ssid.as_deref().unwrap_or("");
    if w.password_present {
        let guest = w.auth != WifiAuth::Enterprise && policy.is_guest_network(ssid);
        if !guest {
            let evidence = w.password_evidence().unwrap_or("P:").to_string();
            let finding = if w.auth == WifiAuth::Enterprise {
                let user = w
                    .eap
                    .as_ref()
                    .and_then(|e| e.identity.as_deref())
                    .unwrap_or("(no identity)");
                Finding::new(
                    &catalogue::EMBEDDED_PASSWORD,
                    format!(
                        "the code carries the password of user '{user}' for the 802.1X network '{ssid}': anyone who scans it can sign in as that person"
                    ),
                )
                .with_fix("Never put a personal password in a code: provision 802.1X networks through device management (certificates); change this user's password.")
            } else {
                Finding::new(
                    &catalogue::EMBEDDED_PASSWORD,
                    format!(
                        "the code carries the key of Wi-Fi network '{ssid}' ({}): everyone who sees or photographs the code can join the network",
                        w.auth.label()
                    ),
                )
                .with_fix(format!(
                    "Do not publish the key of an internal network: hand it out through device management (a Wi-Fi profile) and change it. If '{ssid}' is a guest network meant to be shared, list it in the policy's guest_networks."
                ))
            };
            out.push(finding.with_evidence(evidence));
        }
    }
    match w.auth {
        WifiAuth::Open => out.push(
            Finding::new(
                &catalogue::OPEN_WIFI,
                format!(
                    "the code joins the open network '{ssid}': traffic is not encrypted, and anyone can set up a network of the same name that phones join just as readily"
                ),
            )
            .with_evidence(format!("T:{}", w.security.as_deref().unwrap_or(""))),
        ),
        WifiAuth::Wep => out.push(
            Finding::new(
                &catalogue::WEAK_WIFI,
                format!(
                    "network '{ssid}' uses WEP, which has been broken since 2001: its key can be recovered from captured traffic within minutes"
                ),
            )
            .with_evidence(format!("T:{}", w.security.as_deref().unwrap_or("WEP"))),
        ),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::Payload;

    fn rules(text: &str, policy: &Policy) -> Vec<String> {
        crate::audit::audit_text(text, &Payload::classify(text), policy)
            .into_iter()
            .map(|f| f.rule.id.to_string())
            .collect()
    }

    fn guest_policy() -> Policy {
        Policy {
            guest_networks: vec!["Guest".into()],
            ..Policy::default()
        }
    }

    #[test]
    fn key_of_a_private_network_is_a_finding() {
        let text = r"WIFI:T:WPA;S:Office;P:s3cr\;et;;";
        let f = crate::audit::audit_text(text, &Payload::classify(text), &Policy::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "embedded-password");
        assert_eq!(f[0].severity, crate::audit::Severity::Critical);
        assert_eq!(f[0].evidence.as_deref(), Some(r"P:s3cr\;et"));
        assert!(f[0].message.contains("'Office' (WPA)"));
        assert!(f[0].fix.as_deref().unwrap().contains("guest_networks"));
    }

    #[test]
    fn guest_networks_are_exempt_but_only_by_exact_name() {
        let policy = guest_policy();
        assert!(rules("WIFI:T:WPA;S:Guest;P:welcome2024;;", &policy).is_empty());
        assert_eq!(
            rules("WIFI:T:WPA;S:guest;P:welcome2024;;", &policy),
            ["embedded-password"]
        );
        assert_eq!(
            rules("WIFI:T:WPA;S:Guest;P:welcome2024;;", &Policy::default()),
            ["embedded-password"]
        );
        // An 802.1X password is one person's: never exempt.
        assert_eq!(
            rules("WIFI:T:WPA2-EAP;S:Guest;E:PEAP;I:jdoe;P:pw;;", &policy),
            ["embedded-password"]
        );
        // WEP stays weak on a guest network.
        assert_eq!(
            rules("WIFI:T:WEP;S:Guest;P:0123456789;;", &policy),
            ["weak-wifi"]
        );
    }

    #[test]
    fn open_and_weak_networks() {
        let p = Policy::default();
        assert_eq!(rules("WIFI:T:nopass;S:Cafe;;", &p), ["open-wifi"]);
        assert_eq!(rules("WIFI:S:Cafe;;", &p), ["open-wifi"]);
        assert_eq!(
            rules("WIFI:T:WEP;S:Old;P:0123456789;;", &p),
            ["embedded-password", "weak-wifi"]
        );
        assert_eq!(rules("WIFI:T:SAE;S:New;;", &p), Vec::<String>::new());
        let enterprise = "WIFI:T:WPA2-EAP;S:Corp;E:PEAP;I:jdoe;P:pw;;";
        let f = crate::audit::audit_text(enterprise, &Payload::classify(enterprise), &p);
        assert!(f[0].message.contains("user 'jdoe'"), "{f:?}");
    }
}
