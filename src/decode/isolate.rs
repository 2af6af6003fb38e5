//! Isolation of decoder calls: a panic inside a decoder becomes an error value.
//!
//! rqrr 0.11 panics inside `detect_grids` on real photos (an assertion in its geometry.rs, seen
//! on the ZXing sample `qrcode-6/7.png`). A security scan must not die on one bad image, so every
//! decoder call goes through `isolated`, which catches the unwind and returns the panic message.
//! The process-wide panic hook installed by `install_quiet_panic_hook` keeps such expected panics
//! off stderr (the message ends up in the report instead) while still printing any other panic.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static ISOLATED_DEPTH: Cell<u32> = const { Cell::new(0) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records panics raised inside `isolated` instead of
/// printing them, and defers to the previous hook for all others.
pub fn install_quiet_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if ISOLATED_DEPTH.with(Cell::get) > 0 {
                let message = match info.payload().downcast_ref::<&str>() {
                    Some(s) => (*s).to_string(),
                    None => match info.payload().downcast_ref::<String>() {
                        Some(s) => s.clone(),
                        None => "unknown panic".to_string(),
                    },
                };
                let location = info
                    .location()
                    .map(|l| format!(" ({}:{})", short_source_path(l.file()), l.line()))
                    .unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{message}{location}")));
            } else {
                previous(info);
            }
        }));
    });
}

/// The source file of a panic from its crate's directory on (`rqrr-0.11.0/src/geometry.rs`):
/// enough to find the bug upstream, without the build machine's cargo registry path.
fn short_source_path(file: &str) -> &str {
    match file.rfind("/src/") {
        Some(src) => file[..src]
            .rfind('/')
            .map_or(file, |start| &file[start + 1..]),
        None => file,
    }
}

/// Runs `f`, turning a panic into `Err(message)`.
pub fn isolated<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_panic_hook();
    ISOLATED_DEPTH.with(|d| d.set(d.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    ISOLATED_DEPTH.with(|d| d.set(d.get() - 1));
    result.map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "decoder panicked".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_becomes_error_with_message() {
        let result: Result<(), String> = isolated(|| panic!("assertion failed: boom"));
        let message = result.unwrap_err();
        assert!(message.contains("assertion failed: boom"), "{message}");
        assert_eq!(isolated(|| 41 + 1), Ok(42));
    }

    #[test]
    fn panic_location_is_shortened_to_the_crate() {
        assert_eq!(
            short_source_path(
                "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/rqrr-0.11.0/src/geometry.rs"
            ),
            "rqrr-0.11.0/src/geometry.rs"
        );
        assert_eq!(short_source_path("src/decode/mod.rs"), "src/decode/mod.rs");
    }
}
