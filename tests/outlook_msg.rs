//! `qraudit scan` on Outlook `.msg` files: attachments, inline images, attached messages, the
//! links of the text, HTML and RTF bodies, limits, and damaged files. The messages are written
//! by a real MSG writer (`python3 examples/gen_msg.py`, aspose-email-foss) from the mails of
//! `cargo run --example gen_containers`, so they carry the same codes as those `.eml` files.

use serde_json::Value;

mod common;
use common::{codes_by_location as codes, input_error as error, pairs, scan_json as scan};

const DIR: &str = "testdata/containers";

const HELPDESK_TEXT: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Helpdesk";
const HELPDESK_INLINE: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Inline%20Code";
const HELPDESK_POSTER: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Poster";

/// Scans one file of testdata/containers; its input report and the exit code.
fn scan_one(name: &str, extra: &[&str]) -> (Value, i32) {
    common::scan_input(&format!("{DIR}/{name}"), extra)
}

#[test]
fn attachment_inline_image_and_body_link() {
    let (input, code) = scan_one("msg/helpdesk.msg", &[]);
    assert_eq!(code, 0, "{input}");
    assert_eq!(input["status"], "ok");
    assert_eq!(input["media_type"], "application/vnd.ms-outlook");
    assert_eq!(input["images"], 2);
    assert_eq!(
        codes(&input),
        pairs(&[
            ("!1", HELPDESK_TEXT),
            ("!2/poster.png", HELPDESK_POSTER),
            ("!3/image001.png", HELPDESK_INLINE),
        ])
    );
    // The link is in both the text and the HTML body: one code, not two.
    assert!(input["codes"][0].get("symbol").is_none());
}

#[test]
fn attached_message_is_opened_one_level_deeper() {
    let (input, _) = scan_one("msg/forwarded.msg", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(
        codes(&input),
        pairs(&[
            ("!2/original.eml!1", HELPDESK_TEXT),
            ("!2/original.eml!2/poster.png", HELPDESK_POSTER),
            ("!2/original.eml!3/image001.png", HELPDESK_INLINE),
        ])
    );
    // The same message with no room for a second level: an error naming the limit, the outer
    // message still read.
    let (input, code) = scan_one("msg/forwarded.msg", &["--max-depth", "1"]);
    assert_eq!(code, 2);
    assert_eq!(input["status"], "error");
    assert_eq!(
        error(&input),
        format!(
            "{DIR}/msg/forwarded.msg!2/original.eml: Outlook message not opened: containers \
             nested more than 1 deep (--max-depth)"
        )
    );
}

#[test]
fn html_only_body_link_and_data_uri_image() {
    let (input, _) = scan_one("msg/newsletter.msg", &[]);
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
fn link_only_in_the_compressed_rtf_body() {
    let (input, _) = scan_one("msg/rtf-body.msg", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(
        codes(&input),
        pairs(&[(
            "!1",
            "hclsametime://rtf.example.com/?action=AddCommunity&communityName=RTF%20Link"
        )])
    );
}

#[test]
fn msg_attached_to_a_mail_and_mail_attached_to_a_msg() {
    let (input, _) = scan_one("msg/msg-in-mail.eml", &[]);
    assert_eq!(input["status"], "ok", "{input}");
    assert_eq!(input["media_type"], "message/rfc822");
    assert_eq!(
        codes(&input),
        pairs(&[
            ("!2/helpdesk.msg!1", HELPDESK_TEXT),
            ("!2/helpdesk.msg!2/poster.png", HELPDESK_POSTER),
            ("!2/helpdesk.msg!3/image001.png", HELPDESK_INLINE),
        ])
    );
}

#[test]
fn damaged_attachment_is_an_error_and_the_rest_is_read() {
    let (input, code) = scan_one("broken/damaged-attachment.msg", &[]);
    assert_eq!(code, 2, "an unreadable part fails the run");
    assert_eq!(input["status"], "error");
    // The body before the damage and the inline image after it are still read.
    assert_eq!(
        codes(&input),
        pairs(&[("!1", HELPDESK_TEXT), ("!3/image001.png", HELPDESK_INLINE)])
    );
    let error = error(&input);
    assert!(
        error.starts_with(&format!(
            "{DIR}/broken/damaged-attachment.msg!2/poster.png: cannot read stream \
             __substg1.0_37010102"
        )),
        "{error}"
    );
}

#[test]
fn truncated_msg_is_an_error_that_names_the_file_type() {
    let (input, code) = scan_one("broken/truncated.msg", &[]);
    assert_eq!(code, 2);
    assert_eq!(input["status"], "error");
    let error = error(&input);
    assert!(
        error.contains("Outlook message") && error.contains("Compound File Binary"),
        "{error}"
    );
}

#[test]
fn part_and_byte_limits() {
    let (input, code) = scan_one("msg/helpdesk.msg", &["--max-parts", "2"]);
    assert_eq!(code, 2);
    assert!(
        error(&input).ends_with(
            "helpdesk.msg!2/poster.png: more than 2 parts in this input (--max-parts); the rest \
             was not looked at"
        ),
        "{input}"
    );
    // The body and its link were the first two parts.
    assert_eq!(codes(&input), pairs(&[("!1", HELPDESK_TEXT)]));
    let (input, _) = scan_one("msg/helpdesk.msg", &["--max-container-bytes", "3000"]);
    assert_eq!(input["status"], "error");
    assert!(
        error(&input).contains("more than 3000 bytes decoded from this input"),
        "{input}"
    );
}

#[test]
fn office_compound_file_is_skipped_not_read_as_mail() {
    // A compound file that is no message (a Word 97-2003 document) is described as what it
    // is, never opened as a mail.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.doc");
    let mut file = cfb::CompoundFile::create(std::fs::File::create(&path).unwrap()).unwrap();
    file.create_stream("/WordDocument").unwrap();
    file.flush().unwrap();
    drop(file);
    let (report, code) = scan(&[path.to_str().unwrap()]);
    assert_eq!(code, 0);
    let input = &report["inputs"][0];
    assert_eq!(input["status"], "skipped", "{input}");
    assert!(
        input["reason"]
            .as_str()
            .unwrap()
            .contains("Compound File Binary"),
        "{input}"
    );
}
