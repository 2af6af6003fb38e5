//! Division by a divisor known only at run time, as a multiplication.
//!
//! The image loops divide every pixel by the same number (a box filter's area, a running
//! average's length), and a hardware division costs several times a multiplication: in the
//! box downscale and rqrr's threshold it was most of the loop. With the reciprocal
//! c = ⌈2⁶⁴/d⌉, ⌊n/d⌋ = ⌊c·n / 2⁶⁴⌋ exactly for every 32-bit n (Lemire, Kaser and Kurz,
//! "Faster remainder by direct computation", 2019); the tests check it against `/`.

/// Division by one run-time divisor, exact for numerators below 2³².
#[derive(Debug, Clone, Copy)]
pub(super) struct Divisor {
    /// ⌈2⁶⁴ / d⌉ for the divisor d, or 0 when d is 1 (whose reciprocal does not fit).
    reciprocal: u64,
}

impl Divisor {
    /// The divisor `value` (0 is taken as 1).
    pub(super) fn new(value: u64) -> Divisor {
        let value = value.max(1);
        let reciprocal = if value == 1 { 0 } else { u64::MAX / value + 1 };
        Divisor { reciprocal }
    }

    /// ⌊n / d⌋ for n < 2³².
    #[inline(always)]
    pub(super) fn divide(self, n: u64) -> u64 {
        if self.reciprocal == 0 {
            n
        } else {
            ((u128::from(self.reciprocal) * u128::from(n)) >> 64) as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Quotients over the whole 32-bit range (dense at the bottom, then spreading out, and the
    /// top), against the division, for small divisors, powers of two, box areas and running
    /// average lengths.
    #[test]
    fn reciprocal_division_is_exact() {
        for d in [
            1u64, 2, 3, 4, 7, 8, 9, 25, 36, 64, 100, 125, 127, 128, 255, 1000, 4095, 66049,
        ] {
            let divisor = Divisor::new(d);
            let mut n = 0u64;
            while n < 1 << 32 {
                assert_eq!(divisor.divide(n), n / d, "{n} / {d}");
                n += 1 + n / 4999;
            }
            for n in [u64::from(u32::MAX), u64::from(u32::MAX) - 1, d * 12_345 - 1] {
                assert_eq!(divisor.divide(n), n / d, "{n} / {d}");
            }
        }
        assert_eq!(Divisor::new(0).divide(17), 17);
    }
}
