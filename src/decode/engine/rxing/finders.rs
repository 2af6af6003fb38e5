//! The finder-pattern search of rxing's QR detector (`FindFinderPatterns`, try-harder: every
//! third row), with the rows turned into run lengths a word at a time and the 1:1:3:1:1 windows
//! scanned on the runs themselves (feature `rxing`).
//!
//! Why our own: rxing builds each row's run lengths one bit at a time through `BitArray::get`,
//! which was a sixth of the decoder's time on the crowded 12-megapixel sheets of the BoofCV
//! `lots` photographs. Here the run ends are found with `trailing_zeros` on the matrix's words,
//! kept (`RowRuns`) so that the light-on-dark try of the same matrix flipped gets them by
//! swapping colours, and the windows are tested on the slice of runs before rxing's `IsPattern`
//! sees any (`pattern_windows`). Each candidate is checked by rxing's `LocateConcentricPattern`
//! (our copy with a faster pixel walk, `concentric.rs`) and the rest is rxing's own public code
//! (`IsPattern`), called in the same order with the same arguments, so the patterns found are
//! the same, in the same order (tested against rxing's function and loop).

use rxing::Point;
use rxing::common::BitMatrix;
use rxing::common::cpp_essentials::{ConcentricPattern, IsPattern, PatternType, PatternView};

use super::concentric::{FINDER_PATTERN, locate_finder_pattern};

/// rxing's try-harder row step: a finder pattern's centre is at least 3 pixels tall.
const ROW_STEP: u32 = 3;
const WORD: usize = usize::BITS as usize;

/// The run lengths of the rows the search looks at (every `ROW_STEP`-th, from row
/// `ROW_STEP` − 1), in rxing's `PatternRow` layout (`run_lengths`), computed once per matrix.
///
/// Why kept: the light-on-dark try of a large look reads the same matrix with every bit flipped,
/// and a flipped row's runs are the same runs with the colours swapped (`flipped`), so the
/// second search need not walk the matrix's words again. Walking them was a third of that
/// try's time on the 3-megapixel BoofCV photographs.
pub(super) struct RowRuns {
    /// Every row's runs, one after the other.
    runs: Vec<PatternType>,
    /// Where each row's runs end in `runs`.
    ends: Vec<usize>,
}

impl RowRuns {
    /// The runs of `matrix`'s searched rows.
    pub(super) fn of(matrix: &BitMatrix) -> RowRuns {
        let width = matrix.getWidth() as usize;
        let mut all = RowRuns {
            runs: Vec::new(),
            ends: Vec::new(),
        };
        let mut row = Vec::new();
        let mut y = ROW_STEP - 1;
        while y < matrix.getHeight() {
            run_lengths(matrix.getRow(y).getBitArray(), width, &mut row);
            all.runs.extend_from_slice(&row);
            all.ends.push(all.runs.len());
            y += ROW_STEP;
        }
        all
    }

    /// The runs of the same rows with every pixel's colour swapped (`BitMatrix::flip_self`).
    /// A row's list starts and ends with a light run (0 where the row starts or ends dark), so
    /// swapping the colours puts a 0 in front where the row started light and drops the 0 that
    /// was there where it started dark, and likewise at the end.
    pub(super) fn flipped(&self) -> RowRuns {
        let mut all = RowRuns {
            runs: Vec::with_capacity(self.runs.len() + 2 * self.ends.len()),
            ends: Vec::with_capacity(self.ends.len()),
        };
        for i in 0..self.ends.len() {
            let row = self.row(i);
            if row.is_empty() {
                all.ends.push(all.runs.len());
                continue;
            }
            // The runs between the leading and closing light ones, as they are.
            let (mut inner, mut starts_light, mut ends_light) = (row, true, true);
            if let [0, rest @ ..] = inner {
                (inner, starts_light) = (rest, false);
            }
            if let [rest @ .., 0] = inner {
                (inner, ends_light) = (rest, false);
            }
            if starts_light {
                all.runs.push(0);
            }
            all.runs.extend_from_slice(inner);
            if ends_light {
                all.runs.push(0);
            }
            all.ends.push(all.runs.len());
        }
        all
    }

    /// The runs of the `i`-th searched row.
    fn row(&self, i: usize) -> &[PatternType] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.runs[start..self.ends[i]]
    }
}

/// The finder patterns of `matrix`, as rxing's `FindFinderPatterns(matrix, true, 0)` finds them,
/// from the runs of its searched rows (`runs`: `RowRuns::of(matrix)`, or the flipped runs of
/// the matrix before `flip_self`).
pub(super) fn finder_patterns_in(matrix: &BitMatrix, runs: &RowRuns) -> Vec<ConcentricPattern> {
    let mut found: Vec<ConcentricPattern> = Vec::new();
    let rows = (ROW_STEP - 1..matrix.getHeight()).step_by(ROW_STEP as usize);
    for (i, y) in rows.enumerate().take(runs.ends.len()) {
        let row = runs.row(i);
        for k in pattern_windows(row) {
            let centre = Point::new(
                f32::from(row[..k].iter().sum::<PatternType>())
                    + f32::from(row[k])
                    + f32::from(row[k + 1])
                    + f32::from(row[k + 2]) / 2.0,
                y as f32 + 0.5,
            );
            // Not inside a pattern already found.
            if !found
                .iter()
                .any(|old| Point::distance(centre, old.p) < old.size as f32 / 2.0)
            {
                // Three times the pattern's width: room for very skewed samples.
                let range = i32::from(row[k..k + 5].iter().sum::<PatternType>()) * 3;
                if let Some(pattern) = locate_finder_pattern(matrix, centre, range) {
                    found.push(pattern);
                }
            }
        }
    }
    found
}

/// Where in `row` (a `PatternRow`'s runs) rxing's search finds 1:1:3:1:1 windows: the index of
/// each window's first (dark) run, in order. This is rxing's `FindPattern` loop
/// (`FindLeftGuardBy` over `PatternView`s, the window moved on by two runs after a miss and by
/// four after a hit) on the slice itself: the quick ratio test reads the runs directly, and only
/// windows that pass it are handed to rxing's `IsPattern`. Going through `PatternView` for every
/// window was about half of the row search's time.
///
/// rxing's quirks are kept: the first window is tried with an unbounded space before it and then
/// again with the light run before it; later windows are tried only while they end before the
/// row's last five runs; a hit counts only when its window ends before the row's last run; and a
/// row of five runs or fewer yields nothing (rxing's view then indexes from the row's start and
/// its validity test fails).
fn pattern_windows(row: &[PatternType]) -> impl Iterator<Item = usize> + '_ {
    let len = row.len();
    let view = PatternView::from_slice(row);
    let is_pattern = move |k: usize, space: Option<f32>| -> bool {
        let bar = |i: usize| row[k + i];
        if bar(2) < 3 || bar(2) < 2 * bar(0).max(bar(4)) || bar(2) < bar(1).max(bar(3)) {
            return false;
        }
        // rxing's window at k: the row view's `subView` from its first bar (index 1).
        let window = view.subView(k - 1, Some(5));
        IsPattern::<true, 5, 7, false>(&window, &FINDER_PATTERN, space, 0.1, 0.0, 0.0) != 0.0
    };
    let (mut k, mut first) = (1, true);
    std::iter::from_fn(move || {
        // rxing's view spans the whole row at first, the rest of it after a hit: five runs at
        // least.
        if len <= 5 || (!first && len - k < 5) {
            return None;
        }
        let mut hit = first && is_pattern(k, Some(f32::MAX));
        first = false;
        while !hit && k < len - 5 {
            hit = is_pattern(k, Some(f32::from(row[k - 1])));
            if !hit {
                k += 2;
            }
        }
        if !hit || k + 4 >= len {
            return None;
        }
        let window = k;
        k += 4;
        Some(window)
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
    use rxing::common::cpp_essentials::{FindLeftGuardBy, PatternRow};
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
            let mut runs = RowRuns::of(&matrix);
            for _ in 0..3 {
                let theirs = FindFinderPatterns(&matrix, true, 0);
                // From the matrix's own runs, and from the runs of the matrix before it was
                // flipped, flipped (as the light-on-dark try gets them).
                assert_eq!(
                    finder_patterns_in(&matrix, &RowRuns::of(&matrix)),
                    theirs,
                    "{text}"
                );
                assert_eq!(finder_patterns_in(&matrix, &runs), theirs, "{text}");
                compared += theirs.len();
                runs = runs.flipped();
                matrix.flip_self();
            }
        }
        assert!(compared >= 9, "only {compared} patterns found");
    }

    /// rxing's `FindPattern` loop over a row, as `finder_patterns` ran it before
    /// `pattern_windows`: each hit as (pixels in front of it, its width).
    fn rxings_windows(row: &[PatternType]) -> Vec<(PatternType, PatternType)> {
        let row = PatternRow::new(row.to_vec());
        let mut next = PatternView::new(&row);
        let mut hits = Vec::new();
        let is_guard = |view: &PatternView, space: Option<f32>| {
            let bar = |i: usize| -> PatternType { view[i] };
            if bar(2) < 3 || bar(2) < 2 * bar(0).max(bar(4)) || bar(2) < bar(1).max(bar(3)) {
                return false;
            }
            IsPattern::<true, 5, 7, false>(view, &FINDER_PATTERN, space, 0.1, 0.0, 0.0) != 0.0
        };
        while let Ok(view) = FindLeftGuardBy::<5, _>(next, 5, is_guard) {
            next = view;
            if !next.isValid() {
                break;
            }
            hits.push((next.pixelsInFront(), next.iter().sum::<PatternType>()));
            next.skipPair();
            next.skipPair();
            next.extend();
        }
        hits
    }

    /// The same windows as rxing's loop on random rows with 1:1:3:1:1 windows planted at the
    /// start (a row starting dark: rxing tries its first window twice, with and without a
    /// quiet zone), in the middle, back to back and at the end, and rows of five runs or fewer.
    #[test]
    fn pattern_windows_are_rxings() {
        let mut state = 0x9e37_79b9u32;
        let mut next = move |below: u32| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % below) as PatternType
        };
        let (mut rows_with_hits, mut hits) = (0, 0);
        for _ in 0..4000 {
            let mut row: Vec<PatternType> = vec![if next(3) == 0 { 0 } else { 1 + next(6) }];
            let runs = 1 + next(24);
            while row.len() < runs as usize {
                // A dark run is due at odd indices: plant a pattern there now and then.
                if row.len() % 2 == 1 && next(3) == 0 {
                    let m = 1 + next(4);
                    let wobble = |n: PatternType, w: PatternType| (n + w).saturating_sub(1).max(1);
                    for bar in [m, m, 3 * m, m, m] {
                        let w = next(3);
                        row.push(wobble(bar, w));
                    }
                } else {
                    row.push(1 + next(8));
                }
            }
            // A row ends with a light run, 0 when it ends dark.
            if row.len().is_multiple_of(2) {
                row.push(if next(2) == 0 { 0 } else { 1 + next(6) });
            }
            let theirs = rxings_windows(&row);
            let ours: Vec<_> = pattern_windows(&row)
                .map(|k| (row[..k].iter().sum(), row[k..k + 5].iter().sum()))
                .collect();
            assert_eq!(ours, theirs, "{row:?}");
            rows_with_hits += usize::from(!ours.is_empty());
            hits += ours.len();
        }
        assert!(
            rows_with_hits > 500 && hits > 800,
            "{rows_with_hits} rows, {hits} hits"
        );
    }

    /// A flipped row's runs are those of the row with every pixel's colour swapped.
    #[test]
    fn flipped_runs_are_the_negative_rows_runs() {
        let mut matrix = BitMatrix::new(20, 9).expect("matrix");
        // Row 2: light start, dark end; row 5: dark start, light end; row 8: all dark.
        for x in 3..7 {
            matrix.set(x, 2);
        }
        for x in 15..20 {
            matrix.set(x, 2);
        }
        for x in 0..4 {
            matrix.set(x, 5);
        }
        for x in 0..20 {
            matrix.set(x, 8);
        }
        let runs = RowRuns::of(&matrix);
        assert_eq!(runs.row(0), [3, 4, 8, 5, 0]);
        assert_eq!(runs.row(1), [0, 4, 16]);
        assert_eq!(runs.row(2), [0, 20, 0]);
        let flipped = runs.flipped();
        assert_eq!(flipped.row(0), [0, 3, 4, 8, 5]);
        assert_eq!(flipped.row(1), [4, 16, 0]);
        assert_eq!(flipped.row(2), [20]);
        matrix.flip_self();
        let negative = RowRuns::of(&matrix);
        for i in 0..3 {
            assert_eq!(flipped.row(i), negative.row(i));
        }
        // Flipped twice: the rows as they were.
        let twice = flipped.flipped();
        for i in 0..3 {
            assert_eq!(twice.row(i), runs.row(i));
        }
    }
}
