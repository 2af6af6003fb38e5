//! The small byte-to-text conversions every layer needs, written once: percent-decoding as
//! the readers of URLs and URIs do it, and lower-case hex (and back).
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

/// The bytes of hex digits (either case), two per byte; `None` for anything else.
pub(crate) fn unhex(digits: &str) -> Option<Vec<u8>> {
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            let pair = digits.get(i..i + 2)?;
            // from_str_radix would take a sign ("+1"): only digits are hex digits.
            if !pair.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u8::from_str_radix(pair, 16).ok()
        })
        .collect()
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
        assert_eq!(unhex("000fABff"), Some(vec![0x00, 0x0f, 0xab, 0xff]));
        assert_eq!(
            unhex(&hex(b"any bytes\xff")),
            Some(b"any bytes\xff".to_vec())
        );
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("zz"), None);
        assert_eq!(unhex("+1"), None);
    }
}
