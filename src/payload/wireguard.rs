//! WireGuard tunnel configurations, as the WireGuard apps import them from a QR code:
//!
//! ```text
//! [Interface]
//! PrivateKey = <base64 of 32 bytes>
//! Address = 10.0.0.2/32
//! DNS = 10.0.0.1
//! [Peer]
//! PublicKey = <base64>
//! PresharedKey = <base64>
//! Endpoint = vpn.example.com:51820
//! AllowedIPs = 0.0.0.0/0
//! ```
//!
//! Keys are case-insensitive, `#` starts a comment, list values are comma-separated. The private
//! key (and any preshared key) is a secret: never serialized, listed by `secrets()` as written.

use base64::Engine;

#[derive(Debug, Clone, Default)]
pub struct Interface {
    pub addresses: Vec<String>,
    pub dns: Vec<String>,
    pub listen_port: Option<String>,
    /// True when `PrivateKey` is present and not empty (the key itself is never serialized).
    pub private_key_present: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Peer {
    pub public_key: Option<String>,
    pub endpoint: Option<String>,
    pub allowed_ips: Vec<String>,
    pub preshared_key_present: bool,
}

impl Peer {
    /// The host of `Endpoint` (`host:port`, `[v6]:port`).
    pub fn endpoint_host(&self) -> Option<&str> {
        let e = self.endpoint.as_deref()?.trim();
        let host = match e.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(""),
            None => e.rsplit_once(':').map_or(e, |(h, _)| h),
        };
        (!host.is_empty()).then_some(host)
    }
}

#[derive(Debug, Clone)]
pub struct WireGuard {
    pub interface: Interface,
    pub peers: Vec<Peer>,
    pub parse_issues: Vec<String>,
    secrets: Vec<String>,
}

fn is_key(value: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(value)
        .is_ok_and(|b| b.len() == 32)
}

fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// Parses a WireGuard configuration: any text with an `[Interface]` line. `None` otherwise.
pub fn parse(text: &str) -> Option<WireGuard> {
    if !text
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case("[interface]"))
    {
        return None;
    }
    let mut wg = WireGuard {
        interface: Interface::default(),
        peers: Vec::new(),
        parse_issues: Vec::new(),
        secrets: Vec::new(),
    };
    enum Section {
        None,
        Interface,
        Peer,
        Other,
    }
    let mut section = Section::None;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            section = match line.to_ascii_lowercase().as_str() {
                "[interface]" => Section::Interface,
                "[peer]" => {
                    wg.peers.push(Peer::default());
                    Section::Peer
                }
                other => {
                    wg.parse_issues
                        .push(format!("unknown section {other} is ignored"));
                    Section::Other
                }
            };
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            wg.parse_issues.push(format!(
                "line '{}' is not 'Key = Value'",
                line.chars().take(40).collect::<String>()
            ));
            continue;
        };
        // Base64 values end in '=': only the first '=' separates key and value.
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match (&section, key.as_str()) {
            (Section::Interface, "privatekey") if !value.is_empty() => {
                wg.secrets.push(value.to_string());
                wg.interface.private_key_present = true;
                if !is_key(value) {
                    wg.parse_issues
                        .push("PrivateKey is not a base64 key of 32 bytes".into());
                }
            }
            (Section::Interface, "address") => wg.interface.addresses.extend(list(value)),
            (Section::Interface, "dns") => wg.interface.dns.extend(list(value)),
            (Section::Interface, "listenport") => wg.interface.listen_port = Some(value.into()),
            (Section::Peer, k) => {
                let peer = wg.peers.last_mut().expect("a [Peer] section pushed one");
                match k {
                    "publickey" => {
                        if !is_key(value) {
                            wg.parse_issues
                                .push("PublicKey is not a base64 key of 32 bytes".into());
                        }
                        peer.public_key = Some(value.into());
                    }
                    "presharedkey" if !value.is_empty() => {
                        wg.secrets.push(value.to_string());
                        peer.preshared_key_present = true;
                    }
                    "endpoint" => peer.endpoint = Some(value.into()),
                    "allowedips" => peer.allowed_ips.extend(list(value)),
                    _ => {}
                }
            }
            (Section::None, _) => wg
                .parse_issues
                .push(format!("'{key}' before any section is ignored")),
            _ => {}
        }
    }
    if wg.peers.is_empty() {
        wg.parse_issues
            .push("no [Peer]: the tunnel has nowhere to go".into());
    }
    Some(wg)
}

impl WireGuard {
    pub fn secrets(&self) -> Vec<String> {
        self.secrets.clone()
    }

    fn endpoints(&self) -> Vec<&str> {
        self.peers
            .iter()
            .filter_map(|p| p.endpoint.as_deref())
            .collect()
    }

    pub fn summary(&self) -> String {
        let endpoints = self.endpoints();
        let mut s = if endpoints.is_empty() {
            "WireGuard tunnel".to_string()
        } else {
            format!("WireGuard tunnel to {}", endpoints.join(", "))
        };
        if self.interface.private_key_present {
            s.push_str(", private key in code");
        }
        s
    }

    pub fn describe(&self) -> String {
        let endpoints = self.endpoints();
        let to = if endpoints.is_empty() {
            String::new()
        } else {
            format!(" to {}", endpoints.join(", "))
        };
        let full = self.peers.iter().any(|p| {
            p.allowed_ips
                .iter()
                .any(|a| a == "0.0.0.0/0" || a == "::/0")
        });
        format!(
            "Sets up a WireGuard VPN tunnel{to}{}{}",
            if full {
                " that carries all of the device's traffic"
            } else {
                ""
            },
            if self.interface.private_key_present {
                ". The code holds the tunnel's private key: whoever scans it can connect as this device."
            } else {
                "."
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
    const PUB: &str = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
    const PSK: &str = "FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=";

    fn config() -> String {
        format!(
            "[Interface]\nPrivateKey = {KEY}\nAddress = 10.0.0.2/32, fd00::2/128\nDNS = 10.0.0.1\n\n[Peer]\n# the office\nPublicKey = {PUB}\nPresharedKey = {PSK}\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0, ::/0\n"
        )
    }

    fn json_has(wg: &WireGuard, s: &str) -> bool {
        crate::report::payload::unmasked_json(&crate::payload::Payload::Wireguard(wg.clone()))
            .to_string()
            .contains(s)
    }

    #[test]
    fn reads_interface_and_peers() {
        let wg = parse(&config()).expect("wireguard");
        assert!(wg.interface.private_key_present);
        assert_eq!(wg.interface.addresses, ["10.0.0.2/32", "fd00::2/128"]);
        assert_eq!(wg.interface.dns, ["10.0.0.1"]);
        assert_eq!(wg.peers.len(), 1);
        assert_eq!(wg.peers[0].endpoint_host(), Some("vpn.example.com"));
        assert_eq!(wg.peers[0].allowed_ips, ["0.0.0.0/0", "::/0"]);
        assert!(wg.peers[0].preshared_key_present);
        assert!(wg.parse_issues.is_empty(), "{:?}", wg.parse_issues);
        assert_eq!(wg.secrets(), [KEY, PSK]);
        assert!(!json_has(&wg, PSK));
        let json =
            crate::report::payload::unmasked_json(&crate::payload::Payload::Wireguard(wg.clone()))
                .to_string();
        assert!(!json.contains(KEY), "{json}");
        assert!(json.contains(PUB), "public keys are public: {json}");
        assert!(wg.describe().contains("all of the device's traffic"));
    }

    #[test]
    fn endpoints_and_malformed_lines() {
        let p = Peer {
            endpoint: Some("[2001:db8::1]:51820".into()),
            ..Peer::default()
        };
        assert_eq!(p.endpoint_host(), Some("2001:db8::1"));
        let wg = parse("[interface]\nprivatekey=short\njunk\n[Other]\nx=1").unwrap();
        assert!(wg.interface.private_key_present);
        assert_eq!(wg.secrets(), ["short"]);
        assert_eq!(wg.parse_issues.len(), 4, "{:?}", wg.parse_issues);
        assert!(parse("PrivateKey = x").is_none());
        let _ = parse("[Interface]\n[Peer]\n=\n[\n").unwrap().summary();
    }
}
