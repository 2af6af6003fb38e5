//! The bounds on what opening one input's containers may cost.
//!
//! Every limit counts per input file (the outermost container and everything nested in it), so
//! that a zip of zips or an mbox of forwarded mails cannot multiply its way past them. Each has
//! a default here and a flag in `cli.rs`; hitting one is an error for that input that names the
//! flag, never a crash and never a silent truncation.

use std::time::Instant;

/// Limits for opening containers. The defaults are generous for real mail, PDFs and asset
/// bundles and small enough that a hostile file costs seconds, not the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContainerLimits {
    /// How many containers may be nested, the input itself being level 1 (`--max-depth`). A
    /// mail in a zip in an mbox is 3 levels deep.
    pub max_depth: u32,
    /// How many things may be looked at inside one input: MIME leaf parts, zip members, mbox
    /// messages, PDF pages and embedded images, URLs in bodies (`--max-parts`).
    pub max_parts: u32,
    /// How many bytes may be decoded (base64, quoted-printable, inflated) inside one input, all
    /// levels together (`--max-container-bytes`). This is what stops a zip bomb.
    pub max_bytes: u64,
    /// How many pixels a rendered PDF page or SVG may have (`--max-page-pixels`). Pages are
    /// rendered at up to 3× (216 dpi) and scaled down to fit.
    pub max_page_pixels: u64,
}

impl Default for ContainerLimits {
    fn default() -> Self {
        ContainerLimits {
            max_depth: 8,
            max_parts: 10_000,
            max_bytes: 256 << 20,
            max_page_pixels: 25_000_000,
        }
    }
}

/// What has been spent so far on one input, against its limits.
#[derive(Debug)]
pub(super) struct Budget {
    pub limits: ContainerLimits,
    pub parts: u32,
    pub bytes: u64,
    /// Set once a per-input limit (parts, bytes or time) is exhausted: nothing more is opened.
    pub exhausted: bool,
    /// When opening must stop (`--image-timeout`, or what is left of `--input-timeout`);
    /// checked with every part, so that a reader of many small parts (a PDF of 100 000 pages)
    /// stops on time by itself.
    pub deadline: Option<Instant>,
}

/// The error text for an exhausted limit; the caller prefixes the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LimitHit {
    Parts(u32),
    Bytes(u64),
    /// The deadline passed; how long opening had been allowed to take.
    Time,
}

impl std::fmt::Display for LimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LimitHit::Parts(max) => write!(
                f,
                "more than {max} parts in this input (--max-parts); the rest was not looked at"
            ),
            LimitHit::Bytes(max) => write!(
                f,
                "more than {max} bytes decoded from this input (--max-container-bytes), a zip bomb or an oversized container; the rest was not looked at"
            ),
            LimitHit::Time => write!(
                f,
                "opening this input took longer than its time budget (--image-timeout, --input-timeout); the rest was not looked at"
            ),
        }
    }
}

impl Budget {
    pub fn new(limits: ContainerLimits) -> Self {
        Budget {
            limits,
            parts: 0,
            bytes: 0,
            exhausted: false,
            deadline: None,
        }
    }

    pub fn with_deadline(self, deadline: Option<Instant>) -> Self {
        Budget { deadline, ..self }
    }

    /// Counts one more part; `Err` when that is one too many.
    pub fn take_part(&mut self) -> Result<(), LimitHit> {
        if !self.exhausted && self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.exhausted = true;
            return Err(LimitHit::Time);
        }
        if self.exhausted || self.parts >= self.limits.max_parts {
            self.exhausted = true;
            return Err(LimitHit::Parts(self.limits.max_parts));
        }
        self.parts += 1;
        Ok(())
    }

    /// How many more bytes may be decoded.
    pub fn bytes_left(&self) -> u64 {
        self.limits.max_bytes.saturating_sub(self.bytes)
    }

    /// Counts `n` decoded bytes; `Err` when they do not fit.
    pub fn take_bytes(&mut self, n: u64) -> Result<(), LimitHit> {
        if self.exhausted || n > self.bytes_left() {
            self.exhausted = true;
            return Err(LimitHit::Bytes(self.limits.max_bytes));
        }
        self.bytes += n;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_counts_parts_and_bytes_and_stays_exhausted() {
        let mut budget = Budget::new(ContainerLimits {
            max_parts: 2,
            max_bytes: 10,
            ..ContainerLimits::default()
        });
        assert_eq!(budget.take_part(), Ok(()));
        assert_eq!(budget.take_bytes(6), Ok(()));
        assert_eq!(budget.bytes_left(), 4);
        assert_eq!(budget.take_bytes(5), Err(LimitHit::Bytes(10)));
        // Once exhausted, nothing more is granted, even what would fit.
        assert!(budget.take_bytes(1).is_err());
        assert!(budget.take_part().is_err());
    }

    #[test]
    fn part_limit_names_its_flag() {
        let mut budget = Budget::new(ContainerLimits {
            max_parts: 1,
            ..ContainerLimits::default()
        });
        budget.take_part().unwrap();
        let hit = budget.take_part().unwrap_err();
        assert!(hit.to_string().contains("--max-parts"), "{hit}");
    }
}
