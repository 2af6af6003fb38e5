//! Reed–Solomon decoding of one QR block with erasures (issue 21).
//!
//! rxing's decoder corrects errors only: a block of `n` codewords with `n - k` error-correction
//! codewords survives `(n - k) / 2` wrong codewords. A codeword known to be doubtful (sampled in
//! a glare blob, a torn or blurred area) can instead be declared an *erasure*: its position is
//! given and only its value is unknown, which costs one check codeword instead of two. With `f`
//! erasures and `e` further errors a block decodes when `2e + f <= n - k`.
//!
//! The field is QR's GF(256) (x⁸ + x⁴ + x³ + x² + 1, generator 2, first root α⁰). Decoding is
//! Berlekamp–Massey started from the erasure locator (Blahut's errata form), Chien search for
//! the roots, and Forney's formula for the values. What comes out is checked again: every
//! syndrome of the corrected block must be zero, and the caller keeps `margin` check codewords
//! unused (`2e + f <= n - k - margin`), so that a block too damaged to decode is rejected
//! instead of "corrected" into another codeword: each unused check codeword divides the chance
//! of that by 256.

/// Logarithm and exponential tables of GF(256) with QR's polynomial.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

const PRIMITIVE: u16 = 0x11D;

static FIELD: std::sync::LazyLock<Field> = std::sync::LazyLock::new(|| {
    let mut exp = [0u8; 512];
    let mut log = [0u8; 256];
    let mut x: u16 = 1;
    for (power, slot) in exp.iter_mut().take(255).enumerate() {
        *slot = x as u8;
        log[x as usize] = power as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= PRIMITIVE;
        }
    }
    // Doubled so that exp[log a + log b] needs no reduction.
    for i in 255..512 {
        exp[i] = exp[i - 255];
    }
    Field { exp, log }
});

impl Field {
    fn mul(&self, a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 {
            0
        } else {
            self.exp[self.log[a as usize] as usize + self.log[b as usize] as usize]
        }
    }

    /// a / b; b is never zero where it is called (a locator's derivative at a root of a
    /// square-free locator, a discrepancy that is not zero).
    fn div(&self, a: u8, b: u8) -> u8 {
        if a == 0 || b == 0 {
            0
        } else {
            self.exp[self.log[a as usize] as usize + 255 - self.log[b as usize] as usize]
        }
    }

    /// α^power.
    fn alpha(&self, power: usize) -> u8 {
        self.exp[power % 255]
    }

    /// The polynomial `p` (lowest degree first) at `x`.
    fn eval(&self, p: &[u8], x: u8) -> u8 {
        p.iter().rev().fold(0, |acc, &c| self.mul(acc, x) ^ c)
    }
}

/// Why a block did not decode.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Failure {
    /// More erasures than check codewords, or a block longer than the field allows.
    Unusable,
    /// The errors and erasures exceed what the check codewords (less the margin) can correct.
    TooDamaged,
}

/// Corrects `block` (data then check codewords, as a QR block is stored) in place, with the
/// codewords at the indices `erasures` treated as erased, keeping `margin` check codewords
/// unused as a guard against miscorrection. Returns the number of codewords changed. (The
/// decoder tries several erasure sets on one block through `Received`; this is the one-shot
/// form the tests use.)
#[cfg(test)]
pub(super) fn correct(
    block: &mut [u8],
    check_codewords: usize,
    erasures: &[usize],
    margin: usize,
) -> Result<usize, Failure> {
    let received = Received::new(block, check_codewords)?;
    let corrections = received.corrections(erasures, margin)?;
    for &(index, value) in &corrections {
        block[index] ^= value;
    }
    Ok(corrections.len())
}

/// A received block and its syndromes, computed once for the several erasure sets a caller
/// may try on it.
pub(super) struct Received<'a> {
    block: &'a [u8],
    check_codewords: usize,
    syndromes: Vec<u8>,
}

impl<'a> Received<'a> {
    pub(super) fn new(block: &'a [u8], check_codewords: usize) -> Result<Self, Failure> {
        if block.len() > 255 || check_codewords == 0 || check_codewords > block.len() {
            return Err(Failure::Unusable);
        }
        Ok(Self {
            block,
            check_codewords,
            syndromes: syndromes(&FIELD, block, check_codewords),
        })
    }

    /// The (index, value to add) pairs that correct the block with the codewords at
    /// `erasures` erased, keeping `margin` check codewords unused; empty for a clean block.
    pub(super) fn corrections(
        &self,
        erasures: &[usize],
        margin: usize,
    ) -> Result<Vec<(usize, u8)>, Failure> {
        let field = &*FIELD;
        let (block, check_codewords, received) =
            (self.block, self.check_codewords, &self.syndromes);
        let n = block.len();
        if erasures.len() > check_codewords || erasures.iter().any(|&index| index >= n) {
            return Err(Failure::Unusable);
        }
        if received.iter().all(|&s| s == 0) {
            return Ok(Vec::new());
        }
        // Index i holds the coefficient of x^(n-1-i): the first codeword is the highest power.
        let power_of = |index: usize| n - 1 - index;
        let erased = erasures.len();
        // Erasure locator Γ(x) = Π (1 - X_j x), X_j = α^(power of erasure j).
        let mut locator = vec![1u8];
        for &index in erasures {
            let x = field.alpha(power_of(index));
            let mut next = vec![0u8; locator.len() + 1];
            for (i, &c) in locator.iter().enumerate() {
                next[i] ^= c;
                next[i + 1] ^= field.mul(c, x);
            }
            locator = next;
        }
        // Berlekamp–Massey from Γ over the syndromes the erasures leave.
        let mut previous = locator.clone();
        let mut length = erased;
        for r in erased..check_codewords {
            let discrepancy = (0..locator.len())
                .filter(|&i| i <= r)
                .fold(0u8, |acc, i| acc ^ field.mul(locator[i], received[r - i]));
            // previous ← x · previous
            previous.insert(0, 0);
            if discrepancy == 0 {
                continue;
            }
            let mut updated = locator.clone();
            if updated.len() < previous.len() {
                updated.resize(previous.len(), 0);
            }
            for (i, &c) in previous.iter().enumerate() {
                updated[i] ^= field.mul(discrepancy, c);
            }
            if 2 * length <= r + erased {
                length = r + 1 + erased - length;
                previous = locator.iter().map(|&c| field.div(c, discrepancy)).collect();
            }
            locator = updated;
        }
        while locator.len() > 1 && locator.last() == Some(&0) {
            locator.pop();
        }
        let degree = locator.len() - 1;
        if degree < erased || degree != length {
            return Err(Failure::TooDamaged);
        }
        let errors = degree - erased;
        if 2 * errors + erased + margin > check_codewords {
            return Err(Failure::TooDamaged);
        }
        // Chien search: position with power p is in error when Λ(α^-p) = 0.
        let positions: Vec<usize> = (0..n)
            .filter(|&index| field.eval(&locator, field.alpha(255 - power_of(index) % 255)) == 0)
            .collect();
        if positions.len() != degree {
            return Err(Failure::TooDamaged);
        }
        // Forney: Ω(x) = S(x) Λ(x) mod x^(n-k); value at X = X · Ω(X⁻¹) / Λ'(X⁻¹).
        let mut evaluator = vec![0u8; check_codewords];
        for (i, &l) in locator.iter().enumerate() {
            for (j, &s) in received.iter().enumerate() {
                if i + j < check_codewords {
                    evaluator[i + j] ^= field.mul(l, s);
                }
            }
        }
        let derivative: Vec<u8> = locator
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, &c)| if i % 2 == 1 { c } else { 0 })
            .collect();
        let mut corrections = Vec::with_capacity(positions.len());
        for &index in &positions {
            let x = field.alpha(power_of(index));
            let x_inverse = field.alpha(255 - power_of(index) % 255);
            let denominator = field.eval(&derivative, x_inverse);
            if denominator == 0 {
                return Err(Failure::TooDamaged);
            }
            let value = field.mul(x, field.div(field.eval(&evaluator, x_inverse), denominator));
            if value != 0 {
                corrections.push((index, value));
            }
        }
        // The corrected block must be a codeword (it is, unless the arithmetic above is
        // wrong: a cheap guard, run only on success).
        let mut corrected = block.to_vec();
        for &(index, value) in &corrections {
            corrected[index] ^= value;
        }
        if syndromes(field, &corrected, check_codewords)
            .iter()
            .any(|&s| s != 0)
        {
            return Err(Failure::TooDamaged);
        }
        Ok(corrections)
    }
}

/// Whether `block` (data then `check_codewords` check codewords) is a codeword as it stands:
/// every syndrome zero, where a decoder has nothing to correct.
///
/// All syndromes advance together, codeword by codeword (Horner's rule at every α^j at once):
/// the syndromes do not depend on each other, so their multiplications overlap instead of
/// waiting on one another as one syndrome's chain of table lookups does. A QR block has at most
/// 30 check codewords.
pub(super) fn is_codeword(block: &[u8], check_codewords: usize) -> bool {
    const MOST: usize = 32;
    if check_codewords > MOST {
        return syndromes(&FIELD, block, check_codewords)
            .iter()
            .all(|&s| s == 0);
    }
    let field = &*FIELD;
    let mut syndromes = [0u8; MOST];
    let syndromes = &mut syndromes[..check_codewords];
    for &c in block {
        for (j, s) in syndromes.iter_mut().enumerate() {
            // s · α^j, as an addition of logarithms (α^j's logarithm is j).
            let product = if *s == 0 {
                0
            } else {
                field.exp[field.log[*s as usize] as usize + j]
            };
            *s = product ^ c;
        }
    }
    syndromes.iter().all(|&s| s == 0)
}

/// S_j = r(α^j) for j < check_codewords.
fn syndromes(field: &Field, block: &[u8], check_codewords: usize) -> Vec<u8> {
    (0..check_codewords)
        .map(|j| {
            let x = field.alpha(j);
            block.iter().fold(0u8, |acc, &c| field.mul(acc, x) ^ c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::reedsolomon::{PredefinedGenericGF, ReedSolomonEncoder};

    /// A systematic block of QR's code, by rxing's encoder: `data` then `check` codewords.
    fn encode(data: &[u8], check: usize) -> Vec<u8> {
        let mut encoder =
            ReedSolomonEncoder::new(PredefinedGenericGF::QrCodeField256.into()).expect("field");
        let mut block: Vec<i32> = data.iter().map(|&b| i32::from(b)).collect();
        block.resize(data.len() + check, 0);
        encoder.encode(&mut block, check).expect("encodes");
        block.into_iter().map(|c| c as u8).collect()
    }

    /// Every syndrome of a codeword is zero, and one wrong codeword anywhere (data or check)
    /// makes one not.
    #[test]
    fn a_block_with_a_wrong_codeword_is_no_codeword() {
        let data: Vec<u8> = (0..40u32).map(|i| (i * 37 % 256) as u8).collect();
        let block = encode(&data, 16);
        assert!(is_codeword(&block, 16));
        for position in [0, 17, 39, 40, 55] {
            let mut wrong = block.clone();
            wrong[position] ^= 0x21;
            assert!(!is_codeword(&wrong, 16), "{position}");
        }
    }

    /// A small deterministic generator (xorshift), so the tests need no dependency.
    struct Noise(u64);
    impl Noise {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Our field and code are rxing's: a block two errors off is corrected to the same block by
    /// rxing's corrector and by ours.
    #[test]
    fn blocks_agree_with_rxings_code() {
        let block = encode(b"erasures agree", 10);
        let mut damaged = block.clone();
        damaged[3] ^= 0x55;
        damaged[12] ^= 0x01;
        let mut ours = damaged.clone();
        rxing::qrcode::cpp_port::decoder::CorrectErrors(&mut damaged, 14).expect("corrects");
        assert_eq!(damaged, block);
        assert_eq!(correct(&mut ours, 10, &[], 0), Ok(2));
        assert_eq!(ours, block);
    }

    /// Every mix of errors and erasures with 2e + f within the check codewords less the margin
    /// is corrected, over blocks of QR's sizes; one more error is refused or, if "corrected",
    /// never silently accepted as the original.
    #[test]
    fn errors_and_erasures_within_the_bound_are_corrected() {
        let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
        for &(n, check) in &[(26usize, 7usize), (26, 17), (44, 28), (100, 26), (153, 30)] {
            for _ in 0..60 {
                let data: Vec<u8> = (0..n - check).map(|_| noise.next() as u8).collect();
                let block = encode(&data, check);
                let margin = 2;
                let erased = noise.below(check - margin + 1);
                let errors = (check - margin - erased) / 2;
                // Distinct positions: the first `erased` are erasures (some left intact), the
                // next `errors` are errors the decoder must find.
                let mut positions: Vec<usize> = (0..n).collect();
                for i in 0..erased + errors {
                    let j = i + noise.below(n - i);
                    positions.swap(i, j);
                }
                let mut received = block.clone();
                for (k, &p) in positions[..erased + errors].iter().enumerate() {
                    if k >= erased || !noise.next().is_multiple_of(3) {
                        received[p] ^= (noise.below(255) + 1) as u8;
                    }
                }
                let erasures = &positions[..erased];
                assert!(
                    correct(&mut received, check, erasures, margin).is_ok(),
                    "n {n}, check {check}, {erased} erasures, {errors} errors"
                );
                assert_eq!(received, block);
            }
        }
    }

    /// Beyond the bound the block is refused: errors only, one more than (check - margin) / 2.
    #[test]
    fn too_many_errors_are_refused() {
        let mut noise = Noise(42);
        let (n, check, margin) = (70usize, 18usize, 3usize);
        let mut refused = 0;
        for _ in 0..200 {
            let data: Vec<u8> = (0..n - check).map(|_| noise.next() as u8).collect();
            let block = encode(&data, check);
            let mut received = block.clone();
            for p in 0..check / 2 + 1 {
                received[p * 3] ^= (noise.below(255) + 1) as u8;
            }
            match correct(&mut received, check, &[], margin) {
                Err(Failure::TooDamaged) => refused += 1,
                other => panic!(
                    "{other:?}: a block with {} errors was accepted",
                    check / 2 + 1
                ),
            }
        }
        assert_eq!(refused, 200);
    }

    #[test]
    fn a_clean_block_needs_nothing_and_bad_arguments_are_unusable() {
        let block = encode(b"clean", 7);
        let mut copy = block.clone();
        assert_eq!(correct(&mut copy, 7, &[1, 2], 2), Ok(0));
        assert_eq!(copy, block);
        assert_eq!(
            correct(&mut copy, 7, &[0, 1, 2, 3, 4, 5, 6, 7], 0),
            Err(Failure::Unusable)
        );
        assert_eq!(correct(&mut copy, 7, &[99], 0), Err(Failure::Unusable));
    }
}
