//! SVG: a drawing (a code made of `<rect>`s or `<path>`s on a web page), rendered to pixels.
//!
//! `usvg` parses (with `roxmltree`'s limits on entity expansion and nesting) and `resvg` renders,
//! both pure Rust, built without text support (no fonts are needed to draw a code) and without
//! raster formats beyond PNG. External references are never followed: an `<image href>` to a
//! path or URL is dropped, so an SVG cannot make the scanner read a local file. The drawing is
//! parsed when the container is opened (a broken SVG is an error right away) and rendered when
//! the caller runs the `Render` job, onto white, at a scale that gives the longer side at least
//! 1024 pixels (codes drawn one unit per module are tiny) and at most `--max-page-pixels`.

use std::sync::Arc;

use image::GrayImage;
use resvg::{tiny_skia, usvg};

use super::{Content, Render, Walker, render_scale, rgba_to_gray_on_white};
use crate::source::Provenance;

/// Longest side a rendering gets; tiny-skia's own limit is far above, this keeps the memory of
/// one page predictable.
const MAX_SIDE: f64 = 20_000.0;

/// True when the bytes are XML whose root element is `<svg>` (after an optional BOM, XML
/// declaration, comments, processing instructions and DOCTYPE).
///
/// The whole prolog is looked at, however long: an SVG whose DOCTYPE carries a long internal
/// subset (entity declarations) is still an SVG that browsers draw, and must not pass
/// unscanned as "not an image". Each step moves forward, so this stays linear.
pub(super) fn sniff(bytes: &[u8]) -> bool {
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    loop {
        rest = trim_start(rest);
        if rest.starts_with(b"<?") {
            rest = match find(rest, b"?>") {
                Some(end) => &rest[end + 2..],
                None => return false,
            };
        } else if rest.starts_with(b"<!--") {
            rest = match find(rest, b"-->") {
                Some(end) => &rest[end + 3..],
                None => return false,
            };
        } else if rest.starts_with(b"<!DOCTYPE") || rest.starts_with(b"<!doctype") {
            // An internal subset (`[ <!ENTITY …> ]`) holds `>`s of its own: the declaration
            // ends at the first `>` after its `]`.
            let close = find(rest, b">");
            let end = match find(rest, b"[") {
                Some(open) if close.is_some_and(|close| open < close) => find(&rest[open..], b"]")
                    .and_then(|bracket| {
                        find(&rest[open + bracket..], b">").map(|gt| open + bracket + gt)
                    }),
                _ => close,
            };
            rest = match end {
                Some(end) => &rest[end + 1..],
                None => return false,
            };
        } else {
            return rest.starts_with(b"<svg")
                && rest
                    .get(4)
                    .is_some_and(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
        }
    }
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[skip..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses the SVG and adds one `Render` part at `location` (the SVG is one image).
pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8]) {
    if !walker.take_part(location) {
        return;
    }
    let tree = match parse(bytes) {
        Ok(tree) => Arc::new(tree),
        Err(err) => {
            walker.error(location, format!("cannot parse SVG: {err}"));
            return;
        }
    };
    let max_pixels = walker.limits().max_page_pixels;
    walker.push(
        location.clone(),
        Content::Render(Render {
            job: Box::new(move || render(&tree, max_pixels)),
            optional: false,
        }),
    );
}

fn parse(bytes: &[u8]) -> Result<usvg::Tree, usvg::Error> {
    // Never touch the file system or anything outside the bytes given.
    let options = usvg::Options {
        resources_dir: None,
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_: &str, _: &usvg::Options<'_>| None),
        },
        ..usvg::Options::default()
    };
    usvg::Tree::from_data(bytes, &options)
}

fn render(tree: &usvg::Tree, max_pixels: u64) -> Result<GrayImage, String> {
    let size = tree.size();
    let (width, height) = (f64::from(size.width()), f64::from(size.height()));
    let scale = render_scale(width, height, 1.0, 1024.0, MAX_SIDE, max_pixels)
        .map_err(|reason| format!("SVG {reason}"))?;
    let (pw, ph) = (
        ((width * scale).ceil() as u32).max(1),
        ((height * scale).ceil() as u32).max(1),
    );
    let mut pixmap = tiny_skia::Pixmap::new(pw, ph)
        .ok_or_else(|| format!("cannot allocate a {pw}×{ph} canvas"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale as f32, scale as f32),
        &mut pixmap.as_mut(),
    );
    Ok(rgba_to_gray_on_white(pw, ph, pixmap.data(), true))
}

#[cfg(test)]
mod tests {
    use super::super::{ContainerLimits, expand};
    use super::*;

    #[test]
    fn sniffs_svg_roots_only() {
        assert!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assert!(sniff(
            b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg>"
        ));
        assert!(!sniff(b"<html><body><svg></svg></body></html>"));
        assert!(!sniff(b"<svgfoo/>"));
        // An internal DTD subset, and a prolog longer than any fixed head: still an SVG.
        assert!(sniff(
            b"<?xml version=\"1.0\"?>\n<!DOCTYPE svg [\n<!ENTITY a \"<b>\">\n]>\n<svg>"
        ));
        let padded = format!("<!-- {} -->\n<svg/>", "x".repeat(100_000));
        assert!(sniff(padded.as_bytes()));
        assert!(!sniff(b"<!DOCTYPE html [<!ENTITY a \"b\">]><html/>"));
    }

    #[test]
    fn renders_rects_on_white_at_a_readable_size() {
        let svg =
            br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4" width="4" height="4">
            <rect x="1" y="1" width="2" height="2" fill="#000"/></svg>"##;
        let mut expansion = expand("a.svg", svg, &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.parts.len(), 1);
        let part = expansion.parts.remove(0);
        assert_eq!(part.location.to_string(), "a.svg");
        let Content::Render(job) = part.content else {
            panic!("not a render: {part:?}");
        };
        let gray = job.run().unwrap();
        assert_eq!(gray.width(), 1024);
        assert_eq!(gray.get_pixel(10, 10).0[0], 255);
        assert_eq!(gray.get_pixel(512, 512).0[0], 0);
    }

    #[test]
    fn broken_svg_is_an_error() {
        let expansion = expand("b.svg", b"<svg><rect", &ContainerLimits::default()).unwrap();
        assert!(expansion.parts.is_empty());
        assert!(
            expansion.errors[0].starts_with("b.svg: cannot parse SVG"),
            "{:?}",
            expansion.errors
        );
    }

    #[test]
    fn external_images_are_never_loaded() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
            <image width="10" height="10" xlink:href="/etc/passwd"/></svg>"#;
        let tree = parse(svg).unwrap();
        assert!(!tree.root().has_children());
    }
}
