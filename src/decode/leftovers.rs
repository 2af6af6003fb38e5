//! What earlier passes left that a later pass might read, and the codes already read.
//!
//! Every pass after the first runs only while something is left over: nothing was read, a
//! symbol was detected but did not decode, rxing sampled a grid from three finder patterns that
//! did not decode and that no decoded code explains, or rxing found a finder pattern that no
//! decoded code used (`Leftovers::any`). The heavy rescue passes on photos want more: evidence
//! that part of a code is there (`Leftovers::evidence`). Once codes were read, what is left is
//! local, and the remaining passes run on crops around it (`Leftovers::crops`). Codes already
//! read (`Known`) are what rxing's later looks do not sample again.

use super::Symbol;
use super::geometry::{Quad, distance};

/// What earlier passes left that a later pass might read.
#[derive(Debug, Default)]
pub(super) struct Leftovers {
    /// Grids sampled from three finder patterns that did not decode (rxing), in image pixels.
    pub undecoded_regions: Vec<Quad>,
    /// Finder patterns (x, y, size) that no decoded symbol used (rxing), in image pixels.
    pub stray_finders: Vec<[f32; 3]>,
}

impl Leftovers {
    /// Whether earlier passes saw anything of a code they did not read.
    /// A lone finder pattern is weak evidence (photos are full of square things); two within
    /// reach of each other, as in one code, count.
    pub(super) fn evidence(&self, found_so_far: &[Symbol]) -> bool {
        let finders = self.open_finders(found_so_far);
        let paired = finders.iter().enumerate().any(|(i, a)| {
            finders[i + 1..]
                .iter()
                .any(|b| distance([a[0], a[1]], [b[0], b[1]]) < 25.0 * a[2].max(b[2]))
        });
        paired
            || found_so_far.iter().any(|s| s.text.is_none())
            || !self.open_regions(found_so_far).is_empty()
    }

    /// Whether a further pass is worth running: nothing read yet, a detected symbol that did
    /// not decode, an undecoded grid that no decoded symbol covers, or a stray finder pattern
    /// outside every decoded symbol.
    pub(super) fn any(&self, found_so_far: &[Symbol]) -> bool {
        if found_so_far.iter().all(|s| s.text.is_none()) {
            return true;
        }
        if found_so_far.iter().any(|s| s.text.is_none()) {
            return true;
        }
        !self.open_regions(found_so_far).is_empty() || !self.open_finders(found_so_far).is_empty()
    }

    /// Stray finder patterns outside every decoded symbol: a code beside the ones read (two
    /// codes side by side share no pattern, so the detector's triples never paired them).
    fn open_finders(&self, symbols: &[Symbol]) -> Vec<[f32; 3]> {
        let decoded: Vec<&Symbol> = symbols.iter().filter(|s| s.text.is_some()).collect();
        let mut open: Vec<[f32; 3]> = Vec::new();
        for f in &self.stray_finders {
            // Several passes see the same pattern: keep one of each.
            let seen = open
                .iter()
                .any(|o| (o[0] - f[0]).abs().max((o[1] - f[1]).abs()) < 0.5 * o[2].max(f[2]));
            if !seen && !decoded.iter().any(|s| s.quad().contains([f[0], f[1]])) {
                open.push(*f);
            }
        }
        open
    }

    /// Undecoded grids that no decoded symbol explains: neither inside one nor around one (a
    /// triple of finder patterns taken from neighbouring codes on a sheet spans several of
    /// them, and is not a code of its own).
    fn open_regions(&self, symbols: &[Symbol]) -> Vec<Quad> {
        let decoded: Vec<&Symbol> = symbols.iter().filter(|s| s.text.is_some()).collect();
        self.undecoded_regions
            .iter()
            .filter(|r| {
                !decoded.iter().any(|s| {
                    s.quad().contains(r.centre())
                        || r.contains(s.center())
                        || s.corners.iter().any(|c| r.contains(*c))
                })
            })
            .copied()
            .collect()
    }
}

impl Leftovers {
    /// Boxes (x, y, width, height) around what is left: undecoded grids no decoded symbol covers
    /// and detected symbols that did not decode, each grown by a quarter of its size and 16
    /// pixels on every side, and open stray finder patterns with four pattern widths each way;
    /// overlapping boxes merged. At most 16; none when there are more (then the whole image is
    /// the better unit).
    ///
    /// A quarter of a symbol of at least 21 modules is more than 5 modules: the 4-module quiet
    /// zone and some error in the sampled outline. Growing by half, as before, took in the
    /// neighbours of a code on a crowded sheet and made crops so large that a rescue pass ran on
    /// the whole image instead (crops are used only while they cover less than half of it); on
    /// ../shared/corpus the quarter read one more code of `lots` and none fewer elsewhere.
    pub(super) fn crops(
        &self,
        symbols: &[Symbol],
        (width, height): (u32, u32),
    ) -> Vec<(u32, u32, u32, u32)> {
        let mut quads = self.open_regions(symbols);
        quads.extend(
            symbols
                .iter()
                .filter(|s| s.text.is_none())
                .map(Symbol::quad),
        );
        let mut boxes: Vec<[f32; 4]> = quads
            .iter()
            .map(|q| {
                let [x0, y0, x1, y1] = q.bounds();
                let grow = 0.25 * (x1 - x0).max(y1 - y0) + 16.0;
                [
                    (x0 - grow).max(0.0),
                    (y0 - grow).max(0.0),
                    (x1 + grow).min(width as f32),
                    (y1 + grow).min(height as f32),
                ]
            })
            .collect();
        // A stray pattern is a corner of a code whose other corners were not seen: a box of
        // four pattern widths (28 modules) each way holds codes up to version 6 (41 modules)
        // whichever corner it is.
        boxes.extend(self.open_finders(symbols).into_iter().map(|[x, y, size]| {
            let reach = 4.0 * size.max(7.0);
            [
                (x - reach).max(0.0),
                (y - reach).max(0.0),
                (x + reach).min(width as f32),
                (y + reach).min(height as f32),
            ]
        }));
        boxes.retain(|b| b[2] > b[0] && b[3] > b[1]);
        // Merge overlapping boxes until none overlap.
        let mut merged = true;
        while merged {
            merged = false;
            'outer: for i in 0..boxes.len() {
                for j in i + 1..boxes.len() {
                    let (a, b) = (boxes[i], boxes[j]);
                    if a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3] {
                        boxes[i] = [
                            a[0].min(b[0]),
                            a[1].min(b[1]),
                            a[2].max(b[2]),
                            a[3].max(b[3]),
                        ];
                        boxes.swap_remove(j);
                        merged = true;
                        break 'outer;
                    }
                }
            }
        }
        if boxes.len() > 16 {
            return Vec::new();
        }
        boxes
            .into_iter()
            .map(|b| {
                (
                    b[0] as u32,
                    b[1] as u32,
                    (b[2] - b[0]) as u32,
                    (b[3] - b[1]) as u32,
                )
            })
            .filter(|c| c.2 >= 21 && c.3 >= 21)
            .collect()
    }
}

/// A code already read, in the pixels of the image a pass looks at (rxing's passes skip it).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "rxing"), allow(dead_code))]
pub(super) struct Known {
    pub corners: Quad,
    pub module_px: f32,
}

#[cfg_attr(not(feature = "rxing"), allow(dead_code))]
impl Known {
    /// Whether a finder pattern centred at `p` is one of this code's own three: such a centre
    /// lies 3.5 modules in from a corner each way (about 5 modules from it). A code nested inside
    /// this one has its patterns elsewhere, and is read.
    pub(super) fn owns_pattern(&self, p: [f32; 2]) -> bool {
        let reach = 6.0 * self.module_px;
        self.corners
            .0
            .iter()
            .any(|c| (c[0] - p[0]).hypot(c[1] - p[1]) < reach)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoded symbol with `corners`, for the leftover tests.
    fn decoded(corners: [[f32; 2]; 4]) -> Symbol {
        Symbol {
            text: Some("read".to_string()),
            bytes: b"read".to_vec(),
            error: None,
            version: Some(1),
            ecc: None,
            mask: None,
            corners,
            modules: 21,
            module_px: 5.0,
            pass: "rxing",
            fragile: false,
            erasures: None,
            quiet_zone_modules: None,
        }
    }

    /// Stray finder patterns inside a decoded symbol are explained by it; one seen by several
    /// passes counts once; a lone one is no evidence, two within one code's reach are, and
    /// each gives a crop around it.
    #[test]
    fn stray_finders_are_leftovers_and_evidence_in_pairs() {
        let read = decoded([[0.0, 0.0], [100.0, 0.0], [100.0, 100.0], [0.0, 100.0]]);
        let mut leftovers = Leftovers {
            undecoded_regions: Vec::new(),
            stray_finders: vec![[17.0, 17.0, 35.0]],
        };
        let symbols = vec![read];
        assert!(!leftovers.any(&symbols));
        assert!(!leftovers.evidence(&symbols));
        leftovers.stray_finders.push([400.0, 400.0, 35.0]);
        leftovers.stray_finders.push([402.0, 401.0, 36.0]);
        assert!(leftovers.any(&symbols));
        assert_eq!(leftovers.open_finders(&symbols).len(), 1);
        assert!(!leftovers.evidence(&symbols));
        let crops = leftovers.crops(&symbols, (2000, 2000));
        assert_eq!(crops.len(), 1);
        let (x, y, w, h) = crops[0];
        assert!(
            x < 400 && y < 400 && x + w > 400 && y + h > 400,
            "{:?}",
            crops[0]
        );
        leftovers.stray_finders.push([470.0, 400.0, 35.0]);
        assert!(leftovers.evidence(&symbols));
    }
}
