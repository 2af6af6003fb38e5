//! Fitting a grid that did not decode to the symbol's function patterns.
//!
//! rxing places a grid by the corners of its finder patterns (and, from version 2, an
//! alignment pattern it searches for), which on a curled label, an embossed print or a blurred
//! photo can sit a fraction of a module off: the samples near the far corner then land on
//! module edges, and Reed–Solomon gets more wrong codewords than it can correct. But a QR
//! symbol carries modules whose colour is known before it is read: the finder patterns with
//! their separators, the two timing lines and the alignment patterns. So the grid's four
//! corners are moved, one coordinate at a time, by a step that halves each round (a module,
//! then a half, a quarter…), keeping every move that puts more of those known modules on the
//! right colour (a hill climb over the 8 numbers of the perspective, as quirc fits its grids);
//! the grid sampled on the fitted corners is then decoded like any other. Reed–Solomon still
//! decides: a fit that does not put the data modules right does not decode.
//!
//! Measured on ../shared/corpus: bench/README.md, "Grid fitting: 15 more, and coarser pyramid
//! levels: 4" (961 -> 976 codes, no measurable time).

use rxing::common::{BitMatrix, PerspectiveTransform, Quadrilateral};
use rxing::point;
use rxing::qrcode::common::Version;

use super::dark_at;

/// The steps of the climb, in modules: each round tries every corner coordinate one step each
/// way, and the next round halves the step.
const STEPS: [f32; 5] = [0.8, 0.4, 0.2, 0.1, 0.05];

/// The most sweeps over the 8 coordinates at one step.
const SWEEPS: usize = 3;

/// Below this share of known modules right, the grid is no symbol (a noise grid matches half)
/// and is not fitted.
const MIN_START: f32 = 0.65;

/// The modules of an `n`-wide symbol whose colour does not depend on its data, as
/// (column, row, dark): the finder patterns and their separators, the timing lines and the
/// alignment patterns. `None` for a width no QR symbol has.
pub(super) fn known_modules(n: u32) -> Option<Vec<(u32, u32, bool)>> {
    // Below version 1 the arithmetic below (and rxing's version lookup) would underflow.
    if n < 21 {
        return None;
    }
    let version = Version::getProvisionalVersionForDimension(n).ok()?;
    let mut known = Vec::new();
    // The three finder patterns with their one-module light separators (8 × 8 at each corner).
    for (x0, y0) in [(0, 0), (n - 7, 0), (0, n - 7)] {
        for dy in -1i64..8 {
            for dx in -1i64..8 {
                let (x, y) = (i64::from(x0) + dx, i64::from(y0) + dy);
                if x < 0 || y < 0 || x >= i64::from(n) || y >= i64::from(n) {
                    continue;
                }
                // Inside the pattern, the ring one module in is light; the separator is too.
                let depth = dx.min(dy).min(6 - dx).min(6 - dy);
                let dark = depth >= 0 && depth != 1;
                known.push((x as u32, y as u32, dark));
            }
        }
    }
    // The timing lines, between the separators.
    for i in 8..n - 8 {
        known.push((i, 6, i % 2 == 0));
        known.push((6, i, i % 2 == 0));
    }
    // The alignment patterns: 5 × 5, dark ring, light ring, dark centre; none where a finder
    // pattern is.
    let centres = version.getAlignmentPatternCenters();
    for &cy in centres {
        for &cx in centres {
            // Beside a corner at both coordinates: a finder pattern's place, except the corner
            // opposite the top-left one, which has none.
            let near_corner = |c: u32| c < 9 || c > n - 10;
            let on_finder = near_corner(cx) && near_corner(cy) && (cx < 9 || cy < 9);
            if on_finder {
                continue;
            }
            for dy in -2i64..=2 {
                for dx in -2i64..=2 {
                    let dark = dx.abs().max(dy.abs()) != 1;
                    let (x, y) = (i64::from(cx) + dx, i64::from(cy) + dy);
                    known.push((x as u32, y as u32, dark));
                }
            }
        }
    }
    Some(known)
}

/// The perspective from module coordinates over `n` ((0,0) to (1,1)) to the pixels of `corners`
/// (module order: (0,0), (n,0), (n,n), (0,n)).
fn transform(corners: &[[f32; 2]; 4]) -> PerspectiveTransform {
    PerspectiveTransform::squareToQuadrilateral(Quadrilateral::from(
        corners.map(|[x, y]| point(x, y)),
    ))
}

/// Whether the matrix is dark at module coordinates (u, v) of the `n`-wide grid at `corners`
/// (module (0, 0) covers [0, 1) × [0, 1)); `None` outside the matrix.
fn module_reader(
    matrix: &BitMatrix,
    corners: &[[f32; 2]; 4],
    n: u32,
) -> impl Fn(f32, f32) -> Option<bool> {
    let map = transform(corners);
    let size = n as f32;
    move |u, v| {
        let p = map.transform_point(point(u / size, v / size));
        dark_at(matrix, [p.x, p.y])
    }
}

/// How many of `known` the matrix shows in their colour on the grid at `corners`.
fn fitness(matrix: &BitMatrix, corners: &[[f32; 2]; 4], n: u32, known: &[(u32, u32, bool)]) -> u32 {
    let dark = module_reader(matrix, corners, n);
    known
        .iter()
        .filter(|&&(u, v, expected)| dark(u as f32 + 0.5, v as f32 + 0.5) == Some(expected))
        .count() as u32
}

/// The corners (module order) of the `n`-wide grid at `corners` moved to where the matrix shows
/// the most function-pattern modules right, or `None` when the grid starts too far from a
/// symbol to be worth fitting or no move improved it. A version-1 grid, which has no alignment
/// pattern, then has its far corner moved to where the most modules read the same all over
/// (`purity`).
pub(super) fn fit(matrix: &BitMatrix, corners: [[f32; 2]; 4], n: u32) -> Option<[[f32; 2]; 4]> {
    let known = known_modules(n)?;
    let start = fitness(matrix, &corners, n, &known);
    if (start as f32) < MIN_START * known.len() as f32 {
        return None;
    }
    let module = ((corners[1][0] - corners[0][0]).hypot(corners[1][1] - corners[0][1])
        + (corners[3][0] - corners[0][0]).hypot(corners[3][1] - corners[0][1]))
        / 2.0
        / n as f32;
    let (mut fitted, best) = climb(corners, &[0, 1, 2, 3], module, |c| {
        fitness(matrix, c, n, &known)
    });
    // Version 1: nothing but extrapolation places the corner opposite the top-left finder
    // pattern (zxing's sampler takes the symbol for a parallelogram), and in perspective it
    // can sit a module off with every function module right. The module edges tell: on the
    // right grid every module's samples read one colour.
    if n == 21 && best as f32 >= MIN_SYMBOL * known.len() as f32 {
        let function = |c: &[[f32; 2]; 4]| fitness(matrix, c, n, &known);
        // The function patterns stay as right as they are; among such moves, the purest grid.
        let (far, _) = climb(fitted, &[2], module, |c| {
            let right = function(c);
            if right < best {
                0
            } else {
                right * n * n + purity(matrix, c, n)
            }
        });
        fitted = far;
    }
    (fitted != corners).then_some(fitted)
}

/// Share of the known modules right above which a grid is taken for a symbol when its far
/// corner is fitted (`fit`).
const MIN_SYMBOL: f32 = 0.9;

/// `corners` moved one coordinate of the `movable` corners at a time by a step that halves
/// (`STEPS`, in units of `module` pixels), keeping each move that raises `score`; the best
/// corners and their score.
fn climb(
    corners: [[f32; 2]; 4],
    movable: &[usize],
    module: f32,
    score: impl Fn(&[[f32; 2]; 4]) -> u32,
) -> ([[f32; 2]; 4], u32) {
    let mut best = score(&corners);
    let mut fitted = corners;
    for step in STEPS.map(|s| s * module) {
        // Sweeps at one step until none improves (a move of one corner can open a move of
        // another), at most `SWEEPS`.
        for _ in 0..SWEEPS {
            let before = best;
            for &corner in movable {
                for axis in 0..2 {
                    for delta in [step, -step] {
                        let mut moved = fitted;
                        moved[corner][axis] += delta;
                        let moved_score = score(&moved);
                        if moved_score > best {
                            best = moved_score;
                            fitted = moved;
                        }
                    }
                }
            }
            if best == before {
                break;
            }
        }
    }
    (fitted, best)
}

/// How many modules of the `n`-wide grid at `corners` read the same at their centre and at four
/// points 0.3 module from it: on a grid placed right, nearly all of them; where it sits off,
/// the samples of every module along the misplaced side straddle an edge.
fn purity(matrix: &BitMatrix, corners: &[[f32; 2]; 4], n: u32) -> u32 {
    let dark = module_reader(matrix, corners, n);
    let mut pure = 0;
    for v in 0..n {
        for u in 0..n {
            let (cu, cv) = (u as f32 + 0.5, v as f32 + 0.5);
            let Some(centre) = dark(cu, cv) else {
                continue;
            };
            let same = [(-0.3, 0.0), (0.3, 0.0), (0.0, -0.3), (0.0, 0.3)]
                .iter()
                .all(|&(du, dv)| dark(cu + du, cv + dv) == Some(centre));
            pure += u32::from(same);
        }
    }
    pure
}

/// The `n`-wide grid sampled from the matrix at module centres on the grid at `corners`;
/// `None` where a sample falls outside the matrix.
pub(super) fn sample(matrix: &BitMatrix, corners: &[[f32; 2]; 4], n: u32) -> Option<BitMatrix> {
    let dark = module_reader(matrix, corners, n);
    let mut grid = BitMatrix::new(n, n).ok()?;
    for v in 0..n {
        for u in 0..n {
            if dark(u as f32 + 0.5, v as f32 + 0.5)? {
                grid.set(u, v);
            }
        }
    }
    Some(grid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::engine::rxing::format_info::module_grid;
    use rxing::qrcode::cpp_port::decoder::Decode;

    /// A thresholded photo of a code of `version` at level L, `px` pixels a module, four modules
    /// of quiet zone, keystoned (the bottom row of modules narrower than the top by `keystone`);
    /// and the grid's true corners in module order.
    fn photo(text: &str, px: f32, version: i16, keystone: f32) -> (BitMatrix, [[f32; 2]; 4]) {
        let code = qrcode::QrCode::with_version(
            text.as_bytes(),
            qrcode::Version::Normal(version),
            qrcode::EcLevel::L,
        )
        .expect("fits at level L");
        let grid = module_grid(&code);
        let n = grid.getWidth() as f32;
        let side = ((n + 8.0) * px) as u32;
        let origin = 4.0 * px;
        let span = n * px;
        // Keystone: the bottom edge shorter than the top by `keystone` of it, centred.
        let corners = [
            [origin, origin],
            [origin + span, origin],
            [origin + (1.0 - keystone / 2.0) * span, origin + span],
            [origin + keystone / 2.0 * span, origin + span],
        ];
        let to_modules = PerspectiveTransform::quadrilateralToQuadrilateral(
            Quadrilateral::from(corners.map(|[x, y]| point(x, y))),
            Quadrilateral::from([[0.0, 0.0], [n, 0.0], [n, n], [0.0, n]].map(|[x, y]| point(x, y))),
        )
        .expect("a proper quadrilateral");
        let mut matrix = BitMatrix::new(side, side).expect("size");
        for y in 0..side {
            for x in 0..side {
                let m = to_modules.transform_point(point(x as f32 + 0.5, y as f32 + 0.5));
                if (0.0..n).contains(&m.x)
                    && (0.0..n).contains(&m.y)
                    && grid.get(m.x as u32, m.y as u32)
                {
                    matrix.set(x, y);
                }
            }
        }
        (matrix, corners)
    }

    fn text_at(matrix: &BitMatrix, corners: &[[f32; 2]; 4], n: u32) -> Option<String> {
        let grid = sample(matrix, corners, n)?;
        Decode(&grid)
            .ok()
            .filter(|r| r.isValid())
            .map(|r| r.text().to_string())
    }

    /// A grid placed with a corner a module off does not decode; fitted to the
    /// function patterns it lands within a third of a module of the truth (the samples are
    /// module centres, so every placement that puts them inside the right modules scores the
    /// same), and decodes.
    #[test]
    fn a_misplaced_grid_is_fitted_to_the_function_patterns() {
        let text = "hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Fit";
        let px = 6.0;
        let (matrix, truth) = photo(text, px, 5, 0.1);
        let n = 37;
        assert_eq!(text_at(&matrix, &truth, n).as_deref(), Some(text));
        for (corner, offset) in [
            (2, [1.0, 0.9]),
            (2, [-0.9, 1.0]),
            (1, [0.0, 1.0]),
            (3, [0.9, 0.0]),
            (3, [0.0, -0.9]),
        ] {
            let mut placed = truth;
            placed[corner][0] += offset[0] * px;
            placed[corner][1] += offset[1] * px;
            assert_eq!(
                text_at(&matrix, &placed, n),
                None,
                "corner {corner} {offset:?}"
            );
            let fitted = fit(&matrix, placed, n).expect("a better fit");
            for (f, t) in fitted.iter().zip(&truth) {
                let off = (f[0] - t[0]).hypot(f[1] - t[1]) / px;
                assert!(
                    off < 0.35,
                    "corner {corner} {offset:?}: {fitted:?} against {truth:?}"
                );
            }
            assert_eq!(text_at(&matrix, &fitted, n).as_deref(), Some(text));
        }
    }

    /// A version-1 code in perspective, its grid placed as zxing's sampler places one without
    /// an alignment pattern (a parallelogram on the three finder patterns' corners): every
    /// function module is right, the far corner is a module or more off, and nothing decodes.
    /// Fitted by the modules' purity, the far corner comes within half a module of the truth
    /// and the grid decodes.
    #[test]
    fn a_version_1_grid_has_its_far_corner_fitted() {
        let text = "Version 1 fit";
        let px = 8.0;
        for keystone in [0.04f32, 0.05] {
            let (matrix, truth) = photo(text, px, 1, keystone);
            let n = 21;
            assert_eq!(text_at(&matrix, &truth, n).as_deref(), Some(text));
            let mut parallelogram = truth;
            parallelogram[2] = [
                truth[1][0] + truth[3][0] - truth[0][0],
                truth[1][1] + truth[3][1] - truth[0][1],
            ];
            assert_eq!(
                text_at(&matrix, &parallelogram, n),
                None,
                "keystone {keystone}"
            );
            let fitted = fit(&matrix, parallelogram, n).expect("a better fit");
            let off = (fitted[2][0] - truth[2][0]).hypot(fitted[2][1] - truth[2][1]) / px;
            assert!(
                off < 0.5,
                "keystone {keystone}: {fitted:?} against {truth:?}"
            );
            assert_eq!(
                text_at(&matrix, &fitted, n).as_deref(),
                Some(text),
                "keystone {keystone}"
            );
        }
    }

    /// A grid on no symbol at all (noise) is not fitted: fitting would cost a climb per
    /// stray triple of a photo's texture.
    #[test]
    fn a_grid_on_noise_is_not_fitted() {
        let side = 300;
        let mut matrix = BitMatrix::new(side, side).expect("size");
        // Dark 6-pixel cells where a fixed hash says so: half of them, no pattern.
        for y in 0..side {
            for x in 0..side {
                let cell = (x / 6) * 7919 + (y / 6) * 104_729;
                if (cell.wrapping_mul(2_654_435_761) >> 16) & 1 == 1 {
                    matrix.set(x, y);
                }
            }
        }
        let corners = [[30.0, 30.0], [252.0, 30.0], [252.0, 252.0], [30.0, 252.0]];
        assert_eq!(fit(&matrix, corners, 37), None);
    }

    /// The known modules of version 1 are its 3 × 64 finder-and-separator cells (7 × 7 and
    /// the separator along the two inner sides) and 2 × 5 timing cells; version 2 adds one
    /// alignment pattern (25) and 2 × 4 timing cells.
    #[test]
    fn the_known_modules_are_the_function_patterns() {
        let v1 = known_modules(21).expect("version 1");
        assert_eq!(v1.len(), 3 * 64 + 2 * 5);
        let v2 = known_modules(25).expect("version 2");
        assert_eq!(v2.len(), 3 * 64 + 2 * 9 + 25);
        assert!(v2.contains(&(18, 18, true)) && v2.contains(&(17, 18, false)));
        assert!(
            v1.contains(&(3, 3, true))
                && v1.contains(&(1, 1, false))
                && v1.contains(&(7, 3, false))
        );
        assert_eq!(known_modules(22), None);
        assert_eq!(known_modules(17), None);
        assert_eq!(known_modules(0), None);
    }
}
