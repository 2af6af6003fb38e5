//! PDF: posters and flyers, whose codes are either embedded raster images or drawn as vector
//! paths (filled rectangles, most often).
//!
//! Both are looked for. `hayro-syntax` (pure Rust, with xref repair) reads the file; for every
//! page, each image XObject it draws (directly or inside a form XObject) becomes a part at
//! `LOCATION!page-N!NAME`: JPEG streams (`DCTDecode`) are passed on as JPEG files, everything
//! else is decoded to samples here and converted to grey (Gray, RGB, CMYK, ICC-based, Indexed
//! and stencil masks, 1 to 16 bits). Then the page itself is a `Render` job at
//! `LOCATION!page-N`, rendered by `hayro` on white at 3× (216 dpi) or less to fit
//! `--max-page-pixels`, which is what reads vector-drawn codes. A page that cannot be rendered
//! is a note ("page N was not rendered: …"), not an error: its images were scanned anyway.
//! Link annotations whose URI is a provisioning URL are audited as texts at `page-N`.
//!
//! hayro-syntax inflates streams without a size limit, so before handing it the file every
//! zlib stream in the raw bytes is inflated once here into nothing, counting its size against
//! `--max-container-bytes`: a PDF whose streams inflate past it (a deflate bomb) is refused
//! before any of them is decoded for real.

use std::collections::HashSet;
use std::io::Read;
use std::sync::Arc;

use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::object::{Dict, Object, ObjectIdentifier, Stream};
use hayro::hayro_syntax::{Filter, LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings};
use image::GrayImage;

use super::{Content, Render, Walker, render_scale, rgba_to_gray_on_white};
use crate::payload::Payload;
use crate::source::Provenance;

/// Form XObjects nest; real files go two or three deep.
const MAX_FORM_DEPTH: u32 = 8;
/// hayro renders into a pixmap with 16-bit sides.
const MAX_SIDE: f64 = 65_535.0;

pub(super) fn sniff(bytes: &[u8]) -> bool {
    // The header may follow some junk, within the first 1024 bytes (as readers accept).
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], _depth: u32) {
    let inflated = match check_inflated_size(bytes, walker.bytes_left()) {
        Ok(total) | Err(total) => total,
    };
    if !walker.take_bytes(location, inflated) {
        return;
    }
    let pdf = match Pdf::new(bytes.to_vec()) {
        Ok(pdf) => pdf,
        Err(LoadPdfError::Decryption(err)) => {
            walker.error(
                location,
                format!("encrypted PDF that cannot be opened ({err:?})"),
            );
            return;
        }
        Err(LoadPdfError::Invalid) => {
            walker.error(
                location,
                "corrupt PDF: no cross-reference table or page tree could be read or repaired",
            );
            return;
        }
    };
    // One parse shared by every page's rendering: reparsing per page made a file of many pages
    // cost pages × parse (a 100 000-page tree took minutes to reach --max-parts).
    let pdf = Arc::new(pdf);
    let pages = pdf.pages();
    if pages.is_empty() {
        walker.error(location, "corrupt PDF: no pages could be read");
        return;
    }
    let max_pixels = walker.limits().max_page_pixels;
    let mut seen: HashSet<ObjectIdentifier> = HashSet::new();
    for (index, page) in pages.iter().enumerate() {
        if walker.exhausted() {
            return;
        }
        let page_location = location.step(&format!("page-{}", index + 1));
        if !walker.take_part(&page_location) {
            return;
        }
        images(
            walker,
            &page_location,
            "",
            &page.resources().x_objects,
            &mut seen,
            0,
        );
        links(walker, &page_location, page.raw());
        let pdf = Arc::clone(&pdf);
        walker.push(
            page_location,
            Content::Render(Render {
                job: Box::new(move || render_page(&pdf, index, max_pixels)),
                optional: true,
            }),
        );
    }
}

/// Adds the image XObjects of a resource dictionary (and of the forms in it) as parts.
fn images(
    walker: &mut Walker,
    page_location: &Provenance,
    prefix: &str,
    x_objects: &Dict<'_>,
    seen: &mut HashSet<ObjectIdentifier>,
    form_depth: u32,
) {
    for name in x_objects.keys() {
        if walker.exhausted() {
            return;
        }
        let Some(stream) = x_objects.get::<Stream<'_>>(&name) else {
            continue;
        };
        // An image drawn on several pages (a logo) is scanned once, where it first appears.
        if !seen.insert(stream.obj_id()) {
            continue;
        }
        let segment = format!("{prefix}{}", super::segment_name(name.as_str()));
        let subtype = stream
            .dict()
            .get::<hayro::hayro_syntax::object::Name<'_>>(b"Subtype");
        match subtype.as_ref().map(|s| s.as_str()) {
            Some("Image") => {
                let image_location = page_location.step(&segment);
                if !walker.take_part(&image_location) {
                    return;
                }
                match extract(&stream, walker.limits().max_page_pixels) {
                    Ok(Extracted::Encoded(bytes)) => {
                        walker.push(image_location, Content::Image(bytes))
                    }
                    Ok(Extracted::Gray(gray)) => {
                        let mut png = Vec::new();
                        match gray
                            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
                        {
                            Ok(()) => walker.push(image_location, Content::Image(png)),
                            Err(err) => walker
                                .error(&image_location, format!("cannot re-encode image: {err}")),
                        }
                    }
                    Err(message) => walker.error(&image_location, message),
                }
            }
            Some("Form") if form_depth < MAX_FORM_DEPTH => {
                let resources = stream
                    .dict()
                    .get::<Dict<'_>>(b"Resources")
                    .and_then(|r| r.get::<Dict<'_>>(b"XObject"));
                if let Some(inner) = resources {
                    images(
                        walker,
                        page_location,
                        &format!("{segment}/"),
                        &inner,
                        seen,
                        form_depth + 1,
                    );
                }
            }
            _ => {}
        }
    }
}

/// Link annotations (`/Subtype /Link` with a `/URI` action) that carry a provisioning URL.
fn links(walker: &mut Walker, page_location: &Provenance, page: &Dict<'_>) {
    let Some(annots) = page.get::<hayro::hayro_syntax::object::Array<'_>>(b"Annots") else {
        return;
    };
    for annot in annots.iter::<Dict<'_>>() {
        let uri = annot
            .get::<Dict<'_>>(b"A")
            .and_then(|action| action.get::<hayro::hayro_syntax::object::String<'_>>(b"URI"));
        let Some(uri) = uri else { continue };
        let text = String::from_utf8_lossy(uri.as_bytes()).into_owned();
        if matches!(Payload::classify(&text), Payload::Sametime(_)) {
            if !walker.take_part(page_location) {
                return;
            }
            walker.push(page_location.clone(), Content::Text(text));
        }
    }
}

enum Extracted {
    /// A whole image file (a JPEG stream).
    Encoded(Vec<u8>),
    Gray(GrayImage),
}

/// Turns an image XObject into something the decoder reads.
fn extract(stream: &Stream<'_>, max_pixels: u64) -> Result<Extracted, String> {
    let dict = stream.dict();
    let width = dict.get::<u32>(b"Width").unwrap_or(0);
    let height = dict.get::<u32>(b"Height").unwrap_or(0);
    if width == 0 || height == 0 {
        return Err("image without a usable /Width and /Height".to_string());
    }
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(format!(
            "image is {width}×{height}, above the limit of {max_pixels} pixels (--max-page-pixels)"
        ));
    }
    let filters = stream.filters();
    if filters.as_slice() == [Filter::DctDecode] {
        return Ok(Extracted::Encoded(stream.raw_data().into_owned()));
    }
    let image_mask = dict.get::<bool>(b"ImageMask").unwrap_or(false);
    let colour = if image_mask {
        Colour::Gray
    } else {
        match dict.get::<Object<'_>>(b"ColorSpace") {
            Some(cs) => colour_space(&cs, 0)?,
            None => Colour::Gray,
        }
    };
    let mut bpc = if image_mask {
        1
    } else {
        dict.get::<u8>(b"BitsPerComponent").unwrap_or(8)
    };
    let params = hayro::hayro_syntax::object::stream::ImageDecodeParams {
        is_indexed: matches!(colour, Colour::Indexed { .. }),
        bpc: Some(bpc),
        num_components: Some(colour.components()),
        target_dimension: None,
        width,
        height,
    };
    let decoded = stream
        .decoded_image(&params)
        .map_err(|err| format!("image stream cannot be decoded ({err:?})"))?;
    let mut colour = colour;
    if let Some(info) = &decoded.image_data {
        // JPX and friends say what they decoded to.
        bpc = info.bits_per_component;
        if let Some(space) = info.color_space {
            use hayro::hayro_syntax::object::stream::ImageColorSpace;
            colour = match space {
                ImageColorSpace::Gray => Colour::Gray,
                ImageColorSpace::Rgb => Colour::Rgb,
                ImageColorSpace::Cmyk => Colour::Cmyk,
                ImageColorSpace::Unknown(n) => Colour::Other(n.max(1)),
            };
        }
    } else if matches!(filters.last(), Some(Filter::DctDecode)) {
        bpc = 8;
    }
    // Decode [1 0] inverts a one-component image; for a stencil mask, sample 0 paints.
    let decode_inverted = dict
        .get::<Vec<f32>>(b"Decode")
        .is_some_and(|d| d.len() >= 2 && d[0] > d[1]);
    let ink_is_zero = image_mask != decode_inverted;
    let invert = if image_mask {
        !ink_is_zero
    } else {
        decode_inverted
    };
    let gray = samples_to_gray(&decoded.data, width, height, bpc, &colour, invert)?;
    Ok(Extracted::Gray(enlarge_small(gray, max_pixels)))
}

/// Generated codes are often embedded at one pixel per module and scaled up by the page: the
/// decoder needs several pixels per module and a light margin, so small images are enlarged
/// (nearest neighbour, which keeps module edges sharp) and framed in white.
fn enlarge_small(gray: GrayImage, max_pixels: u64) -> GrayImage {
    const TARGET_SIDE: u32 = 400;
    let side = gray.width().max(gray.height());
    if side >= TARGET_SIDE {
        return gray;
    }
    let mut factor = TARGET_SIDE.div_ceil(side);
    let margin = |factor: u32| (side * factor / 8).max(1);
    let size = |factor: u32| {
        let m = u64::from(margin(factor));
        (u64::from(gray.width() * factor) + 2 * m) * (u64::from(gray.height() * factor) + 2 * m)
    };
    while factor > 1 && size(factor) > max_pixels {
        factor -= 1;
    }
    let m = margin(factor);
    let enlarged = image::imageops::resize(
        &gray,
        gray.width() * factor,
        gray.height() * factor,
        image::imageops::FilterType::Nearest,
    );
    let mut framed = GrayImage::from_pixel(
        enlarged.width() + 2 * m,
        enlarged.height() + 2 * m,
        image::Luma([255]),
    );
    image::imageops::replace(&mut framed, &enlarged, i64::from(m), i64::from(m));
    framed
}

/// The colour spaces an image can use, as far as turning them to grey needs.
#[derive(Debug, Clone, PartialEq)]
enum Colour {
    Gray,
    Rgb,
    Cmyk,
    /// Separation or DeviceN with one colourant: a tint, where 1 is full ink.
    Tint,
    /// A palette: each sample indexes `lookup`, entries of `base` components.
    Indexed {
        base: Box<Colour>,
        lookup: Vec<u8>,
    },
    /// Anything else with this many components: the first is used as lightness.
    Other(u8),
}

impl Colour {
    fn components(&self) -> u8 {
        match self {
            Colour::Gray | Colour::Tint | Colour::Indexed { .. } => 1,
            Colour::Rgb => 3,
            Colour::Cmyk => 4,
            Colour::Other(n) => *n,
        }
    }
}

/// The colour space of an image, or why it cannot be read. A space with no colour components
/// at all (an ICC profile stream with `/N 0`, a DeviceN naming no colourants) describes no
/// samples: such an image is an error of its own, and the rest of the file is still scanned.
fn colour_space(object: &Object<'_>, depth: u32) -> Result<Colour, String> {
    if depth > 4 {
        return Ok(Colour::Gray);
    }
    let colour = match object {
        Object::Name(name) => match name.as_str() {
            "DeviceRGB" | "RGB" | "CalRGB" => Colour::Rgb,
            "DeviceCMYK" | "CMYK" => Colour::Cmyk,
            _ => Colour::Gray,
        },
        Object::Array(array) => {
            let items: Vec<Object<'_>> = array.iter::<Object<'_>>().collect();
            let family = items
                .first()
                .and_then(|o| match o {
                    Object::Name(n) => Some(n.as_str().to_string()),
                    _ => None,
                })
                .unwrap_or_default();
            match family.as_str() {
                "ICCBased" => {
                    // /N is an integer; anything that is not a small count is as unusable as 0.
                    let n = match items.get(1) {
                        Some(Object::Stream(s)) => s.dict().get::<i64>(b"N").unwrap_or(3),
                        _ => 3,
                    };
                    match n {
                        1 => Colour::Gray,
                        3 => Colour::Rgb,
                        4 => Colour::Cmyk,
                        n @ 2..=32 => Colour::Other(n as u8),
                        n => {
                            return Err(format!(
                                "image colour space ICCBased declares /N {n} colour components: no samples can be read"
                            ));
                        }
                    }
                }
                "CalRGB" => Colour::Rgb,
                "CalGray" => Colour::Gray,
                "Lab" => Colour::Other(3),
                "Indexed" | "I" => {
                    let base = match items.get(1) {
                        Some(b) => colour_space(b, depth + 1)?,
                        None => Colour::Rgb,
                    };
                    let lookup = match items.get(3) {
                        Some(Object::String(s)) => s.as_bytes().to_vec(),
                        Some(Object::Stream(s)) => {
                            s.decoded().map(|d| d.into_owned()).unwrap_or_default()
                        }
                        _ => Vec::new(),
                    };
                    Colour::Indexed {
                        base: Box::new(base),
                        lookup,
                    }
                }
                "Separation" => Colour::Tint,
                "DeviceN" => match items.get(1) {
                    Some(Object::Array(names)) => match names.iter::<Object<'_>>().count() {
                        0 => {
                            return Err(
                                "image colour space DeviceN names no colourants: no samples can be read"
                                    .to_string(),
                            );
                        }
                        1 => Colour::Tint,
                        n => Colour::Other(n.min(32) as u8),
                    },
                    _ => Colour::Tint,
                },
                _ => match items.first() {
                    Some(o) => colour_space(o, depth + 1)?,
                    None => Colour::Gray,
                },
            }
        }
        _ => Colour::Gray,
    };
    Ok(colour)
}

/// Converts packed samples (`bpc` bits each, rows padded to whole bytes) to grey.
fn samples_to_gray(
    data: &[u8],
    width: u32,
    height: u32,
    bpc: u8,
    colour: &Colour,
    invert: bool,
) -> Result<GrayImage, String> {
    if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return Err(format!(
            "image has {bpc} bits per component, which is not supported"
        ));
    }
    let components = usize::from(colour.components());
    let base_components = match colour {
        Colour::Indexed { base, .. } => base.components(),
        _ => colour.components(),
    };
    if components == 0 || base_components == 0 {
        // `colour_space` refuses these; checked here too because every sample below is read
        // by index, and an empty colour would read none.
        return Err("image colour space has no colour components".to_string());
    }
    let bits = u64::from(bpc);
    let row_bytes = (u64::from(width) * components as u64 * bits).div_ceil(8) as usize;
    let needed = row_bytes * height as usize;
    if data.len() < needed {
        return Err(format!(
            "image data is {} bytes, {needed} expected for {width}×{height}",
            data.len()
        ));
    }
    let max = (1u32 << bpc.min(8)) - 1;
    let sample = |row: &[u8], index: usize| -> u32 {
        match bpc {
            8 => u32::from(row[index]),
            16 => u32::from(row[index * 2]),
            _ => {
                let bit = index * usize::from(bpc);
                let byte = row[bit / 8];
                let shift = 8 - usize::from(bpc) - bit % 8;
                u32::from(byte >> shift) & max
            }
        }
    };
    // 8-bit value of sample `raw`, and the palette index when indexed.
    let scale = |raw: u32| -> u8 { (raw * 255 / max) as u8 };
    let luma = |r: u8, g: u8, b: u8| -> u8 {
        ((u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000) as u8
    };
    let to_gray = |values: &[u8], colour: &Colour| -> u8 {
        match colour {
            Colour::Gray | Colour::Other(_) | Colour::Indexed { .. } => values[0],
            Colour::Tint => 255 - values[0],
            Colour::Rgb => luma(values[0], values[1], values[2]),
            Colour::Cmyk => {
                let k = u32::from(values[3]);
                let ch = |c: u8| (255 - (u32::from(c) + k).min(255)) as u8;
                luma(ch(values[0]), ch(values[1]), ch(values[2]))
            }
        }
    };
    let mut gray = GrayImage::new(width, height);
    let mut values = vec![0u8; components];
    for y in 0..height as usize {
        let row = &data[y * row_bytes..(y + 1) * row_bytes];
        for x in 0..width as usize {
            let value = if let Colour::Indexed { base, lookup } = colour {
                let index = sample(row, x) as usize;
                let n = usize::from(base.components());
                let entry = lookup
                    .get(index * n..index * n + n)
                    .map(|e| e.to_vec())
                    .unwrap_or_else(|| vec![0; n]);
                to_gray(&entry, base)
            } else {
                for (c, v) in values.iter_mut().enumerate() {
                    *v = scale(sample(row, x * components + c));
                }
                to_gray(&values, colour)
            };
            let value = if invert { 255 - value } else { value };
            gray.put_pixel(x as u32, y as u32, image::Luma([value]));
        }
    }
    Ok(gray)
}

/// Renders one page on white, at 3× or less to fit `max_pixels`.
fn render_page(pdf: &Pdf, index: usize, max_pixels: u64) -> Result<GrayImage, String> {
    let pages = pdf.pages();
    let page = pages
        .get(index)
        .ok_or_else(|| "the page could not be found again".to_string())?;
    let (width, height) = page.render_dimensions();
    let scale = render_scale(
        f64::from(width),
        f64::from(height),
        3.0,
        0.0,
        MAX_SIDE,
        max_pixels,
    )
    .map_err(|reason| format!("page {reason}"))? as f32;
    let cache = RenderCache::new();
    let pixmap = hayro::render(
        page,
        &cache,
        &InterpreterSettings::default(),
        &RenderSettings::default(),
        &PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (w, h) = (u32::from(pixmap.width()), u32::from(pixmap.height()));
    if w == 0 || h == 0 {
        return Err("the page rendered to an empty image".to_string());
    }
    Ok(rgba_to_gray_on_white(w, h, pixmap.data_as_u8_slice(), true))
}

/// Inflates every zlib stream in the raw file into nothing and adds up the sizes. `Err(total)`
/// as soon as the total passes `limit`.
fn check_inflated_size(bytes: &[u8], limit: u64) -> Result<u64, u64> {
    let mut total: u64 = 0;
    let mut from = 0;
    while let Some(found) = find(&bytes[from..], b"stream") {
        let keyword = from + found;
        from = keyword + 6;
        // `endstream` contains `stream`; only a keyword followed by an end of line opens data.
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        let mut start = from;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) != Some(&b'\n') {
            if bytes.get(start - 1) != Some(&b'\r') {
                continue;
            }
        } else {
            start += 1;
        }
        let Some(header) = bytes.get(start..start + 2) else {
            break;
        };
        let zlib = (header[0] & 0x0f) == 8
            && ((u16::from(header[0]) << 8) | u16::from(header[1])) % 31 == 0;
        if !zlib {
            continue;
        }
        let end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |e| start + e);
        // Count what inflates, up to one byte past the limit; a stream that is corrupt midway
        // still counts what it produced before the damage.
        let left = limit.saturating_sub(total);
        let mut decoder = flate2::read::ZlibDecoder::new(&bytes[start..end]);
        let mut inflated = 0u64;
        let mut buffer = [0u8; 16 * 1024];
        while inflated <= left {
            match decoder.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => inflated += n as u64,
            }
        }
        total = total.saturating_add(inflated);
        if total > limit {
            return Err(total);
        }
        from = end.max(from);
    }
    Ok(total)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::super::{ContainerLimits, expand};
    use super::*;

    /// A one-page PDF whose content stream is `content`, with correct xref offsets.
    pub(crate) fn pdf_with_content(
        content: &[u8],
        extra_objects: &[&[u8]],
        resources: &str,
    ) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources {resources} >>"
            )
            .into_bytes(),
        ];
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content);
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
        objects.extend(extra_objects.iter().map(|o| o.to_vec()));
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, object) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(object);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for offset in offsets {
            out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn renders_vector_rectangles_of_a_page() {
        let pdf = pdf_with_content(b"0 0 0 rg 50 50 100 100 re f", &[], "<< >>");
        let mut expansion = expand("v.pdf", &pdf, &ContainerLimits::default()).unwrap();
        assert!(expansion.errors.is_empty(), "{:?}", expansion.errors);
        assert_eq!(expansion.parts.len(), 1);
        let part = expansion.parts.remove(0);
        assert_eq!(part.location.to_string(), "v.pdf!page-1");
        let Content::Render(job) = part.content else {
            panic!("{part:?}")
        };
        assert!(job.optional);
        let gray = job.run().unwrap();
        assert_eq!((gray.width(), gray.height()), (600, 600));
        assert_eq!(gray.get_pixel(10, 10).0[0], 255);
        assert_eq!(gray.get_pixel(300, 300).0[0], 0);
    }

    #[test]
    fn extracts_a_raw_gray_image_xobject() {
        // 2×2 pixels, 8-bit grey: black, white / white, black; no filter.
        let image = b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream";
        let pdf = pdf_with_content(
            b"q 100 0 0 100 50 50 cm /Im1 Do Q",
            &[image],
            "<< /XObject << /Im1 5 0 R >> >>",
        );
        let expansion = expand("r.pdf", &pdf, &ContainerLimits::default()).unwrap();
        assert!(expansion.errors.is_empty(), "{:?}", expansion.errors);
        let locations: Vec<String> = expansion
            .parts
            .iter()
            .map(|p| p.location.to_string())
            .collect();
        assert_eq!(locations, vec!["r.pdf!page-1!Im1", "r.pdf!page-1"]);
        let Content::Image(png) = &expansion.parts[0].content else {
            panic!()
        };
        // Enlarged 200× and framed in white: the top-left module is black, the margin white.
        let gray = image::load_from_memory(png).unwrap().to_luma8();
        assert_eq!((gray.width(), gray.height()), (500, 500));
        assert_eq!(gray.get_pixel(10, 10).0[0], 255);
        assert_eq!(gray.get_pixel(60, 60).0[0], 0);
        assert_eq!(gray.get_pixel(260, 60).0[0], 255);
        assert_eq!(gray.get_pixel(260, 260).0[0], 0);
    }

    #[test]
    fn stencil_masks_and_palettes_become_gray() {
        // 1-bit stencil: sample 0 paints (black).
        let gray = samples_to_gray(&[0b0100_0000], 2, 1, 1, &Colour::Gray, false).unwrap();
        assert_eq!(gray.as_raw(), &vec![0, 255]);
        let palette = Colour::Indexed {
            base: Box::new(Colour::Rgb),
            lookup: vec![255, 255, 255, 0, 0, 0],
        };
        let gray = samples_to_gray(&[1, 0], 2, 1, 8, &palette, false).unwrap();
        assert_eq!(gray.as_raw(), &vec![0, 255]);
        let cmyk = samples_to_gray(&[0, 0, 0, 255], 1, 1, 8, &Colour::Cmyk, false).unwrap();
        assert_eq!(cmyk.as_raw(), &vec![0]);
        assert!(samples_to_gray(&[0], 2, 2, 8, &Colour::Gray, false).is_err());
    }

    #[test]
    fn colour_spaces_without_components_are_errors_and_the_rest_is_read() {
        // Im1: ICCBased with /N 0; Im2: DeviceN naming no colourants; Im3: Indexed over an
        // ICCBased /N 0 base; Im4: a good grey image. Each 2x2, 8-bit, unfiltered.
        let image = |cs: &str| {
            let mut object = format!(
                "<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace {cs} /BitsPerComponent 8 /Length 4 >>\nstream\n"
            )
            .into_bytes();
            object.extend_from_slice(b"\x00\xff\xff\x00\nendstream");
            object
        };
        let profile = b"<< /N 0 /Length 4 >>\nstream\nnone\nendstream".to_vec();
        let objects = [
            image("[/ICCBased 9 0 R]"),
            image("[/DeviceN [] /DeviceGray 9 0 R]"),
            image("[/Indexed [/ICCBased 9 0 R] 1 <00ff>]"),
            image("/DeviceGray"),
            profile,
        ];
        let refs: Vec<&[u8]> = objects.iter().map(Vec::as_slice).collect();
        let pdf = pdf_with_content(
            b"q 10 0 0 10 0 0 cm /Im1 Do /Im2 Do /Im3 Do /Im4 Do Q",
            &refs,
            "<< /XObject << /Im1 5 0 R /Im2 6 0 R /Im3 7 0 R /Im4 8 0 R >> >>",
        );
        let expansion = expand("h.pdf", &pdf, &ContainerLimits::default()).unwrap();
        let mut errors = expansion.errors.clone();
        errors.sort();
        assert_eq!(
            errors,
            [
                "h.pdf!page-1!Im1: image colour space ICCBased declares /N 0 colour components: no samples can be read",
                "h.pdf!page-1!Im2: image colour space DeviceN names no colourants: no samples can be read",
                "h.pdf!page-1!Im3: image colour space ICCBased declares /N 0 colour components: no samples can be read",
            ]
        );
        let locations: Vec<String> = expansion
            .parts
            .iter()
            .map(|p| p.location.to_string())
            .collect();
        assert_eq!(locations, ["h.pdf!page-1!Im4", "h.pdf!page-1"]);
        // The colour conversion refuses an empty colour on its own too.
        assert!(samples_to_gray(&[0; 4], 2, 2, 8, &Colour::Other(0), false).is_err());
        let empty_base = Colour::Indexed {
            base: Box::new(Colour::Other(0)),
            lookup: vec![0; 4],
        };
        assert!(samples_to_gray(&[0; 4], 2, 2, 8, &empty_base, false).is_err());
    }

    #[test]
    fn corrupt_pdf_is_an_error() {
        let expansion = expand(
            "c.pdf",
            b"%PDF-1.4\nthis is not a PDF body at all\n%%EOF\n",
            &ContainerLimits::default(),
        )
        .unwrap();
        assert!(expansion.parts.is_empty());
        assert_eq!(expansion.errors.len(), 1, "{:?}", expansion.errors);
        assert!(
            expansion.errors[0].starts_with("c.pdf: corrupt PDF"),
            "{:?}",
            expansion.errors
        );
    }

    #[test]
    fn deflate_bomb_streams_are_refused_before_parsing() {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 2 << 20]).unwrap();
        let compressed = encoder.finish().unwrap();
        let mut content = format!(
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            compressed.len()
        )
        .into_bytes();
        content.extend_from_slice(&compressed);
        content.extend_from_slice(b"\nendstream");
        let pdf = pdf_with_content(b"", &[&content], "<< >>");
        let limits = ContainerLimits {
            max_bytes: 1 << 20,
            ..ContainerLimits::default()
        };
        let expansion = expand("bomb.pdf", &pdf, &limits).unwrap();
        assert!(expansion.parts.is_empty());
        assert!(
            expansion.errors[0].contains("--max-container-bytes"),
            "{:?}",
            expansion.errors
        );
        assert_eq!(check_inflated_size(&pdf, u64::MAX), Ok(2 << 20));
    }
}
