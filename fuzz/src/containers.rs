//! The containers codes arrive in, built around a rendered code from `arbitrary` choices:
//! PDFs (a raster image XObject, or the modules drawn as vector rectangles), mails (base64 or
//! quoted-printable attachments with RFC 2047/2231 names, `data:` URIs in HTML, forwarded
//! `message/rfc822`), mboxes, zips (stored, deflated, nested) and SVGs. Each is well-formed,
//! so the target can insist that a clean code inside is read back exactly.

use std::io::Write;

use arbitrary::Arbitrary;
use base64::Engine;
use image::GrayImage;
use qrcode::{Color, QrCode};

/// How to wrap the code; nesting is bounded by the recursion depth of `Wrap::build`.
#[derive(Debug, Arbitrary)]
pub enum Wrap {
    PdfRaster { flate: bool },
    PdfVector,
    Svg,
    Mail { part: MailPart, name: NameStyle },
    Forwarded(Box<Wrap>),
    Mbox { before: u8, inner: Box<Wrap> },
    Zip { deflate: bool, name: NameStyle, inner: Option<Box<Wrap>> },
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum MailPart {
    Base64,
    QuotedPrintable,
    DataUri,
    Inline,
}

/// A file name, plain or written the hard ways (RFC 2047 encoded words, RFC 2231 parameters,
/// characters that are location separators).
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum NameStyle {
    Plain,
    Rfc2047,
    Rfc2231,
    Separators,
}

/// What the code is: its symbol (for vector drawings) and a PNG of it.
pub struct Code<'a> {
    pub symbol: &'a QrCode,
    pub image: &'a GrayImage,
    pub png: &'a [u8],
}

const NAME: &str = "qr code (1).png";

impl NameStyle {
    /// The name as a header parameter (`; name...`), and as a zip member path.
    fn mail_param(self) -> String {
        match self {
            NameStyle::Plain => format!("name=\"{NAME}\""),
            NameStyle::Rfc2047 => "name=\"=?UTF-8?B?cXIgY29kZSDinIUucG5n?=\"".to_string(),
            NameStyle::Rfc2231 => "name*=UTF-8''qr%20code%20%E2%9C%85!%25.png".to_string(),
            NameStyle::Separators => "name=\"a!b%c\\\\d.png\"".to_string(),
        }
    }

    fn member(self) -> &'static str {
        match self {
            NameStyle::Plain => "img/qr.png",
            NameStyle::Rfc2047 => "=?UTF-8?B?cXI=?=.png",
            NameStyle::Rfc2231 => "dir/../qr ✅.png",
            NameStyle::Separators => "a!b%c/\u{1b}[2J.png",
        }
    }
}

impl Wrap {
    /// The container bytes; `depth` bounds the nesting `arbitrary` asks for.
    pub fn build(&self, code: &Code<'_>, depth: u32) -> Vec<u8> {
        let depth_left = depth < 4;
        match self {
            Wrap::PdfRaster { flate } => pdf_raster(code.image, *flate),
            Wrap::PdfVector => pdf_vector(code.symbol),
            Wrap::Svg => svg(code.symbol).into_bytes(),
            Wrap::Mail { part, name } => mail(code.png, *part, *name),
            Wrap::Forwarded(inner) if depth_left => {
                let inner = inner.build(code, depth + 1);
                let mut out = headers("Fwd: code", "multipart/mixed; boundary=\"outer\"");
                out.extend_from_slice(
                    b"--outer\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--outer\r\nContent-Type: message/rfc822\r\n\r\n",
                );
                out.extend_from_slice(&inner);
                out.extend_from_slice(b"\r\n--outer--\r\n");
                out
            }
            Wrap::Mbox { before, inner } if depth_left => {
                let mut out = Vec::new();
                for i in 0..(before % 4) {
                    out.extend_from_slice(
                        format!(
                            "From a@example.com Thu Jan  1 00:00:0{i} 2026\nFrom: a@example.com\nTo: b@example.com\nSubject: filler {i}\n\n>From the desk\n\n"
                        )
                        .as_bytes(),
                    );
                }
                out.extend_from_slice(b"From b@example.com Thu Jan  1 00:00:09 2026\n");
                let mail = match inner.as_ref() {
                    inner @ (Wrap::Mail { .. } | Wrap::Forwarded(_)) => inner.build(code, depth + 1),
                    _ => mail(code.png, MailPart::Base64, NameStyle::Plain),
                };
                // mboxrd: body lines starting with From get a '>' (none in what we build).
                out.extend_from_slice(&mail);
                out.push(b'\n');
                out
            }
            Wrap::Zip {
                deflate,
                name,
                inner,
            } => {
                let (member, data) = match inner {
                    Some(inner) if depth_left => ("inner.bin", inner.build(code, depth + 1)),
                    _ => (name.member(), code.png.to_vec()),
                };
                zip(&[(member, &data)], *deflate)
            }
            // Nesting too deep: the code as a plain attachment.
            _ => mail(code.png, MailPart::Base64, NameStyle::Plain),
        }
    }
}

fn headers(subject: &str, content_type: &str) -> Vec<u8> {
    format!(
        "From: Helpdesk <helpdesk@example.com>\r\nTo: user@example.com\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes()
}

fn mail(png: &[u8], part: MailPart, name: NameStyle) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
    let wrapped: Vec<String> = b64
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let mut out = headers(
        "=?UTF-8?Q?Your_=E2=9C=85_code?=",
        "multipart/mixed; boundary=\"b1\"",
    );
    out.extend_from_slice(b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nScan the attached code.\r\n");
    match part {
        MailPart::Base64 | MailPart::Inline => {
            let disposition = if matches!(part, MailPart::Inline) {
                "inline"
            } else {
                "attachment"
            };
            out.extend_from_slice(
                format!(
                    "--b1\r\nContent-Type: image/png; {}\r\nContent-Disposition: {disposition}\r\nContent-Transfer-Encoding: base64\r\nContent-ID: <qr@example.com>\r\n\r\n{}\r\n",
                    name.mail_param(),
                    wrapped.join("\r\n")
                )
                .as_bytes(),
            );
        }
        MailPart::QuotedPrintable => {
            out.extend_from_slice(
                format!(
                    "--b1\r\nContent-Type: image/png; {}\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n",
                    name.mail_param()
                )
                .as_bytes(),
            );
            out.extend_from_slice(&quoted_printable(png));
            out.extend_from_slice(b"\r\n");
        }
        MailPart::DataUri => {
            out.extend_from_slice(
                format!(
                    "--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Scan:</p><img alt=\"qr\" src=\"data:image/png;base64,{}\">\r\n",
                    wrapped.join("\r\n")
                )
                .as_bytes(),
            );
        }
    }
    out.extend_from_slice(b"--b1--\r\n");
    out
}

/// Quoted-printable with soft line breaks every 72 characters.
fn quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut line = 0;
    for &b in bytes {
        let piece = if (b.is_ascii_graphic() && b != b'=') || b == b' ' {
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
    out
}

fn zip(members: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut writer = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = ::zip::write::SimpleFileOptions::default().compression_method(if deflate {
        ::zip::CompressionMethod::Deflated
    } else {
        ::zip::CompressionMethod::Stored
    });
    for (name, data) in members {
        if writer.start_file(*name, options).is_err() || writer.write_all(data).is_err() {
            return Vec::new();
        }
    }
    writer
        .finish()
        .map(|cursor| cursor.into_inner())
        .unwrap_or_default()
}

/// A one-page PDF with correct xref offsets: `content` on the page, `extra` objects from 5 on.
fn pdf(content: &[u8], extra: &[Vec<u8>], resources: &str, size: u32) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size} {size}] /Contents 4 0 R /Resources {resources} >>"
        )
        .into_bytes(),
    ];
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    objects.push(stream);
    objects.extend(extra.iter().cloned());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
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

fn pdf_raster(image: &GrayImage, flate: bool) -> Vec<u8> {
    let (w, h) = image.dimensions();
    let (data, filter) = if flate {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        let _ = encoder.write_all(image.as_raw());
        (encoder.finish().unwrap_or_default(), " /Filter /FlateDecode")
    } else {
        (image.as_raw().clone(), "")
    };
    let mut object = format!(
        "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray /BitsPerComponent 8{filter} /Length {} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    object.extend_from_slice(&data);
    object.extend_from_slice(b"\nendstream");
    pdf(
        b"q 200 0 0 200 20 20 cm /Im1 Do Q",
        &[object],
        "<< /XObject << /Im1 5 0 R >> >>",
        240,
    )
}

/// The modules as filled rectangles, 4 points each, with a 4-module margin.
fn pdf_vector(code: &QrCode) -> Vec<u8> {
    let width = code.width() as u32;
    let colors = code.to_colors();
    let mut content = String::from("0 0 0 rg\n");
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            let (x, y) = (i as u32 % width, i as u32 / width);
            content.push_str(&format!("{} {} 4 4 re\n", (x + 4) * 4, (width + 3 - y) * 4));
        }
    }
    content.push_str("f\n");
    pdf(content.as_bytes(), &[], "<< >>", (width + 8) * 4)
}

fn svg(code: &QrCode) -> String {
    let width = code.width();
    let colors = code.to_colors();
    let mut out = format!(
        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" width=\"{0}\" height=\"{0}\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>",
        width + 8
    );
    for (i, c) in colors.iter().enumerate() {
        if *c == Color::Dark {
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"1\" height=\"1\"/>",
                i % width + 4,
                i / width + 4
            ));
        }
    }
    out.push_str("</svg>\n");
    out
}
