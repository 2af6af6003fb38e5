//! How the C allocator treats the large buffers of image decoding, set once when the program
//! starts (`keep_large_buffers`).
//!
//! Why: glibc's malloc serves each request above its mmap threshold (128 KiB at first, raised
//! as large blocks are freed, to at most 32 MiB) with fresh pages from the kernel, which the
//! kernel zeroes one 4 KiB page fault at a time, and hands them back at `free`. Decoding a
//! photograph makes such buffers for every image (a 12-megapixel JPEG: 36 MB of colour, the
//! decoder's planes, the grey copy), so a folder scan mapped, faulted, zeroed and unmapped them
//! image after image: a fifth of the time of decoding ../shared/corpus's photographs to grey
//! was the kernel's (perf: `clear_page_erms`, `exc_page_fault`, `unmap_page_range`). With the
//! threshold raised to 64 MiB and up to twice that kept free at the top of a heap, a freed
//! buffer stays in the worker's heap and serves the next image: `qraudit scan` of the BoofCV
//! photographs took 10-12% less wall time (system time 1.2 -> 0.35 s). The cost is memory held
//! between images: peak RSS of that scan 301-335 -> 346-401 MB at two jobs (unchanged at one),
//! a 100-megapixel JPEG 427 -> 458 MB.
//! Figures: bench/README.md, "Loading: the grey conversion and freed buffers".
//!
//! The binary (`src/main.rs`) calls it before a `scan`, and so do the benchmark's `load_floor`
//! and `decode_corpus`, so that what they time is what the scanner does. Not before `serve`: a
//! server's many request threads each have a heap of their own, and memory kept in every one
//! of them would count against the service's memory limit. A library user keeps its own
//! allocator settings.
//!
//! Elsewhere than glibc (musl, macOS, Windows) this does nothing: their allocators decide.

/// The largest request served from the heap instead of a mapping of its own: 64 MiB, above the
/// colour buffer of a 20-megapixel photo (60 MB). Larger requests (a 100-megapixel image, a
/// container member of hundreds of megabytes) keep their own mappings, which grow in place
/// (`mremap`) where a heap block would be copied to a larger one, doubling the peak.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HEAP_UP_TO: libc::c_int = 64 << 20;

/// The free memory at the top of a heap that is kept rather than given back: twice the
/// threshold, the ratio glibc's own dynamic rule keeps (it raises both as large blocks are
/// freed, but stops at 32 MiB, under a 12-megapixel photo's 36 MB colour buffer).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const KEEP_UP_TO: libc::c_int = 2 * HEAP_UP_TO;

/// Keeps large freed buffers for reuse (see the module comment). Returns whether glibc took
/// both settings. Call it before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)] // Two libc calls, see SAFETY.
pub fn keep_large_buffers() -> bool {
    // SAFETY: `mallopt` only sets a parameter of the allocator; glibc documents it as safe to
    // call at any time (MT-Safe), and a value it does not accept is refused (returns 0), not
    // applied. No memory is touched.
    let threshold = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, HEAP_UP_TO) } == 1;
    let trim = unsafe { libc::mallopt(libc::M_TRIM_THRESHOLD, KEEP_UP_TO) } == 1;
    threshold && trim
}

/// Keeps large freed buffers for reuse: nothing to set outside glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_large_buffers() -> bool {
    false
}

#[cfg(test)]
mod tests {
    /// glibc takes both settings (a value it refused would leave the scan on its defaults
    /// without a word). Setting them in the test process changes no test's outcome.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn glibc_takes_both_settings() {
        assert!(super::keep_large_buffers());
    }
}
