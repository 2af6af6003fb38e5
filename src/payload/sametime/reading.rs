//! Every parameter some reader may take from the query, with the documented name it may stand for.
//!
//! The app reads the query strictly (Android: names compared as written, the first occurrence
//! wins), and the community is resolved from that reading alone. Other readers, and the author's
//! intent, see more: a parameter a leaked `%26` hides inside the value before it
//! (`action=AddCommunity%26savePassword=true`), a name in another case, with blanks or percent
//! escapes. This module lists all of them, in order, as `Reading`s: the pieces the app reads as
//! written, and the hidden ones once the leaked separators (`%26`, `&amp;`, `%3D`) are repaired.
//! The fail-safe rules judge risky switches over this wider reading, and every suggested rewrite
//! starts from it (`Provisioning::rewrite`).

use super::raw::{self, RawParts, decode, decode_query};
use super::spelling::{self, Spelling};
use super::truth;

/// One parameter as some reader may take it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The name as written (escapes kept), for messages and evidence.
    pub written: String,
    /// The name decoded and without control characters: what a rewrite writes back.
    pub name: String,
    /// The value as written; `None` when there is no `=`.
    pub raw_value: Option<String>,
    /// The value decoded (`+` read as a space, as Android does).
    pub value: Option<String>,
    /// The documented name this may stand for, and how it differs; `None` when none is close.
    pub spelling: Option<Spelling>,
}

impl Reading {
    /// True when this is a spelling (exact or not) of the documented `known`.
    pub fn reads_as(&self, known: &str) -> bool {
        self.spelling.as_ref().is_some_and(|s| s.known == known)
    }

    /// True when the app reads this as the documented name, as written.
    pub fn is_exact(&self) -> bool {
        self.spelling.as_ref().is_some_and(Spelling::is_exact)
    }

    /// True when some client reads the value as true. Both decodings count: Android reads a
    /// `+` as a space, iOS keeps it (`+1` is true there). A name without `=` has the value `""`
    /// to Android's `getQueryParameter`, which `getBooleanQueryParameter` takes as true.
    pub fn possibly_true(&self) -> bool {
        truth::possibly_true(self.value.as_deref().unwrap_or(""))
            || self
                .raw_value
                .as_deref()
                .is_some_and(|v| truth::possibly_true(&decode(v)))
    }

    /// `name=value` as written, for evidence.
    pub fn evidence(&self) -> String {
        match &self.raw_value {
            Some(v) => format!("{}={v}", self.written),
            None => self.written.clone(),
        }
    }
}

/// Control characters and bidi overrides never survive into a rewrite: percent-encoded, an
/// override still reorders the community name on the phone's screen.
pub(crate) fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !crate::text::sanitize::is_dangerous(*c))
        .collect()
}

/// Every reading of the query, in order. A piece the app reads as written keeps its written
/// name; a piece that appears only once a leaked separator is repaired is marked hidden. The
/// text after `#` stays part of the last value, as a naive reader keeps it.
pub(crate) fn readings(parts: &RawParts) -> Vec<Reading> {
    let mut out = Vec::new();
    let count = parts.params.len();
    for (i, param) in parts.params.iter().enumerate() {
        let mut text = clean(parts.text.get(param.range.clone()).unwrap_or(""));
        if i + 1 == count
            && let Some(fragment) = parts.get(&parts.fragment).filter(|f| !f.is_empty())
        {
            text.push('#');
            text.push_str(&clean(fragment));
        }
        // `a=1&amp;b=2` splits into `a=1` and `amp;b=2`: the entity's '&' was the separator.
        let entity = i > 0
            && text
                .get(..4)
                .is_some_and(|head| head.eq_ignore_ascii_case("amp;"));
        if entity {
            text.drain(..4);
        }
        let strict_name = clean(&param.name);
        let repaired = raw::repair_separators(&text);
        for (j, piece) in repaired.split('&').filter(|p| !p.is_empty()).enumerate() {
            let (name, value) = match piece.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (piece, None),
            };
            let hidden = entity || j > 0 || name != strict_name;
            // The app sees the name exactly as written, control characters included.
            let written = if hidden {
                name.to_string()
            } else {
                param.name.clone()
            };
            out.push(Reading {
                spelling: spelling::classify(&written, hidden),
                name: clean(&decode_query(name)),
                value: value.as_deref().map(decode_query),
                raw_value: value,
                written,
            });
        }
    }
    out
}
