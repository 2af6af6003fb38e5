//! Links typed or pasted into `qraudit check`, and the ways a shell mangles them.
//!
//! A provisioning URL separates its parameters with `&`, which a shell reads as "run in the
//! background": `qraudit check hclsametime://h/?action=AddCommunity&allowUntrustedSSL=true`
//! unquoted checks only `hclsametime://h/?action=AddCommunity` (in the background), and the
//! shell runs `allowUntrustedSSL=true` as a command of its own. The cut link is a valid, clean
//! link, so the report alone would say "fine" about a risky code. Three signs are looked for:
//!
//! - a link that ends right after a parameter separator (`&`, `?`, `;`): cut there, by a shell
//!   or by a line break in a chat message;
//! - qraudit running as a background job of an interactive shell while checking a link with a
//!   query (the process group is not the terminal's foreground group): the unquoted `&` case;
//! - an argument that is no link right after a link argument with a query: a link split at an
//!   unquoted space (`communityName=Sales Team`).
//!
//! Each gives a warning on stderr that says to quote the link; the report itself is unchanged.

/// What `qraudit check -` says when stdin is a terminal.
#[cfg(not(windows))]
pub const PROMPT: &str = "paste the link, then Ctrl-D";
#[cfg(windows)]
pub const PROMPT: &str = "paste the link, then Ctrl-Z and Enter";

/// A text given to `check`, and whether it came from the command line (where a shell had its
/// hands on it) or from stdin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedText {
    pub text: String,
    pub from_argument: bool,
}

impl CheckedText {
    pub fn from_argument(text: &str) -> Self {
        CheckedText {
            text: text.to_string(),
            from_argument: true,
        }
    }

    pub fn from_stdin(text: &str) -> Self {
        CheckedText {
            text: text.to_string(),
            from_argument: false,
        }
    }
}

/// A link with a scheme and an authority (`hclsametime://`, `https://`).
fn is_link(text: &str) -> bool {
    text.trim().contains("://")
}

/// A link with a query string, the part a shell can cut.
fn has_query(text: &str) -> bool {
    is_link(text) && text.contains('?')
}

/// The warnings for these texts (named `text:1`, `text:2`… as in the report). `background`:
/// qraudit runs as a background job of an interactive shell.
pub fn warnings(texts: &[CheckedText], background: bool) -> Vec<String> {
    let mut warnings = Vec::new();
    const QUOTE: &str = "quote the whole link: qraudit check '…'";
    for (i, checked) in texts.iter().enumerate() {
        let text = checked.text.trim_end();
        let name = format!("text:{}", i + 1);
        if is_link(text)
            && let Some(last) = text.chars().last().filter(|c| matches!(c, '&' | '?' | ';'))
        {
            warnings.push(format!(
                "{name} ends right after '{last}', a parameter separator: the rest of the link was \
                 probably cut off (an unquoted & ends a shell command; a chat may break the line \
                 there); {QUOTE}"
            ));
        }
        if checked.from_argument
            && !is_link(text)
            && i > 0
            && texts[i - 1].from_argument
            && has_query(&texts[i - 1].text)
        {
            warnings.push(format!(
                "{name} is not a link but follows one: the link text:{i} was probably split at \
                 an unquoted space; {QUOTE}"
            ));
        }
    }
    if background
        && let Some(i) = texts
            .iter()
            .position(|t| t.from_argument && has_query(&t.text))
    {
        warnings.push(format!(
            "qraudit runs as a background job: the shell probably cut text:{} at an unquoted & and \
             ran the rest of the link as separate commands, so only its beginning was checked; \
             {QUOTE}",
            i + 1
        ));
    }
    warnings
}

/// True when this process is a background job of an interactive shell: a terminal among
/// stdin, stdout and stderr has another process group in the foreground.
#[cfg(unix)]
#[allow(unsafe_code)] // Two libc calls, see SAFETY (the crate's other: app/allocator.rs).
pub fn running_in_background() -> bool {
    // SAFETY: `getpgrp` and `tcgetpgrp` only read process and terminal attributes; on a
    // descriptor that is not a terminal `tcgetpgrp` returns -1, which is handled.
    let own = unsafe { libc::getpgrp() };
    [libc::STDIN_FILENO, libc::STDOUT_FILENO, libc::STDERR_FILENO]
        .into_iter()
        .map(|fd| unsafe { libc::tcgetpgrp(fd) })
        .find(|&foreground| foreground > 0)
        .is_some_and(|foreground| foreground != own)
}

#[cfg(not(unix))]
pub fn running_in_background() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(texts: &[&str]) -> Vec<CheckedText> {
        texts
            .iter()
            .map(|t| CheckedText::from_argument(t))
            .collect()
    }

    #[test]
    fn a_link_ending_in_a_separator_was_cut() {
        for cut in [
            "hclsametime://h.example.com/?action=AddCommunity&",
            "hclsametime://h.example.com/?",
            "https://intranet.example.com/help?topic=qr;",
        ] {
            let found = warnings(&args(&[cut]), false);
            assert_eq!(found.len(), 1, "{cut}: {found:?}");
            assert!(found[0].starts_with("text:1 ends right after"), "{found:?}");
            assert!(found[0].contains("quote the whole link"), "{found:?}");
        }
        // From stdin too: a chat that broke the line after '&'.
        let piped = [CheckedText::from_stdin(
            "hclsametime://h.example.com/?action=AddCommunity&",
        )];
        assert_eq!(warnings(&piped, false).len(), 1);
    }

    #[test]
    fn whole_links_and_plain_text_give_no_warning() {
        assert!(
            warnings(
                &args(&[
                    "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales",
                    "https://example.com/",
                    "WIFI:T:WPA;S:Guest;P:x;;",
                ]),
                false
            )
            .is_empty()
        );
        assert!(warnings(&args(&["just some text &"]), false).is_empty());
    }

    #[test]
    fn a_link_split_at_a_space() {
        let found = warnings(
            &args(&[
                "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales",
                "Team",
            ]),
            false,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("text:2 is not a link"), "{found:?}");
        // Two texts from stdin are two lines, not a split.
        let piped = [
            CheckedText::from_stdin("https://example.com/?a=1"),
            CheckedText::from_stdin("hello"),
        ];
        assert!(warnings(&piped, false).is_empty());
    }

    #[test]
    fn a_background_job_checking_a_link_with_a_query() {
        let link = "hclsametime://h.example.com/?action=AddCommunity";
        let found = warnings(&args(&[link]), true);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("background job"), "{found:?}");
        assert!(warnings(&args(&[link]), false).is_empty());
        // Links from stdin were never parsed by a shell.
        assert!(warnings(&[CheckedText::from_stdin(link)], true).is_empty());
    }
}
