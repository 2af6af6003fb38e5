//! Isolation of decoder calls: a panic inside a decoder becomes an error value.
//!
//! rqrr 0.11 panics inside `detect_grids` on real photos (an assertion in its geometry.rs, seen
//! on the ZXing sample `qrcode-6/7.png`). A security scan must not die on one bad image, so every
//! decoder call goes through `isolated`, which catches the unwind and returns the panic message.
//! The process-wide panic hook installed by `install_quiet_panic_hook` keeps such expected panics
//! off stderr (the message ends up in the report instead) while still printing any other panic.
//!
//! The same guard isolates every other stage that reads outside bytes: the container readers,
//! the payload parsers, the stproxyconfig.xml reader, rendering, and (as a last line of
//! defence) the whole handling of one input. `Stage` names them, so that a contained panic is
//! reported as "payload parser panicked (stage payload): …", an error for that input.
//!
//! Testing the guard needs a panic on demand: `inject_panic_if_asked` panics when the
//! environment variable `QRAUDIT_INJECT_PANIC` names the stage *and* the data the stage is
//! about to read contains `QRAUDIT-INJECTED-PANIC`. Both are needed, so that neither a stray
//! variable nor a hostile file alone can trigger it; a cargo feature would have kept it out of
//! release builds, but then the plain `cargo test` that CI runs would not exercise the guard
//! of the real binary. The variable is read once per process.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Once, OnceLock};

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

/// The stages of handling one input that read outside bytes, each isolated on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The handling of one input as a whole (the last line of defence).
    Scan,
    /// The stproxyconfig.xml reader.
    ConfigXml,
    /// Opening a container, outside any one reader.
    Container,
    Mail,
    Mbox,
    /// The Outlook .msg reader.
    Msg,
    Pdf,
    Svg,
    Zip,
    /// The HTML page reader.
    Html,
    /// Decoding image file bytes to pixels.
    ImageLoad,
    /// Rasterising a drawing (an SVG, a PDF page).
    Render,
    /// The QR decoder passes (each pass is also isolated on its own).
    Decode,
    /// Classifying, parsing and auditing a decoded text.
    Payload,
}

impl Stage {
    const ALL: [Stage; 14] = [
        Stage::Scan,
        Stage::ConfigXml,
        Stage::Container,
        Stage::Mail,
        Stage::Mbox,
        Stage::Msg,
        Stage::Pdf,
        Stage::Svg,
        Stage::Zip,
        Stage::Html,
        Stage::ImageLoad,
        Stage::Render,
        Stage::Decode,
        Stage::Payload,
    ];

    /// The stage's name in reports and in `QRAUDIT_INJECT_PANIC`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Scan => "scan",
            Stage::ConfigXml => "config-xml",
            Stage::Container => "container",
            Stage::Mail => "mail",
            Stage::Mbox => "mbox",
            Stage::Msg => "msg",
            Stage::Pdf => "pdf",
            Stage::Svg => "svg",
            Stage::Html => "html",
            Stage::Zip => "zip",
            Stage::ImageLoad => "image-load",
            Stage::Render => "render",
            Stage::Decode => "decode",
            Stage::Payload => "payload",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Stage::Scan => "scanning this input",
            Stage::ConfigXml => "stproxyconfig.xml reader",
            Stage::Container => "container reader",
            Stage::Mail => "mail reader",
            Stage::Mbox => "mbox reader",
            Stage::Msg => "Outlook message reader",
            Stage::Pdf => "PDF reader",
            Stage::Svg => "SVG reader",
            Stage::Html => "HTML reader",
            Stage::Zip => "zip reader",
            Stage::ImageLoad => "image decoder",
            Stage::Render => "renderer",
            Stage::Decode => "QR decoder",
            Stage::Payload => "payload parser",
        }
    }

    /// The error for a panic `message` caught in this stage.
    pub fn panicked(self, message: &str) -> String {
        format!(
            "{} panicked (stage {}): {message}",
            self.what(),
            self.name()
        )
    }
}

/// The marker that data must contain for `inject_panic_if_asked` to panic.
pub const INJECTED_PANIC_MARKER: &str = "QRAUDIT-INJECTED-PANIC";

/// Panics when `QRAUDIT_INJECT_PANIC` names `stage` and `data` contains
/// `INJECTED_PANIC_MARKER`: the test hook of the module comment.
pub fn inject_panic_if_asked(stage: Stage, data: &[u8]) {
    static ASKED: OnceLock<Option<Stage>> = OnceLock::new();
    let asked = ASKED.get_or_init(|| {
        let name = std::env::var("QRAUDIT_INJECT_PANIC").ok()?;
        Stage::ALL.into_iter().find(|s| s.name() == name.trim())
    });
    if *asked == Some(stage)
        && data
            .windows(INJECTED_PANIC_MARKER.len())
            .any(|w| w == INJECTED_PANIC_MARKER.as_bytes())
    {
        panic!("panic injected for a test ({INJECTED_PANIC_MARKER})");
    }
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
