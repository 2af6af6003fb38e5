//! Laying out already-escaped text for a screen of a given width: display widths, wrapping
//! that never loses a character, and a bordered grid whose columns share the width.
//!
//! Wrapping breaks between words first. A word wider than the line (a long URL, a deep path) is
//! broken only after one of the characters where URLs and paths are read in pieces anyway
//! (`/ & ? = , ; : @ . -` and `_`), the way browsers wrap links; only a run with no such
//! character at all that is wider than the whole line is split between two characters. Nothing
//! is ever cut: every character of the input is on some output line, in order.
//!
//! Widths are display columns (`unicode-width`), so CJK text and combining marks line up.
//! Colour is applied after layout, to whole cells, so escape sequences never count as width.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display columns of `text`.
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Characters after which a long word is broken first: between the segments of a path and the
/// parameters of a query, where a reader expects a break.
fn is_strong_break(c: char) -> bool {
    matches!(c, '/' | '&' | '?' | ',' | ';')
}

/// Characters after which a word is broken when a segment is still wider than the line: inside
/// a host name or a file name.
fn is_weak_break(c: char) -> bool {
    matches!(c, '=' | ':' | '@' | '.' | '-' | '_' | '#' | '+' | '|')
}

#[cfg(test)]
fn is_break_after(c: char) -> bool {
    is_strong_break(c) || is_weak_break(c)
}

/// How far a column may break its words to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Breaking {
    /// Words stay whole.
    Never,
    /// Between path segments and query parameters.
    Segments,
    /// Also inside host and file names, down to `MIN_BREAKABLE` columns.
    Anywhere,
}

/// The widest piece of `text` a column must hold when it breaks words as `breaking` allows.
pub fn min_piece_width(text: &str, breaking: Breaking) -> usize {
    text.split(['\n', ' '])
        .flat_map(|word| match breaking {
            Breaking::Never => vec![word.to_string()],
            Breaking::Segments => pieces(word, is_strong_break),
            Breaking::Anywhere => pieces(word, |c| is_strong_break(c) || is_weak_break(c)),
        })
        .map(|p| display_width(&p))
        .max()
        .unwrap_or(0)
}

/// The longest space-separated word of `text`.
pub fn longest_word(text: &str) -> usize {
    min_piece_width(text, Breaking::Never)
}

/// A word split after each character `at` accepts.
fn pieces(word: &str, at: impl Fn(char) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in word.chars() {
        current.push(c);
        if at(c) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A word wider than `width` in pieces: at segment breaks, then (for segments still too wide)
/// inside names, then (for runs without any break character) between characters.
fn split_long_word(word: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for segment in pieces(word, is_strong_break) {
        if display_width(&segment) <= width {
            out.push(segment);
            continue;
        }
        for piece in pieces(&segment, is_weak_break) {
            if display_width(&piece) <= width {
                out.push(piece);
                continue;
            }
            let mut run = String::new();
            let mut run_width = 0;
            for c in piece.chars() {
                let char_width = UnicodeWidthChar::width(c).unwrap_or(0);
                if run_width + char_width > width && !run.is_empty() {
                    out.push(std::mem::take(&mut run));
                    run_width = 0;
                }
                run.push(c);
                run_width += char_width;
            }
            out.push(run);
        }
    }
    out
}

/// Wraps `text` to lines of at most `width` columns (at least one column). Explicit `\n` start
/// a new line; runs of spaces between words collapse to one at a line break only.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0;
        for word in paragraph.split(' ') {
            let word_width = display_width(word);
            let gap = usize::from(line_width > 0);
            if line_width + gap + word_width <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                line_width += gap + word_width;
                continue;
            }
            // The word does not fit behind what is on the line.
            if word_width <= width {
                lines.push(std::mem::take(&mut line));
                line.push_str(word);
                line_width = word_width;
                continue;
            }
            // Wider than a whole line: fill the rest of this line with pieces, then go on.
            if line_width > 0 {
                line.push(' ');
                line_width += 1;
            }
            for piece in split_long_word(word, width) {
                let piece_width = display_width(&piece);
                if line_width + piece_width > width && line_width > 0 {
                    lines.push(std::mem::take(&mut line).trim_end().to_string());
                    line_width = 0;
                }
                line.push_str(&piece);
                line_width += piece_width;
            }
        }
        lines.push(line);
    }
    lines
}

/// `text` wrapped to `width`, the first line after `first` and the others after `rest`
/// (a hanging indent), as one string ending in a newline.
pub fn hanging(first: &str, rest: &str, text: &str, width: usize) -> String {
    let room = width.saturating_sub(display_width(rest)).max(20);
    let mut out = String::new();
    for (i, line) in wrap(text, room).into_iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// How a cell is coloured on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    #[default]
    Plain,
    Bold,
    Red,
    BoldRed,
    Yellow,
    Cyan,
    Green,
    Dim,
}

impl Style {
    fn code(self) -> Option<&'static str> {
        match self {
            Style::Plain => None,
            Style::Bold => Some("1"),
            Style::Red => Some("31"),
            Style::BoldRed => Some("1;31"),
            Style::Yellow => Some("33"),
            Style::Cyan => Some("36"),
            Style::Green => Some("32"),
            Style::Dim => Some("2"),
        }
    }

    /// `text` in this style when `colour` is on (SGR escape sequences), else unchanged.
    pub fn paint(self, text: &str, colour: bool) -> String {
        match self.code() {
            Some(code) if colour && !text.is_empty() => format!("\u{1b}[{code}m{text}\u{1b}[0m"),
            _ => text.to_string(),
        }
    }
}

/// One column of a grid.
#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    /// May be broken inside words (at break characters) when space is short: paths and hosts.
    /// Other columns are at least as wide as their longest word.
    pub breakable: bool,
}

/// One cell: already escaped text, and its colour.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            style: Style::Plain,
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Cell {
        Cell {
            text: text.into(),
            style,
        }
    }
}

/// Columns and their cells, laid out in at most a given width.
#[derive(Debug, Clone)]
pub struct Grid {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// Columns narrower than this are never made narrower by breaking words.
const MIN_BREAKABLE: usize = 8;

impl Grid {
    /// Borders and padding: `│ a ┆ b │` is 3 columns per cell plus one.
    fn chrome(&self) -> usize {
        3 * self.columns.len() + 1
    }

    /// The width of each column when the grid may use `width` columns and breakable columns
    /// may break words as `breaking` allows, or `None` when even the narrowest layout does not
    /// fit.
    pub fn widths(&self, width: usize, breaking: Breaking) -> Option<Vec<usize>> {
        let available = width.checked_sub(self.chrome())?;
        let cells = |c: usize| {
            std::iter::once(self.columns[c].header.as_str())
                .chain(self.rows.iter().map(move |r| r[c].text.as_str()))
        };
        let count = self.columns.len();
        let natural: Vec<usize> = (0..count)
            .map(|c| {
                cells(c)
                    .flat_map(|t| t.split('\n'))
                    .map(display_width)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let minimum: Vec<usize> = (0..count)
            .map(|c| {
                let words = cells(c).map(longest_word).max().unwrap_or(0);
                let narrowest = match (self.columns[c].breakable, breaking) {
                    (false, _) | (true, Breaking::Never) => words,
                    (true, Breaking::Segments) => cells(c)
                        .map(|t| min_piece_width(t, Breaking::Segments))
                        .max()
                        .unwrap_or(0),
                    // Anything wider is split between characters at worst.
                    (true, Breaking::Anywhere) => words.min(MIN_BREAKABLE),
                };
                // Headers are never broken.
                narrowest.max(longest_word(&self.columns[c].header))
            })
            .collect();
        if minimum.iter().sum::<usize>() > available {
            return None;
        }
        if natural.iter().sum::<usize>() <= available {
            return Some(natural);
        }
        // Every column gets its minimum; the rest is shared in proportion to what each still
        // wants, so that a long list of locations gets more room than a short label.
        let mut widths = minimum.clone();
        let left = available - widths.iter().sum::<usize>();
        let wants: Vec<usize> = (0..count).map(|c| natural[c] - widths[c]).collect();
        let total_want: usize = wants.iter().sum();
        let mut given = 0;
        for c in 0..count {
            let share = left * wants[c] / total_want.max(1);
            widths[c] += share;
            given += share;
        }
        // What rounding left over goes one column at a time to those wanting most.
        let mut order: Vec<usize> = (0..count).collect();
        order.sort_by_key(|&c| std::cmp::Reverse(natural[c] - widths[c]));
        for &c in order.iter().cycle().take(left - given) {
            if widths[c] < natural[c] {
                widths[c] += 1;
            }
        }
        Some(widths)
    }

    /// The grid drawn with these column widths, colour applied to styled cells when `colour`.
    pub fn render(&self, widths: &[usize], colour: bool) -> String {
        let rule = |left: &str, fill: &str, join: &str, right: &str| {
            let mut s = String::from(left);
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    s.push_str(join);
                }
                s.push_str(&fill.repeat(w + 2));
            }
            s.push_str(right);
            s.push('\n');
            s
        };
        let mut out = rule("┌", "─", "┬", "┐");
        let header: Vec<Cell> = self
            .columns
            .iter()
            .map(|c| Cell::styled(c.header.clone(), Style::Bold))
            .collect();
        out.push_str(&self.render_row(&header, widths, colour));
        out.push_str(&rule("╞", "═", "╪", "╡"));
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push_str(&rule("├", "╌", "┼", "┤"));
            }
            out.push_str(&self.render_row(row, widths, colour));
        }
        out.push_str(&rule("└", "─", "┴", "┘"));
        out
    }

    fn render_row(&self, row: &[Cell], widths: &[usize], colour: bool) -> String {
        let wrapped: Vec<Vec<String>> = row
            .iter()
            .zip(widths)
            .map(|(cell, &w)| wrap(&cell.text, w))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut out = String::new();
        for line in 0..height {
            out.push('│');
            for (c, lines) in wrapped.iter().enumerate() {
                if c > 0 {
                    out.push('┆');
                }
                let text = lines.get(line).map(String::as_str).unwrap_or("");
                let pad = widths[c].saturating_sub(display_width(text));
                out.push(' ');
                out.push_str(&row[c].style.paint(text, colour));
                out.push_str(&" ".repeat(pad + 1));
            }
            out.push_str("│\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of the input is on the output lines, in order (spaces at breaks aside).
    fn nothing_lost(text: &str, lines: &[String]) {
        let squeeze = |s: &str| s.replace([' ', '\n'], "");
        assert_eq!(squeeze(&lines.concat()), squeeze(text), "{lines:?}");
    }

    #[test]
    fn words_wrap_between_words() {
        let lines = wrap("the app will add community Sales", 12);
        assert_eq!(lines, ["the app will", "add", "community", "Sales"]);
    }

    #[test]
    fn long_urls_break_after_separators_never_inside_a_word() {
        let url = "hclsametime://jdoe@stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team";
        let lines = wrap(url, 30);
        nothing_lost(url, &lines);
        for line in &lines {
            assert!(display_width(line) <= 30, "{line}");
        }
        // The host and port stay together; the query breaks between parameters.
        assert_eq!(
            lines,
            [
                "hclsametime://",
                "jdoe@stproxy.example.com:8443/",
                "?action=AddCommunity&",
                "communityName=Sales%20Team"
            ]
        );
        // Each line ends at a break character (the last one ends the text).
        for line in &lines[..lines.len() - 1] {
            assert!(line.ends_with(is_break_after), "{lines:?}");
        }
    }

    #[test]
    fn a_run_without_break_characters_is_split_but_kept_whole() {
        let blob = "A".repeat(25);
        let lines = wrap(&format!("key {blob}"), 10);
        nothing_lost(&format!("key {blob}"), &lines);
        assert!(lines.iter().all(|l| display_width(l) <= 10), "{lines:?}");
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(display_width("東京"), 4);
        let lines = wrap("東京 東京 東京", 9);
        assert_eq!(lines, ["東京 東京", "東京"]);
    }

    #[test]
    fn grid_shares_the_width_and_keeps_words_whole() {
        let grid = Grid {
            columns: vec![
                Column {
                    header: "Severity".into(),
                    breakable: false,
                },
                Column {
                    header: "Where".into(),
                    breakable: true,
                },
            ],
            rows: vec![vec![
                Cell::new("critical"),
                Cell::new("posters/a-very-long-folder-name/poster.png, b.png"),
            ]],
        };
        // Words whole does not fit in 40 columns; path segments do.
        assert!(grid.widths(40, Breaking::Never).is_none());
        let widths = grid.widths(40, Breaking::Segments).unwrap();
        assert_eq!(widths[0], 8);
        assert_eq!(widths.iter().sum::<usize>() + 7, 40);
        let drawn = grid.render(&widths, false);
        for line in drawn.lines() {
            assert_eq!(display_width(line), 40, "{drawn}");
        }
        assert!(drawn.contains("critical"), "{drawn}");
        assert!(grid.widths(12, Breaking::Anywhere).is_none());
        assert_eq!(
            grid.widths(80, Breaking::Never),
            Some(vec![8, 49]),
            "natural widths when they fit"
        );
        // Colour does not change the layout, only wraps cells in SGR sequences.
        let coloured = grid.render(&widths, true);
        assert!(
            coloured.contains("\u{1b}[1mSeverity\u{1b}[0m"),
            "{coloured}"
        );
    }
}
