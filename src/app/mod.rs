//! The application layer: the command line (`cli`), resolving it and the policy file into the
//! library's configuration (`config`), running a command and writing its reports (`run`), and
//! the exit status a CI job acts on (`exit`). The commands that are not the pipeline live here
//! too: `generate` (writing a provisioning URL and its code) and `pasted` (the warnings about
//! texts pasted into `check`), and `allocator` (the C allocator's settings for a scan). Nothing
//! below `app` depends on it.

/// `eprintln!`, but the line (with its newline) goes out in one write. Rust's stderr is
/// unbuffered, so `eprintln!` writes each piece of its format separately; in a terminal where
/// qraudit runs as a background job (the unquoted `&` of a pasted link), the shell's prompt
/// then lands in the middle of a warning.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::app::write_stderr_line(format!($($arg)*))
    };
}

/// Writes `line` and a newline to stderr in one `write_all`. A failed write is ignored, as
/// `eprintln!` would panic on it: nothing is left to tell the user with.
pub(crate) fn write_stderr_line(mut line: String) {
    line.push('\n');
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

pub mod allocator;
pub mod cli;
pub mod config;
pub mod exit;
pub mod generate;
pub mod pasted;
pub mod rules_doc;
pub mod run;
