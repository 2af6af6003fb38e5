//! `qraudit scan` on mails, mboxes, PDFs, SVGs and zips: the decoded texts, their locations,
//! and what broken containers and limits produce. The files are written by
//! `cargo run --example gen_containers`; the expected texts are the constants there.

use assert_cmd::Command;
use serde_json::Value;

const DIR: &str = "testdata/containers";

mod common;
use common::{codes_by_location as codes, input_error as error, pairs, scan_json as scan};

fn path(name: &str) -> String {
    format!("{DIR}/{name}")
}

/// Scans one file of testdata/containers; its input report and the exit code.
fn scan_one(name: &str, extra: &[&str]) -> (Value, i32) {
    common::scan_input(&path(name), extra)
}

const HELPDESK_TEXT: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Helpdesk";
const HELPDESK_INLINE: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Inline%20Code";
const HELPDESK_POSTER: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Poster";
const BROKEN_GOOD: &str =
    "hclsametime://broken.example.com/?action=AddCommunity&communityName=Survivor";

#[test]
fn mail_attachment_inline_cid_image_and_body_url() {
    let (input, code) = scan_one("mail/helpdesk.eml", &[]);
    assert_eq!(code, 0, "{input}");
    assert_eq!(input["status"], "ok");
    assert_eq!(input["media_type"], "message/rfc822");
    assert_eq!(input["images"], 2);
    assert_eq!(
        codes(&input),
        pairs(&[
            ("!1.1.1", HELPDESK_TEXT),
            ("!1.2/cid:code@helpdesk.example.com", HELPDESK_INLINE),
            ("!2/poster.png", HELPDESK_POSTER),
        ])
    );
    // A body URL carries no symbol; an image code does.
    assert!(input["codes"][0].get("symbol").is_none());
    assert!(input["codes"][2]["symbol"].is_object());
}

#[test]
fn forwarded_mail_is_opened_one_level_deeper() {
    let (input, _) = scan_one("mail/forwarded.eml", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(
        codes(&input),
        pairs(&[
            ("!2/original.eml!1.1.1", HELPDESK_TEXT),
            (
                "!2/original.eml!1.2/cid:code@helpdesk.example.com",
                HELPDESK_INLINE
            ),
            ("!2/original.eml!2/poster.png", HELPDESK_POSTER),
        ])
    );
}

#[test]
fn quoted_printable_html_with_data_uri_and_link() {
    let (input, _) = scan_one("mail/newsletter-qp.eml", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(
        codes(&input),
        pairs(&[
            (
                "!1",
                "hclsametime://news.example.com/?action=AddCommunity&communityName=News"
            ),
            (
                "!1!data-1",
                "hclsametime://news.example.com/?action=AddCommunity&communityName=Data%20URI"
            ),
        ])
    );
}

#[test]
fn mbox_messages_are_numbered() {
    let (input, _) = scan_one("mbox/export.mbox", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], "application/mbox");
    assert_eq!(
        codes(&input),
        pairs(&[
            (
                "!msg-1!1",
                "hclsametime://mbox.example.com/?action=AddCommunity&communityName=Message%201"
            ),
            (
                "!msg-2!2/qr.png",
                "hclsametime://mbox.example.com/?action=AddCommunity&communityName=Message%202"
            ),
        ])
    );
}

#[test]
fn pdf_embedded_flate_and_jpeg_images_once_each() {
    let (input, _) = scan_one("pdf/flyer-raster.pdf", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], "application/pdf");
    // Two embedded images and two rendered pages were decoded; the pages' renderings of the
    // same codes are not reported again.
    assert_eq!(input["images"], 4);
    assert_eq!(
        codes(&input),
        pairs(&[
            (
                "!page-1!Im1",
                "hclsametime://pdf.example.com/?action=AddCommunity&communityName=Flate%20Raster"
            ),
            (
                "!page-2!Im2",
                "hclsametime://pdf.example.com/?action=AddCommunity&communityName=JPEG%20Raster"
            ),
        ])
    );
}

#[test]
fn pdf_vector_code_is_read_from_the_rendered_page() {
    let (input, _) = scan_one("pdf/flyer-vector.pdf", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(
        codes(&input),
        pairs(&[(
            "!page-2",
            "hclsametime://pdf.example.com/?action=AddCommunity&communityName=Vector"
        )])
    );
}

#[test]
fn svg_made_of_rects_is_rendered() {
    let (input, _) = scan_one("svg/code.svg", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], "image/svg+xml");
    assert_eq!(
        codes(&input),
        pairs(&[(
            "",
            "hclsametime://svg.example.com/?action=AddCommunity&communityName=SVG"
        )])
    );
}

#[test]
fn zip_members_nested_folders_and_nested_zip() {
    let (input, _) = scan_one("zip/assets.zip", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], "application/zip");
    assert_eq!(
        codes(&input),
        pairs(&[
            (
                "!img/qr.png",
                "hclsametime://zip.example.com/?action=AddCommunity&communityName=Assets"
            ),
            (
                "!vector/code.svg",
                "hclsametime://svg.example.com/?action=AddCommunity&communityName=SVG"
            ),
            (
                "!nested/inner.zip!deep/qr.png",
                "hclsametime://zip.example.com/?action=AddCommunity&communityName=Nested%20Zip"
            ),
        ])
    );
}

#[test]
fn truncated_zip_reports_the_error_and_the_member_that_survived() {
    let (input, code) = scan_one("broken/truncated.zip", &[]);
    assert_eq!(code, 2, "an unreadable input fails the run");
    assert_eq!(input["status"], "error");
    assert_eq!(codes(&input), pairs(&[("!good.png", BROKEN_GOOD)]));
    let error = error(&input);
    assert!(
        error.contains("truncated.zip!lost.png: cannot read member"),
        "{error}"
    );
    // The zip's own problem is named by its reason alone: the input's path is already the
    // report's `path` and the head of the stderr line.
    assert!(error.contains("; truncated or corrupt zip"), "{error}");
    assert!(!error.contains("truncated.zip: truncated"), "{error}");
    assert!(
        error.ends_with("1 member read from local headers"),
        "{error}"
    );
}

/// The stderr line of a broken container names its path once, then the reasons, for every kind
/// of container (a zip, a PDF, an Outlook message, a mail), so that `grep path:` and a human both read it plainly.
#[test]
fn stderr_names_a_broken_container_once() {
    for name in [
        "broken/truncated.zip",
        "broken/corrupt.pdf",
        "broken/truncated.msg",
        "broken/nested-forever.eml",
    ] {
        let path = path(name);
        if !std::path::Path::new(&path).exists() {
            panic!("fixture {path} is missing: run `cargo run --example gen_containers`");
        }
        let output = Command::cargo_bin("qraudit")
            .expect("the qraudit binary")
            .args([
                "scan",
                "--format",
                "json",
                "--no-policy",
                "--fail-on",
                "never",
            ])
            .arg(&path)
            .output()
            .expect("running qraudit");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let line = stderr
            .lines()
            .find(|line| line.starts_with(&format!("{path}: ")))
            .unwrap_or_else(|| panic!("no `{path}: reason` line on stderr: {stderr}"));
        assert_eq!(line.matches(&format!("{path}:")).count(), 1, "{line}");
        assert_eq!(output.status.code(), Some(2), "{stderr}");
    }
}

#[test]
fn zip_bomb_stops_at_the_byte_limit() {
    let (input, code) = scan_one("broken/bomb.zip", &[]);
    assert_eq!(code, 2);
    assert_eq!(input["status"], "error");
    assert_eq!(codes(&input), pairs(&[("!qr.png", BROKEN_GOOD)]));
    assert_eq!(
        error(&input),
        format!(
            "{DIR}/broken/bomb.zip!inner.zip!zeros.bin: more than 268435456 bytes decoded from \
             this input (--max-container-bytes), a zip bomb or an oversized container; the rest \
             was not looked at"
        )
    );
}

#[test]
fn bad_base64_is_an_error_and_the_good_attachment_is_read() {
    let (input, _) = scan_one("broken/bad-base64.eml", &[]);
    assert_eq!(input["status"], "error");
    assert_eq!(codes(&input), pairs(&[("!2/good.png", BROKEN_GOOD)]));
    let error = error(&input);
    assert!(
        error.starts_with(&format!(
            "{DIR}/broken/bad-base64.eml!1/broken.png: image/png body does not decode as base64"
        )),
        "{error}"
    );
}

#[test]
fn mail_nested_past_the_depth_limit() {
    let (input, _) = scan_one("broken/nested-forever.eml", &[]);
    assert_eq!(input["status"], "error");
    assert_eq!(
        codes(&input),
        pairs(&[(
            "!1",
            "hclsametime://deep.example.com/?action=AddCommunity&communityName=Level%201"
        )])
    );
    assert_eq!(
        error(&input),
        format!(
            "{DIR}/broken/nested-forever.eml{}: mail not opened: containers nested more than 8 deep (--max-depth)",
            "!2".repeat(8)
        )
    );
    // With room for all 20 levels, the code at the bottom is found.
    let (input, _) = scan_one("broken/nested-forever.eml", &["--max-depth", "20"]);
    assert_eq!(input["status"], "ok", "{input}");
    let found = codes(&input);
    assert_eq!(
        found.last(),
        Some(&(
            format!("{}!1", "!2".repeat(19)),
            "hclsametime://deep.example.com/?action=AddCommunity&communityName=Level%2020"
                .to_string()
        ))
    );
}

#[test]
fn corrupt_pdf_is_an_error_and_the_run_goes_on() {
    let corrupt = path("broken/corrupt.pdf");
    let svg = path("svg/code.svg");
    let (report, code) = scan(&[&corrupt, &svg]);
    assert_eq!(code, 2);
    let corrupt_input = &report["inputs"][0];
    assert_eq!(corrupt_input["status"], "error");
    assert!(
        error(corrupt_input).starts_with("corrupt PDF: "),
        "{corrupt_input}"
    );
    assert_eq!(report["inputs"][1]["status"], "ok");
    assert_eq!(report["summary"]["errors"], 1);
    assert_eq!(report["summary"]["codes"], 1);
}

#[test]
fn hostile_pdf_colour_spaces_are_errors_and_the_rest_is_scanned() {
    let hostile = path("broken/hostile-colour.pdf");
    let svg = path("svg/code.svg");
    let (report, code) = scan(&[&hostile, &svg]);
    assert_eq!(code, 2, "an error happened");
    let input = &report["inputs"][0];
    assert_eq!(input["status"], "error", "{input}");
    let message = error(input);
    assert!(
        message.contains(&format!(
            "{hostile}!page-1!Im1: image colour space ICCBased declares /N 0"
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "{hostile}!page-2!Im2: image colour space DeviceN names no colourants"
        )),
        "{message}"
    );
    assert!(!message.contains("panicked"), "{message}");
    // The good image on page 3 is read, and so is the next input. The renderer draws the two
    // hostile images as grey on their pages, where the same code is read again: read as grey,
    // as the issue allows, with the embedded images still reported as errors.
    let text = "hclsametime://pdf.example.com/?action=AddCommunity&communityName=After%20Hostile%20Colours";
    assert_eq!(
        codes(input),
        pairs(&[("!page-1", text), ("!page-2", text), ("!page-3!Im3", text)])
    );
    assert_eq!(report["inputs"][1]["status"], "ok");
}

#[test]
fn part_limit() {
    let (input, _) = scan_one("mbox/export.mbox", &["--max-parts", "2"]);
    assert_eq!(input["status"], "error");
    assert!(
        error(&input).contains("more than 2 parts in this input (--max-parts)"),
        "{input}"
    );
}

#[test]
fn byte_limit_on_a_mail() {
    let (input, _) = scan_one("mail/helpdesk.eml", &["--max-container-bytes", "1000"]);
    assert_eq!(input["status"], "error");
    assert!(
        error(&input).contains("more than 1000 bytes decoded"),
        "{input}"
    );
    // The text body came before the limit ran out.
    assert_eq!(codes(&input), pairs(&[("!1.1.1", HELPDESK_TEXT)]));
}

#[test]
fn depth_limit_on_a_zip_keeps_the_outer_members() {
    let (input, _) = scan_one("zip/assets.zip", &["--max-depth", "1"]);
    assert_eq!(input["status"], "error");
    assert_eq!(codes(&input).len(), 2, "{input}");
    assert!(
        error(&input).ends_with("assets.zip!nested/inner.zip: zip not opened: containers nested more than 1 deep (--max-depth)"),
        "{input}"
    );
}

#[test]
fn page_pixel_limit_renders_smaller() {
    // At 5000 pixels the page is rendered about 59×84: far too coarse to read the code, and not
    // an error.
    let (input, _) = scan_one("pdf/flyer-vector.pdf", &["--max-page-pixels", "5000"]);
    assert_eq!(input["status"], "no-code", "{input}");
    assert_eq!(input["images"], 2);
}

#[test]
fn summary_counts_images_inside_containers() {
    let (report, _) = scan(&[&path("mail/helpdesk.eml"), &path("zip/assets.zip")]);
    assert_eq!(report["summary"]["inputs"], 2);
    // 2 in the mail; 2 PNGs and 1 SVG in the zip.
    assert_eq!(report["summary"]["images"], 5);
    assert_eq!(report["summary"]["codes"], 6);
}

#[test]
fn table_shows_the_location() {
    let output = Command::cargo_bin("qraudit")
        .unwrap()
        .args(["scan", "--format", "table", "--fail-on", "never", "--quiet"])
        .arg(path("zip/assets.zip"))
        .env("COLUMNS", "250")
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(
        table.contains("assets.zip!nested/inner.zip!deep/qr.png"),
        "{table}"
    );
}
