//! The administrator's side: building correct provisioning URLs, QR images of them, and the
//! `stproxyconfig.xml` snippet that makes the Sametime proxy show them.
//!
//! Most broken codes in the field come from doing one of HCL's steps by hand: an `@` left raw
//! in a user name, a space in a community name, `&` instead of `%26` in stproxyconfig.xml (or
//! `%26` leaking into the code itself). `provisioning_url` percent-encodes every part the same
//! way the audit's suggested URLs do, and there is deliberately no way to put a password in:
//! a password in a published code is readable by anyone who scans it (HCL: "not a good
//! practice because the password could potentially be consumed by an untrusted app").

use image::{GrayImage, Luma};
use qrcode::{Color, EcLevel, QrCode};
use thiserror::Error;

use crate::payload::sametime::Rewrite;

#[derive(Debug, Error)]
pub enum GenerateError {
    #[error(
        "invalid host {0:?}: give the proxy's fully qualified host name only (no scheme, port, path or user)"
    )]
    BadHost(String),
    #[error("the port must be in 1..65535")]
    BadPort,
    #[error(
        "invalid user {0:?}: a ':' cannot be carried in the link: the app decodes the user part and splits it at the first ':', so the rest would be read as a password"
    )]
    ColonInUser(String),
    #[error("the URL does not fit in a QR code: {0}")]
    TooLong(String),
}

/// What the community should be, as the `generate` flags say it.
#[derive(Debug, Clone, Default)]
pub struct CommunitySpec {
    pub host: String,
    pub port: Option<u16>,
    pub user: Option<String>,
    pub community_name: Option<String>,
    pub save_password: bool,
    pub auth_proxy: bool,
    pub auth_proxy_user: Option<String>,
    pub auth_proxy_reuse_credentials: bool,
    pub allow_untrusted_ssl: bool,
}

/// The provisioning URL for `spec`, every part percent-encoded, parameters in the order of
/// HCL's table.
pub fn provisioning_url(spec: &CommunitySpec) -> Result<String, GenerateError> {
    let host = spec.host.trim();
    if !host_is_valid(host) {
        return Err(GenerateError::BadHost(spec.host.clone()));
    }
    if spec.port == Some(0) {
        return Err(GenerateError::BadPort);
    }
    // Encoding does not help: Android's `Uri.getUserInfo()` returns `a%3Ab` decoded, and the app
    // splits that at its first ':' (the audit reads it the same way, payload/sametime/raw.rs), so
    // `a:b` would provision user `a` with password `b`. Found by the `generate` fuzz target.
    if let Some(user) = spec.user.as_ref().filter(|u| u.contains(':')) {
        return Err(GenerateError::ColonInUser(user.clone()));
    }
    // The audit's canonical writer, so that a generated URL is spelled exactly as the audit's
    // suggested fixes are (every component percent-encoded the same way).
    let flag = |on: bool, name: &str| on.then(|| (name.to_string(), Some("true".to_string())));
    let text = |value: Option<&str>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .map(|v| (name.to_string(), Some(v.to_string())))
    };
    let params = [
        Some(("action".to_string(), Some("AddCommunity".to_string()))),
        text(spec.community_name.as_deref(), "communityName"),
        flag(spec.save_password, "savePassword"),
        flag(spec.auth_proxy, "authProxyEnabled"),
        flag(
            spec.auth_proxy_reuse_credentials,
            "authProxyReuseCredentials",
        ),
        text(spec.auth_proxy_user.as_deref(), "authProxyUser"),
        flag(spec.allow_untrusted_ssl, "allowUntrustedSSL"),
    ];
    let url = Rewrite {
        scheme: "hclsametime".to_string(),
        user: spec.user.clone().filter(|u| !u.is_empty()),
        host: host.to_string(),
        port: spec.port.map(|port| port.to_string()),
        params: params.into_iter().flatten().collect(),
    }
    .to_url();
    Ok(url)
}

/// A host name (letters, digits, `.`, `-`, `_`), or an IPv6 literal in brackets that parses as
/// one. Brackets anywhere else (`]`, `a[b`, `[`) made URLs the WHATWG parser rejects and
/// Android reads as another host (found by the `generate` fuzz target); a ':' belongs only in
/// an IPv6 literal, as the port has its own flag.
fn host_is_valid(host: &str) -> bool {
    if let Some(literal) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return literal.parse::<std::net::Ipv6Addr>().is_ok();
    }
    !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

/// The `<mobile>` element for stproxyconfig.xml, with `&` written as `%26` as HCL's procedure
/// requires (spaces are already `%20` in a generated URL).
pub fn config_snippet(url: &str) -> String {
    let escaped = url.replace('&', "%26").replace(' ', "%20");
    format!("<mobile>\n  <configUrl>{escaped}</configUrl>\n</mobile>\n")
}

/// How to draw a code.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub ecc: EcLevel,
    /// Pixels per module (PNG) or user units per module (SVG).
    pub module_px: u32,
    /// Quiet zone width in modules (ISO 18004 asks for 4).
    pub quiet_zone: u32,
}

impl Default for RenderOptions {
    /// Print defaults: level Q survives a quarter of the symbol damaged (a scuffed poster), 10
    /// pixels per module stay crisp when the image is scaled, and a 4-module quiet zone.
    fn default() -> Self {
        RenderOptions {
            ecc: EcLevel::Q,
            module_px: 10,
            quiet_zone: 4,
        }
    }
}

/// The modules of the symbol for `text`: `width` × `width`, true for dark.
fn modules(text: &str, options: &RenderOptions) -> Result<(usize, Vec<bool>), GenerateError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), options.ecc)
        .map_err(|e| GenerateError::TooLong(e.to_string()))?;
    let width = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok((width, dark))
}

/// A PNG of the code for `text`.
pub fn png(text: &str, options: &RenderOptions) -> Result<Vec<u8>, GenerateError> {
    let (width, dark) = modules(text, options)?;
    let scale = options.module_px.max(1);
    let side = (width as u32 + 2 * options.quiet_zone) * scale;
    let image = GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / scale) as i64 - i64::from(options.quiet_zone),
            (y / scale) as i64 - i64::from(options.quiet_zone),
        );
        let inside = (0..width as i64).contains(&mx) && (0..width as i64).contains(&my);
        let is_dark = inside && dark[my as usize * width + mx as usize];
        Luma([if is_dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| GenerateError::TooLong(e.to_string()))?;
    Ok(out)
}

/// An SVG of the code for `text`: one path of unit squares, crisp at any size.
pub fn svg(text: &str, options: &RenderOptions) -> Result<String, GenerateError> {
    let (width, dark) = modules(text, options)?;
    let quiet = options.quiet_zone as usize;
    let side = width + 2 * quiet;
    let scale = options.module_px.max(1) as usize;
    let mut path = String::new();
    for y in 0..width {
        for x in 0..width {
            if dark[y * width + x] {
                path.push_str(&format!("M{},{}h1v1h-1z", x + quiet, y + quiet));
            }
        }
    }
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\n\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\n\
         <path fill=\"#000\" d=\"{path}\"/>\n\
         </svg>\n",
        px = side * scale
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(host: &str) -> CommunitySpec {
        CommunitySpec {
            host: host.to_string(),
            ..CommunitySpec::default()
        }
    }

    #[test]
    fn the_seed_examples_are_produced_exactly() {
        let mut one = spec("stproxyserver.example.com");
        one.community_name = Some("Sametime Server".into());
        assert_eq!(
            provisioning_url(&one).unwrap(),
            "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server"
        );
        let mut two = spec("stproxyserver.example.com");
        two.port = Some(9080);
        two.user = Some("dmisawa".into());
        assert_eq!(
            provisioning_url(&two).unwrap(),
            "hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity"
        );
        two.user = Some("dmisawa@auto_sales".into());
        assert_eq!(
            provisioning_url(&two).unwrap(),
            "hclsametime://dmisawa%40auto_sales@stproxyserver.example.com:9080/?action=AddCommunity"
        );
        let mut three = spec("safelinx.example.com");
        three.user = Some("Your_Sametime_ID".into());
        three.auth_proxy_reuse_credentials = true;
        assert_eq!(
            provisioning_url(&three).unwrap(),
            "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true"
        );
        let mut four = spec("safelinx.example.com");
        four.port = Some(8881);
        four.auth_proxy = true;
        assert_eq!(
            provisioning_url(&four).unwrap(),
            "hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true"
        );
    }

    #[test]
    fn non_ascii_and_reserved_characters_are_encoded() {
        let mut s = spec("stproxy.example.com");
        s.community_name = Some("Vente & Marketing — Zürich".into());
        s.user = Some("a@b".into());
        let url = provisioning_url(&s).unwrap();
        assert_eq!(
            url,
            "hclsametime://a%40b@stproxy.example.com/?action=AddCommunity&communityName=Vente%20%26%20Marketing%20%E2%80%94%20Z%C3%BCrich"
        );
    }

    /// The phone decodes the user part and splits it at its first ':', so a user with a colon
    /// would arrive as a user and a password, encoded or not.
    #[test]
    fn a_user_with_a_colon_is_refused() {
        for user in ["a:b", "Ut:", ":x"] {
            let mut s = spec("stproxy.example.com");
            s.user = Some(user.into());
            assert!(
                matches!(provisioning_url(&s), Err(GenerateError::ColonInUser(_))),
                "{user}"
            );
        }
    }

    #[test]
    fn bad_hosts_are_refused() {
        for host in [
            "",
            "https://x.example.com",
            "x.example.com/path",
            "user@x.example.com",
            "x.example.com:443",
            // Brackets only around a whole IPv6 literal (found by the generate fuzz target).
            "]",
            "[",
            "a[oa",
            "QQQ]ll",
            "[zz]",
            "[:3084",
        ] {
            assert!(provisioning_url(&spec(host)).is_err(), "{host}");
        }
        // An IPv6 literal is still a host, and reads back as one.
        assert_eq!(
            provisioning_url(&spec("[2001:db8::1]")).unwrap(),
            "hclsametime://[2001:db8::1]/?action=AddCommunity"
        );
    }

    #[test]
    fn snippet_escapes_ampersands() {
        assert_eq!(
            config_snippet("hclsametime://h.example.com/?action=AddCommunity&communityName=A%20B"),
            "<mobile>\n  <configUrl>hclsametime://h.example.com/?action=AddCommunity%26communityName=A%20B</configUrl>\n</mobile>\n"
        );
    }
}
