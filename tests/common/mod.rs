//! Helpers shared by the integration tests: the real binary, run from the repository root
//! (so that `testdata/…` paths resolve and no developer's `qraudit.toml` elsewhere applies),
//! and the escaping of `testdata/manifest.tsv`.

#![allow(dead_code)] // Each test crate uses a different subset.

use std::path::Path;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The qraudit binary, run from the repository root.
pub fn qraudit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("qraudit").expect("the qraudit binary is built");
    cmd.current_dir(root());
    cmd
}

/// Undoes the manifest escaping: `\\ \t \n \r` and `\xHH` for any other byte.
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'\\' => out.push(b'\\'),
                b't' => out.push(b'\t'),
                b'n' => out.push(b'\n'),
                b'r' => out.push(b'\r'),
                b'x' => {
                    out.push(u8::from_str_radix(&s[i + 2..i + 4], 16).expect("hex escape"));
                    i += 2;
                }
                other => panic!("unknown escape \\{}", other as char),
            }
            i += 2;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}
