//! HCL Sametime mobile provisioning URLs (placeholder until the parser of issue 3 lands).

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Provisioning {
    pub scheme: String,
}

/// Parses a provisioning URL; `None` when the text is not one.
pub fn parse(text: &str) -> Option<Provisioning> {
    let (scheme, _) = text.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    matches!(scheme.as_str(), "hclsametime" | "sametime" | "stmeetings")
        .then_some(Provisioning { scheme })
}

impl Provisioning {
    pub fn secrets(&self) -> Vec<String> {
        Vec::new()
    }

    pub fn describe(&self) -> String {
        self.summary()
    }

    pub fn summary(&self) -> String {
        format!("Sametime provisioning ({})", self.scheme)
    }
}
