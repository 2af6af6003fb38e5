//! HTML pages: a website is a folder of them, and the codes a page shows are images it embeds
//! or refers to, drawings written into it, and CSS backgrounds.
//!
//! What is scanned, each at a location step named after what holds it, counted per kind in
//! document order (1-based):
//!
//! | in the page | step | example |
//! | --- | --- | --- |
//! | `<img src>` (and `<input type=image src>`) | `img[N]` (`input[N]`) | `index.html!img[2]` |
//! | a candidate of `srcset` on `<img>` or `<source>` | `img[N]/srcset-K`, `source[N]/srcset-K` | `index.html!img[1]/srcset-2` |
//! | `<object data>`, `<embed src>` | `object[N]`, `embed[N]` | `index.html!object[1]` |
//! | an inline `<svg>…</svg>` | `svg[N]` | `index.html!svg[1]` |
//! | a CSS `url(…)` in a `<style>` element or a `style` attribute | `url[N]` | `index.html!url[3]` |
//!
//! A reference is either a `data:` URI (decoded in place) or a file. Files are read only for
//! the scanned page itself (not for a page inside a zip or a mail) and only inside the scanned
//! tree (`container::local`); nothing is fetched from the network. A reference that is not read
//! is a note on the input (a page's broken image link is the site's problem, not a failure to
//! read the page). The same reference twice in one page is scanned once. The links and text of
//! the page are not audited as codes: a page is not a code.
//!
//! The tokenizer is deliberately small: tags and their attributes (quoted, unquoted, with
//! character references), comments, and the raw text of `<script>`, `<style>`, `<textarea>`
//! and `<title>`, which is what browsers need to find these elements in real pages. It never
//! builds a tree, so a malformed page costs linear time.

use std::collections::HashSet;

use super::mail::decode_entities;
use super::{Kind, Walker, data_uri};
use crate::source::Provenance;
use crate::text::strip_prefix_ignore_case;

/// How far into the bytes the sniffer looks for the opening of a page (comments and blank
/// lines before `<!DOCTYPE html>` included).
const SNIFF_WINDOW: usize = 64 * 1024;

/// True when the bytes open like an HTML page: after an optional BOM, blank space and
/// comments, a `<!DOCTYPE html>` or an `<html>`, `<head>` or `<body>` tag (any case).
pub(super) fn sniff(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(SNIFF_WINDOW)];
    let mut rest = window.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(window);
    loop {
        let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
        rest = &rest[skip..];
        if rest.starts_with(b"<!--") {
            match rest.windows(3).position(|w| w == b"-->") {
                Some(end) => rest = &rest[end + 3..],
                None => return false,
            }
            continue;
        }
        let head: Vec<u8> = rest.iter().take(15).map(u8::to_ascii_lowercase).collect();
        if head.starts_with(b"<!doctype html") {
            return true;
        }
        return [&b"<html"[..], b"<head", b"<body"].iter().any(|tag| {
            head.starts_with(tag)
                && head
                    .get(tag.len())
                    .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>')
        });
    }
}

/// Opens a page found at `location`: every image, drawing and background it shows becomes a
/// part (or a note saying why it was not read).
pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], depth: u32) {
    let html = String::from_utf8_lossy(bytes);
    let mut page = Page {
        location,
        depth,
        counts: Vec::new(),
        seen: HashSet::new(),
    };
    for item in Tokens::new(&html) {
        if walker.exhausted() {
            return;
        }
        match item {
            Token::Tag(tag) => page.tag(walker, &tag),
            Token::Svg(svg) => {
                let step = page.next_step("svg");
                let at = location.step(&step);
                walker.open(
                    Kind::Svg,
                    &at,
                    with_svg_namespace(svg).as_bytes(),
                    depth + 1,
                );
            }
            Token::Style(css) => page.css(walker, css),
        }
    }
}

/// What one page has counted and read so far.
struct Page<'a> {
    location: &'a Provenance,
    depth: u32,
    /// How many elements of each kind came before (for `img[N]` and the like).
    counts: Vec<(&'static str, u32)>,
    /// References already scanned in this page: `data:` URIs as written, files by their
    /// canonical path (`img/a.png` and `./img/a.png?v=2` are one file).
    seen: HashSet<String>,
}

impl Page<'_> {
    /// The step of the next element of `kind`: `img[3]`.
    fn next_step(&mut self, kind: &'static str) -> String {
        let n = match self.counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                self.counts.push((kind, 1));
                1
            }
        };
        format!("{kind}[{n}]")
    }

    fn tag(&mut self, walker: &mut Walker, tag: &Tag) {
        let attr = |name: &str| {
            tag.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        let (kind, source) = match tag.name.as_str() {
            "img" => ("img", attr("src")),
            "input" if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("image")) => {
                ("input", attr("src"))
            }
            "source" => ("source", None),
            "object" => ("object", attr("data")),
            "embed" => ("embed", attr("src")),
            _ => ("", None),
        };
        if !kind.is_empty() {
            let step = self.next_step(kind);
            if let Some(reference) = source {
                self.reference(walker, &step, reference);
            }
            if matches!(kind, "img" | "source")
                && let Some(srcset) = attr("srcset")
            {
                for (k, candidate) in srcset_urls(srcset).into_iter().enumerate() {
                    self.reference(walker, &format!("{step}/srcset-{}", k + 1), candidate);
                }
            }
        }
        if let Some(style) = attr("style") {
            self.css(walker, style);
        }
    }

    /// Scans every `url(…)` of a style sheet or a `style` attribute.
    fn css(&mut self, walker: &mut Walker, css: &str) {
        for reference in css_urls(css) {
            let step = self.next_step("url");
            self.reference(walker, &step, reference);
        }
    }

    /// Scans what `reference` names, at the step `step` of the page.
    fn reference(&mut self, walker: &mut Walker, step: &str, reference: &str) {
        let reference = reference.trim();
        if reference.is_empty() || self.seen.contains(reference) {
            return;
        }
        self.seen.insert(reference.to_string());
        let at = self.location.step(step);
        let bytes = if let Some(uri) = strip_prefix_ignore_case(reference, "data:") {
            match data_uri::decode(uri) {
                Ok(bytes) => bytes,
                Err(err) => {
                    walker.error(&at, err);
                    return;
                }
            }
        } else {
            // Only the scanned page itself knows where it lies on disk.
            let local = if self.depth == 1 {
                walker.local.clone()
            } else {
                None
            };
            let shown = shortened_reference(reference);
            let Some(local) = local else {
                walker.note(
                    &at,
                    format!(
                        "{shown}: not read: only the file references of a page scanned as a file are read"
                    ),
                );
                return;
            };
            match local.read(reference) {
                Ok((path, bytes)) => {
                    if !self.seen.insert(path.display().to_string()) {
                        return;
                    }
                    bytes
                }
                Err(unread) => {
                    walker.note(&at, format!("{shown}: {unread}"));
                    return;
                }
            }
        };
        if !walker.take_part(&at) || !walker.take_bytes(&at, bytes.len() as u64) {
            return;
        }
        // A page among the references (an <object> holding another page) is not followed:
        // each page of a site is scanned as its own input.
        if sniff(&bytes) {
            walker.note(&at, "a page, not followed (scan it as a file of its own)");
            return;
        }
        walker.item(at, bytes, self.depth, true);
    }
}

/// A reference as a note shows it: at most 200 characters (a `data:` URI may be megabytes).
fn shortened_reference(reference: &str) -> String {
    const MAX: usize = 200;
    match reference.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &reference[..cut]),
        None => reference.to_string(),
    }
}

/// An inline `<svg>` as a document of its own: the namespace HTML lets it leave out is added,
/// so that an XML parser reads it as SVG.
fn with_svg_namespace(svg: &str) -> String {
    let open_end = svg.find('>').unwrap_or(svg.len());
    if svg[..open_end].contains("xmlns") {
        svg.to_string()
    } else {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\"{}",
            &svg["<svg".len().min(svg.len())..]
        )
    }
}

/// The URLs of a `srcset` attribute (`a.png 1x, data:image/png;base64,xx 2x`): each candidate
/// is a URL up to white space, then descriptors up to a comma. A URL may itself hold commas
/// (a `data:` URI), which is why this is not a split at commas.
fn srcset_urls(srcset: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let mut rest = srcset;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return urls;
        }
        let end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let mut url = &rest[..end];
        rest = &rest[end..];
        if url.ends_with(',') {
            // No descriptors: the comma ends the candidate.
            url = url.trim_end_matches(',');
        } else {
            // Descriptors, up to the next comma.
            rest = match rest.find(',') {
                Some(comma) => &rest[comma + 1..],
                None => "",
            };
        }
        if !url.is_empty() {
            urls.push(url);
        }
    }
}

/// The references of every `url(…)` in CSS text: quoted or not, with CSS comments skipped.
fn css_urls(css: &str) -> Vec<&str> {
    let mut urls = Vec::new();
    let lower = css.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find("url(") {
        let start = from + found + "url(".len();
        let inner = &css[start..];
        let trimmed = inner.trim_start();
        let lead = inner.len() - trimmed.len();
        let (url, used) = match trimmed.chars().next() {
            Some(quote @ ('"' | '\'')) => match trimmed[1..].find(quote) {
                Some(end) => (&trimmed[1..1 + end], end + 2),
                None => (&trimmed[1..], trimmed.len()),
            },
            _ => match trimmed.find(')') {
                Some(end) => (trimmed[..end].trim_end(), end),
                None => (trimmed.trim_end(), trimmed.len()),
            },
        };
        if !url.is_empty() {
            urls.push(url);
        }
        from = start + lead + used.max(1);
        if from >= css.len() {
            break;
        }
    }
    urls
}

/// A start tag, its name lower-cased and its attributes' values with character references
/// decoded.
#[derive(Debug, PartialEq)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Tag(Tag),
    /// An inline `<svg>` element, from its `<` to the end of its `</svg>`.
    Svg(&'a str),
    /// The text of a `<style>` element.
    Style(&'a str),
}

/// The start tags, inline SVGs and style sheets of a page, in document order.
struct Tokens<'a> {
    html: &'a str,
    lower: String,
    at: usize,
}

impl<'a> Tokens<'a> {
    fn new(html: &'a str) -> Self {
        Tokens {
            html,
            lower: html.to_ascii_lowercase(),
            at: 0,
        }
    }

    /// The position just past the end tag `</name` (and its `>`) from `from`, or the end.
    fn past_end_tag(&self, from: usize, name: &str) -> (usize, usize) {
        let close = format!("</{name}");
        match self.lower[from..].find(&close) {
            Some(found) => {
                let start = from + found;
                let end = self.lower[start..]
                    .find('>')
                    .map_or(self.html.len(), |gt| start + gt + 1);
                (start, end)
            }
            None => (self.html.len(), self.html.len()),
        }
    }

    /// The end of the `<svg>` element whose start tag ends at `from`: nested `<svg>`s counted.
    fn past_svg(&self, from: usize) -> usize {
        let mut depth = 1;
        let mut at = from;
        while let Some(found) = self.lower[at..].find("svg") {
            let pos = at + found;
            at = pos + 3;
            let boundary = self.lower[at..]
                .chars()
                .next()
                .is_none_or(|c| c.is_ascii_whitespace() || c == '>' || c == '/');
            if !boundary {
                continue;
            }
            if self.lower[..pos].ends_with("</") {
                depth -= 1;
                if depth == 0 {
                    return self.lower[at..]
                        .find('>')
                        .map_or(self.html.len(), |gt| at + gt + 1);
                }
            } else if self.lower[..pos].ends_with('<') {
                depth += 1;
            }
        }
        self.html.len()
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let lt = self.at + self.html.get(self.at..)?.find('<')?;
            let rest = &self.lower[lt..];
            if rest.starts_with("<!--") {
                self.at = rest.find("-->").map_or(self.html.len(), |end| lt + end + 3);
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
                self.at = rest.find('>').map_or(self.html.len(), |end| lt + end + 1);
                continue;
            }
            let name_len = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ':'))
                .unwrap_or(rest.len() - 1);
            if name_len == 0 || !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.at = lt + 1;
                continue;
            }
            let name = rest[1..1 + name_len].to_string();
            let (attrs, tag_end) = attributes(self.html, lt + 1 + name_len);
            self.at = tag_end;
            match name.as_str() {
                "script" | "textarea" | "title" => {
                    self.at = self.past_end_tag(tag_end, &name).1;
                    continue;
                }
                "style" => {
                    let (close, end) = self.past_end_tag(tag_end, "style");
                    self.at = end;
                    return Some(Token::Style(&self.html[tag_end..close]));
                }
                "svg" => {
                    let self_closing = self.html[..tag_end].ends_with("/>");
                    let end = if self_closing {
                        tag_end
                    } else {
                        self.past_svg(tag_end)
                    };
                    self.at = end;
                    return Some(Token::Svg(&self.html[lt..end]));
                }
                _ => return Some(Token::Tag(Tag { name, attrs })),
            }
        }
    }
}

/// The attributes of a start tag whose name ends at `from`, and the position past its `>`.
fn attributes(html: &str, from: usize) -> (Vec<(String, String)>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = from;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, bytes.len());
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
        {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let start = i + 1;
                let end = bytes[start..]
                    .iter()
                    .position(|b| *b == quote)
                    .map_or(bytes.len(), |p| start + p);
                value = decode_entities(&html[start..end]);
                i = (end + 1).min(bytes.len());
            } else {
                let start = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                    i += 1;
                }
                value = decode_entities(&html[start..i]);
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_pages_not_fragments_or_other_xml() {
        assert!(sniff(b"<!DOCTYPE html>\n<html><body></body></html>"));
        assert!(sniff(b"\xEF\xBB\xBF  <!-- built --> <html lang=en>"));
        assert!(sniff(b"<HTML>"));
        assert!(sniff(b"<body>\n<img src=a.png>"));
        assert!(!sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assert!(!sniff(b"<htmlx>"));
        assert!(!sniff(b"just text <html>"));
        assert!(!sniff(b"<!-- unterminated"));
    }

    #[test]
    fn tokens_find_tags_svgs_and_styles_and_skip_scripts_and_comments() {
        let html = "<html><!-- <img src=c.png> --><script>var s = '<img src=\"s.png\">';</script>\
                    <IMG SRC='a&amp;b.png' alt=x><style>body{background:url(bg.png)}</style>\
                    <svg viewBox='0 0 1 1'><svg></svg><rect/></svg><p title=\"<img>\">";
        let tokens: Vec<Token> = Tokens::new(html).collect();
        let tags: Vec<&Tag> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Tag(tag) => Some(tag),
                _ => None,
            })
            .collect();
        assert_eq!(tags[0].name, "html");
        assert_eq!(tags[1].name, "img");
        assert_eq!(
            tags[1].attrs,
            vec![
                ("src".to_string(), "a&b.png".to_string()),
                ("alt".to_string(), "x".to_string())
            ]
        );
        assert!(tokens.contains(&Token::Style("body{background:url(bg.png)}")));
        assert!(tokens.contains(&Token::Svg(
            "<svg viewBox='0 0 1 1'><svg></svg><rect/></svg>"
        )));
        assert_eq!(tags.last().unwrap().name, "p");
        assert_eq!(tags.len(), 3, "{tags:?}");
    }

    #[test]
    fn srcset_candidates_keep_commas_inside_data_uris() {
        assert_eq!(
            srcset_urls("a.png 1x, data:image/png;base64,AAAA 2x,c.png"),
            vec!["a.png", "data:image/png;base64,AAAA", "c.png"]
        );
        assert_eq!(srcset_urls("a.png, b.png 300w"), vec!["a.png", "b.png"]);
        // A URL runs to white space (HTML's srcset parsing): a comma inside it is part of it.
        assert_eq!(srcset_urls("a.png,b.png 300w"), vec!["a.png,b.png"]);
        assert!(srcset_urls("  ").is_empty());
    }

    #[test]
    fn css_urls_quoted_and_bare() {
        assert_eq!(
            css_urls(
                "a{background:URL( 'x y.png' )} b{background-image:url(data:image/png;base64,AA==)} c{x:url(\"q.png\")}"
            ),
            vec!["x y.png", "data:image/png;base64,AA==", "q.png"]
        );
        assert_eq!(css_urls("url("), Vec::<&str>::new());
    }

    #[test]
    fn inline_svg_gets_its_namespace() {
        assert_eq!(
            with_svg_namespace("<svg viewBox='0 0 1 1'></svg>"),
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox='0 0 1 1'></svg>"
        );
        let namespaced = "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        assert_eq!(with_svg_namespace(namespaced), namespaced);
    }
}
