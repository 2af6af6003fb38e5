//! Quadrilaterals in image pixels: the one `Quad` type through which the decoder handles the
//! outline of a symbol, of a grid sampled from three finder patterns, or of a code already read.
//!
//! Its operations are the few the decoder needs: the centre and the longer diagonal (to match
//! symbols found by several passes), the perimeter (for the module size), an inside test (what a
//! decoded symbol explains), a bilinear map from the symbol's own coordinates (for rqrr's corners
//! and the quiet-zone sampling), the bounding box (for crops), and moving it between the pixels of
//! a prepared copy, a crop and the image. Each computes in the same order of floating-point
//! operations wherever it is used, so that moving a copy of one here changed no result.

/// A point in image pixels, (x, y).
pub(super) type Point = [f32; 2];

/// Four corners in cyclic order: top-left, top-right, bottom-right, bottom-left (in the
/// symbol's own orientation; a mirrored code runs the other way round).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Quad(pub(super) [Point; 4]);

/// The straight-line distance between two points.
pub(super) fn distance(a: Point, b: Point) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

impl Quad {
    /// The mean of the four corners.
    pub(super) fn centre(&self) -> Point {
        let (sx, sy) = self
            .0
            .iter()
            .fold((0.0, 0.0), |(x, y), c| (x + c[0], y + c[1]));
        [sx / 4.0, sy / 4.0]
    }

    /// Length of the longer diagonal, a rough size for matching symbols across passes.
    pub(super) fn extent(&self) -> f32 {
        let c = &self.0;
        distance(c[0], c[2]).max(distance(c[1], c[3]))
    }

    /// The sum of the four sides.
    pub(super) fn perimeter(&self) -> f32 {
        let c = &self.0;
        (0..4).map(|i| distance(c[i], c[(i + 1) % 4])).sum()
    }

    /// Whether `p` lies inside (or on the edge of) the quadrilateral, taken as convex, in either
    /// winding.
    pub(super) fn contains(&self, p: Point) -> bool {
        let mut sign = 0.0f32;
        for i in 0..4 {
            let (a, b) = (self.0[i], self.0[(i + 1) % 4]);
            let cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
            if cross != 0.0 {
                if sign != 0.0 && cross.signum() != sign {
                    return false;
                }
                sign = cross.signum();
            }
        }
        true
    }

    /// The point at fractions (`s` along the top and bottom sides, `t` down the left and right
    /// ones), bilinear in the corners: (0, 0) is the top-left corner, (1, 1) the bottom-right.
    /// Values outside [0, 1] extrapolate (the quiet zone around a symbol).
    pub(super) fn at(&self, s: f32, t: f32) -> Point {
        let [top, bottom] = self.edges_at(s);
        Quad::blend(top, bottom, t)
    }

    /// The points at fraction `s` along the top and the bottom side: `at`'s first stage.
    pub(super) fn edges_at(&self, s: f32) -> [Point; 2] {
        let [tl, tr, br, bl] = self.0;
        [
            [tl[0] + (tr[0] - tl[0]) * s, tl[1] + (tr[1] - tl[1]) * s],
            [bl[0] + (br[0] - bl[0]) * s, bl[1] + (br[1] - bl[1]) * s],
        ]
    }

    /// The point at fraction `t` from `top` to `bottom`: `at`'s second stage.
    pub(super) fn blend(top: Point, bottom: Point, t: f32) -> Point {
        [
            top[0] + (bottom[0] - top[0]) * t,
            top[1] + (bottom[1] - top[1]) * t,
        ]
    }

    /// The axis-aligned bounding box, [left, top, right, bottom].
    pub(super) fn bounds(&self) -> [f32; 4] {
        let xs = || self.0.iter().map(|c| c[0]);
        let ys = || self.0.iter().map(|c| c[1]);
        [
            xs().fold(f32::MAX, f32::min),
            ys().fold(f32::MAX, f32::min),
            xs().fold(f32::MIN, f32::max),
            ys().fold(f32::MIN, f32::max),
        ]
    }

    /// The quadrilateral with `f` applied to every corner.
    pub(super) fn map(self, f: impl Fn(Point) -> Point) -> Quad {
        Quad(self.0.map(f))
    }

    /// The quadrilateral moved by (`dx`, `dy`): from a crop's pixels to the image's.
    pub(super) fn translated(self, dx: f32, dy: f32) -> Quad {
        self.map(|c| [c[0] + dx, c[1] + dy])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(side: f32) -> Quad {
        Quad([[0.0, 0.0], [side, 0.0], [side, side], [0.0, side]])
    }

    #[test]
    fn inside_test_in_either_winding() {
        let quad = square(10.0);
        assert!(quad.contains([5.0, 5.0]));
        assert!(quad.contains([10.0, 5.0]), "the edge counts as inside");
        assert!(!quad.contains([15.0, 5.0]));
        let reversed = Quad([quad.0[0], quad.0[3], quad.0[2], quad.0[1]]);
        assert!(reversed.contains([5.0, 5.0]));
        assert!(!reversed.contains([-1.0, 5.0]));
    }

    #[test]
    fn centre_extent_perimeter_and_bounds() {
        let quad = Quad([[2.0, 1.0], [8.0, 1.0], [10.0, 9.0], [0.0, 9.0]]);
        assert_eq!(quad.centre(), [5.0, 5.0]);
        assert_eq!(quad.extent(), distance([2.0, 1.0], [10.0, 9.0]));
        assert_eq!(square(3.0).perimeter(), 12.0);
        assert_eq!(quad.bounds(), [0.0, 1.0, 10.0, 9.0]);
    }

    /// The bilinear map reaches the corners at 0 and 1, the middle of a trapezoid's sides at
    /// one half, and extrapolates outside.
    #[test]
    fn bilinear_map() {
        let quad = Quad([[2.0, 0.0], [8.0, 0.0], [10.0, 10.0], [0.0, 10.0]]);
        assert_eq!(quad.at(0.0, 0.0), [2.0, 0.0]);
        assert_eq!(quad.at(1.0, 1.0), [10.0, 10.0]);
        assert_eq!(quad.at(0.5, 1.0), [5.0, 10.0]);
        assert_eq!(quad.at(0.0, 0.5), [1.0, 5.0]);
        assert_eq!(square(10.0).at(-0.5, 1.5), [-5.0, 15.0]);
    }

    #[test]
    fn moved_and_mapped() {
        let moved = square(1.0).translated(10.0, 20.0);
        assert_eq!(moved.0[2], [11.0, 21.0]);
        assert_eq!(square(1.0).map(|c| [c[0] * 2.0, c[1]]).0[1], [2.0, 0.0]);
    }
}
