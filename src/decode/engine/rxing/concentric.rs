//! rxing's check of a finder-pattern candidate (`LocateConcentricPattern` for the 1:1:3:1:1
//! pattern), with its pixel walks done on coordinates instead of flat indices (feature `rxing`).
//!
//! Why our own: rxing's `FastEdgeToEdgeCounter` keeps the walk's position as an index into the
//! matrix and turns it back into a column and row at every step, two integer divisions and a
//! round trip through a float point for the pixel ahead and again for the pixel it started
//! from. That walk was an eighth of the decoder's time on the BoofCV photographs of one to three
//! megapixels, where the first look reads the code (the median image). Here the walk steps its
//! column and row and reads each pixel once by them. The rest is rxing's public code
//! (`EdgeTracer` for the cursor, `IsPattern`, `FinetuneConcentricPatternCenter`) called with the
//! same arguments in the same order, so the pattern found is the same (tested against rxing's
//! function on random matrices with finder patterns drawn in, and every report of the corpus
//! stayed the same byte for byte).
//!
//! The index walk and the coordinate walk read the same pixels while the walk is inside the
//! matrix, which rxing's step limit keeps it whenever it starts inside; a cursor that starts
//! outside (which rxing's index arithmetic would wrap) goes to rxing's own check.

use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::{
    BitMatrixCursorTrait, CheckSymmetricPattern, ConcentricPattern, EdgeTracer,
    FinetuneConcentricPatternCenter, FixedPattern, IsPattern, PatternType, PatternView,
};
use rxing::{Point, point};

/// The finder pattern's run widths, in modules.
pub(super) const FINDER: [PatternType; 5] = [1, 1, 3, 1, 1];
/// The same as rxing's pattern type, for `IsPattern` (here and in the row search).
pub(super) const FINDER_PATTERN: FixedPattern<5, 7, false> = FixedPattern::new(FINDER);

/// rxing's `LocateConcentricPattern::<true, 5, 7>(matrix, &[1, 1, 3, 1, 1], centre, range)`:
/// the finder pattern around `centre`, checked across it vertically, horizontally (moving the
/// centre to the middle of each crossing) and along both diagonals, its centre fine-tuned on its
/// rings; `None` when a crossing is no 1:1:3:1:1 pattern within `range` pixels or the crossings'
/// widths differ more than fivefold.
pub(super) fn locate_finder_pattern(
    matrix: &BitMatrix,
    centre: Point,
    range: i32,
) -> Option<ConcentricPattern> {
    let mut cursor = EdgeTracer::new(matrix, centre.floor(), Point::default());
    let (mut min_spread, mut max_spread) = (matrix.getWidth() as i32, 0i32);
    // rxing allows no failed crossing (its `maxError` is 0).
    for (direction, range, update_position) in [
        (point(0.0, 1.0), range, true),
        (point(1.0, 0.0), range, true),
        (point(1.0, 1.0), range * 2, false),
        (point(1.0, -1.0), range * 2, false),
    ] {
        cursor.setDirection(direction);
        let spread = check_symmetric_pattern(&mut cursor, range, update_position);
        if spread == 0 {
            return None;
        }
        min_spread = min_spread.min(spread);
        max_spread = max_spread.max(spread);
    }
    if max_spread > 5 * min_spread {
        return None;
    }
    let centre = FinetuneConcentricPatternCenter(matrix, cursor.p(), range, FINDER.len() as u32)?;
    Some(ConcentricPattern {
        p: centre,
        size: (max_spread + min_spread) / 2,
    })
}

/// rxing's `CheckSymmetricPattern::<true, 5, 7>`: the widths of the five runs across the
/// cursor's position along its direction (the middle one walked both ways from it), their sum
/// when they make a 1:1:3:1:1 pattern within `range` pixels, else 0; with `update_position`,
/// the cursor moves to the middle run's centre.
fn check_symmetric_pattern(cursor: &mut EdgeTracer, range: i32, update_position: bool) -> i32 {
    let backward_cursor = cursor.turnedBack();
    let (Some(mut forward), Some(mut backward)) = (Walk::new(cursor), Walk::new(&backward_cursor))
    else {
        return CheckSymmetricPattern::<true, 5, 7, _>(cursor, &FINDER, range, update_position);
    };
    let mut range = range;
    let centre_forward = forward.step_to_next_edge(range as u32) as i32;
    if centre_forward == 0 {
        return 0;
    }
    let centre_backward = backward.step_to_next_edge(range as u32) as i32;
    if centre_backward == 0 {
        return 0;
    }
    let mut widths: [PatternType; 5] = [0; 5];
    // The starting pixel was counted both ways.
    widths[2] = (centre_forward + centre_backward - 1) as PatternType;
    range -= i32::from(widths[2]);
    for i in 1..=2 {
        for (walk, slot) in [(&mut forward, 2 + i), (&mut backward, 2 - i)] {
            let width = walk.step_to_next_edge(range as u32) as i32;
            widths[slot] = width as PatternType;
            range -= width;
            if width == 0 {
                return 0;
            }
        }
    }
    let view = PatternView::from_slice(&widths);
    if IsPattern::<true, 5, 7, false>(&view, &FINDER_PATTERN, None, 0.0, 0.0, 0.0) == 0.0 {
        return 0;
    }
    if update_position {
        cursor.step(Some(
            (i32::from(widths[2]) / 2 - (centre_backward - 1)) as f32,
        ));
    }
    i32::from(widths.iter().sum::<PatternType>())
}

/// rxing's `FastEdgeToEdgeCounter` on coordinates: a walk from a pixel along a direction of
/// unit steps, edge to edge.
struct Walk<'a> {
    matrix: &'a BitMatrix,
    x: i32,
    y: i32,
    dx: i32,
    dy: i32,
    /// Steps left before the walk would leave the matrix (negative once it has stepped out).
    steps_to_border: i32,
}

impl<'a> Walk<'a> {
    /// The walk from `cursor`'s pixel along its direction; `None` when the pixel is outside
    /// the matrix.
    fn new(cursor: &'a EdgeTracer<'a>) -> Option<Walk<'a>> {
        let matrix = cursor.img();
        let (width, height) = (matrix.getWidth() as i32, matrix.getHeight() as i32);
        let (p, d) = (cursor.p(), cursor.d());
        // rxing truncates both the same way.
        let (x, y) = (p.x as i32, p.y as i32);
        if p.x < 0.0 || p.y < 0.0 || x >= width || y >= height {
            return None;
        }
        let steps_along = |d: f32, at: i32, size: i32| -> i32 {
            if d > 0.0 {
                size - 1 - at
            } else if d < 0.0 {
                at
            } else {
                i32::MAX
            }
        };
        Some(Walk {
            matrix,
            x,
            y,
            dx: d.x as i32,
            dy: d.y as i32,
            steps_to_border: steps_along(d.x, x, width).min(steps_along(d.y, y, height)),
        })
    }

    /// Steps to the first pixel of another colour than the walk's current one, at most
    /// `range` steps (or to one step past the border), and moves there: the steps taken, 0
    /// when `range` ran out first. rxing's integer conversions are kept (a `range` that went
    /// negative is a large `u32` that turns back into the negative `i32`).
    fn step_to_next_edge(&mut self, range: u32) -> u32 {
        let max_steps = self.steps_to_border.min(range as i32);
        // The colour the walk stands on, read once (it does not change until the walk moves).
        let here = self.matrix.get(self.x as u32, self.y as u32);
        let mut steps = 0;
        loop {
            steps += 1;
            if steps > max_steps {
                if max_steps == self.steps_to_border {
                    break;
                }
                return 0;
            }
            // Inside the matrix: `steps` ≤ the steps to the border, which are ≥ 1 here.
            let ahead = self.matrix.get(
                (self.x + steps * self.dx) as u32,
                (self.y + steps * self.dy) as u32,
            );
            if ahead != here {
                break;
            }
        }
        self.x += steps * self.dx;
        self.y += steps * self.dy;
        self.steps_to_border -= steps;
        steps as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::cpp_essentials::LocateConcentricPattern;

    /// A matrix of random runs along rows with a few finder patterns drawn in (whole, clipped
    /// by the edges, and squashed), so that candidates pass, fail at each crossing and walk
    /// into the borders.
    fn scene(width: u32, height: u32, seed: u32) -> BitMatrix {
        let mut state = seed | 1;
        let mut next = move |below: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state % below
        };
        let mut matrix = BitMatrix::new(width, height).expect("matrix");
        for y in 0..height {
            let (mut x, mut dark) = (0, next(2) == 0);
            while x < width {
                let run = 1 + next(9);
                if dark {
                    for xi in x..(x + run).min(width) {
                        matrix.set(xi, y);
                    }
                }
                x += run;
                dark = !dark;
            }
        }
        for _ in 0..6 {
            let module = 1 + next(5) as i32;
            let squash = 1 + next(2) as i32;
            let (cx, cy) = (next(width) as i32, next(height) as i32);
            for dy in -4 * module..4 * module {
                for dx in -4 * module * squash..4 * module * squash {
                    let (x, y) = (cx + dx, cy + dy);
                    if x < 0 || y < 0 || x >= width as i32 || y >= height as i32 {
                        continue;
                    }
                    let ring = (dx.abs() / squash).max(dy.abs()) / module;
                    let dark = matches!(ring, 0 | 1 | 3);
                    matrix.set_bool(x as u32, y as u32, dark);
                }
            }
        }
        matrix
    }

    #[test]
    fn locates_what_rxing_locates() {
        let (mut compared, mut found) = (0, 0);
        for (width, height) in [(60u32, 50u32), (200, 160), (333, 257)] {
            for seed in 1..6 {
                let matrix = scene(width, height, seed * 7919 + width);
                // Every pixel of a coarse lattice, the edges and the corners, at three ranges.
                let mut centres = Vec::new();
                for y in (0..height).step_by(3) {
                    for x in (0..width).step_by(2) {
                        centres.push(point(x as f32 + 0.5, y as f32 + 0.5));
                    }
                }
                for (x, y) in [
                    (0, 0),
                    (width - 1, height - 1),
                    (0, height - 1),
                    (width - 1, 0),
                ] {
                    centres.push(point(x as f32, y as f32));
                }
                for centre in centres {
                    for range in [9, 30, 120] {
                        let theirs =
                            LocateConcentricPattern::<true, 5, 7>(&matrix, &FINDER, centre, range);
                        assert_eq!(
                            locate_finder_pattern(&matrix, centre, range),
                            theirs,
                            "{width}x{height} at {centre:?}, range {range}"
                        );
                        compared += 1;
                        found += usize::from(theirs.is_some());
                    }
                }
            }
        }
        assert!(
            found >= 100,
            "{found} patterns located of {compared} candidates"
        );
    }

    /// A cursor outside the matrix goes to rxing's own check, with its result.
    #[test]
    fn a_cursor_outside_the_matrix_gets_rxings_check() {
        let matrix = scene(80, 60, 3);
        for centre in [
            point(-3.0, 10.0),
            point(10.0, -2.0),
            point(85.0, 10.0),
            point(5.0, 70.0),
        ] {
            assert_eq!(
                locate_finder_pattern(&matrix, centre, 40),
                LocateConcentricPattern::<true, 5, 7>(&matrix, &FINDER, centre, 40),
            );
        }
    }
}
