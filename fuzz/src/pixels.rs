//! Rendering a QR symbol to grey pixels, and the damage a photo, a scan or an attacker does to
//! them: noise, blur, crops, rotation, scaling, inversion, contrast loss.

use arbitrary::Arbitrary;
use image::{GrayImage, Luma};
use qrcode::{Color, EcLevel, QrCode};

/// How a symbol is drawn.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Render {
    pub ecc: u8,
    /// Pixels per module, 1 to 8.
    pub module_px: u8,
    /// Light modules around the symbol, 0 to 6.
    pub quiet_zone: u8,
}

impl Render {
    pub fn ecc_level(self) -> EcLevel {
        [EcLevel::L, EcLevel::M, EcLevel::Q, EcLevel::H][usize::from(self.ecc % 4)]
    }

    pub fn module_px(self) -> u32 {
        u32::from(self.module_px % 8) + 1
    }

    pub fn quiet_zone(self) -> u32 {
        u32::from(self.quiet_zone % 7)
    }

    /// Drawn as a reader expects at least: 3 pixels per module, a 4-module margin.
    pub fn is_clean(self) -> bool {
        self.module_px() >= 3 && self.quiet_zone() >= 4
    }
}

/// The symbol for `bytes` (byte mode), or `None` when it does not fit in version 40.
pub fn symbol(bytes: &[u8], render: Render) -> Option<QrCode> {
    QrCode::with_error_correction_level(bytes, render.ecc_level()).ok()
}

/// Draws `code` black on white; `None` when the image would have more than `max_side` pixels
/// a side (kept small so that one fuzz case costs milliseconds).
pub fn draw(code: &QrCode, render: Render, max_side: u32) -> Option<GrayImage> {
    let modules = code.width() as u32;
    let px = render.module_px();
    let side = (modules + 2 * render.quiet_zone()) * px;
    if side > max_side {
        return None;
    }
    let colors = code.to_colors();
    let quiet = render.quiet_zone();
    Some(GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (x / px, y / px);
        let dark = mx >= quiet
            && my >= quiet
            && mx < quiet + modules
            && my < quiet + modules
            && colors[((my - quiet) * modules + (mx - quiet)) as usize] == Color::Dark;
        Luma([if dark { 0 } else { 255 }])
    }))
}

/// One kind of damage.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Damage {
    /// Sets every `1 + n % 64`-th pixel (from a seed) to noise.
    Noise { seed: u32, every: u8 },
    /// Box blur of radius 1 to 4.
    Blur(u8),
    /// Keeps a window: offsets and size in per-mille of the image.
    Crop { x: u16, y: u16, w: u16, h: u16 },
    /// Rotates about the centre (nearest neighbour), by this many degrees.
    Rotate(u16),
    /// Rescales by 25 to 200 percent.
    Scale(u8),
    Invert,
    /// Squeezes the grey levels into a band.
    Contrast { low: u8, high: u8 },
    /// Writes a byte pattern over a run of pixels (a torn scan line).
    Stripe { row: u16, value: u8 },
}

/// Applies `damage` in order; every result is at least 1×1 and at most `max_side` a side.
pub fn damage(mut image: GrayImage, damage: &[Damage], max_side: u32) -> GrayImage {
    for d in damage.iter().take(6) {
        image = apply(&image, *d, max_side);
    }
    image
}

fn apply(image: &GrayImage, damage: Damage, max_side: u32) -> GrayImage {
    let (w, h) = image.dimensions();
    match damage {
        Damage::Noise { seed, every } => {
            let mut out = image.clone();
            let every = u64::from(every % 64) + 1;
            let mut state = u64::from(seed) | 1;
            for (i, p) in out.pixels_mut().enumerate() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if (i as u64 + state) % every == 0 {
                    p.0[0] = (state >> 24) as u8;
                }
            }
            out
        }
        Damage::Blur(r) => {
            let r = i64::from(r % 4) + 1;
            GrayImage::from_fn(w, h, |x, y| {
                let (mut sum, mut n) = (0u32, 0u32);
                for dy in -r..=r {
                    for dx in -r..=r {
                        let (sx, sy) = (i64::from(x) + dx, i64::from(y) + dy);
                        if sx >= 0 && sy >= 0 && sx < i64::from(w) && sy < i64::from(h) {
                            sum += u32::from(image.get_pixel(sx as u32, sy as u32).0[0]);
                            n += 1;
                        }
                    }
                }
                Luma([(sum / n.max(1)) as u8])
            })
        }
        Damage::Crop {
            x,
            y,
            w: cw,
            h: ch,
        } => {
            let per_mille = |v: u16, of: u32| (u64::from(v % 1000) * u64::from(of) / 1000) as u32;
            let (x0, y0) = (per_mille(x, w), per_mille(y, h));
            let cw = per_mille(cw, w).clamp(1, w - x0);
            let ch = per_mille(ch, h).clamp(1, h - y0);
            image::imageops::crop_imm(image, x0, y0, cw, ch).to_image()
        }
        Damage::Rotate(degrees) => {
            let angle = f64::from(degrees % 360).to_radians();
            let (sin, cos) = angle.sin_cos();
            let (cx, cy) = (f64::from(w) / 2.0, f64::from(h) / 2.0);
            GrayImage::from_fn(w, h, |x, y| {
                let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
                let sx = cos * dx + sin * dy + cx;
                let sy = -sin * dx + cos * dy + cy;
                if sx >= 0.0 && sy >= 0.0 && sx < f64::from(w) && sy < f64::from(h) {
                    *image.get_pixel(sx as u32, sy as u32)
                } else {
                    Luma([255])
                }
            })
        }
        Damage::Scale(percent) => {
            let percent = u32::from(percent % 176) + 25;
            let nw = (w * percent / 100).clamp(1, max_side);
            let nh = (h * percent / 100).clamp(1, max_side);
            image::imageops::resize(image, nw, nh, image::imageops::FilterType::Triangle)
        }
        Damage::Invert => {
            let mut out = image.clone();
            image::imageops::invert(&mut out);
            out
        }
        Damage::Contrast { low, high } => {
            let (low, high) = (u32::from(low.min(high)), u32::from(low.max(high)));
            let mut out = image.clone();
            for p in out.pixels_mut() {
                p.0[0] = (low + u32::from(p.0[0]) * (high - low) / 255) as u8;
            }
            out
        }
        Damage::Stripe { row, value } => {
            let mut out = image.clone();
            let y = u32::from(row) % h;
            for x in 0..w {
                out.put_pixel(x, y, Luma([value ^ (x as u8)]));
            }
            out
        }
    }
}

/// PNG bytes of `image`.
pub fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    // Encoding a valid in-memory raster cannot fail; an empty Vec would only make the case
    // uninteresting, never a false finding.
    let _ = image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png);
    out
}
