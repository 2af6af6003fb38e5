//! The two small byte-to-text conversions every layer needs, written once: percent-decoding as
//! the readers of URLs and URIs do it, and lower-case hex.
//!
//! Percent-decoding here never treats `+` as a space (that is a query-string convention, which
//! the callers that want it apply first) and turns invalid UTF-8 into U+FFFD: the parsers that
//! must report bad UTF-8 check for it separately, on the text as written.

/// `s` with every `%XX` escape decoded; bytes that are not UTF-8 become U+FFFD.
pub(crate) fn percent_decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Lower-case hex digits of `bytes`, two per byte.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_but_not_plus_and_replaces_bad_utf8() {
        assert_eq!(percent_decoded("a%20b+c%40d"), "a b+c@d");
        assert_eq!(percent_decoded("%E2%82%AC"), "€");
        assert_eq!(percent_decoded("%FF"), "\u{FFFD}");
        assert_eq!(percent_decoded("100%"), "100%");
    }

    #[test]
    fn hex_is_two_lower_case_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xab, 0xff]), "000fabff");
        assert_eq!(hex(&[]), "");
    }
}
