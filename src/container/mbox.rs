//! Mbox: a mailbox export, messages one after another, each opened by a `From ` line.
//!
//! Writers escape body lines that start with `From ` (mboxo writes `>From `, mboxrd adds one
//! `>` to any `>…From ` line), so every line starting with `From ` starts a message. Each
//! message is read as a mail at `LOCATION!msg-N` (N from 1, in file order) after undoing the
//! mboxrd escaping.

use super::{Kind, Walker};
use crate::source::Provenance;

pub(super) fn sniff(bytes: &[u8]) -> bool {
    bytes.starts_with(b"From ")
}

pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], depth: u32) {
    for (i, message) in split(bytes).into_iter().enumerate() {
        if walker.exhausted() {
            return;
        }
        let message_location = location.step(&format!("msg-{}", i + 1));
        if !walker.take_part(&message_location) {
            return;
        }
        let message = unescape(message);
        walker.open(Kind::Mail, &message_location, &message, depth + 1);
    }
}

/// The messages of an mbox, without their `From ` separator lines.
fn split(bytes: &[u8]) -> Vec<&[u8]> {
    let mut messages = Vec::new();
    let mut start: Option<usize> = None;
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = bytes[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| line_start + p + 1);
        if bytes[line_start..].starts_with(b"From ") {
            if let Some(s) = start {
                messages.push(&bytes[s..line_start]);
            }
            start = Some(line_end);
        }
        line_start = line_end;
    }
    if let Some(s) = start {
        messages.push(&bytes[s.min(bytes.len())..]);
    }
    messages
}

/// Undoes mboxrd quoting: one `>` is removed from every line that is `>`s followed by `From `.
fn unescape(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len());
    for line in message.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{ContainerLimits, Content, expand};
    use super::*;

    const MBOX: &str = "From a@example.com Thu Jan  1 00:00:00 2026\n\
        From: a@example.com\nTo: b@example.com\nSubject: one\n\n\
        hclsametime://one.example.com\n>From the desk of a\n\n\
        From b@example.com Thu Jan  1 00:00:01 2026\n\
        From: b@example.com\nTo: a@example.com\nSubject: two\n\n\
        stmeetings://two.example.com\n";

    #[test]
    fn splits_messages_and_unescapes_from_lines() {
        let messages = split(MBOX.as_bytes());
        assert_eq!(messages.len(), 2);
        let first = String::from_utf8(unescape(messages[0])).unwrap();
        assert!(first.starts_with("From: a@example.com\n"), "{first}");
        assert!(first.contains("\nFrom the desk of a\n"), "{first}");
    }

    #[test]
    fn every_message_is_read_at_msg_n() {
        let expansion = expand("box.mbox", MBOX.as_bytes(), &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.kind, Kind::Mbox);
        let found: Vec<(String, &str)> = expansion
            .parts
            .iter()
            .map(|p| match &p.content {
                Content::Text(t) => (p.location.to_string(), t.as_str()),
                _ => panic!("{p:?}"),
            })
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    "box.mbox!msg-1!1".to_string(),
                    "hclsametime://one.example.com"
                ),
                (
                    "box.mbox!msg-2!1".to_string(),
                    "stmeetings://two.example.com"
                ),
            ]
        );
    }

    #[test]
    fn part_limit_stops_the_mailbox_with_an_error() {
        let limits = ContainerLimits {
            max_parts: 2,
            ..ContainerLimits::default()
        };
        let expansion = expand("box.mbox", MBOX.as_bytes(), &limits).unwrap();
        // msg-1 and its body part use the two parts; msg-2 is refused.
        assert_eq!(expansion.parts.len(), 0, "{:?}", expansion.parts);
        assert_eq!(expansion.errors.len(), 1, "{:?}", expansion.errors);
        assert!(
            expansion.errors[0].contains("--max-parts"),
            "{:?}",
            expansion.errors
        );
    }
}
