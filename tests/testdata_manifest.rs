//! Checks the committed `testdata/` against its generated `manifest.tsv`.
//!
//! `examples/gen_testdata.rs` writes the images and records, per code, whether one plain rqrr
//! pass reads it. This test re-reads the committed files so that a hand edit, a stale file or an
//! rqrr upgrade that changes those facts fails CI instead of silently changing what the decoder
//! and benchmark tests are measured against. It uses rqrr directly, not qraudit: it tests the
//! data, not the product.

mod common;
use common::unescape;

use std::collections::BTreeMap;
use std::path::Path;

/// Loads by content, not by extension (`formats/png-named.jpg` is a PNG), as qraudit must.
fn load(path: &Path) -> image::ImageResult<image::DynamicImage> {
    image::load_from_memory(&std::fs::read(path)?)
}

fn rqrr_payloads(path: &Path) -> (usize, Vec<Vec<u8>>) {
    let img = load(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    let decoded = grids
        .iter()
        .filter_map(|g| {
            let mut out = Vec::new();
            g.decode_to(&mut out).ok().map(|_| out)
        })
        .collect();
    (grids.len(), decoded)
}

/// One manifest file: its expectation and, for codes, `(plain_rqrr, payload)` per code.
type Expected = (String, Vec<(String, Vec<u8>)>);

#[test]
fn committed_testdata_matches_manifest() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let manifest = std::fs::read_to_string(root.join("manifest.tsv")).expect("manifest.tsv");
    let mut files: BTreeMap<String, Expected> = BTreeMap::new();
    for line in manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        assert_eq!(cols.len(), 4, "bad manifest line {line:?}");
        let entry = files
            .entry(cols[0].to_string())
            .or_insert_with(|| (cols[1].to_string(), Vec::new()));
        if cols[1] == "code" {
            entry.1.push((cols[2].to_string(), unescape(cols[3])));
        }
    }
    assert!(
        files.len() >= 29,
        "manifest lists only {} files",
        files.len()
    );

    for (rel, (expect, codes)) in &files {
        let path = root.join(rel);
        assert!(path.is_file(), "{rel} is in the manifest but missing");
        match expect.as_str() {
            "code" => {
                let (_, decoded) = rqrr_payloads(&path);
                for (plain, payload) in codes {
                    let read = decoded.contains(payload);
                    assert_eq!(
                        read,
                        plain == "yes",
                        "{rel}: manifest says plain rqrr reads {:?}: {plain}, but it {}",
                        String::from_utf8_lossy(payload),
                        if read { "does" } else { "does not" }
                    );
                }
                for d in &decoded {
                    assert!(
                        codes.iter().any(|(_, p)| p == d),
                        "{rel}: rqrr decoded an unexpected payload {:?}",
                        String::from_utf8_lossy(d)
                    );
                }
            }
            "unreadable" => {
                let (grids, decoded) = rqrr_payloads(&path);
                assert!(grids > 0 && decoded.is_empty(), "{rel}: {grids} grids");
            }
            "no-code" => assert_eq!(rqrr_payloads(&path).0, 0, "{rel}"),
            // The image is there to make rqrr panic (qraudit's isolation is tested on it): if an
            // rqrr upgrade stops panicking, the test of that isolation would test nothing.
            "decoder-panic" => assert!(
                std::panic::catch_unwind(|| rqrr_payloads(&path)).is_err(),
                "{rel}: rqrr no longer panics on it"
            ),
            "skipped" | "error" => assert!(load(&path).is_err(), "{rel} loads"),
            other => panic!("{rel}: unknown expectation {other}"),
        }
    }
}
