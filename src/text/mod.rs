//! Untrusted text, handled the same way by every layer: percent escapes and hex (`escapes`),
//! secrets masked in everything written (`redact`), and control characters, escape sequences
//! and bidi overrides found and made safe to show (`sanitize`). These sit below the pipeline:
//! payload parsers, the audit and the report writers all use them, and they use none of those.

pub(crate) mod escapes;
pub(crate) mod redact;
pub(crate) mod sanitize;

/// `text` after `prefix`, compared without regard to ASCII case (`DATA:`, `Http:`); `None`
/// when it does not start with it.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}
