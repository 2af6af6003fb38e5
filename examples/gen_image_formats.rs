//! Writes `testdata/image-formats/`: a QR code in every image format qraudit decodes beyond the
//! common ones (AVIF, HEIC, ICO, CUR, QOI, PNM) and in the formats it recognises but does not
//! decode (JPEG XL, JPEG 2000, PSD, DDS), each holding a code so that "no code" could never be
//! the right answer.
//!
//! The code images are rendered here (the `qrcode` crate); ICO, CUR, QOI and PNM are encoded
//! here too. The other formats are made by the real encoders, as a user's file would be:
//! Debian's `heif-enc` (libheif-examples), `avifenc` (libavif-bin), `cjxl` (libjxl-tools),
//! `opj_compress` (libopenjp2-tools) and ImageMagick's `convert` (imagemagick). Without them
//! the program stops and says which package to install:
//!
//! ```sh
//! apt-get install libheif-examples libavif-bin libjxl-tools libopenjp2-tools imagemagick
//! cargo run --example gen_image_formats
//! ```
//!
//! The README it writes records each tool's version. The encoders are not guaranteed to give
//! byte-identical files across versions; the tests assert what qraudit reads, not the bytes.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use image::{DynamicImage, GrayImage, ImageFormat, Luma, Rgba, RgbaImage};
use qrcode::QrCode;

const HEIC: &str =
    "hclsametime://heic.example.com/?action=AddCommunity&communityName=iPhone%20Photo";
const AVIF: &str = "hclsametime://avif.example.com/?action=AddCommunity&communityName=AVIF";
const AVIF_10BIT: &str =
    "hclsametime://avif.example.com/?action=AddCommunity&communityName=AVIF%2010%20bit";
const AVIF_ALPHA: &str =
    "hclsametime://avif.example.com/?action=AddCommunity&communityName=Transparent";
const ICO: &str = "hclsametime://ico.example.com/?action=AddCommunity&communityName=Icon";
const CUR: &str = "hclsametime://cur.example.com/?action=AddCommunity&communityName=Cursor";
const QOI: &str = "hclsametime://qoi.example.com/?action=AddCommunity&communityName=QOI";
const PGM: &str = "hclsametime://pnm.example.com/?action=AddCommunity&communityName=PGM";
const UNDECODED: &str =
    "hclsametime://hidden.example.com/?action=AddCommunity&communityName=Unread";

/// (file, how it is made, what qraudit reports) for the README.
const ROWS: [(&str, &str, &str); 15] = [
    (
        "photo.heic",
        "`heif-enc -q 90` (HEVC, x265) of a PNG code",
        "decoded with `--features heif`; else error: HEIC … rebuild with --features heif",
    ),
    (
        "screenshot.avif",
        "`avifenc` (AV1, aom), 8 bit 4:2:0, lossy",
        "decoded (default `avif` feature)",
    ),
    (
        "screenshot-10bit.avif",
        "`avifenc -d 10 -y 444`, 10 bit 4:4:4",
        "decoded (16-bit samples)",
    ),
    (
        "transparent.avif",
        "`avifenc` of an RGBA PNG: black modules on a fully transparent background",
        "decoded: transparent pixels are composited on white",
    ),
    (
        "icon.ico",
        "ICO holding one PNG entry (this generator)",
        "decoded",
    ),
    (
        "cursor.cur",
        "the same structure with type 2 (cursor) and a hotspot (this generator)",
        "decoded",
    ),
    (
        "code.qoi",
        "QOI (this generator, `image`'s encoder)",
        "decoded",
    ),
    (
        "code.pgm",
        "binary PGM, P5 (this generator, `image`'s encoder)",
        "decoded",
    ),
    (
        "code.jxl",
        "`cjxl -d 1` (bare JPEG XL codestream)",
        "error: JPEG XL image is not supported",
    ),
    (
        "container.jxl",
        "`cjxl -d 1 --container=1` (ISO-BMFF container)",
        "error: JPEG XL image is not supported",
    ),
    (
        "code.jp2",
        "`opj_compress` to .jp2 (JP2 file format)",
        "error: JPEG 2000 image (JP2) is not supported",
    ),
    (
        "code.j2k",
        "`opj_compress` to .j2k (bare codestream)",
        "error: JPEG 2000 codestream (J2K) is not supported",
    ),
    (
        "layers.psd",
        "ImageMagick `convert` to PSD",
        "error: Photoshop document (PSD) is not supported",
    ),
    (
        "texture.dds",
        "ImageMagick `convert -define dds:compression=dxt1` to DDS",
        "error: DirectDraw Surface texture (DDS) is not supported",
    ),
    (
        "not-heic.heic",
        "plain text named .heic",
        "error: named .heic but not an image",
    ),
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/image-formats");
    std::fs::create_dir_all(&root).expect("creating testdata/image-formats");
    let scratch = tempdir();
    let versions = tool_versions();

    write(&root, "icon.ico", &icon(ICO, 1));
    write(&root, "cursor.cur", &icon(CUR, 2));
    write(
        &root,
        "code.qoi",
        &encode(to_rgba(&qr_image(QOI, 6)), ImageFormat::Qoi),
    );
    write(
        &root,
        "code.pgm",
        &encode(qr_image(PGM, 3), ImageFormat::Pnm),
    );

    let heic_source = png_file(&scratch, "heic.png", &to_rgba(&qr_image(HEIC, 8)));
    run(
        "heif-enc",
        &["-q", "90", "-o", &out(&root, "photo.heic"), &heic_source],
    );
    let avif_source = png_file(&scratch, "avif.png", &to_rgba(&qr_image(AVIF, 6)));
    run(
        "avifenc",
        &["-s", "6", &avif_source, &out(&root, "screenshot.avif")],
    );
    let avif10_source = png_file(&scratch, "avif10.png", &to_rgba(&qr_image(AVIF_10BIT, 6)));
    run(
        "avifenc",
        &[
            "-s",
            "6",
            "-d",
            "10",
            "-y",
            "444",
            &avif10_source,
            &out(&root, "screenshot-10bit.avif"),
        ],
    );
    let alpha_source = png_file(
        &scratch,
        "alpha.png",
        &transparent(&qr_image(AVIF_ALPHA, 6)),
    );
    run(
        "avifenc",
        &["-s", "6", &alpha_source, &out(&root, "transparent.avif")],
    );

    let hidden = png_file(&scratch, "hidden.png", &to_rgba(&qr_image(UNDECODED, 4)));
    run("cjxl", &[&hidden, &out(&root, "code.jxl"), "-d", "1"]);
    run(
        "cjxl",
        &[
            &hidden,
            &out(&root, "container.jxl"),
            "-d",
            "1",
            "--container=1",
        ],
    );
    run(
        "opj_compress",
        &["-i", &hidden, "-o", &out(&root, "code.jp2")],
    );
    run(
        "opj_compress",
        &["-i", &hidden, "-o", &out(&root, "code.j2k")],
    );
    run("/usr/bin/convert", &[&hidden, &out(&root, "layers.psd")]);
    run(
        "/usr/bin/convert",
        &[
            &hidden,
            "-define",
            "dds:compression=dxt1",
            &out(&root, "texture.dds"),
        ],
    );
    write(
        &root,
        "not-heic.heic",
        b"This is a note someone saved with a .heic name.\n",
    );
    write(&root, "README.md", readme(&versions).as_bytes());
    let _ = std::fs::remove_dir_all(&scratch);
}

fn readme(versions: &str) -> String {
    let mut out = String::from(
        "# testdata/image-formats/ — codes in uncommon image formats\n\n\
         Written by `cargo run --example gen_image_formats` (this README too), which renders\n\
         each code and has the real encoders write the formats below (Debian packages\n\
         libheif-examples, libavif-bin, libjxl-tools, libopenjp2-tools, imagemagick).\n\
         `tests/image_formats.rs` checks what `qraudit scan` reports for each; the payloads\n\
         are the constants in the generator. Every file that qraudit does not decode holds a\n\
         code all the same (`hidden.example.com`), so a silent \"no code\" would be wrong.\n\n\
         | file | how it is made | reported |\n|---|---|---|\n",
    );
    for (file, how, reported) in ROWS {
        let _ = writeln!(out, "| `{file}` | {how} | {reported} |");
    }
    let _ = write!(out, "\nTools used for these files:\n\n{versions}");
    out
}

/// Each encoder's Debian package and version. The tools' own version flags disagree (heif-enc
/// has none, opj_compress prints only its help), so the package manager is the one honest source.
fn tool_versions() -> String {
    let mut out = String::new();
    for (tool, package) in [
        ("heif-enc", "libheif-examples"),
        ("avifenc", "libavif-bin"),
        ("cjxl", "libjxl-tools"),
        ("opj_compress", "libopenjp2-tools"),
        ("convert", "imagemagick-6.q16"),
    ] {
        let output = Command::new("dpkg-query")
            .args(["-W", "-f", "${Version}", package])
            .output()
            .unwrap_or_else(|err| {
                panic!("dpkg-query is needed to record {tool}'s version ({err})")
            });
        assert!(
            output.status.success(),
            "{tool} is needed: apt-get install libheif-examples libavif-bin libjxl-tools \
             libopenjp2-tools imagemagick"
        );
        let version = String::from_utf8_lossy(&output.stdout);
        let _ = writeln!(
            out,
            "- `{tool}`: Debian package {package} {}",
            version.trim()
        );
    }
    out
}

fn run(tool: &str, args: &[&str]) {
    let output = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("running {tool}: {err}"));
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let target = args
        .iter()
        .find(|a| a.contains("testdata/image-formats/"))
        .expect("an output path");
    let size = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
    println!("{target} ({size} bytes, {tool})");
}

fn out(root: &Path, name: &str) -> String {
    root.join(name).display().to_string()
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gen_image_formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

fn png_file(dir: &Path, name: &str, image: &RgbaImage) -> String {
    let path = dir.join(name);
    image.save(&path).expect("writing a scratch PNG");
    path.display().to_string()
}

fn write(root: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(root.join(name), bytes).expect("writing test data");
    println!("testdata/image-formats/{name} ({} bytes)", bytes.len());
}

/// A QR code, `module` pixels per module, with the standard quiet zone.
fn qr_image(text: &str, module: u32) -> GrayImage {
    QrCode::new(text.as_bytes())
        .expect("text fits in a QR code")
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module, module)
        .build()
}

fn to_rgba(gray: &GrayImage) -> RgbaImage {
    RgbaImage::from_fn(gray.width(), gray.height(), |x, y| {
        let v = gray.get_pixel(x, y).0[0];
        Rgba([v, v, v, 255])
    })
}

/// Black modules, and a fully transparent (black, alpha 0) background: read as black it is
/// unreadable; composited on white, as a viewer shows it, it is a clean code.
fn transparent(gray: &GrayImage) -> RgbaImage {
    RgbaImage::from_fn(gray.width(), gray.height(), |x, y| {
        let dark = gray.get_pixel(x, y).0[0] < 128;
        Rgba([0, 0, 0, if dark { 255 } else { 0 }])
    })
}

fn encode(image: impl Into<DynamicImage>, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .into()
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encoding an image in memory");
    out
}

/// An icon directory (type 1) or cursor (type 2) with one PNG entry (Windows Vista and later
/// store large icons as PNG).
fn icon(text: &str, kind: u16) -> Vec<u8> {
    let image = qr_image(text, 5);
    // The directory's size bytes must match the PNG's (0 stands for 256).
    let side = |n: u32| u8::try_from(n).expect("an icon of at most 255 pixels");
    let (width, height) = (side(image.width()), side(image.height()));
    // The icon decoder wants RGBA entries, as Windows writes them.
    let png = encode(to_rgba(&image), ImageFormat::Png);
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    // Width, height, no palette, a reserved zero.
    out.extend_from_slice(&[width, height, 0, 0]);
    if kind == 2 {
        // A cursor's hotspot, where an icon has its planes and bit count.
        out.extend_from_slice(&16u16.to_le_bytes());
        out.extend_from_slice(&16u16.to_le_bytes());
    } else {
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&32u16.to_le_bytes());
    }
    out.extend_from_slice(&(png.len() as u32).to_le_bytes());
    out.extend_from_slice(&22u32.to_le_bytes());
    out.extend_from_slice(&png);
    out
}
