//! Rules over codes that carry a credential by design: WireGuard tunnel configurations, eSIM
//! activation codes and Android Enterprise provisioning JSON.
//!
//! - WireGuard: the interface's private key (and any preshared key) is `embedded-secret`;
//!   endpoints outside the policy's allowed hosts are `host-not-allowed`.
//! - eSIM: `embedded-secret` only when a confirmation code travels with the matching ID (the
//!   matching ID alone is what an activation code is).
//! - Android enrolment: the Wi-Fi password is `embedded-password` (unless the policy lists the
//!   SSID in `guest_networks`), the download location gets every web rule (`cleartext-http` for
//!   plain http), `skip-encryption`, and `missing-checksum` when an app is downloaded without a
//!   pinned package or signature checksum.

use super::catalogue;
use super::{Finding, web};
use crate::audit::policy::Policy;
use crate::payload::android_enrollment::{self as android, Enrollment};
use crate::payload::esim::Esim;
use crate::payload::wireguard::WireGuard;

pub fn audit_wireguard(wg: &WireGuard, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let psk = wg.peers.iter().any(|p| p.preshared_key_present);
    if wg.interface.private_key_present || psk {
        let what = match (wg.interface.private_key_present, psk) {
            (true, true) => "the tunnel's private key and a preshared key",
            (true, false) => "the tunnel's private key",
            _ => "a preshared key",
        };
        out.push(
            Finding::new(
                &catalogue::EMBEDDED_SECRET,
                format!(
                    "the WireGuard configuration carries {what}: whoever scans or photographs the code can connect to the VPN as this device"
                ),
            )
            .with_evidence(if wg.interface.private_key_present {
                format!("PrivateKey = {}", wg.secrets().first().cloned().unwrap_or_default())
            } else {
                "PresharedKey = …".to_string()
            })
            .with_fix("Show a tunnel's code only on the screen of the device it is for; remove this peer's public key from the server and generate a new key pair."),
        );
    }
    if policy.hosts_checked() {
        for peer in &wg.peers {
            if let Some(host) = peer.endpoint_host()
                && !policy.host_allowed(host)
            {
                out.push(
                    Finding::new(
                        &catalogue::HOST_NOT_ALLOWED,
                        format!(
                            "the tunnel's endpoint '{host}' is not among the policy's allowed hosts ({}): all the traffic the tunnel carries goes there",
                            policy.allowed_hosts.join(", ")
                        ),
                    )
                    .with_evidence(peer.endpoint.clone().unwrap_or_default()),
                );
            }
        }
    }
    out
}

pub fn audit_esim(e: &Esim) -> Vec<Finding> {
    let mut out = Vec::new();
    if e.confirmation_code_present {
        out.push(
            Finding::new(
                &catalogue::EMBEDDED_SECRET,
                format!(
                    "the activation code for {} carries its confirmation code together with the matching ID: whoever scans it first can download the eSIM profile (the subscriber's phone line) without the second secret",
                    e.smdp_address
                ),
            )
            .with_evidence(format!(
                "confirmation code {}",
                e.secrets().join("$")
            ))
            .with_fix("Generate the code without the confirmation code and send the confirmation code separately (SMS, letter); ask the carrier to cancel this activation code."),
        );
    }
    out
}

pub fn audit_android(e: &Enrollment, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let ssid = e.ssid_unquoted().unwrap_or("");
    if e.wifi_password_present && !policy.is_guest_network(ssid) {
        out.push(
            Finding::new(
                &catalogue::EMBEDDED_PASSWORD,
                format!(
                    "the enrolment code carries the key of Wi-Fi network '{ssid}': everyone who sees the code can join the network"
                ),
            )
            .with_evidence(format!(
                "PROVISIONING_WIFI_PASSWORD: {}",
                e.secrets().first().cloned().unwrap_or_default()
            ))
            .with_fix(format!(
                "Enrol over a staging network that is meant to be shared (list it in the policy's guest_networks), or over mobile data or Ethernet; change the key of '{ssid}'."
            )),
        );
    }
    if let Some(location) = &e.download_location {
        out.extend(web::audit_url(
            location,
            "the device-policy app's download location",
            policy,
        ));
        if !e.package_checksum_present && !e.signature_checksum_present {
            out.push(
                Finding::new(
                    &catalogue::MISSING_CHECKSUM,
                    "the device-policy app is downloaded without a pinned package or signature checksum: whoever can change the download can make any app device owner (current Android versions refuse to provision instead)".to_string(),
                )
                .with_evidence(location.clone()),
            );
        }
    }
    if e.skip_encryption {
        let mut finding = Finding::new(
            &catalogue::SKIP_ENCRYPTION,
            "the enrolment code tells the device to skip storage encryption: company data on a lost or stolen device can be read from its flash".to_string(),
        )
        .with_evidence(format!("{}: true", android::SKIP_ENCRYPTION));
        if let Some(json) = e.without(android::SKIP_ENCRYPTION) {
            finding = finding.with_suggested_url(json);
        }
        out.push(finding);
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

    fn rules(text: &str, policy: &Policy) -> Vec<String> {
        findings(text, policy)
            .into_iter()
            .map(|f| f.rule.id.to_string())
            .collect()
    }

    const WG: &str = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.net:51820\nAllowedIPs = 0.0.0.0/0\n";

    #[test]
    fn wireguard_private_key_and_endpoint() {
        assert_eq!(rules(WG, &Policy::default()), ["embedded-secret"]);
        let mut policy = Policy::default();
        policy.merge_flags(&["*.example.com".into()], &[]).unwrap();
        assert_eq!(rules(WG, &policy), ["embedded-secret", "host-not-allowed"]);
        let public_only = "[Interface]\nAddress = 10.0.0.2/32\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.com:51820\n";
        assert!(rules(public_only, &policy).is_empty());
    }

    #[test]
    fn esim_confirmation_code() {
        assert_eq!(
            rules(
                "LPA:1$rsp.example.com$K2-LM3N4P5Q$$8419",
                &Policy::default()
            ),
            ["embedded-secret"]
        );
        assert!(rules("LPA:1$rsp.example.com$K2-LM3N4P5Q$$1", &Policy::default()).is_empty());
        assert!(rules("LPA:1$rsp.example.com$K2-LM3N4P5Q", &Policy::default()).is_empty());
    }

    const ANDROID: &str = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.Receiver","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"http://mdm.example.com/dpc.apk","android.app.extra.PROVISIONING_WIFI_SSID":"Staging","android.app.extra.PROVISIONING_WIFI_PASSWORD":"hunter22","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":true}"#;

    #[test]
    fn android_enrolment_rules() {
        assert_eq!(
            rules(ANDROID, &Policy::default()),
            [
                "embedded-password",
                "cleartext-http",
                "missing-checksum",
                "skip-encryption"
            ]
        );
        let f = findings(ANDROID, &Policy::default());
        assert!(
            f[1].message
                .starts_with("the device-policy app's download location uses plain http")
        );
        // A staging network listed as a guest network is meant to be shared.
        let guests = Policy {
            guest_networks: vec!["Staging".into()],
            ..Policy::default()
        };
        assert!(!rules(ANDROID, &guests).contains(&"embedded-password".into()));
        let good = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.Receiver","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"https://mdm.example.com/dpc.apk","android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM":"gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w"}"#;
        assert!(rules(good, &Policy::default()).is_empty());
    }

    #[test]
    fn skip_encryption_suggestion_only_without_secrets() {
        let f = findings(ANDROID, &Policy::default());
        let skip = f.iter().find(|f| f.rule == "skip-encryption").unwrap();
        assert_eq!(skip.suggested_url, None);
        let no_secret = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a/.B","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":true}"#;
        let f = findings(no_secret, &Policy::default());
        let fixed = f[0].suggested_url.as_deref().expect("a suggestion");
        assert!(rules(fixed, &Policy::default()).is_empty(), "{fixed}");
    }
}
