//! The grids one look already fitted and re-read in vain, so that it does not fit and re-read
//! them again.
//!
//! A look samples a grid for every plausible triple of finder patterns, and where a code is
//! seen and not read many triples give the same grid: the detector's own triples, the same
//! patterns paired again among the leftovers (`read_matrix`), a pattern found twice a pixel
//! apart, a pair completed with a guessed third. Each grid that does not decode goes on to the
//! costly second readings, the fit to the function patterns (`fit`) and the grey-level re-read
//! with erasures (`erasures`), and on the same matrix and the same grey levels those end as
//! they ended the first time. So a grid whose every corner lies within a module of one that
//! this look re-read in vain (as far as the fit itself moves a corner) is decoded as sampled
//! and goes no further. On the BoofCV photographs the repeated re-readings were 9% of all
//! decoding time, and skipping them changed no report (bench/README.md).
//!
//! Only within one look, one polarity: another pass thresholds another copy (another scale, a
//! global threshold, a Sauvola one), and on ../shared/corpus such a pass read codes whose grids
//! an earlier pass had re-read in vain at the same place.

use crate::decode::geometry::Quad;

/// The grids re-read in vain so far, as (corners in cyclic order, modules per side).
#[derive(Debug, Default)]
pub(super) struct InVain(Vec<([[f32; 2]; 4], u32)>);

impl InVain {
    /// Whether the `modules`-wide grid at `corners` (cyclic order) is one re-read in vain: the
    /// same width, every corner within a module of its.
    pub(super) fn holds(&self, corners: &[[f32; 2]; 4], modules: u32) -> bool {
        self.0.iter().any(|(tried, width)| {
            *width == modules && modules > 0 && {
                let module = Quad(*tried).perimeter() / 4.0 / modules as f32;
                tried
                    .iter()
                    .zip(corners)
                    .all(|(a, b)| (a[0] - b[0]).hypot(a[1] - b[1]) <= module)
            }
        })
    }

    /// Records the `modules`-wide grid at `corners` as re-read in vain.
    pub(super) fn add(&mut self, corners: [[f32; 2]; 4], modules: u32) {
        self.0.push((corners, modules));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 25-module grid of 250 pixels: modules of 10 pixels.
    const GRID: [[f32; 2]; 4] = [
        [100.0, 100.0],
        [350.0, 100.0],
        [350.0, 350.0],
        [100.0, 350.0],
    ];

    fn moved(corner: usize, dx: f32) -> [[f32; 2]; 4] {
        let mut corners = GRID;
        corners[corner][0] += dx;
        corners
    }

    #[test]
    fn a_grid_within_a_module_of_one_tried_is_held_and_others_are_not() {
        let mut in_vain = InVain::default();
        assert!(!in_vain.holds(&GRID, 25));
        in_vain.add(GRID, 25);
        assert!(in_vain.holds(&GRID, 25));
        // Each corner in turn up to a module (10 px) away: the same grid.
        for corner in 0..4 {
            assert!(in_vain.holds(&moved(corner, 9.5), 25), "corner {corner}");
            assert!(!in_vain.holds(&moved(corner, 10.5), 25), "corner {corner}");
        }
        // The same place at another width is another grid.
        assert!(!in_vain.holds(&GRID, 29));
        // A grid elsewhere.
        let elsewhere = GRID.map(|[x, y]| [x + 400.0, y]);
        assert!(!in_vain.holds(&elsewhere, 25));
    }
}
