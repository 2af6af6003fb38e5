//! Making untrusted decoded text safe to show.
//!
//! Decoded QR text is attacker-controlled. Written raw to a terminal, an escape sequence can
//! clear the screen, rewrite earlier lines or set the window title, and a bidirectional
//! override (Trojan Source, CVE-2021-42574) makes text display in a different order from the
//! one a phone acts on. Everything that reaches a human therefore goes through `escape_for_display`;
//! JSON keeps the exact text but with the dangerous characters written as `\uXXXX` escapes
//! (`escape_json_output`), which any JSON reader decodes back to the same string.

/// True for characters that must never reach a terminal raw: C0 and C1 controls (including ESC
/// and DEL), bidirectional embeddings/overrides/isolates and marks, and the line/paragraph
/// separators that some terminals treat as newlines.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Bidirectional formatting characters (Unicode UAX #9): these reorder how text is displayed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that display as nothing (zero-width spaces and joiners, the word joiner, soft
/// hyphen, Hangul fillers, tag characters, a byte-order mark inside text): a name that holds one
/// looks like another name on the phone's screen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2064}'
            | '\u{3164}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// The characters that percent escapes in `text` decode to and that hide something from the
/// person reading the decoded value: controls (line breaks and tabs included: a value holds
/// them only through an escape), bidi controls and invisible characters. Each decoded run of
/// escapes is judged on its own, so ordinary text around it never counts.
pub fn hidden_in_escapes(text: &str) -> Vec<char> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut run = Vec::new();
        while bytes.get(i) == Some(&b'%')
            && let (Some(high), Some(low)) =
                (hex_value(bytes.get(i + 1)), hex_value(bytes.get(i + 2)))
        {
            run.push(high * 16 + low);
            i += 3;
        }
        if run.is_empty() {
            i = start + 1;
            continue;
        }
        for c in String::from_utf8_lossy(&run).chars() {
            if (is_dangerous(c) || is_invisible(c)) && !found.contains(&c) {
                found.push(c);
            }
        }
    }
    found
}

fn hex_value(byte: Option<&u8>) -> Option<u8> {
    (*byte? as char).to_digit(16).map(|d| d as u8)
}

/// True when the text holds a character that `is_dangerous`, other than the plain line breaks
/// and tabs that ordinary multi-line payloads (vCards, Wi-Fi notes) carry.
pub fn has_suspicious_controls(text: &str) -> bool {
    text.chars()
        .any(|c| is_dangerous(c) && !matches!(c, '\n' | '\r' | '\t'))
}

/// The text with every dangerous character escaped: `\n`, `\r`, `\t`, `\\` for the common
/// ones, `\xHH` for other ASCII controls and `\u{HHHH}` for the rest. Backslashes are doubled
/// so that an escaped form can never be confused with a literal one.
pub fn escape_for_display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_dangerous(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_dangerous(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `escape_for_display`, shortened to at most `max_chars` characters (an ellipsis marks the cut).
pub fn shorten_for_display(text: &str, max_chars: usize) -> String {
    let escaped = escape_for_display(text);
    if escaped.chars().count() <= max_chars {
        return escaped;
    }
    let mut short: String = escaped.chars().take(max_chars.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// Rewrites the non-ASCII dangerous characters in serialized JSON as `\uXXXX` escapes.
/// serde_json already escapes C0 controls; C1 controls and bidi characters it writes raw, which
/// is valid JSON but unsafe on a terminal. Such characters can only occur inside JSON strings,
/// where the escape means the same character, so the document's meaning is unchanged.
pub fn escape_json_output(json: &str) -> String {
    if !json.chars().any(is_dangerous) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_dangerous(c) && (c as u32) >= 0x7f {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_escape_sequences_and_bidi() {
        assert_eq!(escape_for_display("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape_for_display("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escape_for_display("c1\u{9b}"), "c1\\u{009b}");
        assert_eq!(escape_for_display("tab\there\\"), "tab\\there\\\\");
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(escape_for_display("Grüße, 東京"), "Grüße, 東京");
        assert!(!has_suspicious_controls("line\r\nline\t"));
        assert!(has_suspicious_controls("a\u{7f}"));
    }

    #[test]
    fn shortening_counts_characters_not_bytes() {
        assert_eq!(shorten_for_display("ééééé", 3), "éé…");
        assert_eq!(shorten_for_display("abc", 3), "abc");
    }

    #[test]
    fn json_escaping_keeps_meaning() {
        let original = "a\u{202e}b\u{85}c";
        let json = serde_json::to_string(original).unwrap();
        let escaped = escape_json_output(&json);
        assert!(!escaped.contains('\u{202e}'));
        assert!(escaped.contains("\\u202e"));
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, original);
    }
}
