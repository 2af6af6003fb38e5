//! Generates every file under `testdata/`: `cargo run --example gen_testdata`.
//!
//! qraudit's test images are made by this program, never copied from elsewhere, so that every
//! file's content, licence and expected report are known exactly. It builds QR symbols with the
//! `qrcode` crate, renders the modules itself at a chosen module size and quiet zone, and composes
//! scenes (posters, screenshots, sheets, rotated / mirrored / inverted / low-contrast / skewed
//! codes, every image format, risky payloads, a damaged code, and hostile non-images) with the
//! small drawing helpers below. Output is deterministic: no clock, no OS randomness, only a fixed
//! seed for a tiny PRNG, so a re-run rewrites byte-identical files and `git status` stays clean.
//!
//! After writing, the program checks every image with plain rqrr (one pass, no retries): files
//! declared "easy" must decode to exactly their expected payloads with no extra symbol (a stray
//! undecodable symbol would turn a clean poster into an `unreadable-code` finding), the damaged
//! code must be detected but not decodable, the landscape must hold no symbol, and the
//! decoder-panic image must still make rqrr panic. What plain rqrr
//! reads is written to `testdata/manifest.tsv` (machine-readable ground truth, also used by
//! `bench/`) and to `testdata/README.md`, so neither can drift from the files.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{DynamicImage, GrayImage, ImageEncoder, ImageFormat, Rgb, RgbImage};
use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Payloads. The Sametime ones come from the seed (../shared/seed/000_a29b5a66113bb1d0.txt) or are
// small variations that trigger one audit rule each.

const SALES_TEAM: &str =
    "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team";
const PASSWORD_IN_URL: &str =
    "hclsametime://jdoe:Winter2026!@stproxy.example.com/?action=AddCommunity&communityName=Ops";
const UNTRUSTED_SSL: &str = "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true&savePassword=true";
const SEED_EXAMPLE_1: &str =
    "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server";
const SEED_EXAMPLE_2: &str =
    "hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity";
const SEED_EXAMPLE_3: &str = "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true";
const SEED_EXAMPLE_4: &str =
    "hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true";
const HELP_URL: &str = "https://intranet.example.com/sametime-help";
const CONFLICT_A: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Chat";
const CONFLICT_B: &str = "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Chat&allowUntrustedSSL=true";
const FORMATS_URL: &str = "https://example.com/formats";
const ENCODING: &str = "hclsametime://dmisawa@auto_sales@stproxyserver.example.com:9080/?action=AddCommunity%26communityName=Sales";
const CONTROL_CHARS: &str = "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=\x1b[2J\x1b]0;pwned\x07Team\u{202e}";
const EVIL_HOST: &str = "hclsametime://stproxy.example.com@evil.example.net/?action=AddCommunity";
/// Not UTF-8 (0xff, 0xfe and a lone continuation byte 0x80), with a NUL in the middle.
const BINARY: &[u8] = &[0xff, 0xfe, 0x00, 0x41, 0x80];
const PANIC_NEIGHBOUR: &str = "https://example.com/read-despite-a-decoder-panic";

fn community(name: &str) -> String {
    format!("hclsametime://stproxy.example.com/?action=AddCommunity&communityName={name}")
}

// ---------------------------------------------------------------------------------------------
// A tiny deterministic PRNG (SplitMix64): enough for noise and scrambling, and it keeps the
// output independent of any crate's random-number implementation.

struct Prng(u64);

impl Prng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }
}

// ---------------------------------------------------------------------------------------------
// QR symbols, rendered by us so that module size and quiet zone are exact.

struct Symbol {
    width: usize,
    dark: Vec<bool>,
}

impl Symbol {
    fn new(data: &[u8], ec: EcLevel) -> Symbol {
        let code = QrCode::with_error_correction_level(data, ec).expect("payload fits a QR symbol");
        Symbol::from_code(&code)
    }

    fn from_code(code: &QrCode) -> Symbol {
        Symbol {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        }
    }

    /// Black modules on white, `quiet` light modules around the symbol.
    fn render(&self, module_px: u32, quiet: u32) -> GrayImage {
        let side = (self.width as u32 + 2 * quiet) * module_px;
        GrayImage::from_fn(side, side, |x, y| {
            let mx = (x / module_px) as i64 - quiet as i64;
            let my = (y / module_px) as i64 - quiet as i64;
            let w = self.width as i64;
            let dark =
                (0..w).contains(&mx) && (0..w).contains(&my) && self.dark[(my * w + mx) as usize];
            image::Luma([if dark { 0 } else { 255 }])
        })
    }

    /// The rendered symbol as colour: `dark` for modules, `light` for the rest (grey levels in
    /// between, e.g. from resampling, are blended linearly).
    fn render_rgb(&self, module_px: u32, quiet: u32, dark: [u8; 3], light: [u8; 3]) -> RgbImage {
        tint(&self.render(module_px, quiet), dark, light)
    }
}

fn tint(grey: &GrayImage, dark: [u8; 3], light: [u8; 3]) -> RgbImage {
    RgbImage::from_fn(grey.width(), grey.height(), |x, y| {
        let t = grey.get_pixel(x, y).0[0] as f64 / 255.0;
        let mix = |d: u8, l: u8| (d as f64 + (l as f64 - d as f64) * t).round() as u8;
        Rgb([
            mix(dark[0], light[0]),
            mix(dark[1], light[1]),
            mix(dark[2], light[2]),
        ])
    })
}

// ---------------------------------------------------------------------------------------------
// Drawing helpers. Everything is clipped to the canvas so scenes can be laid out loosely.

const WHITE: [u8; 3] = [255, 255, 255];
const BLACK: [u8; 3] = [0, 0, 0];

fn canvas(w: u32, h: u32, colour: [u8; 3]) -> RgbImage {
    RgbImage::from_pixel(w, h, Rgb(colour))
}

fn fill(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: [u8; 3]) {
    let (x0, y0) = (x.max(0), y.max(0));
    let x1 = (x + w).min(img.width() as i64);
    let y1 = (y + h).min(img.height() as i64);
    for yy in y0..y1 {
        for xx in x0..x1 {
            img.put_pixel(xx as u32, yy as u32, Rgb(colour));
        }
    }
}

/// A one-pixel-wide rectangle outline.
fn frame(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: [u8; 3]) {
    fill(img, x, y, w, 1, colour);
    fill(img, x, y + h - 1, w, 1, colour);
    fill(img, x, y, 1, h, colour);
    fill(img, x + w - 1, y, 1, h, colour);
}

fn disc(img: &mut RgbImage, cx: i64, cy: i64, r: i64, colour: [u8; 3]) {
    for y in cy - r..=cy + r {
        for x in cx - r..=cx + r {
            if (x - cx).pow(2) + (y - cy).pow(2) <= r * r {
                fill(img, x, y, 1, 1, colour);
            }
        }
    }
}

fn blit(dst: &mut RgbImage, src: &RgbImage, x: i64, y: i64) {
    for (sx, sy, p) in src.enumerate_pixels() {
        let (dx, dy) = (x + sx as i64, y + sy as i64);
        if dx >= 0 && dy >= 0 && dx < dst.width() as i64 && dy < dst.height() as i64 {
            dst.put_pixel(dx as u32, dy as u32, *p);
        }
    }
}

/// A 3×5 pixel font (rows top to bottom, 3 bits each, MSB left), enough for poster titles.
/// Lower case is drawn as upper case; unknown characters as blanks.
fn glyph(c: char) -> [u8; 5] {
    match c.to_ascii_uppercase() {
        'A' => [0b010, 0b101, 0b111, 0b101, 0b101],
        'B' => [0b110, 0b101, 0b110, 0b101, 0b110],
        'C' => [0b011, 0b100, 0b100, 0b100, 0b011],
        'D' => [0b110, 0b101, 0b101, 0b101, 0b110],
        'E' => [0b111, 0b100, 0b110, 0b100, 0b111],
        'F' => [0b111, 0b100, 0b110, 0b100, 0b100],
        'G' => [0b011, 0b100, 0b101, 0b101, 0b011],
        'H' => [0b101, 0b101, 0b111, 0b101, 0b101],
        'I' => [0b111, 0b010, 0b010, 0b010, 0b111],
        'J' => [0b001, 0b001, 0b001, 0b101, 0b010],
        'K' => [0b101, 0b101, 0b110, 0b101, 0b101],
        'L' => [0b100, 0b100, 0b100, 0b100, 0b111],
        'M' => [0b101, 0b111, 0b111, 0b101, 0b101],
        'N' => [0b110, 0b101, 0b101, 0b101, 0b101],
        'O' => [0b010, 0b101, 0b101, 0b101, 0b010],
        'P' => [0b110, 0b101, 0b110, 0b100, 0b100],
        'Q' => [0b010, 0b101, 0b101, 0b110, 0b011],
        'R' => [0b110, 0b101, 0b110, 0b101, 0b101],
        'S' => [0b011, 0b100, 0b010, 0b001, 0b110],
        'T' => [0b111, 0b010, 0b010, 0b010, 0b010],
        'U' => [0b101, 0b101, 0b101, 0b101, 0b111],
        'V' => [0b101, 0b101, 0b101, 0b101, 0b010],
        'W' => [0b101, 0b101, 0b111, 0b111, 0b101],
        'X' => [0b101, 0b101, 0b010, 0b101, 0b101],
        'Y' => [0b101, 0b101, 0b010, 0b010, 0b010],
        'Z' => [0b111, 0b001, 0b010, 0b100, 0b111],
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b110, 0b001, 0b010, 0b100, 0b111],
        '3' => [0b110, 0b001, 0b010, 0b001, 0b110],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b110, 0b001, 0b110],
        '6' => [0b011, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b010, 0b010, 0b010],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b110],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        ':' => [0b000, 0b010, 0b000, 0b010, 0b000],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        ',' => [0b000, 0b000, 0b000, 0b010, 0b100],
        '/' => [0b001, 0b001, 0b010, 0b100, 0b100],
        '!' => [0b010, 0b010, 0b010, 0b000, 0b010],
        '?' => [0b110, 0b001, 0b010, 0b000, 0b010],
        _ => [0; 5],
    }
}

fn text_width(s: &str, scale: i64) -> i64 {
    (s.chars().count() as i64 * 4 - 1) * scale
}

fn text(img: &mut RgbImage, x: i64, y: i64, scale: i64, s: &str, colour: [u8; 3]) {
    for (i, c) in s.chars().enumerate() {
        let gx = x + i as i64 * 4 * scale;
        for (row, bits) in glyph(c).iter().enumerate() {
            for col in 0..3 {
                if bits & (0b100 >> col) != 0 {
                    fill(
                        img,
                        gx + col * scale,
                        y + row as i64 * scale,
                        scale,
                        scale,
                        colour,
                    );
                }
            }
        }
    }
}

fn text_centred(img: &mut RgbImage, cx: i64, y: i64, scale: i64, s: &str, colour: [u8; 3]) {
    text(img, cx - text_width(s, scale) / 2, y, scale, s, colour);
}

/// Lines of grey "words" (bars of varying width) standing in for body text in screenshots.
#[allow(clippy::too_many_arguments)]
fn text_bars(
    img: &mut RgbImage,
    rng: &mut Prng,
    x: i64,
    y: i64,
    w: i64,
    lines: i64,
    line_h: i64,
    colour: [u8; 3],
) {
    for line in 0..lines {
        let mut cx = x;
        // The last line of a paragraph is short, as in real text.
        let end = if line == lines - 1 { x + w / 2 } else { x + w };
        loop {
            let word = rng.range(14, 56);
            if cx + word > end {
                break;
            }
            fill(img, cx, y + line * line_h, word, line_h / 2, colour);
            cx += word + 8;
        }
    }
}

/// Bilinear sample of `src` at continuous coordinates (pixel centres at +0.5); `bg` outside.
fn sample(src: &RgbImage, u: f64, v: f64, bg: [u8; 3]) -> Rgb<u8> {
    let (fx, fy) = (u - 0.5, v - 0.5);
    let (x0, y0) = (fx.floor() as i64, fy.floor() as i64);
    let (tx, ty) = (fx - x0 as f64, fy - y0 as f64);
    let px = |x: i64, y: i64| -> [f64; 3] {
        if x < 0 || y < 0 || x >= src.width() as i64 || y >= src.height() as i64 {
            bg.map(f64::from)
        } else {
            src.get_pixel(x as u32, y as u32).0.map(f64::from)
        }
    };
    let (a, b, c, d) = (
        px(x0, y0),
        px(x0 + 1, y0),
        px(x0, y0 + 1),
        px(x0 + 1, y0 + 1),
    );
    let mut out = [0u8; 3];
    for i in 0..3 {
        let top = a[i] + (b[i] - a[i]) * tx;
        let bottom = c[i] + (d[i] - c[i]) * tx;
        out[i] = (top + (bottom - top) * ty).round().clamp(0.0, 255.0) as u8;
    }
    Rgb(out)
}

/// `src` rotated clockwise by `degrees` about its centre, on a canvas grown to hold it.
fn rotate(src: &RgbImage, degrees: f64, bg: [u8; 3]) -> RgbImage {
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (w, h) = (src.width() as f64, src.height() as f64);
    let out_w = (w * cos.abs() + h * sin.abs()).ceil();
    let out_h = (w * sin.abs() + h * cos.abs()).ceil();
    RgbImage::from_fn(out_w as u32, out_h as u32, |x, y| {
        // Inverse mapping: rotate the destination pixel centre back into the source.
        let dx = x as f64 + 0.5 - out_w / 2.0;
        let dy = y as f64 + 0.5 - out_h / 2.0;
        let u = cos * dx + sin * dy + w / 2.0;
        let v = -sin * dx + cos * dy + h / 2.0;
        sample(src, u, v, bg)
    })
}

fn mirror(src: &RgbImage) -> RgbImage {
    RgbImage::from_fn(src.width(), src.height(), |x, y| {
        *src.get_pixel(src.width() - 1 - x, y)
    })
}

/// Projective map of the unit square onto `quad` (TL, TR, BR, BL), as a 3×3 matrix
/// (Heckbert, "Fundamentals of Texture Mapping", 1989).
fn square_to_quad(q: [(f64, f64); 4]) -> [[f64; 3]; 3] {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let h = (dx1 * dy3 - dx3 * dy1) / den;
    [
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ]
}

fn invert3(m: [[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let c = |r: usize, k: usize| m[r % 3][k % 3];
    let mut adj = [[0.0; 3]; 3];
    for (i, row) in adj.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            // Cofactor of (j, i): the adjugate is the transposed cofactor matrix.
            *cell = c(j + 1, i + 1) * c(j + 2, i + 2) - c(j + 1, i + 2) * c(j + 2, i + 1);
        }
    }
    let det = m[0][0] * adj[0][0] + m[0][1] * adj[1][0] + m[0][2] * adj[2][0];
    adj.map(|row| row.map(|v| v / det))
}

/// Draws `src` onto `dst` projected onto `quad` (TL, TR, BR, BL), as a camera at an angle would.
fn warp_onto(dst: &mut RgbImage, src: &RgbImage, quad: [(f64, f64); 4]) {
    let inv = invert3(square_to_quad(quad));
    let (sw, sh) = (src.width() as f64, src.height() as f64);
    for y in 0..dst.height() {
        for x in 0..dst.width() {
            let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
            let w = inv[2][0] * px + inv[2][1] * py + inv[2][2];
            let u = (inv[0][0] * px + inv[0][1] * py + inv[0][2]) / w;
            let v = (inv[1][0] * px + inv[1][1] * py + inv[1][2]) / w;
            if (0.0..=1.0).contains(&u) && (0.0..=1.0).contains(&v) {
                let bg = dst.get_pixel(x, y).0;
                dst.put_pixel(x, y, sample(src, u * sw, v * sh, bg));
            }
        }
    }
}

/// Adds uniform noise in `-amp..=amp` to every channel (the same offset on all three, like
/// sensor luminance noise).
fn add_noise(img: &mut RgbImage, rng: &mut Prng, amp: i64) {
    for p in img.pixels_mut() {
        let n = rng.range(-amp, amp);
        p.0 = p.0.map(|c| (c as i64 + n).clamp(0, 255) as u8);
    }
}

/// A 3×3 box blur: a slightly out-of-focus camera.
fn blur(src: &RgbImage) -> RgbImage {
    let (w, h) = (src.width() as i64, src.height() as i64);
    RgbImage::from_fn(src.width(), src.height(), |x, y| {
        let mut sum = [0u32; 3];
        let mut n = 0;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let (sx, sy) = (x as i64 + dx, y as i64 + dy);
                if sx >= 0 && sy >= 0 && sx < w && sy < h {
                    let p = src.get_pixel(sx as u32, sy as u32).0;
                    for i in 0..3 {
                        sum[i] += p[i] as u32;
                    }
                    n += 1;
                }
            }
        }
        Rgb(sum.map(|s| ((s + n / 2) / n) as u8))
    })
}

// ---------------------------------------------------------------------------------------------
// Encoders. Everything is encoded to memory first so the bytes can be post-processed (truncated)
// and so the file on disk is exactly what the encoder produced.

fn png(img: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive)
        .write_image(
            img.as_bytes(),
            img.width(),
            img.height(),
            img.color().into(),
        )
        .expect("PNG encoding");
    out
}

fn png_rgb(img: &RgbImage) -> Vec<u8> {
    png(&DynamicImage::ImageRgb8(img.clone()))
}

/// Greyscale PNG: a third of the size for scenes that have no colour anyway.
fn png_grey(img: &RgbImage) -> Vec<u8> {
    png(&DynamicImage::ImageLuma8(
        DynamicImage::ImageRgb8(img.clone()).to_luma8(),
    ))
}

fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("JPEG encoding");
    out
}

fn encode_as(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("image encoding");
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// LSB-first bit writer for DEFLATE.
struct Bits {
    out: Vec<u8>,
    acc: u32,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, count: u32) {
        for i in 0..count {
            self.acc |= ((value >> i) & 1) << self.n;
            self.n += 1;
            if self.n == 8 {
                self.out.push(self.acc as u8);
                self.acc = 0;
                self.n = 0;
            }
        }
    }

    /// Huffman codes are defined most significant bit first.
    fn put_code(&mut self, code: u32, len: u32) {
        for i in (0..len).rev() {
            self.put((code >> i) & 1, 1);
        }
    }
}

/// A zlib stream holding `len` zero bytes, as one fixed-Huffman block: a literal zero, then
/// copies of 258 bytes at distance 1. About 13 bits per 258 bytes, so a whole 200 000-pixel
/// scanline costs 1.3 KB.
fn zlib_zeros(len: usize) -> Vec<u8> {
    let mut bits = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE = 01, fixed Huffman
    let literal_zero = |bits: &mut Bits| bits.put_code(0x30, 8); // literals 0..=143: 8 bits from 0x30
    literal_zero(&mut bits);
    let mut left = len - 1;
    while left >= 258 {
        bits.put_code(0b1100_0101, 8); // length symbol 285 = 258 bytes, no extra bits
        bits.put_code(0, 5); // distance symbol 0 = distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal_zero(&mut bits);
    }
    bits.put_code(0, 7); // end of block (symbol 256)
    if bits.n > 0 {
        bits.out.push(bits.acc as u8);
    }
    let mut out = bits.out;
    out.extend_from_slice(&adler32(&vec![0u8; len]).to_be_bytes());
    out
}

/// Three finder patterns (6-pixel modules) on a white 180 × 180 square: upright at (20, 20), one
/// at (80, 20) whose left edge leans right by 5/6, one at (20, 80) whose top edge slopes down by
/// 5/6. rqrr 0.11 panics on them ("assertion failed: x <= i32::MAX as f64", geometry.rs):
/// for a small grid it takes the fourth corner to be where the bottom-left pattern's top edge
/// meets the top-right pattern's left edge; the shear puts that point far out, so the grid's
/// perspective gets the vanishing line u + v = 22, and the fitness scoring samples the top-right
/// pattern at module (15.7, 6.3), exactly on it. All inputs are integers, so the denominator is
/// exactly 0.0 and the mapped coordinate infinite. (Found by tracing rqrr on a photograph that
/// panicked it, `corpus/zxing/qrcode-6/7.png`, and rebuilding the condition from scratch.)
fn rqrr_panic_finders() -> GrayImage {
    let mut img = GrayImage::from_pixel(180, 180, image::Luma([255]));
    sheared_finder(&mut img, (20, 20), (42, 0), (0, 42));
    sheared_finder(&mut img, (80, 20), (42, 0), (35, 42));
    sheared_finder(&mut img, (20, 80), (42, 35), (0, 42));
    img
}

/// A finder pattern (7 × 7 modules: dark ring, light ring, dark 3 × 3 centre) drawn as the
/// parallelogram with corner `origin` and edges `u` and `v` (whole pixels, boundary included so
/// that the corners are exact).
fn sheared_finder(img: &mut GrayImage, origin: (i64, i64), u: (i64, i64), v: (i64, i64)) {
    let det = u.0 * v.1 - u.1 * v.0;
    for y in 0..i64::from(img.height()) {
        for x in 0..i64::from(img.width()) {
            let (dx, dy) = (x - origin.0, y - origin.1);
            // Module coordinates times `det`, so that the tests stay in integers.
            let (mu, mv) = (7 * (dx * v.1 - dy * v.0), 7 * (u.0 * dy - u.1 * dx));
            let within = |lo: i64, hi: i64| {
                mu >= lo * det && mu <= hi * det && mv >= lo * det && mv <= hi * det
            };
            let light_ring = mu > det && mu < 6 * det && mv > det && mv < 6 * det;
            if (within(0, 7) && !light_ring) || within(2, 5) {
                img.put_pixel(x as u32, y as u32, image::Luma([0]));
            }
        }
    }
}

/// A valid PNG (signature, CRCs and zlib all correct) whose header claims 200 000 × 200 000
/// 8-bit grey pixels (40 GB), with a small IDAT holding only the first scanline. Only the size
/// claim is hostile: a decoder that allocates from the header before checking limits dies.
fn png_bomb() -> Vec<u8> {
    let side: u32 = 200_000;
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // depth 8, greyscale, deflate, adaptive, no interlace
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &zlib_zeros(side as usize + 1)); // filter byte + one row
    png_chunk(&mut out, b"IEND", &[]);
    out
}

// ---------------------------------------------------------------------------------------------
// Scenes.

/// A poster: title bar, subtitle, the code on a white card, numbered steps and a footer.
struct Poster<'a> {
    size: (u32, u32),
    paper: [u8; 3],
    accent: [u8; 3],
    title: &'a str,
    subtitle: &'a str,
    steps: &'a [&'a str],
    footer: &'a str,
}

fn poster(p: &Poster, code: &RgbImage) -> RgbImage {
    let (w, h) = (p.size.0 as i64, p.size.1 as i64);
    let mut img = canvas(p.size.0, p.size.1, p.paper);
    fill(&mut img, 0, 0, w, 110, p.accent);
    text_centred(&mut img, w / 2, 35, 8, p.title, WHITE);
    fill(&mut img, 0, 110, w, 8, [240, 160, 40]);
    text_centred(&mut img, w / 2, 140, 3, p.subtitle, [60, 60, 60]);
    let (cw, ch) = (code.width() as i64, code.height() as i64);
    let (cx, cy) = ((w - cw) / 2, 180);
    fill(&mut img, cx - 6, cy - 6, cw + 12, ch + 12, [210, 210, 210]);
    blit(&mut img, code, cx, cy);
    let mut y = cy + ch + 30;
    for step in p.steps {
        text(&mut img, 60, y, 3, step, [40, 40, 40]);
        y += 30;
    }
    // Decorative coloured blocks, as printed posters have.
    let blocks = [[240, 160, 40], [90, 170, 120], [200, 80, 80]];
    let bw = (w - 120) / 3;
    for (i, colour) in blocks.iter().enumerate() {
        fill(
            &mut img,
            30 + i as i64 * (bw + 30),
            h - 120,
            bw,
            40,
            *colour,
        );
    }
    fill(&mut img, 0, h - 60, w, 60, p.accent);
    text_centred(&mut img, w / 2, h - 38, 3, p.footer, WHITE);
    img
}

/// A desktop-application screenshot: title bar with window buttons, a sidebar, a white panel
/// with a heading, body text, the code and a button.
fn screenshot(
    size: (u32, u32),
    heading: &str,
    code: &RgbImage,
    sidebar: &[&str],
    rng: &mut Prng,
) -> RgbImage {
    let (w, h) = (size.0 as i64, size.1 as i64);
    let mut img = canvas(size.0, size.1, [236, 236, 236]);
    fill(&mut img, 0, 0, w, 36, [60, 63, 68]);
    for (i, colour) in [[237, 95, 87], [245, 190, 80], [98, 197, 84]]
        .iter()
        .enumerate()
    {
        disc(&mut img, 18 + i as i64 * 22, 18, 6, *colour);
    }
    text(&mut img, 90, 13, 2, "HCL SAMETIME", [210, 210, 210]);
    let side_w = (w / 4).min(200);
    fill(&mut img, 0, 36, side_w, h - 36, [48, 52, 58]);
    for (i, item) in sidebar.iter().enumerate() {
        let y = 56 + i as i64 * 36;
        if i == sidebar.len() - 1 {
            fill(&mut img, 0, y - 10, side_w, 30, [70, 110, 170]);
        }
        text(&mut img, 20, y, 2, item, [220, 220, 220]);
    }
    let (px, py) = (side_w + 20, 56);
    let (pw, ph) = (w - px - 20, h - py - 20);
    fill(&mut img, px, py, pw, ph, WHITE);
    frame(&mut img, px, py, pw, ph, [200, 200, 200]);
    text(&mut img, px + 20, py + 20, 3, heading, [30, 30, 30]);
    text_bars(
        &mut img,
        rng,
        px + 20,
        py + 50,
        pw - 40,
        3,
        14,
        [150, 150, 150],
    );
    let (cx, cy) = (px + 20, py + 100);
    blit(&mut img, code, cx, cy);
    let tx = cx + code.width() as i64 + 20;
    text_bars(
        &mut img,
        rng,
        tx,
        cy + 10,
        px + pw - 20 - tx,
        6,
        14,
        [150, 150, 150],
    );
    let by = (cy + code.height() as i64 + 20).min(py + ph - 44);
    fill(&mut img, px + pw - 140, by, 120, 30, [40, 110, 200]);
    text_centred(&mut img, px + pw - 80, by + 10, 2, "DONE", WHITE);
    img
}

/// A plain card: coloured header with a label, the code underneath on white.
fn card(label: &str, accent: [u8; 3], code: &RgbImage) -> RgbImage {
    let w = code.width() as i64 + 80;
    let h = code.height() as i64 + 140;
    let mut img = canvas(w as u32, h as u32, [246, 246, 246]);
    fill(&mut img, 0, 0, w, 70, accent);
    text_centred(&mut img, w / 2, 25, 4, label, WHITE);
    blit(&mut img, code, 40, 100);
    img
}

/// A landscape (sky, sun, two ranges of hills, a lake): an ordinary photo with no code in it.
fn landscape() -> RgbImage {
    let (w, h) = (480u32, 320u32);
    let mut img = RgbImage::from_fn(w, h, |_, y| {
        let t = y as f64 / 200.0;
        let mix = |a: f64, b: f64| (a + (b - a) * t.min(1.0)).round() as u8;
        Rgb([mix(110.0, 205.0), mix(160.0, 225.0), mix(225.0, 250.0)])
    });
    disc(&mut img, 380, 70, 30, [255, 222, 130]);
    for x in 0..w as i64 {
        let xf = x as f64;
        let far = 170.0 + 22.0 * (xf / 70.0).sin() + 9.0 * (xf / 23.0 + 1.0).sin();
        let near = 215.0 + 15.0 * (xf / 55.0 + 2.0).sin() + 6.0 * (xf / 17.0).sin();
        fill(&mut img, x, far as i64, 1, h as i64, [100, 150, 110]);
        fill(&mut img, x, near as i64, 1, h as i64, [70, 130, 70]);
    }
    fill(&mut img, 0, 275, w as i64, 45, [60, 110, 170]);
    img
}

// ---------------------------------------------------------------------------------------------
// The catalogue of generated files, with what each must contain and what qraudit should say.

/// What a file holds, for the plain-rqrr check and for `manifest.tsv`.
enum Expect {
    /// Decodable codes with these exact payloads.
    Codes(Vec<Vec<u8>>),
    /// A symbol a detector finds but that cannot be decoded.
    Unreadable,
    /// An image without any code.
    NoCode,
    /// Not an image at all: qraudit skips it.
    Skipped,
    /// Claims to be an image but cannot be loaded: a per-input error.
    Error,
    /// An image on which rqrr panics, beside codes with these payloads that the other passes
    /// read: an error for the input, with those codes still reported.
    DecoderPanic(Vec<Vec<u8>>),
}

struct Entry {
    path: String,
    expect: Expect,
    /// Plain rqrr must read every code (and find nothing else): the generator fails otherwise.
    easy: bool,
    about: String,
    report: String,
}

struct Generator {
    root: PathBuf,
    entries: Vec<Entry>,
    rng: Prng,
}

impl Generator {
    fn write(
        &mut self,
        path: &str,
        bytes: &[u8],
        expect: Expect,
        easy: bool,
        about: &str,
        report: &str,
    ) {
        let full = self.root.join(path);
        std::fs::create_dir_all(full.parent().expect("file under testdata/")).expect("mkdir");
        std::fs::write(&full, bytes).unwrap_or_else(|e| panic!("writing {}: {e}", full.display()));
        assert!(
            bytes.len() <= 300 * 1024,
            "{path} is {} bytes, over the 300 KB budget",
            bytes.len()
        );
        self.entries.push(Entry {
            path: path.to_string(),
            expect,
            easy,
            about: about.to_string(),
            report: report.to_string(),
        });
    }
}

fn codes(texts: &[&str]) -> Expect {
    Expect::Codes(texts.iter().map(|t| t.as_bytes().to_vec()).collect())
}

fn generate(g: &mut Generator) {
    // Posters --------------------------------------------------------------------------------
    let sales = Symbol::new(SALES_TEAM.as_bytes(), EcLevel::Q).render_rgb(7, 4, BLACK, WHITE);
    let img = poster(
        &Poster {
            size: (600, 880),
            paper: [250, 246, 238],
            accent: [28, 64, 120],
            title: "SALES TEAM",
            subtitle: "JOIN OUR SAMETIME COMMUNITY",
            steps: &[
                "1. INSTALL HCL SAMETIME",
                "2. SCAN THE CODE",
                "3. SIGN IN WITH YOUR ID",
            ],
            footer: "HELPDESK: EXT 4242",
        },
        &sales,
    );
    g.write(
        "posters/sales-team.png",
        &png_rgb(&img),
        codes(&[SALES_TEAM]),
        true,
        "Poster, one clean provisioning code (ECC Q, 7-px modules, 4-module quiet zone).",
        "1 code, sametime; no finding above info.",
    );

    let ops = Symbol::new(PASSWORD_IN_URL.as_bytes(), EcLevel::M).render_rgb(6, 4, BLACK, WHITE);
    let img = poster(
        &Poster {
            size: (640, 860),
            paper: [236, 242, 248],
            accent: [120, 30, 40],
            title: "OPS BRIDGE",
            subtitle: "SCAN TO CONNECT ON YOUR PHONE",
            steps: &["NO SETUP NEEDED:", "THE CODE SIGNS YOU IN"],
            footer: "OPS ON CALL: EXT 5000",
        },
        &ops,
    );
    g.write(
        "posters/password-in-url.jpg",
        &jpeg(&img, 88),
        codes(&[PASSWORD_IN_URL]),
        true,
        "JPEG poster; the code carries user `jdoe` and a password in the userinfo.",
        "1 code, sametime; `embedded-password` (critical), password masked in every output; `personal-user-id` (low).",
    );

    // Screenshots ----------------------------------------------------------------------------
    let code = Symbol::new(UNTRUSTED_SSL.as_bytes(), EcLevel::M).render_rgb(3, 4, BLACK, WHITE);
    let img = screenshot(
        (820, 560),
        "CONFIGURE MOBILE CLIENT",
        &code,
        &["CHATS", "MEETINGS", "CONTACTS", "SETTINGS"],
        &mut g.rng,
    );
    g.write(
        "screenshots/untrusted-ssl.png",
        &png_rgb(&img),
        codes(&[UNTRUSTED_SSL]),
        true,
        "Screenshot of a settings page (grey chrome, sidebar, text bars), code with 3-px modules.",
        "1 code, sametime; `untrusted-ssl` (high), `save-password` (medium).",
    );

    let code = Symbol::new(SEED_EXAMPLE_4.as_bytes(), EcLevel::M).render_rgb(2, 4, BLACK, WHITE);
    let img = screenshot(
        (440, 260),
        "SCAN ME",
        &code,
        &["CHATS", "SETUP"],
        &mut g.rng,
    );
    g.write(
        "screenshots/tiny-modules.png",
        &png_rgb(&img),
        codes(&[SEED_EXAMPLE_4]),
        true,
        "Small screenshot, code with 2-px modules (seed example 4: SafeLinx proxy on port 8881).",
        "1 code, sametime (authenticating proxy enabled, user prompted); `small-modules` when the threshold is above 2 px.",
    );

    // Sheets -------------------------------------------------------------------------------------
    // A staircase, not a 2×2 grid: rqrr pairs finder patterns that line up horizontally and
    // vertically at similar distances, and in a grid the top-left finders of three different
    // codes form such a triple (a grid layout made plain rqrr report 5 symbols and decode 2 of
    // 4). Offsetting each code diagonally leaves every finder only its own code's partners.
    let mut img = canvas(1060, 1080, WHITE);
    fill(&mut img, 0, 0, 1060, 80, [40, 40, 40]);
    text_centred(&mut img, 530, 25, 6, "SAMETIME MOBILE SETUP", WHITE);
    let cells = [
        (SEED_EXAMPLE_1, "SAMETIME SERVER"),
        (SEED_EXAMPLE_2, "USER DMISAWA"),
        (SEED_EXAMPLE_3, "SAFELINX PROXY"),
        (HELP_URL, "HELP PAGE"),
    ];
    for (i, (payload, label)) in cells.iter().enumerate() {
        let code = Symbol::new(payload.as_bytes(), EcLevel::M).render_rgb(5, 4, BLACK, WHITE);
        let (x, y) = (40 + i as i64 * 260, 110 + i as i64 * 240);
        let (cw, ch) = (code.width() as i64, code.height() as i64);
        frame(&mut img, x - 8, y - 8, cw + 16, ch + 16, [200, 200, 200]);
        blit(&mut img, &code, x, y);
        // Captions go beside the code, where the staircase leaves room.
        if i == 0 {
            text(&mut img, x + cw + 30, y + ch / 2, 3, label, [40, 40, 40]);
        } else {
            let tw = text_width(label, 3);
            text(&mut img, x - 30 - tw, y + ch / 2, 3, label, [40, 40, 40]);
        }
    }
    g.write(
        "sheets/four-codes.png",
        &png_rgb(&img),
        codes(&[SEED_EXAMPLE_1, SEED_EXAMPLE_2, SEED_EXAMPLE_3, HELP_URL]),
        true,
        "One sheet, four codes: seed examples 1, 2 and 3 and a help-page URL.",
        "4 codes: 3 sametime (`personal-user-id` on dmisawa, `placeholder-user-id` on Your_Sametime_ID), 1 url.",
    );

    for (path, payload, label, accent, report) in [
        (
            "sheets/conflict-a.png",
            CONFLICT_A,
            "CHAT - OFFICE A",
            [20, 120, 120],
            "1 code, sametime; with conflict-b.png in the same run: `community-conflict` (medium).",
        ),
        (
            "sheets/conflict-b.png",
            CONFLICT_B,
            "CHAT - OFFICE B",
            [20, 120, 120],
            "1 code, sametime; `untrusted-ssl` (high); with conflict-a.png: `community-conflict` (medium).",
        ),
    ] {
        let code = Symbol::new(payload.as_bytes(), EcLevel::M).render_rgb(6, 4, BLACK, WHITE);
        let img = card(label, accent, &code);
        g.write(
            path,
            &png_rgb(&img),
            codes(&[payload]),
            true,
            "Same community (stproxy.example.com:443, no user) as its sibling; b adds allowUntrustedSSL=true.",
            report,
        );
    }

    // Geometry and contrast ----------------------------------------------------------------------
    let hard = "1 code, sametime; may need a decoder pass beyond plain rqrr (`fragile-code` when only a heavy pass reads it).";

    let rotated_text = community("Rotated");
    let code = Symbol::new(rotated_text.as_bytes(), EcLevel::M).render_rgb(6, 4, BLACK, WHITE);
    let bg = [232, 232, 232];
    let turned = rotate(&code, 30.0, bg);
    let mut img = canvas(440, 440, bg);
    blit(
        &mut img,
        &turned,
        (440 - turned.width() as i64) / 2,
        (440 - turned.height() as i64) / 2,
    );
    add_noise(&mut img, &mut g.rng, 6);
    g.write(
        "rotated/rotated-30.png",
        &png_grey(&img),
        codes(&[&rotated_text]),
        false,
        "Code rotated by 30° (bilinear), light sensor noise.",
        hard,
    );

    let mirrored_text = community("Mirrored");
    let code = Symbol::new(mirrored_text.as_bytes(), EcLevel::M).render_rgb(6, 4, BLACK, WHITE);
    let mut img = canvas(360, 360, [240, 240, 240]);
    blit(&mut img, &mirror(&code), 45, 45);
    g.write(
        "rotated/mirrored.png",
        &png_grey(&img),
        codes(&[&mirrored_text]),
        false,
        "Code mirrored left to right (printed from the back of a transparency, or a selfie camera).",
        hard,
    );

    let inverted_text = community("Inverted");
    let night = [25, 25, 35];
    let code =
        Symbol::new(inverted_text.as_bytes(), EcLevel::M).render_rgb(6, 4, [240, 240, 240], night);
    let mut img = canvas(380, 420, night);
    text_centred(&mut img, 190, 20, 4, "DARK MODE", [240, 240, 240]);
    blit(&mut img, &code, 55, 75);
    g.write(
        "rotated/inverted.png",
        &png_rgb(&img),
        codes(&[&inverted_text]),
        false,
        "Light modules on a dark background (dark-mode design); the quiet zone is dark too.",
        hard,
    );

    let low_text = community("Low%20Contrast");
    let code = Symbol::new(low_text.as_bytes(), EcLevel::M).render_rgb(
        6,
        4,
        [110, 110, 110],
        [150, 150, 150],
    );
    let mut img = canvas(380, 380, [150, 150, 150]);
    blit(&mut img, &code, 55, 55);
    g.write(
        "rotated/low-contrast.png",
        &png_grey(&img),
        codes(&[&low_text]),
        false,
        "Modules grey 110 on grey 150.",
        hard,
    );

    let skew_text = community("Perspective");
    let code = Symbol::new(skew_text.as_bytes(), EcLevel::M).render_rgb(6, 4, BLACK, WHITE);
    let mut img = canvas(480, 460, [225, 225, 225]);
    // Top edge shorter than the bottom one: a poster on a wall photographed from below.
    warp_onto(
        &mut img,
        &code,
        [(120.0, 50.0), (370.0, 70.0), (440.0, 410.0), (40.0, 400.0)],
    );
    let mut img = blur(&img);
    add_noise(&mut img, &mut g.rng, 4);
    g.write(
        "rotated/perspective.png",
        &png_grey(&img),
        codes(&[&skew_text]),
        false,
        "Code projected onto a trapezoid (camera below and to the side), slight blur and noise.",
        hard,
    );

    // Formats ------------------------------------------------------------------------------------
    let code = Symbol::new(FORMATS_URL.as_bytes(), EcLevel::M).render(6, 4);
    let grey = DynamicImage::ImageLuma8(code.clone());
    let formats_report = "1 code, url `https://example.com/formats`; no finding.";
    for (path, format) in [
        ("formats/code.gif", ImageFormat::Gif),
        ("formats/code.bmp", ImageFormat::Bmp),
        ("formats/code.webp", ImageFormat::WebP),
        ("formats/code.tiff", ImageFormat::Tiff),
    ] {
        // The GIF encoder takes RGBA frames only.
        let img = if format == ImageFormat::Gif {
            DynamicImage::ImageRgba8(grey.to_rgba8())
        } else {
            grey.clone()
        };
        g.write(
            path,
            &encode_as(&img, format),
            codes(&[FORMATS_URL]),
            true,
            &format!("The same simple code as {format:?} (greyscale where the format allows)."),
            formats_report,
        );
    }
    g.write(
        "formats/png-named.jpg",
        &png(&grey),
        codes(&[FORMATS_URL]),
        true,
        "A PNG file named .jpg: the content, not the extension, decides the format.",
        formats_report,
    );

    // Risky payloads -------------------------------------------------------------------------------
    let risky: [(&str, &[u8], &str, &str, &str); 4] = [
        (
            "risky/encoding.png",
            ENCODING.as_bytes(),
            "SALES",
            "Raw `@` inside the user name and `%26` where `&` belongs (stproxyconfig.xml escaping leaked into the code).",
            "1 code, sametime; `malformed-encoding` (high), the app sees one parameter `action=AddCommunity&communityName=Sales`.",
        ),
        (
            "risky/control-chars.png",
            CONTROL_CHARS.as_bytes(),
            "TEAM",
            "Community name holding ESC sequences (clear screen, set window title), BEL and a right-to-left override U+202E.",
            "1 code, sametime; `control-characters` (high); the text is shown escaped (`\\x1b`), never raw.",
        ),
        (
            "risky/evil-host.png",
            EVIL_HOST.as_bytes(),
            "OPS LOGIN",
            "User info that looks like the trusted host: the real host is evil.example.net.",
            "1 code, sametime; `deceptive-userinfo` (high); with an allow-list, `host-not-allowed` (high).",
        ),
        (
            "risky/binary.png",
            BINARY,
            "DATA",
            "Byte-mode symbol whose payload is not UTF-8: ff fe 00 41 80.",
            "1 code; `text` is the bytes decoded lossily (U+FFFD for invalid bytes), `bytes_hex` `fffe004180`; payload kind `text`; `control-characters` (the NUL byte).",
        ),
    ];
    for (path, payload, label, about, report) in risky {
        let code = Symbol::new(payload, EcLevel::M).render_rgb(5, 4, BLACK, WHITE);
        let img = card(label, [150, 60, 20], &code);
        g.write(
            path,
            &png_rgb(&img),
            Expect::Codes(vec![payload.to_vec()]),
            true,
            about,
            report,
        );
    }

    // A damaged code ---------------------------------------------------------------------------
    // Every function pattern (finders, timing, alignment, format information) is kept so a
    // detector locks on; every data and error-correction module is replaced by a coin flip,
    // which no Reed-Solomon decoder can repair.
    let qr = QrCode::with_error_correction_level(community("Damaged").as_bytes(), EcLevel::M)
        .expect("payload fits");
    let mut sym = Symbol::from_code(&qr);
    for y in 0..sym.width {
        for x in 0..sym.width {
            if !qr.is_functional(x, y) {
                sym.dark[y * sym.width + x] = g.rng.next_u64() & 1 == 1;
            }
        }
    }
    let img = card("BROKEN", [90, 90, 90], &sym.render_rgb(6, 4, BLACK, WHITE));
    g.write(
        "unreadable/damaged.png",
        &png_rgb(&img),
        Expect::Unreadable,
        false,
        "Finder, timing and alignment patterns intact; data region scrambled beyond error correction.",
        "1 code with `text` null; `unreadable-code` (medium).",
    );

    // A decoder panic ---------------------------------------------------------------------------
    let mut sheet = GrayImage::from_pixel(430, 225, image::Luma([255]));
    image::imageops::replace(&mut sheet, &rqrr_panic_finders(), 0, 20);
    // 33 modules and 4 of quiet zone a side, at 5 pixels: 205 pixels square.
    let beside = Symbol::new(PANIC_NEIGHBOUR.as_bytes(), EcLevel::M).render(5, 4);
    image::imageops::replace(&mut sheet, &beside, 210, 10);
    g.write(
        "bad/decoder-panic.png",
        &png(&DynamicImage::ImageLuma8(sheet)),
        Expect::DecoderPanic(vec![PANIC_NEIGHBOUR.as_bytes().to_vec()]),
        false,
        "Three sheared finder patterns that make rqrr 0.11 panic (an assertion in its geometry.rs), beside a plain code.",
        "status `error` (`decoder panicked in pass …`), the code beside still reported; the other files are still scanned.",
    );

    // No code, not images, bad images -----------------------------------------------------------
    g.write(
        "no-code/landscape.png",
        &png_rgb(&landscape()),
        Expect::NoCode,
        false,
        "A landscape picture (sky, sun, hills, lake) without any code.",
        "status `no-code`; no finding.",
    );
    g.write(
        "not-images/notes.txt",
        b"Notes for the poster print run.\n\nThe Sales poster goes to floors 2 and 3; the Ops poster stays in the NOC.\nThis file is plain text: qraudit must skip it, not fail on it.\n",
        Expect::Skipped,
        false,
        "Plain text.",
        "status `skipped`.",
    );
    g.write(
        "not-images/fake.png",
        b"This is not a PNG image, only text with a .png name.\nThe bytes, not the extension, say what a file is.\n",
        Expect::Error,
        false,
        "Text with a .png name (no PNG signature).",
        "status `error`: the content is not an image although the name says so (a broken asset); plain text with a text name is `skipped`.",
    );
    g.write(
        "bad/empty.png",
        b"",
        Expect::Error,
        false,
        "Zero bytes.",
        "status `error` (empty file); never a crash.",
    );
    let whole = png(&DynamicImage::ImageLuma8(
        Symbol::new(b"https://example.com/truncated", EcLevel::M).render(6, 4),
    ));
    g.write(
        "bad/truncated.png",
        &whole[..whole.len() / 2],
        Expect::Error,
        false,
        "A real PNG of a code, cut in half (valid header, IDAT ends early, no IEND).",
        "status `error` (truncated image).",
    );
    g.write(
        "bad/bomb.png",
        &png_bomb(),
        Expect::Error,
        false,
        "Valid PNG whose IHDR claims 200000 × 200000 8-bit grey (40 GB); correct CRCs, 1.3 KB IDAT.",
        "status `error` quickly and in bounded memory (over `--max-pixels`).",
    );
    let mut corrupt = vec![
        0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00,
        0x01, 0x00, 0x01, 0x00, 0x00,
    ];
    corrupt.extend((0..2048).map(|_| g.rng.next_u64() as u8));
    g.write(
        "bad/corrupt.jpg",
        &corrupt,
        Expect::Error,
        false,
        "JPEG SOI and JFIF APP0 header, then 2 KB of pseudo-random garbage.",
        "status `error` (corrupt JPEG).",
    );
}

// ---------------------------------------------------------------------------------------------
// Checking with plain rqrr: one `prepare` + `detect_grids` + `decode_to`, nothing else.

struct RqrrResult {
    grids: usize,
    decoded: Vec<Vec<u8>>,
}

fn plain_rqrr(bytes: &[u8]) -> Result<RqrrResult, String> {
    let img = image::load_from_memory(bytes).map_err(|e| e.to_string())?;
    let luma = img.to_luma8();
    // rqrr can panic on real photos; a generated image should not, but say so clearly if one does.
    std::panic::catch_unwind(move || {
        let mut prepared = rqrr::PreparedImage::prepare(luma);
        let grids = prepared.detect_grids();
        let decoded = grids
            .iter()
            .filter_map(|grid| {
                let mut out = Vec::new();
                grid.decode_to(&mut out).ok().map(|_| out)
            })
            .collect();
        RqrrResult {
            grids: grids.len(),
            decoded,
        }
    })
    .map_err(|_| "rqrr panicked".to_string())
}

/// Per expected code: did plain rqrr read it? Panics when a promise of the catalogue is broken.
fn check(entry: &Entry, bytes: &[u8]) -> Vec<bool> {
    let path = &entry.path;
    match &entry.expect {
        Expect::Codes(expected) => {
            let got = plain_rqrr(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            let read: Vec<bool> = expected.iter().map(|e| got.decoded.contains(e)).collect();
            if entry.easy {
                assert!(
                    read.iter().all(|&r| r) && got.grids == expected.len(),
                    "{path}: plain rqrr found {} symbols and decoded {:?}, expected exactly {:?}",
                    got.grids,
                    got.decoded
                        .iter()
                        .map(|d| String::from_utf8_lossy(d))
                        .collect::<Vec<_>>(),
                    expected
                        .iter()
                        .map(|d| String::from_utf8_lossy(d))
                        .collect::<Vec<_>>(),
                );
            }
            // A hard file may go unread, but must never decode to something else.
            for d in &got.decoded {
                assert!(expected.contains(d), "{path}: plain rqrr misread {d:?}");
            }
            read
        }
        Expect::Unreadable => {
            let got = plain_rqrr(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(
                got.grids >= 1 && got.decoded.is_empty(),
                "{path}: expected a detected but undecodable symbol, got {} symbols, {} decoded",
                got.grids,
                got.decoded.len()
            );
            Vec::new()
        }
        Expect::NoCode => {
            let got = plain_rqrr(bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(
                got.grids, 0,
                "{path}: plain rqrr found a symbol in a code-free image"
            );
            Vec::new()
        }
        Expect::DecoderPanic(_) => {
            assert!(
                plain_rqrr(bytes).is_err(),
                "{path}: plain rqrr no longer panics on this image"
            );
            Vec::new()
        }
        Expect::Skipped | Expect::Error => {
            assert!(
                image::load_from_memory(bytes).is_err(),
                "{path}: the image crate loads a file meant to be unloadable"
            );
            Vec::new()
        }
    }
}

/// The manifest's escaping, shared with the corpus manifests: `\\ \t \n \r`, and `\xHH` for
/// every other byte outside printable ASCII (so non-UTF-8 payloads survive, and bidi overrides
/// cannot reorder the file in an editor).
fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => write!(out, "\\x{b:02x}").unwrap(),
        }
    }
    out
}

fn kind(expect: &Expect) -> &'static str {
    match expect {
        Expect::Codes(_) => "code",
        Expect::Unreadable => "unreadable",
        Expect::NoCode => "no-code",
        Expect::Skipped => "skipped",
        Expect::Error => "error",
        Expect::DecoderPanic(_) => "decoder-panic",
    }
}

fn write_docs(root: &Path, entries: &[Entry], read: &[Vec<bool>]) {
    let mut manifest = String::from(
        "# Ground truth for testdata/, written by `cargo run --example gen_testdata` (do not edit).\n\
         # Columns: relpath, expect (code | unreadable | no-code | skipped | error |\n\
         # decoder-panic), plain_rqrr (yes/no: one rqrr 0.11 pass reads this code; panics: rqrr\n\
         # panics on the image; \"-\" when there is no code), text (one row per code, also the\n\
         # codes beside a decoder panic; escapes \\\\ \\t \\n \\r and \\xHH for any other byte\n\
         # outside printable ASCII).\n",
    );
    let mut table = String::new();
    for (entry, read) in entries.iter().zip(read) {
        let mut shown = Vec::new();
        match &entry.expect {
            Expect::Codes(texts) => {
                for (text, ok) in texts.iter().zip(read) {
                    let yes = if *ok { "yes" } else { "no" };
                    writeln!(manifest, "{}\tcode\t{yes}\t{}", entry.path, escape(text)).unwrap();
                    shown.push(yes);
                }
            }
            Expect::DecoderPanic(texts) => {
                for text in texts {
                    writeln!(
                        manifest,
                        "{}\tdecoder-panic\tpanics\t{}",
                        entry.path,
                        escape(text)
                    )
                    .unwrap();
                }
            }
            other => writeln!(manifest, "{}\t{}\t-\t", entry.path, kind(other)).unwrap(),
        }
        let payloads = match &entry.expect {
            Expect::Codes(texts) | Expect::DecoderPanic(texts) => texts
                .iter()
                .map(|t| format!("`{}`", escape(t)))
                .collect::<Vec<_>>()
                .join("<br>"),
            Expect::Unreadable => "(unreadable symbol)".to_string(),
            _ => "—".to_string(),
        };
        let rqrr = match &entry.expect {
            Expect::Codes(_) if shown.iter().all(|s| *s == "yes") => "yes".to_string(),
            Expect::Codes(_) if shown.iter().all(|s| *s == "no") => "**no**".to_string(),
            Expect::Codes(_) => shown.join(", "),
            Expect::Unreadable => "detected, not decodable".to_string(),
            Expect::DecoderPanic(_) => "**panics**".to_string(),
            _ => "—".to_string(),
        };
        writeln!(
            table,
            "| `{}` | {} | {} | {} | {} |",
            entry.path, entry.about, payloads, rqrr, entry.report
        )
        .unwrap();
    }
    std::fs::write(root.join("manifest.tsv"), manifest).expect("writing manifest.tsv");

    let readme = format!(
        "# testdata/ — generated test images\n\n\
         Every file here is made by `examples/gen_testdata.rs`; nothing is copied from elsewhere.\n\
         Regenerate (deterministic, byte-identical on re-run) with:\n\n\
         ```sh\ncargo run --example gen_testdata\n```\n\n\
         This README and `manifest.tsv` are written by the same program; edit the generator, not\n\
         these files. `manifest.tsv` is the machine-readable ground truth (one row per code, the\n\
         escaping of `../shared/corpus` manifests) used by tests and by `bench/`.\n\n\
         The generator checks every image with *plain rqrr* (rqrr 0.11: one `prepare`,\n\
         `detect_grids`, `decode_to`; no inversion, no rescaling) and fails if a file meant to be easy\n\
         is not read exactly, if the damaged code is not detected-but-undecodable, or if the\n\
         landscape holds a symbol. The column \"plain rqrr\" below is that measurement; the files\n\
         marked **no** are the targets of qraudit's extra decoder passes.\n\n\
         \"Expected report\" is what `qraudit scan` should say once the audit rules of issue 3 and\n\
         the decoder passes of issue 4 are in (rule ids and default severities from issue 3).\n\n\
         | file | what it is | payload(s) | plain rqrr | expected report |\n\
         |---|---|---|---|---|\n\
         {table}\n\
         Sizes: every file is under 300 KB; the whole folder about {total} KB.\n",
        total = entries
            .iter()
            .map(|e| std::fs::metadata(root.join(&e.path)).map_or(0, |m| m.len()))
            .sum::<u64>()
            / 1024,
    );
    std::fs::write(root.join("README.md"), readme).expect("writing README.md");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut g = Generator {
        root: root.clone(),
        entries: Vec::new(),
        rng: Prng(0x5157_4155_4449_5421), // fixed seed: output must be byte-identical on re-run
    };
    generate(&mut g);

    let mut read = Vec::new();
    for entry in &g.entries {
        let bytes = std::fs::read(root.join(&entry.path)).expect("reading back");
        let r = check(entry, &bytes);
        println!(
            "{:<32} {:>7} bytes  {}",
            entry.path,
            bytes.len(),
            match &entry.expect {
                Expect::Codes(_) => format!(
                    "plain rqrr reads {}/{}",
                    r.iter().filter(|&&x| x).count(),
                    r.len()
                ),
                other => kind(other).to_string(),
            }
        );
        read.push(r);
    }
    write_docs(&root, &g.entries, &read);

    // Files left over from an older generator would silently stay in the repository.
    let known: Vec<PathBuf> = g.entries.iter().map(|e| root.join(&e.path)).collect();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for item in std::fs::read_dir(&dir)
            .expect("listing testdata/")
            .flatten()
        {
            let path = item.path();
            if path.is_dir() {
                stack.push(path);
            } else if !known.contains(&path)
                && path != root.join("README.md")
                && path != root.join("manifest.tsv")
            {
                eprintln!(
                    "warning: {} is not produced by this generator",
                    path.display()
                );
            }
        }
    }
}
