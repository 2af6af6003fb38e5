//! Where a code was found: the input, then each step taken inside containers to reach it (a
//! MIME part, a zip member, a PDF page and an image drawn on it). Written as the input's path
//! followed by `!step` for every step (`mail.eml!2/poster.png`), which is the `location` of a
//! code in reports; container readers escape `!` in names taken from files, so that `!` always
//! separates steps (see `container`'s module comment for every kind of step).
//!
//! The pipeline compares provenances as paths (is this image inside that page?), never as
//! strings: an input's own path may contain `!`, and a step name may be a prefix of another.

use std::fmt;

/// An input and the container steps inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Provenance {
    /// The input, as displayed (`-` for stdin).
    input: String,
    /// The steps inside it, outermost first; empty for the input itself.
    steps: Vec<String>,
}

impl Provenance {
    /// The input itself, known as `input` (its display path, `-` for stdin), before any step.
    pub fn of_input(input: &str) -> Self {
        Provenance {
            input: input.to_string(),
            steps: Vec::new(),
        }
    }

    /// One step further inside: `name` is the step as written (`page-2`, `2/poster.png`). A
    /// name taken from a file must already be escaped (`container`'s `segment_name`), so that
    /// it holds no `!` and the written location reads back as the same steps.
    pub fn step(&self, name: &str) -> Self {
        debug_assert!(!name.contains('!'), "unescaped step name {name:?}");
        let mut steps = self.steps.clone();
        steps.push(name.to_string());
        Provenance {
            input: self.input.clone(),
            steps,
        }
    }

    /// A location as written, for an input known as `input`: the steps are what follows the
    /// input's path, split at `!`. A location that does not start with the input's path (never
    /// written by qraudit) is taken as the input itself.
    pub fn read(input: &str, location: &str) -> Self {
        let steps = match location.strip_prefix(input) {
            Some(rest) => rest
                .strip_prefix('!')
                .map(|inner| inner.split('!').map(str::to_string).collect())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Provenance {
            input: input.to_string(),
            steps,
        }
    }

    /// True when `self` lies strictly inside `outer` (an image drawn on a page, a member of a zip).
    pub fn is_inside(&self, outer: &Provenance) -> bool {
        self.input == outer.input
            && self.steps.len() > outer.steps.len()
            && self.steps.starts_with(&outer.steps)
    }

    /// The location with the input named by `input` instead (its path relative to the scan
    /// root, for fingerprints that do not depend on where a scan started).
    pub fn with_input(&self, input: &str) -> String {
        Provenance {
            input: input.to_string(),
            steps: self.steps.clone(),
        }
        .to_string()
    }
}

impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.input)?;
        for step in &self.steps {
            write!(f, "!{step}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_it_writes() {
        for (input, location) in [
            ("mail.eml", "mail.eml!2/poster.png"),
            ("a!b.pdf", "a!b.pdf!page-2!Im1"),
            ("x.png", "x.png"),
            ("-", "-!msg-3!1"),
        ] {
            assert_eq!(Provenance::read(input, location).to_string(), location);
        }
    }

    #[test]
    fn steps_write_as_the_location_they_read_back_as() {
        let input = Provenance::of_input("a!b.pdf");
        assert_eq!(input.to_string(), "a!b.pdf");
        let image = input.step("page-2").step("Fm1/Im1");
        assert_eq!(image.to_string(), "a!b.pdf!page-2!Fm1/Im1");
        assert_eq!(Provenance::read("a!b.pdf", &image.to_string()), image);
        assert!(image.is_inside(&input.step("page-2")));
    }

    #[test]
    fn inside_is_a_path_relation_not_a_string_prefix() {
        let page = Provenance::read("f.pdf", "f.pdf!page-1");
        let image = Provenance::read("f.pdf", "f.pdf!page-1!Im1");
        let page_ten = Provenance::read("f.pdf", "f.pdf!page-10!Im1");
        assert!(image.is_inside(&page));
        assert!(!page.is_inside(&page));
        assert!(!page.is_inside(&image));
        // `f.pdf!page-1` is a string prefix of `f.pdf!page-10!Im1`, but no step of it.
        assert!(!page_ten.is_inside(&page));
        // An input whose own name holds `!` is one input, not a step.
        let odd = Provenance::read("a!b.png", "a!b.png");
        assert!(!odd.is_inside(&Provenance::read("a", "a")));
    }

    #[test]
    fn relative_locations_keep_the_steps() {
        let found = Provenance::read(
            "/home/x/assets/mail.eml",
            "/home/x/assets/mail.eml!2/qr.png",
        );
        assert_eq!(found.with_input("mail.eml"), "mail.eml!2/qr.png");
        assert_eq!(
            Provenance::read("/a/b.png", "/a/b.png").with_input("b.png"),
            "b.png"
        );
    }
}
