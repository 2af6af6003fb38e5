//! Writes the seed corpora of the fuzz targets under `fuzz/seeds/TARGET/`: small files made
//! from the project's own generated test data (`testdata/`, itself made by `gen_testdata` and
//! `gen_containers`) and from small codes drawn here, one of every format, container and
//! payload kind each target reads. Deterministic: running it again gives the same files.
//!
//! Run: `cargo run --example gen_fuzz_seeds` (from the crate root). Photographs from
//! `../shared/corpus` may be added as extra seeds at fuzzing time (see docs/reliability.md),
//! never here: they are not the project's to commit.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use image::{GrayImage, ImageFormat, Luma};
use qraudit::fuzz_entry;
use qrcode::{Color, QrCode};

const URL: &str = "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Seed";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = root.join("fuzz/seeds");
    let testdata = root.join("testdata");
    let _ = std::fs::remove_dir_all(&seeds);
    let mut writer = Writer { seeds, written: 0 };

    // Images: one small code in every format, plus the small broken and tricky test images.
    let code = draw(URL, 2, 2);
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::Bmp,
        ImageFormat::WebP,
        ImageFormat::Tiff,
    ] {
        let mut bytes = Vec::new();
        // GIF and WebP have no grey layout: those are written in RGBA.
        let image = match format {
            ImageFormat::Gif | ImageFormat::WebP => image::DynamicImage::ImageRgba8(
                image::DynamicImage::ImageLuma8(code.clone()).to_rgba8(),
            ),
            _ => image::DynamicImage::ImageLuma8(code.clone()),
        };
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .expect("encoding a small image");
        let name = format!("code.{}", format.extensions_str()[0]);
        writer.put("image", &name, &bytes);
    }
    for rel in [
        "bad/bomb.png",
        "bad/truncated.png",
        "bad/corrupt.jpg",
        "bad/decoder-panic.png",
        "risky/binary.png",
        "risky/control-chars.png",
        "unreadable/damaged.png",
        "rotated/inverted.png",
        "formats/code.webp",
        "formats/code.gif",
    ] {
        writer.copy("image", &testdata.join(rel));
    }

    // Rasters: width-1, height-1, scale byte, then grey pixels.
    for (name, image) in [
        ("code", draw(URL, 1, 2)),
        ("small", draw("x", 2, 1)),
        ("inverted", invert(draw(URL, 1, 4))),
    ] {
        let (w, h) = image.dimensions();
        if w <= 256 && h <= 256 {
            let mut bytes = vec![(w - 1) as u8, (h - 1) as u8, 0];
            bytes.extend_from_slice(image.as_raw());
            writer.put("raster", name, &bytes);
        }
    }

    // Containers: the project's test files, and a few small ones made here.
    let containers = testdata.join("containers");
    for rel in [
        "mail/helpdesk.eml",
        "mail/forwarded.eml",
        "mail/newsletter-qp.eml",
        "broken/bad-base64.eml",
    ] {
        writer.copy("mail", &containers.join(rel));
    }
    writer.put("mail", "rfc2231.eml", &rfc2231_mail(&png(&draw("x", 2, 2))));
    writer.copy("mbox", &containers.join("mbox/export.mbox"));
    for rel in ["zip/assets.zip", "broken/truncated.zip", "broken/bomb.zip"] {
        writer.copy("zip", &containers.join(rel));
    }
    for rel in [
        "pdf/flyer-raster.pdf",
        "pdf/flyer-vector.pdf",
        "broken/corrupt.pdf",
    ] {
        writer.copy("pdf", &containers.join(rel));
    }
    writer.put("pdf", "colour-spaces.pdf", &colour_space_pdf());
    writer.put("svg", "code.svg", svg(URL).as_bytes());
    writer.put(
        "svg",
        "use-and-entities.svg",
        br##"<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "<rect width='1' height='1'/>">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
<defs><g id="g">&a;</g></defs><use xlink:href="#g" x="2"/><use href="#g" y="2" transform="scale(2)"/>
<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/></svg>"##,
    );
    // HTML pages: the generated site, and the tokenizer's corners in one page.
    writer.copy("html", &containers.join("site/index.html"));
    writer.copy("html", &containers.join("site/blog/post.html"));
    writer.put(
        "html",
        "corners.html",
        br##"<!DOCTYPE html><html><head><title><img src=t.png></title><style>a{background:url( "x.png" )}</style></head>
<body><!-- <img src=c.png> --><script>"<svg>"</script><IMG SRC=data:image/png;base64,iVBORw0KGgo= srcset="a.png 1x, data:image/png;base64,AA== 2x,b.png">
<img src='a&amp;b.png' style="background-image:url(data:image/gif;base64,R0lGODlhAQABAAAAACw=)"><picture><source srcset=",,, 2x"></picture>
<svg viewBox="0 0 2 2"><svg><rect width="1" height="1"/></svg></svg><svg/><object data="x.svg"></object><embed src=/y.png><input type=image src=z.png>
<p title="<img src=q.png>">"##,
    );
    let config = "<?xml version=\"1.0\"?>\n<config>\n<mobile>\n  <configUrl>hclsametime://h.example.com/?action=AddCommunity%26communityName=Sametime%20Server</configUrl>\n</mobile>\n</config>\n";
    writer.put("config_xml", "good.xml", config.as_bytes());
    writer.put(
        "config_xml",
        "raw-ampersand.xml",
        config.replace("%26", "&").as_bytes(),
    );
    writer.put(
        "config_xml",
        "cdata-entity.xml",
        b"<config><mobile><configUrl><![CDATA[hclsametime://u:p%40ss@h.example.com/?action=AddCommunity&amp;savePassword=true]]></configUrl></mobile></config>",
    );

    // Texts: one of every kind, and every example of the rule catalogue.
    let mut texts: Vec<String> = fuzz_entry::SAMPLE_TEXTS
        .iter()
        .map(|t| t.to_string())
        .collect();
    for rule in qraudit::audit::catalogue::all() {
        texts.extend(rule.fires_on.iter().map(|t| t.to_string()));
        texts.extend(rule.passes.iter().map(|t| t.to_string()));
    }
    texts.sort();
    texts.dedup();
    for (i, text) in texts.iter().enumerate() {
        writer.put("payload", &format!("text-{i:03}"), text.as_bytes());
    }

    // Policies.
    writer.put(
        "policy",
        "full.toml",
        br#"fail_on = "high"
allowed_hosts = ["stproxy.example.com", "*.safelinx.example.com", "[2001:db8::1]"]
allowed_ports = [443, 8443]
guest_networks = ["Guest"]

[rules]
personal-user-id = "off"
save-password = "high"

[[ignore]]
fingerprint = "643f09067fc03f169e85e296c035df4c"
reason = "reprint ordered"

[[ignore]]
path = "assets/lab/**"
rule = "untrusted-ssl"
reason = "lab proxy"
"#,
    );
    writer.put("policy", "never.toml", b"fail_on = \"never\"\n");

    // Reports, as merge and --baseline read them: JSON and JSON Lines.
    let report = fuzz_entry::check_texts(&texts[..texts.len().min(12)], &Default::default());
    let outputs = fuzz_entry::render(&report);
    writer.put("report", "report.json", &outputs.json);
    writer.put("report", "report.jsonl", &outputs.jsonl);
    let scanned = fuzz_entry::scan_file(&png(&draw(URL, 3, 4)));
    writer.put("report", "scan.json", &fuzz_entry::render(&scanned).json);

    println!(
        "wrote {} seed files under {}",
        writer.written,
        writer.seeds.display()
    );
}

struct Writer {
    seeds: PathBuf,
    written: usize,
}

impl Writer {
    fn put(&mut self, target: &str, name: &str, bytes: &[u8]) {
        let dir = self.seeds.join(target);
        std::fs::create_dir_all(&dir).expect("creating the seed folder");
        std::fs::write(dir.join(name), bytes).expect("writing a seed");
        self.written += 1;
    }

    fn copy(&mut self, target: &str, from: &Path) {
        let bytes = std::fs::read(from).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run gen_testdata and gen_containers first)",
                from.display()
            )
        });
        // `folder-file`, so that copies never overwrite the seeds drawn here.
        let part =
            |p: Option<&std::ffi::OsStr>| p.and_then(|n| n.to_str()).unwrap_or("seed").to_string();
        let folder = part(from.parent().and_then(Path::file_name));
        let name = format!("{folder}-{}", part(from.file_name()));
        self.put(target, &name, &bytes);
    }
}

/// `text` as a code, `px` pixels per module, with a `quiet`-module margin.
fn draw(text: &str, px: u32, quiet: u32) -> GrayImage {
    let code = QrCode::new(text.as_bytes()).expect("a short text fits");
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let side = (modules + 2 * quiet) * px;
    GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / px, y / px);
        let dark = mx >= quiet
            && my >= quiet
            && mx < quiet + modules
            && my < quiet + modules
            && colors[((my - quiet) * modules + (mx - quiet)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    })
}

fn invert(mut image: GrayImage) -> GrayImage {
    image::imageops::invert(&mut image);
    image
}

fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out
}

fn svg(text: &str) -> String {
    let code = QrCode::new(text.as_bytes()).expect("a short text fits");
    let width = code.width();
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"",
        width + 8
    );
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            out.push_str(&format!("M{} {}h1v1h-1z", i % width + 4, i / width + 4));
        }
    }
    out.push_str("\"/></svg>\n");
    out
}

/// A mail with an RFC 2231 file name, an RFC 2047 subject and a quoted-printable attachment.
fn rfc2231_mail(png: &[u8]) -> Vec<u8> {
    let mut out = b"From: =?UTF-8?Q?Help_=E2=9C=85?= <help@example.com>\r\nTo: a@example.com\r\nSubject: =?UTF-8?B?Q29kZQ==?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: image/png; name*=UTF-8''qr%20%E2%9C%85.png\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".to_vec();
    let mut line = 0;
    for &b in png {
        let piece = if b.is_ascii_graphic() && b != b'=' {
            vec![b]
        } else {
            format!("={b:02X}").into_bytes()
        };
        if line + piece.len() > 72 {
            out.extend_from_slice(b"=\r\n");
            line = 0;
        }
        line += piece.len();
        out.extend(piece);
    }
    out.extend_from_slice(b"\r\n--b--\r\n");
    out
}

/// A PDF with small image XObjects in several colour spaces (Indexed, ICCBased, CMYK, a
/// stencil mask), the parts of the PDF reader byte mutation reaches least by itself.
fn colour_space_pdf() -> Vec<u8> {
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R /Resources << /XObject << /A 5 0 R /B 6 0 R /C 7 0 R /D 8 0 R >> >> >>".to_vec(),
        stream(b"", b"q 10 0 0 10 0 0 cm /A Do /B Do /C Do /D Do Q"),
        stream(b"/Type /XObject /Subtype /Image /Width 2 /Height 1 /BitsPerComponent 8 /ColorSpace [/Indexed /DeviceRGB 1 <000000FFFFFF>]", &[0, 1]),
        stream(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace [/ICCBased 9 0 R]", &[0, 0, 0]),
        stream(b"/Type /XObject /Subtype /Image /Width 1 /Height 1 /BitsPerComponent 8 /ColorSpace /DeviceCMYK", &[0, 0, 0, 255]),
        stream(b"/Type /XObject /Subtype /Image /Width 8 /Height 1 /ImageMask true /Decode [1 0]", &[0x55]),
        stream(b"/N 3", b""),
    ];
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).expect("writing to memory");
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).expect("writing to memory");
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").expect("writing to memory");
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .expect("writing to memory");
    out
}

fn stream(dict: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = b"<< ".to_vec();
    out.extend_from_slice(dict);
    write!(out, " /Length {} >>\nstream\n", data.len()).expect("writing to memory");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}
