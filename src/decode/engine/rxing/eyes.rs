//! Finder patterns found by their eye: the 3×3-module dark square at a pattern's centre with the
//! light ring around it, whatever the outer ring looks like (feature `rxing`).
//!
//! rxing's search wants the whole 1:1:3:1:1 pattern across and down, and so does every open
//! detector. Codes with designed "eyes" (rounded or bracket-shaped outer rings, dots), and
//! codes whose outer rings are scratched, thinned or broken, keep the eye: a solid square with
//! light all round it, one module wide. This search finds such squares in the matrix (a dark
//! run across, flanked by light, as tall as it is wide), checks the square and its light ring
//! module by module, and reports each as a pattern of seven of its modules, centred where the
//! true pattern's centre is, for rxing's grouping and sampling. Most such squares in a picture
//! are no code's (a bullet, a box); only a triple in a code's geometry whose grid passes
//! Reed–Solomon is read, so they cost time, not misreads, and the pass that uses them is a
//! rescue pass.

use rxing::Point;
use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::ConcentricPattern;

use super::dark_at;
use super::finders::run_lengths;

/// Rows looked at: every other one (an eye is at least three pixels tall).
const ROW_STEP: u32 = 2;
/// The smallest eye looked for, in pixels across (a module of one pixel).
const SMALLEST: u16 = 3;

/// The eyes of finder patterns in `matrix` (dark = set), as patterns of 7 modules, each reported
/// once, not within a module and a half of a pattern in `known`.
pub(super) fn eye_patterns(
    matrix: &BitMatrix,
    known: &[ConcentricPattern],
) -> Vec<ConcentricPattern> {
    let (width, height) = (matrix.getWidth(), matrix.getHeight());
    let mut found: Vec<ConcentricPattern> = Vec::new();
    let mut runs = Vec::new();
    let mut y = ROW_STEP - 1;
    while y < height {
        let row = matrix.getRow(y);
        run_lengths(row.getBitArray(), width as usize, &mut runs);
        // Runs alternate light, dark, light…, starting light: dark runs are at odd indices.
        let mut start = 0u32;
        for (index, &run) in runs.iter().enumerate() {
            let is_dark = index % 2 == 1;
            let (before, after) = (
                runs.get(index.wrapping_sub(1)).copied(),
                runs.get(index + 1).copied(),
            );
            if is_dark
                && run >= SMALLEST
                && let (Some(before), Some(after)) = (before, after)
                // Light on both sides, at least half a module of the eye's three.
                && 6 * before >= run
                && 6 * after >= run
            {
                let centre_x = start as f32 + f32::from(run) / 2.0;
                if let Some(eye) = eye_at(matrix, centre_x, y, run) {
                    let seen = |p: &ConcentricPattern| {
                        Point::distance(p.p, eye.p) < 1.5 * p.size as f32 / 7.0
                    };
                    if !found.iter().any(seen) && !known.iter().any(seen) {
                        found.push(eye);
                    }
                }
            }
            start += u32::from(run);
        }
        y += ROW_STEP;
    }
    found
}

/// The pattern whose eye has a dark run `across` pixels wide centred at (`x`, `y`), if the run
/// is the middle of a square eye with its light ring: as tall as it is wide (within 40%), its
/// 3×3 module centres dark, the 16 module centres of the ring around it light (one may be
/// wrong), and something dark where the outer ring lies.
fn eye_at(matrix: &BitMatrix, x: f32, y: u32, across: u16) -> Option<ConcentricPattern> {
    let height = matrix.getHeight();
    let column = x as u32;
    // The eye's extent down the column through the run's middle.
    let mut top = y;
    while top > 0 && matrix.get(column, top - 1) {
        top -= 1;
    }
    let mut bottom = y;
    while bottom + 1 < height && matrix.get(column, bottom + 1) {
        bottom += 1;
    }
    let down = (bottom - top + 1) as f32;
    let across = f32::from(across);
    if down < 0.7 * across || down > 1.4 * across {
        return None;
    }
    let centre = Point::new(x, (top + bottom + 1) as f32 / 2.0);
    let (module_x, module_y) = (across / 3.0, down / 3.0);
    // Dark at (i, j) modules from the centre (fractions allowed); `None` outside the matrix.
    let is_dark =
        |i: f32, j: f32| dark_at(matrix, [centre.x + i * module_x, centre.y + j * module_y]);
    // (dark, of) module centres on the square ring at `distance` modules from the centre.
    let ring = |distance: i32| -> Option<(u32, u32)> {
        let mut counts = (0, 0);
        for j in -distance..=distance {
            for i in -distance..=distance {
                if i.abs().max(j.abs()) == distance {
                    counts.0 += u32::from(is_dark(i as f32, j as f32)?);
                    counts.1 += 1;
                }
            }
        }
        Some(counts)
    };
    let (eye_ring_dark, eye_ring) = ring(1)?;
    let solid_eye = is_dark(0.0, 0.0)? && eye_ring_dark == eye_ring;
    let (light_ring_dark, _) = ring(2)?;
    // The outer ring, whatever its design: something dark along at least three of the eight
    // rays (across, down, diagonal) from 2.5 to 3.6 modules out, where the ring lies. Corner
    // brackets meet the diagonals, a hairline or a dashed ring most rays; a lone square on a
    // blank ground none.
    let steps = (1.1 * module_x.max(module_y)).ceil().max(4.0) as u32;
    let ray_meets_dark = |dx: f32, dy: f32| {
        (0..=steps).any(|k| {
            let t = 2.5 + 1.1 * k as f32 / steps as f32;
            is_dark(dx * t, dy * t) == Some(true)
        })
    };
    let rays_meeting_dark = [
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.0, 1.0),
        (0.0, -1.0),
        (1.0, 1.0),
        (1.0, -1.0),
        (-1.0, 1.0),
        (-1.0, -1.0),
    ]
    .iter()
    .filter(|(dx, dy)| ray_meets_dark(*dx, *dy))
    .count();
    (solid_eye && light_ring_dark <= 1 && rays_meeting_dark >= 3).then(|| ConcentricPattern {
        p: centre,
        size: (7.0 * (module_x + module_y) / 2.0).round() as i32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A matrix of `modules` (row strings, '#' dark) at `px` pixels per module.
    fn matrix(modules: &[&str], px: u32) -> BitMatrix {
        let (w, h) = (modules[0].len() as u32, modules.len() as u32);
        let mut matrix = BitMatrix::new(w * px, h * px).expect("matrix");
        for (j, row) in modules.iter().enumerate() {
            for (i, c) in row.chars().enumerate() {
                if c == '#' {
                    for dy in 0..px {
                        for dx in 0..px {
                            matrix.set(i as u32 * px + dx, j as u32 * px + dy);
                        }
                    }
                }
            }
        }
        matrix
    }

    /// An eye whose outer ring is only its four corner brackets is found, centred on the
    /// pattern's centre, seven modules wide; a dark square without its light ring is not, nor
    /// one with nothing dark around its ring (a bullet on a blank page).
    #[test]
    fn eyes_are_found_whatever_the_outer_ring() {
        let brackets = [
            ".........",
            ".##...##.",
            ".#.....#.",
            "...###...",
            "...###...",
            "...###...",
            ".#.....#.",
            ".##...##.",
            ".........",
        ];
        for px in [2u32, 3, 5] {
            let found = eye_patterns(&matrix(&brackets, px), &[]);
            assert_eq!(found.len(), 1, "{px} px");
            let centre = 4.5 * px as f32;
            assert!((found[0].p.x - centre).abs() < 1.0 && (found[0].p.y - centre).abs() < 1.0);
            assert_eq!(found[0].size, 7 * px as i32);
            // Already known: not reported again.
            assert!(eye_patterns(&matrix(&brackets, px), &found).is_empty());
        }
        let mut no_light_ring = brackets;
        no_light_ring[2] = ".#.###.#.";
        assert!(eye_patterns(&matrix(&no_light_ring, 4), &[]).is_empty());
        let bullet = [
            ".........",
            ".........",
            ".........",
            "...###...",
            "...###...",
            "...###...",
            ".........",
            ".........",
            ".........",
        ];
        assert!(eye_patterns(&matrix(&bullet, 4), &[]).is_empty());
    }
}
