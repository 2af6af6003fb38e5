//! Completing a symbol of which only two finder patterns were seen (issue 21).
//!
//! A torn corner, a sticker, a thumb or a glare spot over one finder pattern leaves the other
//! two, and the detector, which needs three, samples nothing. But the two that remain fix the
//! third: a QR symbol is square, so two patterns on one side put the third a side's length
//! away at a right angle (on one side of them or the other), and two patterns on the diagonal
//! put it at the midpoint, half a diagonal away at a right angle. The grid is then sampled on
//! the affine map of the three centres (`sample_from_centres`) for the module count the
//! patterns' size and distance give, and decoded as any other: the data and the error
//! correction do not depend on the finder pattern that is gone, and the format information
//! has a second copy beside the other two patterns. Reed–Solomon decides, as for every grid:
//! a guess that is wrong does not decode.
//!
//! This is how the census (`examples/decode_corpus.rs --census`) counts "two finders": on
//! ../shared/corpus 22 of the 105 codes not read got that far.

use rxing::Point;
use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::ConcentricPattern;
use rxing::qrcode::cpp_port::detector::FinderPatternSet;

/// At most this many pairs are completed per look: each costs six guesses of the third
/// pattern, each sampled and decoded at up to three module counts.
const MAX_PAIRS: usize = 12;

/// A guessed finder-pattern triple, with the module counts to sample it at.
pub(super) struct Completed {
    pub set: FinderPatternSet,
    pub modules: Vec<u32>,
}

/// The triples that complete pairs of `patterns` (finder patterns no code used), nearest pairs
/// first: for each pair of similar size at a distance a symbol of 21 to 177 modules allows, the
/// third pattern on either side of the pair as a side of the symbol (with either pattern at the
/// corner), and on either side of it as the diagonal.
pub(super) fn completed_sets(patterns: &[ConcentricPattern]) -> Vec<Completed> {
    // (distance, module size, the two patterns), nearest first.
    let mut pairs: Vec<(f32, f32, usize, usize)> = Vec::new();
    for (i, a) in patterns.iter().enumerate() {
        for (j, b) in patterns.iter().enumerate().skip(i + 1) {
            let (small, large) = (a.size.min(b.size), a.size.max(b.size));
            if small <= 0 || large > 2 * small {
                continue;
            }
            let distance = (a.p.x - b.p.x).hypot(a.p.y - b.p.y);
            let module = (a.size + b.size) as f32 / 2.0 / 7.0;
            // As a side: centres (modules - 7) apart; as the diagonal: √2 times that.
            let side_modules = distance / module + 7.0;
            if !(21.0 * 0.9..=177.0 * 1.5 * std::f32::consts::SQRT_2).contains(&side_modules) {
                continue;
            }
            pairs.push((distance, module, i, j));
        }
    }
    pairs.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut completed = Vec::new();
    for &(distance, module, i, j) in pairs.iter().take(MAX_PAIRS) {
        let (a, b) = (patterns[i], patterns[j]);
        let size = (a.size + b.size) / 2;
        let third = |p: Point| ConcentricPattern { p, size };
        // The pair as a side, `corner` at the symbol's corner: the third is the other end of
        // the perpendicular side from `corner`.
        for (corner, end) in [(a, b), (b, a)] {
            let along = end.p - corner.p;
            for turn in [1.0f32, -1.0] {
                let across = Point {
                    x: -along.y * turn,
                    y: along.x * turn,
                };
                let set = FinderPatternSet {
                    tl: corner,
                    tr: end,
                    bl: third(corner.p + across),
                };
                completed.push(Completed {
                    set,
                    modules: module_counts(distance / module + 7.0),
                });
            }
        }
        // The pair as the diagonal: the corner is off its midpoint by half of it, at a right
        // angle.
        let middle = Point {
            x: (a.p.x + b.p.x) / 2.0,
            y: (a.p.y + b.p.y) / 2.0,
        };
        let half = Point {
            x: (b.p.x - a.p.x) / 2.0,
            y: (b.p.y - a.p.y) / 2.0,
        };
        for turn in [1.0f32, -1.0] {
            let corner = Point {
                x: middle.x - half.y * turn,
                y: middle.y + half.x * turn,
            };
            let set = FinderPatternSet {
                tl: third(corner),
                tr: a,
                bl: b,
            };
            completed.push(Completed {
                set,
                modules: module_counts(distance / std::f32::consts::SQRT_2 / module + 7.0),
            });
        }
    }
    completed
}

/// The module counts (4k + 1, 21 to 177) nearest to `estimate`, nearest first: the estimate
/// from a pattern's size is good to a few modules.
fn module_counts(estimate: f32) -> Vec<u32> {
    let nearest = ((estimate - 17.0) / 4.0).round() as i64 * 4 + 17;
    [nearest, nearest + 4, nearest - 4]
        .into_iter()
        .filter(|n| (21..=177).contains(n))
        .map(|n| n as u32)
        .collect()
}

/// Whether a grid sampled from a guess shows a timing pattern: the row or the column of
/// alternating modules that joins the finder patterns (row and column 6, from module 8 to
/// n − 9, dark at even positions), with at most 30% of its modules wrong on the better of the
/// two. A right guess shows at least one of them, since at most one finder pattern is missing
/// and each timing line runs beside the real ones. A guess at the wrong place or module count
/// samples noise there, which passes when one of the two lines of n − 16 modules has at most
/// 30% wrong by chance: a third of the time at 21 modules (lines of 5), 17% at 25, 14% at 33,
/// 2% at 45. Reed–Solomon decoding a noise grid costs far more than this look: six guesses at
/// up to three module counts for each of twelve pairs, per polarity, made completing pairs 90%
/// of the `rxing-two-finders` pass, and almost all of it went to guesses that did not decode.
pub(super) fn shows_timing_pattern(grid: &BitMatrix) -> bool {
    let n = grid.getWidth().min(grid.getHeight());
    if n < 21 {
        return false;
    }
    let line = 8..n - 8;
    let wrong =
        |module: &dyn Fn(u32) -> bool| line.clone().filter(|&i| module(i) != (i % 2 == 0)).count();
    let in_row = wrong(&|i| grid.get(i, 6));
    let in_column = wrong(&|i| grid.get(6, i));
    in_row.min(in_column) * 10 <= line.len() * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(x: f32, y: f32, size: i32) -> ConcentricPattern {
        ConcentricPattern {
            p: Point { x, y },
            size,
        }
    }

    /// A symbol's own modules as a grid (dark = set).
    fn grid_of(text: &str) -> BitMatrix {
        let code = qrcode::QrCode::new(text.as_bytes()).expect("a short text fits");
        let n = code.width() as u32;
        let mut grid = BitMatrix::new(n, n).expect("a symbol's size");
        for (i, colour) in code.to_colors().into_iter().enumerate() {
            if colour == qrcode::Color::Dark {
                grid.set(i as u32 % n, i as u32 / n);
            }
        }
        grid
    }

    /// A symbol's grid shows its timing pattern, also with one of the two lines scratched out;
    /// with both scratched, or on noise, or on the modules of a symbol read at the wrong
    /// module count, it does not.
    #[test]
    fn timing_pattern_tells_a_symbol_from_noise() {
        for text in [
            "timing",
            "a longer text for a larger symbol, version three or four",
        ] {
            let mut grid = grid_of(text);
            let n = grid.getWidth();
            assert!(shows_timing_pattern(&grid), "{text}");
            for i in 8..n - 8 {
                if i % 2 == 0 {
                    grid.unset(i, 6);
                }
            }
            assert!(shows_timing_pattern(&grid), "{text}: the column is left");
            for i in 8..n - 8 {
                if i % 2 == 0 {
                    grid.unset(6, i);
                }
            }
            assert!(!shows_timing_pattern(&grid), "{text}: both lines gone");
        }
        // A symbol's modules sampled as if it had four fewer (the next smaller version).
        let big = grid_of("a longer text for a larger symbol, version three or four");
        let n = big.getWidth();
        let m = n - 4;
        let mut wrong = BitMatrix::new(m, m).expect("size");
        for v in 0..m {
            for u in 0..m {
                if big.get(u * n / m, v * n / m) {
                    wrong.set(u, v);
                }
            }
        }
        assert!(!shows_timing_pattern(&wrong));
        // Noise grids of 33 modules: 14% pass by the binomial count (at most 5 of 17 wrong on
        // either line).
        let mut seed = 0x0bad_5eed_u32;
        let mut passed = 0;
        for _ in 0..200 {
            let mut noise = BitMatrix::new(33, 33).expect("size");
            for v in 0..33 {
                for u in 0..33 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    if seed & 1 == 1 {
                        noise.set(u, v);
                    }
                }
            }
            passed += usize::from(shows_timing_pattern(&noise));
        }
        assert!(passed < 45, "{passed} of 200 noise grids passed");
    }

    #[test]
    fn module_counts_are_versions_near_the_estimate() {
        assert_eq!(module_counts(25.3), vec![25, 29, 21]);
        assert_eq!(module_counts(20.0), vec![21, 25]);
        assert_eq!(module_counts(176.0), vec![177, 173]);
    }

    /// Two patterns of a 25-module symbol with 4-pixel modules on its top side (centres 18
    /// modules apart): one guess puts the third where the bottom-left pattern is, another
    /// (with the diagonal reading) where it would be if they were the diagonal.
    #[test]
    fn a_pair_on_a_side_gives_the_missing_corner() {
        let (tl, tr) = (pattern(14.0, 14.0, 28), pattern(86.0, 14.0, 28));
        let sets = completed_sets(&[tl, tr]);
        assert_eq!(sets.len(), 6);
        let near = |p: Point, x: f32, y: f32| (p.x - x).abs() < 0.01 && (p.y - y).abs() < 0.01;
        assert!(
            sets.iter()
                .any(|c| near(c.set.tl.p, 14.0, 14.0) && near(c.set.bl.p, 14.0, 86.0)),
            "no guess at the bottom-left corner"
        );
        let side = sets
            .iter()
            .find(|c| near(c.set.bl.p, 14.0, 86.0))
            .expect("the side guess");
        assert_eq!(side.modules[0], 25);
        // Far apart or of unlike size: no symbol has both.
        assert!(completed_sets(&[tl, pattern(2000.0, 14.0, 28)]).is_empty());
        assert!(completed_sets(&[tl, pattern(86.0, 14.0, 80)]).is_empty());
    }
}
