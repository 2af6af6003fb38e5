//! `qraudit scan` on the image formats beyond PNG/JPEG/GIF/BMP/WebP/TIFF: AVIF, ICO, CUR, QOI
//! and PNM are decoded; HEIC is decoded with `--features heif` and otherwise, like JPEG XL,
//! JPEG 2000, PSD and DDS, is an error that names the format and says what to do — never
//! "no code", never "unknown binary data". The files are written by
//! `cargo run --example gen_image_formats` with the real encoders (see its README).

use serde_json::Value;

mod common;
use common::scan_json as scan;

const DIR: &str = "testdata/image-formats";

/// Scans one file of testdata/image-formats; its input report and the exit code.
fn scan_one(name: &str) -> (Value, i32) {
    common::scan_input(&format!("{DIR}/{name}"), &[])
}

fn texts(input: &Value) -> Vec<&str> {
    input["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c["text"].as_str().unwrap_or("(unreadable)"))
        .collect()
}

/// Decoded, with the expected text and media type, exit 0.
fn assert_decoded(name: &str, media_type: &str, text: &str) {
    let (input, code) = scan_one(name);
    assert_eq!(code, 0, "{input}");
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], media_type, "{input}");
    assert_eq!(texts(&input), vec![text], "{name}");
}

/// An error that names the format (and where to go from there), exit 2, no codes.
fn assert_named_error(name: &str, media_type: &str, starts_with: &str, advice: &str) {
    let (input, code) = scan_one(name);
    assert_eq!(code, 2, "{input}");
    assert_eq!(input["status"], "error", "{input}");
    assert_eq!(input["media_type"], media_type, "{input}");
    let error = input["error"].as_str().expect("an error");
    assert!(error.starts_with(starts_with), "{name}: {error}");
    assert!(error.contains(advice), "{name}: {error}");
    assert!(!error.contains("unknown binary data"), "{error}");
    assert!(texts(&input).is_empty());
}

#[cfg(feature = "avif")]
#[test]
fn avif_8_bit_10_bit_and_transparent_are_decoded() {
    assert_decoded(
        "screenshot.avif",
        "image/avif",
        "hclsametime://avif.example.com/?action=AddCommunity&communityName=AVIF",
    );
    assert_decoded(
        "screenshot-10bit.avif",
        "image/avif",
        "hclsametime://avif.example.com/?action=AddCommunity&communityName=AVIF%2010%20bit",
    );
    // Black modules on a transparent background: readable only when composited on white.
    assert_decoded(
        "transparent.avif",
        "image/avif",
        "hclsametime://avif.example.com/?action=AddCommunity&communityName=Transparent",
    );
}

#[cfg(not(feature = "avif"))]
#[test]
fn avif_without_its_feature_is_a_named_error() {
    assert_named_error(
        "screenshot.avif",
        "image/avif",
        "AVIF image is not supported in this build",
        "rebuild with --features avif",
    );
}

#[cfg(feature = "heif")]
#[test]
fn heic_is_decoded_with_the_heif_feature() {
    assert_decoded(
        "photo.heic",
        "image/heif",
        "hclsametime://heic.example.com/?action=AddCommunity&communityName=iPhone%20Photo",
    );
}

#[cfg(not(feature = "heif"))]
#[test]
fn heic_without_its_feature_is_a_named_error_with_what_to_do() {
    assert_named_error(
        "photo.heic",
        "image/heic",
        "HEIC image (iPhone photo format) is not supported in this build",
        "rebuild with --features heif, or export it as JPEG/PNG",
    );
}

#[test]
fn icon_cursor_qoi_and_pgm_are_decoded() {
    assert_decoded(
        "icon.ico",
        "image/x-icon",
        "hclsametime://ico.example.com/?action=AddCommunity&communityName=Icon",
    );
    assert_decoded(
        "cursor.cur",
        "image/x-icon",
        "hclsametime://cur.example.com/?action=AddCommunity&communityName=Cursor",
    );
    assert_decoded(
        "code.qoi",
        "image/x-qoi",
        "hclsametime://qoi.example.com/?action=AddCommunity&communityName=QOI",
    );
    assert_decoded(
        "code.pgm",
        "image/x-portable-anymap",
        "hclsametime://pnm.example.com/?action=AddCommunity&communityName=PGM",
    );
}

#[test]
fn jpeg_xl_codestream_and_container_are_named_errors() {
    for name in ["code.jxl", "container.jxl"] {
        assert_named_error(
            name,
            "image/jxl",
            "JPEG XL image is not supported",
            "export it as PNG or JPEG",
        );
    }
}

#[test]
fn jpeg_2000_file_and_codestream_are_named_errors() {
    assert_named_error(
        "code.jp2",
        "image/jp2",
        "JPEG 2000 image (JP2) is not supported",
        "convert it to PNG",
    );
    assert_named_error(
        "code.j2k",
        "image/x-jp2-codestream",
        "JPEG 2000 codestream (J2K) is not supported",
        "convert it to PNG",
    );
}

#[test]
fn psd_and_dds_are_named_errors() {
    assert_named_error(
        "layers.psd",
        "image/vnd.adobe.photoshop",
        "Photoshop document (PSD) is not supported",
        "export it as PNG",
    );
    assert_named_error(
        "texture.dds",
        "image/vnd-ms.dds",
        "DirectDraw Surface texture (DDS) is not supported",
        "convert it to PNG",
    );
}

#[test]
fn text_named_heic_is_a_broken_asset() {
    let (input, code) = scan_one("not-heic.heic");
    assert_eq!(code, 2);
    assert_eq!(input["status"], "error");
    assert_eq!(input["error"], "named .heic but not an image (text)");
}

/// The folder as one run: every file is accounted for (decoded or a named error), none is
/// skipped or "no code", and the other files are still scanned.
#[test]
fn every_file_in_the_folder_is_accounted_for() {
    let (report, code) = scan(&[DIR.to_string()]);
    assert_eq!(code, 2);
    let all = report["inputs"].as_array().expect("inputs");
    // The folder's README is text: skipped, the one file that is no image at all.
    let (readme, inputs): (Vec<&Value>, Vec<&Value>) = all
        .iter()
        .partition(|i| i["path"].as_str().is_some_and(|p| p.ends_with("README.md")));
    assert_eq!(readme.len(), 1);
    assert_eq!(readme[0]["status"], "skipped");
    assert_eq!(inputs.len(), 15, "{report:#}");
    for input in &inputs {
        let status = input["status"].as_str().expect("a status");
        assert!(status == "ok" || status == "error", "{input}");
    }
    let decoded = inputs.iter().filter(|i| i["status"] == "ok").count();
    let expected =
        4 + if cfg!(feature = "avif") { 3 } else { 0 } + if cfg!(feature = "heif") { 1 } else { 0 };
    assert_eq!(decoded, expected, "{report:#}");
}

/// An unsupported image inside a container is an error at its location; the container's other
/// parts are still read.
#[test]
fn unsupported_image_in_a_zip_is_an_error_at_its_location() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("assets.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for name in ["code.jxl", "icon.ico"] {
        zip.start_file(name, options).unwrap();
        std::io::Write::write_all(&mut zip, &std::fs::read(format!("{DIR}/{name}")).unwrap())
            .unwrap();
    }
    zip.finish().unwrap();
    let path = zip_path.display().to_string();
    let (report, code) = scan(std::slice::from_ref(&path));
    assert_eq!(code, 2);
    let input = &report["inputs"][0];
    assert_eq!(input["status"], "error");
    assert_eq!(
        input["error"],
        format!(
            "{path}!code.jxl: JPEG XL image is not supported: export it as PNG or JPEG \
             (e.g. `djxl in.jxl out.png`)"
        )
    );
    assert_eq!(
        texts(input),
        vec!["hclsametime://ico.example.com/?action=AddCommunity&communityName=Icon"]
    );
}
