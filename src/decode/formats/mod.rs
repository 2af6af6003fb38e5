//! Image formats told apart by their signature: the ISO-BMFF images (AVIF, HEIC/HEIF) that the
//! `avif` and `heif` features decode, the image formats qraudit recognises but does not decode,
//! and a few words for the common files that are no image at all.
//!
//! Every file must be accounted for. A photo that qraudit cannot decode may still carry a
//! code, so "no code found" or "unknown binary data" would be a false all-clear: a file whose
//! signature is a known image format that this build cannot decode is reported as an error
//! that names the format and says what to do (`UnsupportedImage`). What is decodable is
//! decided in `decode::load::sniff_image`; this module is asked only about what that refused.
//!
//! Signatures are the formats' own magic numbers (ISO-BMFF `ftyp` brands, JPEG XL's and
//! JPEG 2000's codestream markers and signature boxes, `8BPS`, …), never file names.

#[cfg(feature = "avif")]
pub mod avif;
#[cfg(feature = "heif")]
pub mod heif;

use image::ImageFormat;

/// Why an AVIF or HEIF decoder (`avif`, `heif`) returned no image.
#[cfg(any(feature = "avif", feature = "heif"))]
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The stated size is above `--max-pixels`; nothing was decoded.
    #[error("image is {width}×{height}, above the pixel limit")]
    TooLarge { width: u32, height: u32 },
    /// The file or its coded data is broken or unsupported.
    #[error("{0}")]
    Corrupt(String),
}

/// An image format qraudit decodes (when its feature is on: see `decodable`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One of `decode::load::SUPPORTED_FORMATS`, decoded by the `image` crate.
    Raster(ImageFormat),
    /// AV1 in HEIF, decoded in pure Rust (feature `avif`).
    Avif,
    /// HEIF (HEIC and other codecs), decoded by the system libheif (feature `heif`).
    Heif,
}

impl Format {
    /// The format of these ISO-BMFF bytes, if this build decodes it.
    pub fn of_bmff(bytes: &[u8]) -> Option<Format> {
        let format = match bmff_image(bytes)? {
            BmffImage::Avif => Format::Avif,
            BmffImage::Heic | BmffImage::Heif => Format::Heif,
        };
        format.decodable().then_some(format)
    }

    /// True when this build has the decoder.
    pub fn decodable(self) -> bool {
        match self {
            Format::Raster(_) => true,
            Format::Avif => cfg!(feature = "avif"),
            Format::Heif => cfg!(feature = "heif"),
        }
    }

    /// The media type reported for an input in this format.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Raster(format) => format.to_mime_type(),
            Format::Avif => "image/avif",
            Format::Heif => "image/heif",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Raster(format) => crate::decode::load::format_name(format),
            Format::Avif => "AVIF",
            Format::Heif => "HEIF",
        }
    }
}

/// An ISO Base Media File Format image, by the brands of its `ftyp` box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BmffImage {
    /// AV1 in HEIF (`avif`, `avis`).
    Avif,
    /// HEVC in HEIF (`heic`, `heix`, `hevc`, …): what iPhones take photos in.
    Heic,
    /// HEIF with another or an unnamed codec (`mif1`, `msf1` alone).
    Heif,
}

/// The brands of an ISO-BMFF `ftyp` box at the start of `bytes`: the major brand first, then
/// the compatible brands. Empty when the bytes do not start with an `ftyp` box.
fn ftyp_brands(bytes: &[u8]) -> Vec<[u8; 4]> {
    if bytes.len() < 16 || &bytes[4..8] != b"ftyp" {
        return Vec::new();
    }
    let size = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    // A box of size 0 runs to the end of the file; brands never need more than a few hundred
    // bytes, so a hostile size costs nothing.
    let end = if size == 0 { bytes.len() } else { size }
        .min(bytes.len())
        .min(4096);
    let mut brands = vec![[bytes[8], bytes[9], bytes[10], bytes[11]]];
    let mut at = 16;
    while at + 4 <= end {
        brands.push([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        at += 4;
    }
    brands
}

/// Which HEIF image these bytes are, if they are one.
pub fn bmff_image(bytes: &[u8]) -> Option<BmffImage> {
    let brands = ftyp_brands(bytes);
    let has = |wanted: &[&[u8; 4]]| brands.iter().any(|b| wanted.contains(&b));
    if has(&[b"avif", b"avis"]) {
        Some(BmffImage::Avif)
    } else if has(&[
        b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
    ]) {
        Some(BmffImage::Heic)
    } else if has(&[b"mif1", b"msf1", b"mif2"]) {
        Some(BmffImage::Heif)
    } else {
        None
    }
}

/// A known image format that this build does not decode, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedImage {
    /// The format's name as a person knows it (`HEIC image (iPhone photo format)`).
    pub name: &'static str,
    /// The media type reported for the input.
    pub media_type: &'static str,
    /// A cargo feature that decodes it, when there is one.
    pub feature: Option<&'static str>,
    /// How to get a file qraudit reads.
    pub export: &'static str,
}

impl std::fmt::Display for UnsupportedImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.feature {
            Some(feature) => write!(
                f,
                "{} is not supported in this build: rebuild with --features {feature}, or {}",
                self.name, self.export
            ),
            None => write!(f, "{} is not supported: {}", self.name, self.export),
        }
    }
}

const fn unsupported(
    name: &'static str,
    media_type: &'static str,
    feature: Option<&'static str>,
    export: &'static str,
) -> UnsupportedImage {
    UnsupportedImage {
        name,
        media_type,
        feature,
        export,
    }
}

const HEIC: UnsupportedImage = unsupported(
    "HEIC image (iPhone photo format)",
    "image/heic",
    Some("heif"),
    "export it as JPEG/PNG (on an iPhone: Settings > Camera > Formats > Most Compatible)",
);
const HEIF: UnsupportedImage = unsupported(
    "HEIF image",
    "image/heif",
    Some("heif"),
    "export it as JPEG/PNG",
);
const AVIF: UnsupportedImage =
    unsupported("AVIF image", "image/avif", Some("avif"), "export it as PNG");
const JPEG_XL: UnsupportedImage = unsupported(
    "JPEG XL image",
    "image/jxl",
    None,
    "export it as PNG or JPEG (e.g. `djxl in.jxl out.png`)",
);
const JPEG_2000: UnsupportedImage = unsupported(
    "JPEG 2000 image (JP2)",
    "image/jp2",
    None,
    "convert it to PNG (e.g. `opj_decompress -i in.jp2 -o out.png`)",
);
const JPEG_2000_CODESTREAM: UnsupportedImage = unsupported(
    "JPEG 2000 codestream (J2K)",
    "image/x-jp2-codestream",
    None,
    "convert it to PNG (e.g. `opj_decompress -i in.j2k -o out.png`)",
);

/// Signatures at offset 0 of image formats that are never decoded here.
const SIGNATURES: [(&[u8], UnsupportedImage); 12] = [
    // JPEG XL: the bare codestream and the ISO-BMFF container's signature box.
    (b"\xff\x0a", JPEG_XL),
    (b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a", JPEG_XL),
    // JPEG 2000: the JP2 signature box, and the codestream's SOC then SIZ markers.
    (b"\x00\x00\x00\x0cjP  \x0d\x0a\x87\x0a", JPEG_2000),
    (b"\xff\x4f\xff\x51", JPEG_2000_CODESTREAM),
    (
        b"8BPS\x00\x01",
        unsupported(
            "Photoshop document (PSD)",
            "image/vnd.adobe.photoshop",
            None,
            "export it as PNG",
        ),
    ),
    (
        b"8BPS\x00\x02",
        unsupported(
            "Photoshop large document (PSB)",
            "image/vnd.adobe.photoshop",
            None,
            "export it as PNG",
        ),
    ),
    (
        b"v/1\x01",
        unsupported(
            "OpenEXR image",
            "image/x-exr",
            None,
            "export it as PNG (tone-mapped)",
        ),
    ),
    (
        b"DDS ",
        unsupported(
            "DirectDraw Surface texture (DDS)",
            "image/vnd-ms.dds",
            None,
            "convert it to PNG",
        ),
    ),
    (
        b"II\xbc\x01",
        unsupported(
            "JPEG XR image (HD Photo)",
            "image/jxr",
            None,
            "export it as PNG or JPEG",
        ),
    ),
    (
        b"gimp xcf ",
        unsupported(
            "GIMP image (XCF)",
            "image/x-xcf",
            None,
            "export it as PNG from GIMP",
        ),
    ),
    (
        b"FUJIFILMCCD-RAW",
        unsupported(
            "camera raw photo (Fujifilm RAF)",
            "image/x-fuji-raf",
            None,
            "export it as JPEG from the camera software",
        ),
    ),
    (
        b"#?RADIANCE",
        unsupported(
            "Radiance HDR image",
            "image/vnd.radiance",
            None,
            "export it as PNG (tone-mapped)",
        ),
    ),
];

/// The known image format these bytes are in, when this build cannot decode it. Asked only
/// about bytes that `decode::load::sniff_image` did not take.
pub fn unsupported_image(bytes: &[u8]) -> Option<UnsupportedImage> {
    if let Some(image) = bmff_image(bytes) {
        // Only reached when the feature that decodes it is off (else sniff_image took it).
        return Some(match image {
            BmffImage::Avif => AVIF,
            BmffImage::Heic => HEIC,
            BmffImage::Heif => HEIF,
        });
    }
    let brands = ftyp_brands(bytes);
    if brands.iter().any(|b| b == b"jpx " || b == b"jp2 ") {
        return Some(JPEG_2000);
    }
    if brands.first() == Some(b"crx ") {
        return Some(unsupported(
            "camera raw photo (Canon CR3)",
            "image/x-canon-cr3",
            None,
            "export it as JPEG from the camera software",
        ));
    }
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, image)| image.clone())
}

/// A few words on what non-image bytes are, for the common binary files found beside images
/// (a skipped input's reason); `None` when the signature is not one of them.
pub fn describe_other(bytes: &[u8]) -> Option<&'static str> {
    const OTHERS: [(&[u8], &str); 14] = [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "Compound File Binary: an Office 97-2003 document, an MSI or another OLE file",
        ),
        (b"\x1f\x8b", "gzip-compressed data"),
        (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (b"Rar!\x1a\x07", "RAR archive"),
        (b"\x7fELF", "ELF executable"),
        (b"MZ", "Windows executable"),
        (b"SQLite format 3\x00", "SQLite database"),
        (b"ID3", "MP3 audio"),
        (b"OggS", "Ogg audio or video"),
        (b"fLaC", "FLAC audio"),
        (b"\x1a\x45\xdf\xa3", "Matroska or WebM video"),
        (b"wOFF", "WOFF font"),
        (b"wOF2", "WOFF2 font"),
        (b"\x00\x01\x00\x00\x00", "TrueType font"),
    ];
    if let Some((_, what)) = OTHERS.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Some(what);
    }
    if bytes.starts_with(b"RIFF") && bytes.len() >= 12 {
        return match &bytes[8..12] {
            b"WAVE" => Some("WAV audio"),
            b"AVI " => Some("AVI video"),
            _ => None,
        };
    }
    let brands = ftyp_brands(bytes);
    match brands.first() {
        Some(b"qt  ") => Some("QuickTime video"),
        Some(b"M4A ") => Some("MPEG-4 audio"),
        Some(_) => Some("MP4 video"),
        None if bytes.starts_with(b"OTTO") => Some("OpenType font"),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len();
        let mut out = (size as u32).to_be_bytes().to_vec();
        out.extend_from_slice(b"ftyp");
        out.extend_from_slice(major);
        out.extend_from_slice(&[0, 0, 0, 0]);
        for brand in compatible {
            out.extend_from_slice(*brand);
        }
        out.extend_from_slice(b"\x00\x00\x00\x08meta");
        out
    }

    #[test]
    fn heif_brands_name_the_codec() {
        assert_eq!(
            bmff_image(&ftyp(b"heic", &[b"mif1"])),
            Some(BmffImage::Heic)
        );
        assert_eq!(
            bmff_image(&ftyp(b"mif1", &[b"heic", b"miaf"])),
            Some(BmffImage::Heic)
        );
        assert_eq!(
            bmff_image(&ftyp(b"avif", &[b"mif1"])),
            Some(BmffImage::Avif)
        );
        assert_eq!(
            bmff_image(&ftyp(b"mif1", &[b"avif", b"miaf"])),
            Some(BmffImage::Avif)
        );
        assert_eq!(
            bmff_image(&ftyp(b"mif1", &[b"miaf"])),
            Some(BmffImage::Heif)
        );
        assert_eq!(bmff_image(&ftyp(b"isom", &[b"mp42"])), None);
        assert_eq!(bmff_image(b"\x00\x00\x00\x18ftyp"), None);
    }

    #[test]
    fn unsupported_formats_are_named_with_advice() {
        let heic = unsupported_image(&ftyp(b"heic", &[b"mif1"])).unwrap();
        assert_eq!(
            heic.to_string(),
            "HEIC image (iPhone photo format) is not supported in this build: rebuild with \
             --features heif, or export it as JPEG/PNG (on an iPhone: Settings > Camera > \
             Formats > Most Compatible)"
        );
        let jxl = unsupported_image(b"\xff\x0a\xfa\x7f").unwrap();
        assert!(
            jxl.to_string()
                .starts_with("JPEG XL image is not supported: export")
        );
        let boxed =
            unsupported_image(b"\x00\x00\x00\x0cJXL \r\n\x87\n\x00\x00\x00\x14ftypjxl ").unwrap();
        assert_eq!(boxed.name, "JPEG XL image");
        assert_eq!(
            unsupported_image(&ftyp(b"jp2 ", &[b"jp2 "])).map(|u| u.name),
            Some("JPEG 2000 image (JP2)")
        );
        assert_eq!(
            unsupported_image(b"\xff\x4f\xff\x51\x00\x2f").map(|u| u.name),
            Some("JPEG 2000 codestream (J2K)")
        );
        assert_eq!(
            unsupported_image(b"8BPS\x00\x01\x00\x00").map(|u| u.name),
            Some("Photoshop document (PSD)")
        );
        assert_eq!(unsupported_image(&ftyp(b"isom", &[b"mp42"])), None);
        assert_eq!(unsupported_image(b"plain text"), None);
        assert_eq!(unsupported_image(b""), None);
    }

    #[test]
    fn other_binaries_are_described() {
        assert_eq!(
            describe_other(&ftyp(b"qt  ", &[b"qt  "])),
            Some("QuickTime video")
        );
        assert_eq!(
            describe_other(&ftyp(b"isom", &[b"mp42"])),
            Some("MP4 video")
        );
        assert_eq!(describe_other(b"\x7fELF\x02\x01"), Some("ELF executable"));
        assert_eq!(describe_other(b"\x00\x01\x02\x03"), None);
    }
}
