//! Containers: the files codes actually arrive in (mails, mailboxes, PDFs, SVGs, zips), opened
//! by content and turned into the images and texts inside them, each with a location a person
//! can follow back.
//!
//! `expand` sniffs the bytes (never the name): a zip starts with a local file header, a PDF with
//! `%PDF-`, an mbox with a `From ` line, a mail with RFC 5322 header fields, an SVG with an
//! `<svg>` root element, an HTML page with `<!DOCTYPE html>` or an `<html>`, `<head>` or
//! `<body>` tag. It returns `None` for anything else, and otherwise an `Expansion`:
//! the parts found, in document order, plus errors (something could not be read, or a limit was
//! hit) and notes (something was left out on purpose). Nested containers (a forwarded mail, a
//! zip in a zip, a PDF attached to a mail) are opened here, recursively, within the input's
//! `ContainerLimits`; a broken inner container is an error for that location and its siblings
//! are still read. Each container reader runs isolated (`decode::isolate`), so a panic in a
//! parser costs that container, not the run.
//!
//! This module only finds and unpacks: it never decodes QR codes and never judges a text.
//! Drawings (an SVG, a PDF page) come out as `Render` jobs rather than pixels, so that the
//! caller rasterises them under the same time budget as an image decode.
//!
//! ## Locations
//!
//! A location is a `source::Provenance`: the input, then one step for every level inside it,
//! each taken by a reader with `Provenance::step`. Written out (a report's `location`, the
//! head of an error or a note) it is the input's path followed by `!segment` for every step:
//!
//! | inside | segment | example |
//! | --- | --- | --- |
//! | mail (`.eml`) | MIME part number as in IMAP (`1`, `2`, `1.2`), then `/name` when the part has a file name (or `/cid:ID` for an inline part with only a Content-ID) | `mail.eml!2/poster.png` |
//! | forwarded mail (`message/rfc822`) | the part holding it, then the inner mail's own parts | `fwd.eml!2!1/qr.png` |
//! | `data:` URI in an HTML body | `data-N`, the N-th `data:` URI of that part | `news.eml!1!data-1` |
//! | mbox | `msg-N`, the N-th message (1-based), then the mail's parts | `export.mbox!msg-17!2/qr.png` |
//! | PDF | `page-N` for the rendered page; `page-N!NAME` for an image XObject drawn on it (`Fm1/Im3` inside a form) | `flyer.pdf!page-2!Im1` |
//! | zip | the member's path in the archive | `assets.zip!img/qr.png` |
//! | SVG | none: the whole drawing is one image | `logo.svg`, `assets.zip!logo.svg` |
//! | HTML page | `img[N]`, `svg[N]`, `url[N]` (CSS), `object[N]`… as `html` documents | `index.html!img[2]`, `index.html!svg[1]` |
//! | `stproxyconfig.xml` | `mobile/configUrl`, the element whose provisioning URL is audited | `stproxyconfig.xml!mobile/configUrl` |
//!
//! In names taken from the file (attachment names, zip member paths) `%` is written `%25` and
//! `!` is written `%21`, so that `!` always separates segments. A body text's URLs are
//! reported at the location of the text part (`mail.eml!1`), numbered in order of appearance.

pub mod config_xml;
mod data_uri;
mod html;
mod limits;
mod local;
mod mail;
mod mbox;
mod msg;
mod pdf;
mod svg;
mod zip;

pub use limits::ContainerLimits;
pub use local::LocalFiles;

use image::GrayImage;

use crate::decode::isolate;
use crate::decode::load;
use crate::source::Provenance;
use limits::{Budget, LimitHit};

/// The kinds of container qraudit opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Mail,
    Mbox,
    Msg,
    Pdf,
    Svg,
    Zip,
    Html,
}

impl Kind {
    /// The media type reported for an input of this kind.
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Mail => "message/rfc822",
            Kind::Mbox => "application/mbox",
            Kind::Msg => "application/vnd.ms-outlook",
            Kind::Pdf => "application/pdf",
            Kind::Svg => "image/svg+xml",
            Kind::Zip => "application/zip",
            Kind::Html => "text/html",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Mail => "mail",
            Kind::Mbox => "mbox",
            Kind::Msg => "Outlook message",
            Kind::Pdf => "PDF",
            Kind::Svg => "SVG",
            Kind::Zip => "zip",
            Kind::Html => "HTML page",
        }
    }
}

/// What the bytes are, if they are a container qraudit opens.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if zip::sniff(bytes) {
        Some(Kind::Zip)
    } else if msg::sniff(bytes) {
        Some(Kind::Msg)
    } else if pdf::sniff(bytes) {
        Some(Kind::Pdf)
    } else if mbox::sniff(bytes) {
        Some(Kind::Mbox)
    } else if svg::sniff(bytes) {
        Some(Kind::Svg)
    } else if html::sniff(bytes) {
        Some(Kind::Html)
    } else if mail::sniff(bytes) {
        Some(Kind::Mail)
    } else {
        None
    }
}

/// Everything found inside one input.
#[derive(Debug)]
pub struct Expansion {
    pub kind: Kind,
    /// Images, drawings and texts, in document order.
    pub parts: Vec<Part>,
    /// What could not be read, each starting with its location.
    pub errors: Vec<String>,
    /// What was left out on purpose (a part that is no supported image), with its location.
    pub notes: Vec<String>,
}

/// One thing to scan, found inside a container.
#[derive(Debug)]
pub struct Part {
    /// Where it was found: the input and the steps inside it.
    pub location: Provenance,
    pub content: Content,
}

#[derive(Debug)]
pub enum Content {
    /// The bytes of an image file (PNG, JPEG, …), to be sniffed and decoded like an input.
    Image(Vec<u8>),
    /// A drawing to rasterise (an SVG, a PDF page).
    Render(Render),
    /// A text to audit as if a code carried it: a provisioning URL written in a mail body.
    Text(String),
}

type RenderJob = Box<dyn FnOnce() -> Result<GrayImage, String> + Send>;

/// A drawing, rasterised on demand (white background, bounded pixels).
pub struct Render {
    job: RenderJob,
    /// True when failing to render is worth a note rather than an error, because the images
    /// the drawing contains are scanned on their own (PDF pages).
    pub optional: bool,
}

impl Render {
    /// A drawing that `job` rasterises; `optional` as the field says. (The readers build theirs
    /// in place; tests of the scan driver build them here.)
    #[cfg(test)]
    pub fn new(
        job: impl FnOnce() -> Result<GrayImage, String> + Send + 'static,
        optional: bool,
    ) -> Self {
        Render {
            job: Box::new(job),
            optional,
        }
    }

    /// Rasterises the drawing. May take long (the caller's time budget applies) and may panic
    /// inside a renderer (the caller isolates it).
    pub fn run(self) -> Result<GrayImage, String> {
        (self.job)()
    }
}

impl std::fmt::Debug for Render {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Render")
            .field("optional", &self.optional)
            .finish_non_exhaustive()
    }
}

/// Opens `bytes` if they are a container; `None` when they are not one. `input` is the
/// input's display path; every part's location starts with it. (The scan sniffs first and opens
/// with a deadline on a thread of its own; the readers' unit tests open in one call.)
#[cfg(test)]
pub fn expand(input: &str, bytes: &[u8], limits: &ContainerLimits) -> Option<Expansion> {
    let kind = sniff(bytes)?;
    Some(expand_kind(
        kind,
        &Provenance::of_input(input),
        bytes,
        limits,
        None,
        None,
    ))
}

/// Opens `bytes` as a container of `kind` (as `sniff` said), found at `location` (the input
/// itself: every part's location is a step inside it). Past `deadline` the readers stop
/// looking, with a limit error, and what they found so far is returned. `local` says where
/// the input lies on disk, for a page's references to files (`html`, `local`).
pub fn expand_kind(
    kind: Kind,
    location: &Provenance,
    bytes: &[u8],
    limits: &ContainerLimits,
    deadline: Option<std::time::Instant>,
    local: Option<LocalFiles>,
) -> Expansion {
    let mut walker = Walker {
        budget: Budget::new(*limits).with_deadline(deadline),
        parts: Vec::new(),
        errors: Vec::new(),
        notes: Vec::new(),
        local,
    };
    walker.open(kind, location, bytes, 1);
    Expansion {
        kind,
        parts: walker.parts,
        errors: walker.errors,
        notes: walker.notes,
    }
}

/// The state of opening one input: what was found, and what it cost.
pub(crate) struct Walker {
    budget: Budget,
    parts: Vec<Part>,
    errors: Vec<String>,
    notes: Vec<String>,
    /// Where the input lies on disk, when it is a file: the scanned page's references to
    /// files are read through it.
    local: Option<LocalFiles>,
}

impl Walker {
    /// Opens a container of a known kind at nesting level `depth` (the input is level 1).
    fn open(&mut self, kind: Kind, location: &Provenance, bytes: &[u8], depth: u32) {
        if self.too_deep(kind, location, depth) {
            return;
        }
        let stage = match kind {
            Kind::Mail => isolate::Stage::Mail,
            Kind::Mbox => isolate::Stage::Mbox,
            Kind::Msg => isolate::Stage::Msg,
            Kind::Pdf => isolate::Stage::Pdf,
            Kind::Svg => isolate::Stage::Svg,
            Kind::Zip => isolate::Stage::Zip,
            Kind::Html => isolate::Stage::Html,
        };
        let result = isolate::isolated(|| {
            isolate::inject_panic_if_asked(stage, bytes);
            match kind {
                Kind::Mail => mail::open(self, location, bytes, depth),
                Kind::Mbox => mbox::open(self, location, bytes, depth),
                Kind::Msg => msg::open(self, location, bytes, depth),
                Kind::Pdf => pdf::open(self, location, bytes, depth),
                Kind::Svg => svg::open(self, location, bytes),
                Kind::Zip => zip::open(self, location, bytes, depth),
                Kind::Html => html::open(self, location, bytes, depth),
            }
        });
        if let Err(panic) = result {
            self.error(location, stage.panicked(&panic));
        }
    }

    /// True (and the error recorded) when a container of `kind` at nesting level `depth` is
    /// past `--max-depth` and must not be opened.
    fn too_deep(&mut self, kind: Kind, location: &Provenance, depth: u32) -> bool {
        // An SVG is a leaf (its references are never followed), so it adds no nesting level
        // worth refusing: a code drawn in an SVG inside a zip is as readable as a PNG there.
        if depth <= self.budget.limits.max_depth || kind == Kind::Svg {
            return false;
        }
        self.error(
            location,
            format!(
                "{} not opened: containers nested more than {} deep (--max-depth)",
                kind.name(),
                self.budget.limits.max_depth
            ),
        );
        true
    }

    /// Handles bytes found inside a container (an attachment, a zip member): an image becomes a
    /// part, a container is opened one level deeper, an image format this build cannot decode
    /// is an error (a code may be in it), anything else is passed over.
    /// `declared_image` says the container called it an image (`Content-Type: image/…`), so
    /// that bytes which turn out to be no supported image are worth a note.
    fn item(&mut self, location: Provenance, bytes: Vec<u8>, depth: u32, declared_image: bool) {
        if load::sniff_image(&bytes).is_some() {
            self.push(location, Content::Image(bytes));
        } else if let Some(kind) = sniff(&bytes) {
            self.open(kind, &location, &bytes, depth + 1);
        } else if let Some(unsupported) = crate::decode::formats::unsupported_image(&bytes) {
            self.error(&location, unsupported);
        } else if declared_image {
            self.note(&location, "not a supported image format; not scanned");
        }
    }

    /// Adds a part found by a reader.
    fn push(&mut self, location: Provenance, content: Content) {
        self.parts.push(Part { location, content });
    }

    /// Counts one more part; records the limit error (once) and returns false when over.
    fn take_part(&mut self, location: &Provenance) -> bool {
        let first = !self.budget.exhausted;
        match self.budget.take_part() {
            Ok(()) => true,
            Err(hit) => {
                if first {
                    self.limit_error(location, hit);
                }
                false
            }
        }
    }

    /// Counts `n` decoded bytes; records the limit error (once) and returns false when over.
    fn take_bytes(&mut self, location: &Provenance, n: u64) -> bool {
        let first = !self.budget.exhausted;
        match self.budget.take_bytes(n) {
            Ok(()) => true,
            Err(hit) => {
                if first {
                    self.limit_error(location, hit);
                }
                false
            }
        }
    }

    /// True once a per-input limit ran out: readers stop looking.
    fn exhausted(&self) -> bool {
        self.budget.exhausted
    }

    fn bytes_left(&self) -> u64 {
        self.budget.bytes_left()
    }

    fn limits(&self) -> &ContainerLimits {
        &self.budget.limits
    }

    fn limit_error(&mut self, location: &Provenance, hit: LimitHit) {
        self.error(location, hit.to_string());
    }

    fn error(&mut self, location: &Provenance, message: impl std::fmt::Display) {
        self.errors.push(format!("{location}: {message}"));
    }

    fn note(&mut self, location: &Provenance, message: impl std::fmt::Display) {
        self.notes.push(format!("{location}: {message}"));
    }
}

/// A name taken from a file, made safe as one location segment: `%` and `!` are
/// percent-escaped (so `!` always separates segments) and control characters dropped.
fn segment_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '%' => out.push_str("%25"),
            '!' => out.push_str("%21"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Converts straight RGBA pixels drawn on white (or any opaque RGBA) to grey, compositing on
/// white what is not opaque: a transparent background must read as paper, not as black ink.
fn rgba_to_gray_on_white(width: u32, height: u32, rgba: &[u8], premultiplied: bool) -> GrayImage {
    let mut gray = GrayImage::new(width, height);
    for (pixel, out) in rgba.chunks_exact(4).zip(gray.pixels_mut()) {
        let a = u32::from(pixel[3]);
        let channel = |c: u8| {
            let c = u32::from(c);
            // Premultiplied: c already carries alpha; straight: weigh it by alpha.
            let ink = if premultiplied { c } else { c * a / 255 };
            ink + (255 - a)
        };
        let (r, g, b) = (channel(pixel[0]), channel(pixel[1]), channel(pixel[2]));
        // ITU-R BT.601 luma, as `image`'s own conversion.
        out.0[0] = ((r * 299 + g * 587 + b * 114) / 1000).min(255) as u8;
    }
    gray
}

/// The scale at which a drawing of `width`×`height` units is rasterised: at least `preferred`
/// (so that thin modules get several pixels), at least enough for `min_side` pixels on the
/// longer side (tiny SVGs drawn with one unit per module), never more than `max_pixels`, and
/// never more than `max_side` pixels a side.
fn render_scale(
    width: f64,
    height: f64,
    preferred: f64,
    min_side: f64,
    max_side: f64,
    max_pixels: u64,
) -> Result<f64, String> {
    if !(width.is_finite() && height.is_finite() && width > 0.0 && height > 0.0) {
        return Err(format!("has no usable size ({width}×{height})"));
    }
    let mut scale = preferred.max(min_side / width.max(height));
    let fit_pixels = (max_pixels as f64 / (width * height)).sqrt();
    let fit_side = max_side / width.max(height);
    scale = scale.min(fit_pixels).min(fit_side);
    if (width * scale).floor() < 1.0 || (height * scale).floor() < 1.0 {
        return Err(format!(
            "is too large to render within {max_pixels} pixels (--max-page-pixels)"
        ));
    }
    Ok(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_kind_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Some(Kind::Zip));
        assert_eq!(sniff(b"%PDF-1.4\n%..."), Some(Kind::Pdf));
        assert_eq!(
            sniff(b"From alice@example.com Thu Jan  1 00:00:00 2026\nSubject: x\n\nbody\n"),
            Some(Kind::Mbox)
        );
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            Some(Kind::Svg)
        );
        assert_eq!(
            sniff(b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody"),
            Some(Kind::Mail)
        );
        assert_eq!(sniff(b"just some text"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn segment_names_cannot_forge_separators() {
        assert_eq!(segment_name("a!b%c\u{7}.png"), "a%21b%25c.png");
        assert_eq!(segment_name("img/qr.png"), "img/qr.png");
    }

    #[test]
    fn transparent_pixels_read_as_white() {
        let gray =
            rgba_to_gray_on_white(3, 1, &[0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255], false);
        assert_eq!(gray.as_raw(), &vec![255, 0, 255]);
    }

    #[test]
    fn render_scale_upscales_tiny_drawings_and_caps_pixels() {
        // A 29-unit QR drawing gets at least 1000 pixels a side.
        let s = render_scale(29.0, 29.0, 3.0, 1000.0, 65535.0, 25_000_000).unwrap();
        assert!((29.0 * s - 1000.0).abs() < 1e-6, "{s}");
        // An A4 page at 3× fits; a huge poster is scaled down to the pixel limit.
        let s = render_scale(595.0, 842.0, 3.0, 0.0, 65535.0, 25_000_000).unwrap();
        assert_eq!(s, 3.0);
        let s = render_scale(10_000.0, 10_000.0, 3.0, 0.0, 65535.0, 1_000_000).unwrap();
        assert!((s - 0.1).abs() < 1e-9, "{s}");
        assert!(render_scale(0.0, 10.0, 3.0, 0.0, 65535.0, 100).is_err());
    }
}
