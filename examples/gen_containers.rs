//! Writes the container test data under `testdata/containers/`: mails, an mbox, PDFs (raster
//! and vector), an SVG and zips, plus broken ones (truncated zip, zip bomb, bad base64, a mail
//! nested past the depth limit, a corrupt PDF). Every file is built here from code, byte for
//! byte (no timestamps), so running it again gives the same files.
//!
//! Run: `cargo run --example gen_containers` (from the crate root). `tests/containers.rs`
//! asserts what `qraudit scan` finds in each file; the expected texts are the constants below.

use std::fmt::Write as _;
use std::io::{Cursor, Write};
use std::path::Path;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::{Color, QrCode};
use zip::write::SimpleFileOptions;

const HELPDESK_TEXT: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Helpdesk";
const HELPDESK_INLINE: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Inline%20Code";
const HELPDESK_POSTER: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Poster";
const NEWSLETTER_LINK: &str =
    "hclsametime://news.example.com/?action=AddCommunity&communityName=News";
const NEWSLETTER_IMAGE: &str =
    "hclsametime://news.example.com/?action=AddCommunity&communityName=Data%20URI";
const MBOX_TEXT: &str =
    "hclsametime://mbox.example.com/?action=AddCommunity&communityName=Message%201";
const MBOX_IMAGE: &str =
    "hclsametime://mbox.example.com/?action=AddCommunity&communityName=Message%202";
const PDF_FLATE: &str =
    "hclsametime://pdf.example.com/?action=AddCommunity&communityName=Flate%20Raster";
const PDF_JPEG: &str =
    "hclsametime://pdf.example.com/?action=AddCommunity&communityName=JPEG%20Raster";
const PDF_VECTOR: &str = "hclsametime://pdf.example.com/?action=AddCommunity&communityName=Vector";
const SVG_CODE: &str = "hclsametime://svg.example.com/?action=AddCommunity&communityName=SVG";
const ZIP_TOP: &str = "hclsametime://zip.example.com/?action=AddCommunity&communityName=Assets";
const ZIP_NESTED: &str =
    "hclsametime://zip.example.com/?action=AddCommunity&communityName=Nested%20Zip";
const BROKEN_GOOD: &str =
    "hclsametime://broken.example.com/?action=AddCommunity&communityName=Survivor";
const DEEP_TOP: &str =
    "hclsametime://deep.example.com/?action=AddCommunity&communityName=Level%201";
const HOSTILE_SURVIVOR: &str =
    "hclsametime://pdf.example.com/?action=AddCommunity&communityName=After%20Hostile%20Colours";
const DEEP_BOTTOM: &str =
    "hclsametime://deep.example.com/?action=AddCommunity&communityName=Level%2020";
const SITE_FILE: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Poster";
const SITE_DATA: &str =
    "hclsametime://site.example.com/?action=AddCommunity&communityName=Data%20URI";
const SITE_SVG: &str =
    "hclsametime://site.example.com/?action=AddCommunity&communityName=Inline%20SVG";
const SITE_CSS: &str =
    "hclsametime://site.example.com/?action=AddCommunity&communityName=Background";
const SITE_SRCSET: &str =
    "hclsametime://site.example.com/?action=AddCommunity&communityName=Srcset";

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/containers");
    let helpdesk = helpdesk_mail();
    write(&root, "mail/helpdesk.eml", &helpdesk);
    write(&root, "mail/forwarded.eml", &forwarded_mail(&helpdesk));
    write(&root, "mail/newsletter-qp.eml", &newsletter_mail());
    write(&root, "mbox/export.mbox", &mbox());
    write(&root, "pdf/flyer-raster.pdf", &raster_pdf());
    write(&root, "pdf/flyer-vector.pdf", &vector_pdf());
    write(&root, "svg/code.svg", svg(SVG_CODE).as_bytes());
    write(&root, "zip/assets.zip", &assets_zip());
    write(&root, "broken/truncated.zip", &truncated_zip());
    write(&root, "broken/bomb.zip", &bomb_zip());
    write(&root, "broken/bad-base64.eml", &bad_base64_mail());
    write(&root, "broken/nested-forever.eml", &nested_mail(20));
    write(
        &root,
        "broken/corrupt.pdf",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catal\x00\x00garbage where the page tree should be\n%%EOF\n",
    );
    write(&root, "broken/hostile-colour.pdf", &hostile_colour_pdf());
    write(&root, "site/img/poster.png", &png(SITE_FILE));
    write(&root, "site/img/bg.png", &png(SITE_CSS));
    write(&root, "site/index.html", site_index().as_bytes());
    write(&root, "site/blog/post.html", site_post().as_bytes());
    write(&root, "README.md", readme().as_bytes());
}

/// What each file is and what `qraudit scan` reports for it (locations after the file's path).
const README_ROWS: [(&str, &str, &str); 23] = [
    (
        "mail/helpdesk.eml",
        "multipart/mixed: related (alternative text + HTML with `cid:` image, inline PNG), attached poster.png",
        "`!1.1.1` URL in the text; `!1.2/cid:code@helpdesk.example.com`; `!2/poster.png`",
    ),
    (
        "mail/forwarded.eml",
        "a note, and helpdesk.eml attached as message/rfc822 named original.eml",
        "the three codes of helpdesk.eml under `!2/original.eml`",
    ),
    (
        "mail/newsletter-qp.eml",
        "quoted-printable HTML: a provisioning link (`&amp;` in it) and a `data:` URI PNG",
        "`!1` the link; `!1!data-1` the image",
    ),
    (
        "msg/helpdesk.msg",
        "helpdesk.eml converted to Outlook .msg (examples/gen_msg.py); the inline image as an attachment with a Content-ID",
        "`!1` URL (text and HTML body, once); `!2/poster.png`; `!3/image001.png`",
    ),
    (
        "msg/forwarded.msg",
        "forwarded.eml converted: helpdesk's message attached as an Outlook item (embedded message)",
        "the three codes of helpdesk.msg under `!2/original.eml`",
    ),
    (
        "msg/newsletter.msg",
        "newsletter-qp.eml converted: HTML body only (link with `&amp;`, `data:` URI PNG)",
        "`!1` the link; `!1!data-1` the image",
    ),
    (
        "msg/rtf-body.msg",
        "plain body without a link, compressed RTF body with a `HYPERLINK` field",
        "`!1` the RTF link",
    ),
    (
        "msg/msg-in-mail.eml",
        "a mail carrying helpdesk.msg as an application/vnd.ms-outlook attachment",
        "the three codes of helpdesk.msg under `!2/helpdesk.msg`",
    ),
    (
        "broken/damaged-attachment.msg",
        "helpdesk.msg whose poster.png stream starts past the end of the file",
        "error at `!2/poster.png`; `!1` URL and `!3/image001.png` read",
    ),
    (
        "broken/truncated.msg",
        "helpdesk.msg cut to a third",
        "error: its Compound File Binary structure cannot be read",
    ),
    (
        "mbox/export.mbox",
        "three messages: URL in text; attached qr.png; nothing (and a `>From ` line)",
        "`!msg-1!1`; `!msg-2!2/qr.png`",
    ),
    (
        "pdf/flyer-raster.pdf",
        "page 1: FlateDecode grey image at 1 px per module; page 2: DCTDecode JPEG",
        "`!page-1!Im1`; `!page-2!Im2` (4 images decoded: 2 embedded, 2 rendered pages)",
    ),
    (
        "pdf/flyer-vector.pdf",
        "page 1: a grey box; page 2: a code of `re f` rectangles",
        "`!page-2`",
    ),
    (
        "svg/code.svg",
        "a code of `<rect>`s, one user unit per module",
        "the file itself",
    ),
    (
        "zip/assets.zip",
        "img/qr.png, docs/readme.txt, vector/code.svg, nested/inner.zip (deep/qr.png)",
        "`!img/qr.png`; `!vector/code.svg`; `!nested/inner.zip!deep/qr.png`",
    ),
    (
        "broken/truncated.zip",
        "cut in the middle of its second member; no central directory",
        "error; `!good.png` still read from its local header",
    ),
    (
        "broken/bomb.zip",
        "qr.png, then inner.zip whose zeros.bin inflates to 300 MiB (file: 2 KB)",
        "error at `!inner.zip!zeros.bin` (--max-container-bytes); `!qr.png` read",
    ),
    (
        "broken/bad-base64.eml",
        "an attachment with broken base64 beside a good one",
        "error at `!1/broken.png`; `!2/good.png` read",
    ),
    (
        "broken/nested-forever.eml",
        "a mail forwarded 20 times over, URL at the top, code at the bottom",
        "error at level 9 (--max-depth 8); `!1` URL read; with --max-depth 20 the bottom code too",
    ),
    (
        "broken/corrupt.pdf",
        "a PDF header and garbage",
        "error: corrupt PDF",
    ),
    (
        "site/index.html",
        "a page: `<img src>` of img/poster.png (twice), a `data:` URI image, an inline `<svg>` without a namespace, a CSS `url()` background, an image on a CDN, one outside the tree, a provisioning link and an image written by a script",
        "`!img[1]`; `!img[2]`; `!svg[1]`; `!url[1]`; notes: the CDN image not fetched, `../../outside.png` not read; the link and the script's image are not codes",
    ),
    (
        "site/blog/post.html",
        "a page below the first: a root-relative `<img src=\"/img/poster.png\">` and a `<picture>` whose `<source srcset>` holds ../img/bg.png and a `data:` URI",
        "`!img[1]`; `!source[1]/srcset-1`; `!source[1]/srcset-2`",
    ),
    (
        "broken/hostile-colour.pdf",
        "page 1: an image in ICCBased with /N 0; page 2: in DeviceN naming no colourants; page 3: a good code",
        "errors at `!page-1!Im1` and `!page-2!Im2` (the rendered pages 1 and 2 still show the code, drawn in grey); `!page-3!Im3` read",
    ),
];

fn readme() -> String {
    let mut out = String::from(
        "# testdata/containers/ — generated containers\n\n\
         Every file here is made by `examples/gen_containers.rs` (deterministic, byte-identical on\n\
         re-run): `cargo run --example gen_containers`. This README is written by it too.\n\
         `tests/containers.rs` checks what `qraudit scan` reports for each; the location syntax and\n\
         the limits are described in `docs/containers.md`.\n\n\
         The Outlook `.msg` files (and `msg/msg-in-mail.eml`) are written by a real MSG writer\n\
         instead, from the mails here: `pip install aspose-email-foss==26.3 compressed-rtf==1.0.7`\n\
         then `python3 examples/gen_msg.py` (after this generator); `tests/outlook_msg.rs` checks\n\
         them.\n\n\
         | file | what it is | reported |\n|---|---|---|\n",
    );
    for (file, what, reported) in README_ROWS {
        let _ = writeln!(out, "| `{file}` | {what} | {reported} |");
    }
    out
}

fn write(root: &Path, name: &str, bytes: &[u8]) {
    let path = root.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("creating folders");
    std::fs::write(&path, bytes).expect("writing test data");
    println!("testdata/containers/{name} ({} bytes)", bytes.len());
}

fn qr(text: &str) -> QrCode {
    QrCode::new(text.as_bytes()).expect("text fits in a QR code")
}

/// A QR code as an image, `module` pixels per module, with the standard quiet zone.
fn qr_image(text: &str, module: u32) -> GrayImage {
    qr(text)
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module, module)
        .build()
}

fn encode(image: &GrayImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut out), format)
        .expect("encoding an image in memory");
    out
}

fn png(text: &str) -> Vec<u8> {
    encode(&qr_image(text, 8), ImageFormat::Png)
}

/// Base64 in 76-character lines, as MIME writes it.
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = data_encoding::BASE64.encode(bytes);
    let mut out = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push_str("\r\n");
    }
    out
}

/// Quoted-printable (RFC 2045 6.7) with soft line breaks at 76 characters.
fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for byte in text.bytes() {
        let piece = match byte {
            b'\n' => {
                out.push_str("\r\n");
                line = 0;
                continue;
            }
            b'=' => "=3D".to_string(),
            b if b.is_ascii_graphic() || b == b' ' => (b as char).to_string(),
            b => format!("={b:02X}"),
        };
        if line + piece.len() > 75 {
            out.push_str("=\r\n");
            line = 0;
        }
        line += piece.len();
        out.push_str(&piece);
    }
    out
}

fn headers(subject: &str) -> String {
    format!(
        "From: Helpdesk <helpdesk@example.com>\r\nTo: Alice <alice@example.com>\r\n\
         Subject: {subject}\r\nDate: Thu, 01 Jan 2026 09:00:00 +0000\r\n\
         Message-ID: <{}@example.com>\r\nMIME-Version: 1.0\r\n",
        subject.to_ascii_lowercase().replace(' ', "-")
    )
}

/// A helpdesk mail: the URL in the text, an inline (`cid:`) code in the HTML, an attached poster.
/// Parts: 1.1.1 text/plain, 1.1.2 text/html, 1.2 inline image (cid only), 2 poster.png.
fn helpdesk_mail() -> Vec<u8> {
    let mut m = headers("Your Sametime mobile setup");
    m.push_str("Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n");
    m.push_str("This is a multi-part message in MIME format.\r\n");
    m.push_str("--outer\r\nContent-Type: multipart/related; boundary=\"related\"\r\n\r\n");
    m.push_str("--related\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n");
    m.push_str("--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
    let _ = write!(
        m,
        "Hello Alice,\r\n\r\nscan the attached code, or tap this link on your phone:\r\n<{HELPDESK_TEXT}>\r\n\r\nThe helpdesk\r\n"
    );
    m.push_str("--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n");
    m.push_str(
        "<html><body><p>Hello Alice,</p><p>Scan this code:</p>\
         <img src=\"cid:code@helpdesk.example.com\" alt=\"QR code\"></body></html>\r\n",
    );
    m.push_str("--alt--\r\n");
    m.push_str(
        "--related\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\
         Content-ID: <code@helpdesk.example.com>\r\nContent-Disposition: inline\r\n\r\n",
    );
    m.push_str(&base64_lines(&png(HELPDESK_INLINE)));
    m.push_str("--related--\r\n");
    m.push_str(
        "--outer\r\nContent-Type: image/png; name=\"poster.png\"\r\n\
         Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"poster.png\"\r\n\r\n",
    );
    m.push_str(&base64_lines(&png(HELPDESK_POSTER)));
    m.push_str("--outer--\r\n");
    m.into_bytes()
}

/// "Is this code safe?": a short note, and the helpdesk mail attached as message/rfc822 (part 2).
fn forwarded_mail(original: &[u8]) -> Vec<u8> {
    let mut m = headers("Fwd: Your Sametime mobile setup").into_bytes();
    m.extend_from_slice(
        b"Content-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n\
          --fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
          Hi security team, is this code safe to scan?\r\n\
          --fwd\r\nContent-Type: message/rfc822\r\n\
          Content-Disposition: attachment; filename=\"original.eml\"\r\n\r\n",
    );
    m.extend_from_slice(original);
    m.extend_from_slice(b"\r\n--fwd--\r\n");
    m
}

/// A quoted-printable HTML newsletter with a `data:` URI code and a provisioning link.
fn newsletter_mail() -> Vec<u8> {
    let link = NEWSLETTER_LINK.replace('&', "&amp;");
    let html = format!(
        "<html><body>\n<p>Set up Sametime on your phone in one step.</p>\n\
         <p><a href=\"{link}\">Tap here on your phone</a></p>\n\
         <p><img alt=\"code\" src=\"data:image/png;base64,{}\"></p>\n</body></html>\n",
        data_encoding::BASE64.encode(&png(NEWSLETTER_IMAGE))
    );
    let mut m = headers("Newsletter");
    m.push_str(
        "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
    );
    m.push_str(&quoted_printable(&html));
    m.into_bytes()
}

/// Three messages: a URL in text; an attached code (part 2); nothing, with an escaped From line.
fn mbox() -> Vec<u8> {
    let mut out = String::new();
    out.push_str("From helpdesk@example.com Thu Jan  1 09:00:00 2026\n");
    out.push_str(&headers("One").replace("\r\n", "\n"));
    let _ = write!(
        out,
        "Content-Type: text/plain\n\nYour link: {MBOX_TEXT}\n\n"
    );
    out.push_str("From helpdesk@example.com Thu Jan  1 09:01:00 2026\n");
    out.push_str(&headers("Two").replace("\r\n", "\n"));
    out.push_str("Content-Type: multipart/mixed; boundary=\"b\"\n\n");
    out.push_str("--b\nContent-Type: text/plain\n\nThe code is attached.\n");
    out.push_str(
        "--b\nContent-Type: image/png; name=\"qr.png\"\nContent-Transfer-Encoding: base64\n\n",
    );
    out.push_str(&base64_lines(&png(MBOX_IMAGE)).replace("\r\n", "\n"));
    out.push_str("--b--\n\n");
    out.push_str("From helpdesk@example.com Thu Jan  1 09:02:00 2026\n");
    out.push_str(&headers("Three").replace("\r\n", "\n"));
    out.push_str(
        "Content-Type: text/plain\n\nNo code in this one.\n>From the helpdesk, with love.\n",
    );
    out.into_bytes()
}

/// A PDF from `objects` (object i is number i + 1; object 1 is the catalog), with a correct xref.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
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

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("compressing in memory");
    encoder.finish().expect("compressing in memory")
}

/// An A5 page whose content is object `content` and whose only image, `/Im{image}`, is object
/// `content + 1`.
fn image_page(content: u32, image: u32) -> Vec<u8> {
    format!(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents {content} 0 R \
         /Resources << /XObject << /Im{image} {} 0 R >> >> >>",
        content + 1
    )
    .into_bytes()
}

/// A content stream drawing image `name` 200 points wide in the middle of an A5 page.
fn draw_image(name: &str) -> Vec<u8> {
    stream(
        "",
        format!("BT ET q 200 0 0 200 110 300 cm /{name} Do Q").as_bytes(),
    )
}

/// Two A5 pages, each drawing one raster code: page 1 a FlateDecode grey image at one pixel per
/// module (as generators embed them), page 2 a DCTDecode JPEG.
fn raster_pdf() -> Vec<u8> {
    let small = qr_image(PDF_FLATE, 1);
    let jpeg = encode(&qr_image(PDF_JPEG, 6), ImageFormat::Jpeg);
    let jpeg_side = qr_image(PDF_JPEG, 6).width();
    let (page, draw) = (image_page, draw_image);
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
        page(4, 1),
        draw("Im1"),
        stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
                 /BitsPerComponent 8 /Interpolate false /Filter /FlateDecode",
                small.width(),
                small.height()
            ),
            &deflate(small.as_raw()),
        ),
        page(7, 2),
        draw("Im2"),
        stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {jpeg_side} /Height {jpeg_side} \
                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode"
            ),
            &jpeg,
        ),
    ])
}

/// Three pages, each drawing one FlateDecode image at one pixel per module: page 1's colour
/// space is an ICC profile declaring `/N 0` components, page 2's a DeviceN naming no
/// colourants (neither describes any sample), page 3's plain DeviceGray. A reader that indexes
/// the components of the first two panics; qraudit reports them as errors and reads page 3.
fn hostile_colour_pdf() -> Vec<u8> {
    let small = qr_image(HOSTILE_SURVIVOR, 1);
    let data = deflate(small.as_raw());
    let (page, draw) = (image_page, draw_image);
    let image = |colour_space: &str| {
        stream(
            &format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {colour_space} \
                 /BitsPerComponent 8 /Filter /FlateDecode",
                small.width(),
                small.height()
            ),
            &data,
        )
    };
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 7 0 R 10 0 R] /Count 3 >>".to_vec(),
        page(4, 1),
        draw("Im1"),
        image("[/ICCBased 6 0 R]"),
        stream("/N 0", b"not a profile"),
        page(8, 2),
        draw("Im2"),
        image("[/DeviceN [] /DeviceGray 6 0 R]"),
        page(11, 3),
        draw("Im3"),
        image("/DeviceGray"),
    ])
}

/// Two pages: page 1 only a grey box, page 2 a code drawn as filled rectangles (`re f`), one
/// per dark module, the way PDF generators draw vector codes.
fn vector_pdf() -> Vec<u8> {
    let code = qr(PDF_VECTOR);
    let n = code.width();
    let colors = code.to_colors();
    let module = 6.0;
    let (x0, y0) = (60.0, 200.0);
    let mut content = String::from("0 0 0 rg\n");
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (col, row) = (i % n, i / n);
            // PDF's y axis points up: row 0 is the top row.
            let x = x0 + col as f64 * module;
            let y = y0 + (n - 1 - row) as f64 * module;
            let _ = writeln!(content, "{x} {y} {module} {module} re");
        }
    }
    content.push_str("f\n");
    let compressed = deflate(content.as_bytes());
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R >>".to_vec(),
        stream("", b"0.8 g 50 50 320 495 re f"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 6 0 R >>".to_vec(),
        stream("/Filter /FlateDecode", &compressed),
    ])
}

/// A code drawn as one `<rect>` per dark module, one user unit per module.
/// The first page of the generated website (testdata/containers/site).
fn site_index() -> String {
    let data = data_encoding::BASE64.encode(&png(SITE_DATA));
    let inline = svg(SITE_SVG);
    // HTML lets an inline SVG leave out the XML declaration and the namespace.
    let inline = inline
        .split_once('\n')
        .map_or(inline.as_str(), |(_, rest)| rest)
        .replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Join Sametime <img src=\"title.png\"></title>\n\
         <style>\n.poster {{ background: #fff url('img/bg.png') no-repeat; }}\n</style>\n</head>\n<body>\n\
         <h1>Add the Sales community</h1>\n\
         <p>Scan the poster, or <a href=\"hclsametime://link.example.com/?action=AddCommunity&amp;communityName=Link\">tap here</a>.</p>\n\
         <img src=\"img/poster.png\" alt=\"poster\">\n\
         <img alt=\"data\" src=\"data:image/png;base64,{data}\">\n\
         <div class=poster>\n{inline}</div>\n\
         <!-- <img src=\"img/commented-out.png\"> -->\n\
         <img src=\"https://cdn.example.com/qr.png\" alt=\"cdn\">\n\
         <img src=\"../../outside.png\" alt=\"outside\">\n\
         <img src=\"img/poster.png?v=2\" alt=\"again\">\n\
         <script>document.write('<img src=\"img/script.png\">');</script>\n\
         </body>\n</html>\n"
    )
}

/// A second page, one folder down, referring to the first page's images in two more ways.
fn site_post() -> String {
    let data = data_encoding::BASE64.encode(&png(SITE_SRCSET));
    format!(
        "<!doctype html>\n<html>\n<body>\n\
         <img src=\"/img/poster.png\" alt=\"from the site root\">\n\
         <picture>\n<source srcset=\"../img/bg.png 1x, data:image/png;base64,{data} 2x\">\n\
         <img src=\"/img/poster.png\" alt=\"fallback\">\n</picture>\n\
         </body>\n</html>\n"
    )
}

fn svg(text: &str) -> String {
    let code = qr(text);
    let n = code.width();
    let side = n + 8;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{side}\" height=\"{side}\" shape-rendering=\"crispEdges\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    );
    for (i, color) in code.to_colors().iter().enumerate() {
        if *color == Color::Dark {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\" fill=\"#000\"/>",
                i % n + 4,
                i / n + 4
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

fn zip(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in members {
        writer
            .start_file(*name, options)
            .expect("adding a zip member");
        writer.write_all(data).expect("writing a zip member");
    }
    writer.finish().expect("finishing a zip").into_inner()
}

/// Published assets: a code in a folder, a text file, an SVG code, and a nested zip.
fn assets_zip() -> Vec<u8> {
    let inner = zip(&[("deep/qr.png", &png(ZIP_NESTED))]);
    zip(&[
        ("img/qr.png", &png(ZIP_TOP)),
        (
            "docs/readme.txt",
            b"Scan the codes in img/ with the Sametime app.\n",
        ),
        ("vector/code.svg", svg(SVG_CODE).as_bytes()),
        ("nested/inner.zip", &inner),
    ])
}

/// A download cut short: the first member is whole, the second and the central directory are not.
fn truncated_zip() -> Vec<u8> {
    let whole = zip(&[("good.png", &png(BROKEN_GOOD)), ("lost.png", &png(ZIP_TOP))]);
    let second = 4 + whole[4..]
        .windows(4)
        .position(|w| w == b"PK\x03\x04")
        .expect("a second local header");
    whole[..second + 200].to_vec()
}

/// A zip bomb: a readable code, then a nested zip whose member inflates to 300 MiB of zeros,
/// more than the default --max-container-bytes (256 MiB). The outer zip is a few kilobytes.
fn bomb_zip() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(false);
    writer
        .start_file("zeros.bin", options)
        .expect("adding a zip member");
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..300 {
        writer.write_all(&chunk).expect("writing zeros");
    }
    let inner = writer.finish().expect("finishing a zip").into_inner();
    zip(&[("qr.png", &png(BROKEN_GOOD)), ("inner.zip", &inner)])
}

/// An attachment whose base64 is broken, beside one that is fine.
fn bad_base64_mail() -> Vec<u8> {
    let mut m = headers("Broken attachment");
    m.push_str("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n");
    m.push_str(
        "--b\r\nContent-Type: image/png; name=\"broken.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    );
    m.push_str("iVBORw0KGgo!!!!not*base64*at*all\r\n");
    m.push_str(
        "--b\r\nContent-Type: image/png; name=\"good.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    );
    m.push_str(&base64_lines(&png(BROKEN_GOOD)));
    m.push_str("--b--\r\n");
    m.into_bytes()
}

/// A mail forwarded `levels` times over (message/rfc822 in message/rfc822 …), a URL in the
/// outermost text and a code at the very bottom.
fn nested_mail(levels: u32) -> Vec<u8> {
    let mut inner = headers("Level 20").into_bytes();
    inner
        .extend_from_slice(b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    inner.extend_from_slice(base64_lines(&png(DEEP_BOTTOM)).as_bytes());
    for level in (1..levels).rev() {
        // Distinct boundaries, none a prefix of another ("--l1" would match "--l10").
        let boundary = format!("=_level_{level}_=");
        let mut outer = headers(&format!("Level {level}")).into_bytes();
        let text = if level == 1 {
            format!("Start here: {DEEP_TOP}")
        } else {
            "Forwarded again.".to_string()
        };
        outer.extend_from_slice(
            format!(
                "Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n\
                 --{boundary}\r\nContent-Type: text/plain\r\n\r\n{text}\r\n\
                 --{boundary}\r\nContent-Type: message/rfc822\r\n\r\n"
            )
            .as_bytes(),
        );
        outer.extend_from_slice(&inner);
        outer.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        inner = outer;
    }
    inner
}
