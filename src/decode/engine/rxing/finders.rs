//! The finder-pattern search of rxing's QR detector (`FindFinderPatterns`, try-harder: every
//! third row), with the rows turned into run lengths a word at a time (feature `rxing`).
//!
//! Why our own: rxing builds each row's run lengths one bit at a time through `BitArray::get`,
//! which was a sixth of the decoder's time on the crowded 12-megapixel sheets of the BoofCV
//! `lots` photographs. Here the run ends are found with `trailing_zeros` on the matrix's words.
//! Everything after the run lengths is rxing's own public code (`FindLeftGuardBy`, `IsPattern`,
//! `LocateConcentricPattern`), called in the same order with the same arguments, so the patterns
//! found are the same, in the same order (tested against rxing's function).

use rxing::Point;
use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::{
    ConcentricPattern, FindLeftGuardBy, FixedPattern, IsPattern, LocateConcentricPattern,
    PatternRow, PatternType, PatternView,
};

/// The 1:1:3:1:1 finder pattern, as rxing's detector declares it.
const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);
/// rxing's try-harder row step: a finder pattern's centre is at least 3 pixels tall.
const ROW_STEP: u32 = 3;
const WORD: usize = usize::BITS as usize;

/// The finder patterns of `matrix`, as rxing's `FindFinderPatterns(matrix, true, 0)` finds them.
pub(super) fn finder_patterns(matrix: &BitMatrix) -> Vec<ConcentricPattern> {
    let mut found: Vec<ConcentricPattern> = Vec::new();
    let mut runs = Vec::new();
    let mut y = ROW_STEP - 1;
    while y < matrix.getHeight() {
        run_lengths(
            matrix.getRow(y).getBitArray(),
            matrix.getWidth() as usize,
            &mut runs,
        );
        let row = PatternRow::new(std::mem::take(&mut runs));
        let mut next = PatternView::new(&row);
        while let Ok(view) = find_pattern(next) {
            next = view;
            if !next.isValid() {
                break;
            }
            let centre = Point::new(
                f32::from(next.pixelsInFront())
                    + f32::from(next[0])
                    + f32::from(next[1])
                    + f32::from(next[2]) / 2.0,
                y as f32 + 0.5,
            );
            // Not inside a pattern already found.
            if !found
                .iter()
                .any(|old| Point::distance(centre, old.p) < old.size as f32 / 2.0)
            {
                // Three times the pattern's width: room for very skewed samples.
                let range = i32::from(next.iter().sum::<PatternType>()) * 3;
                if let Some(pattern) =
                    LocateConcentricPattern::<true, 5, 7>(matrix, &PATTERN.into(), centre, range)
                {
                    found.push(pattern);
                }
            }
            next.skipPair();
            next.skipPair();
            next.extend();
        }
        runs = row.into_iter().collect();
        y += ROW_STEP;
    }
    found
}

/// rxing's `FindPattern`: the next window of five runs that passes a quick 1:1:3:1:1 test and
/// rxing's `IsPattern`.
fn find_pattern(view: PatternView<'_>) -> rxing::common::Result<PatternView<'_>> {
    FindLeftGuardBy::<5, _>(view, 5, |view: &PatternView, space: Option<f32>| {
        let bar = |i: usize| -> PatternType { view[i] };
        if bar(2) < 3 || bar(2) < 2 * bar(0).max(bar(4)) || bar(2) < bar(1).max(bar(3)) {
            return false;
        }
        IsPattern::<true, 5, 7, false>(view, &PATTERN, space, 0.1, 0.0, 0.0) != 0.0
    })
}

/// The run lengths of one matrix row in rxing's `PatternRow` layout: a light run first (0 when
/// the row starts dark), alternating, and a closing 0 when the row ends dark. `words` are the
/// row's bits, least significant first; bits past `width` are 0.
pub(super) fn run_lengths(words: &[usize], width: usize, runs: &mut Vec<PatternType>) {
    runs.clear();
    let (mut x, mut dark) = (0usize, false);
    while x < width {
        let end = next_change(words, x, dark).min(width);
        runs.push((end - x) as PatternType);
        x = end;
        dark = !dark;
    }
    // The loop flipped the colour after the last run: `dark` false means it was dark.
    if width > 0 && !dark {
        runs.push(0);
    }
}

/// The first index at or after `from` whose bit differs from `dark` (past the row's words when
/// none does).
fn next_change(words: &[usize], from: usize, dark: bool) -> usize {
    let flip = if dark { usize::MAX } else { 0 };
    let mut index = from / WORD;
    let Some(&first) = words.get(index) else {
        return from;
    };
    let mut word = (first ^ flip) & (usize::MAX << (from % WORD));
    loop {
        if word != 0 {
            return index * WORD + word.trailing_zeros() as usize;
        }
        index += 1;
        match words.get(index) {
            Some(&next) => word = next ^ flip,
            None => return index * WORD,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::qrcode::cpp_port::detector::FindFinderPatterns;

    #[test]
    fn run_lengths_follow_rxings_layout() {
        let mut runs = Vec::new();
        // Pixels 0..10: light 3, dark 2, light 5.
        run_lengths(&[0b0001_1000], 10, &mut runs);
        assert_eq!(runs, [3, 2, 5]);
        // Starting dark: a 0 first; ending dark: a 0 last.
        run_lengths(&[0b11_0000_0111], 10, &mut runs);
        assert_eq!(runs, [0, 3, 5, 2, 0]);
        // Runs across word boundaries, and a row of one word and a bit.
        let words = [usize::MAX << (WORD - 2), 0b1];
        run_lengths(&words, WORD + 1, &mut runs);
        assert_eq!(runs, [(WORD - 2) as u16, 3, 0]);
    }

    /// The same patterns in the same order as rxing's search, on generated codes, turned and on
    /// a noisy ground, in both polarities.
    #[test]
    fn matches_rxings_search() {
        let mut compared = 0;
        for (text, module, turn) in [
            ("finders", 4u32, 0.0f32),
            ("turned finders", 3, 0.5),
            (
                "a longer text to make a larger symbol of version four or so",
                5,
                1.1,
            ),
        ] {
            let code = qrcode::QrCode::new(text.as_bytes()).expect("encodes");
            let n = code.width() as u32;
            let colors = code.to_colors();
            let side = (n + 16) * module * 3 / 2;
            let (sin, cos) = turn.sin_cos();
            let centre = side as f32 / 2.0;
            let mut matrix = BitMatrix::new(side, side + 7).expect("matrix");
            let mut noise = 12_345u32;
            for y in 0..side + 7 {
                for x in 0..side {
                    noise ^= noise << 13;
                    noise ^= noise >> 17;
                    noise ^= noise << 5;
                    let (dx, dy) = (x as f32 - centre, y as f32 - centre);
                    let u = (cos * dx + sin * dy) / module as f32 + n as f32 / 2.0;
                    let v = (-sin * dx + cos * dy) / module as f32 + n as f32 / 2.0;
                    let inside = u >= 0.0 && v >= 0.0 && u < n as f32 && v < n as f32;
                    let dark = if inside {
                        colors[v as usize * n as usize + u as usize] == qrcode::Color::Dark
                    } else {
                        noise.is_multiple_of(53)
                    };
                    if dark {
                        matrix.set(x, y);
                    }
                }
            }
            for _ in 0..2 {
                let ours = finder_patterns(&matrix);
                let theirs = FindFinderPatterns(&matrix, true, 0);
                assert_eq!(ours, theirs, "{text}");
                compared += ours.len();
                matrix.flip_self();
            }
        }
        assert!(compared >= 9, "only {compared} patterns found");
    }
}
