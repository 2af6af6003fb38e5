//! Zip archives (published asset bundles): every member, at `LOCATION!member/path`.
//!
//! Members are read through the central directory, in archive order. What a member inflates to
//! is counted against the input's byte budget *while* it is read (at most the bytes left plus
//! one are ever inflated), so a zip bomb costs at most `--max-container-bytes`, whatever sizes
//! its headers claim. A zip whose central directory cannot be read (a truncated download) is
//! an error, and its members are then read from their local headers as far as they go, so
//! what survived is still scanned. Only stored and deflated members are supported (the `zip`
//! crate is built with `deflate-flate2` alone): others, and encrypted members, are errors for
//! that member.

use std::io::{Cursor, Read};

use super::{Walker, segment_name};
use crate::source::Provenance;

pub(super) fn sniff(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], depth: u32) {
    let mut archive = match ::zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(err) => {
            let read = from_local_headers(walker, location, bytes, depth);
            walker.error(
                location,
                format!(
                    "truncated or corrupt zip ({err}); {read} member{} read from local headers",
                    if read == 1 { "" } else { "s" }
                ),
            );
            return;
        }
    };
    for index in 0..archive.len() {
        if walker.exhausted() {
            return;
        }
        let name = archive
            .name_for_index(index)
            .and_then(Result::ok)
            .map(|n| segment_name(&n))
            .unwrap_or_else(|| format!("#{}", index + 1));
        let result = archive.by_index(index);
        match result {
            Ok(file) => {
                if member(walker, location, file, depth) == Member::Stop {
                    return;
                }
            }
            Err(err) => {
                walker.error(&location.step(&name), format!("cannot read member: {err}"));
            }
        }
    }
}

/// Reads members one after another from their local headers, for a zip without a readable
/// central directory. Returns how many were read.
fn from_local_headers(
    walker: &mut Walker,
    location: &Provenance,
    bytes: &[u8],
    depth: u32,
) -> usize {
    let mut reader = Cursor::new(bytes);
    let mut read = 0;
    loop {
        if walker.exhausted() {
            break;
        }
        match ::zip::read::read_zipfile_from_stream(&mut reader) {
            Ok(Some(file)) => match member(walker, location, file, depth) {
                Member::Read => read += 1,
                Member::Failed => {}
                Member::Stop => break,
            },
            // The central directory begins, or the data ends in the middle of a header.
            Ok(None) | Err(_) => break,
        }
    }
    read
}

#[derive(Debug, PartialEq, Eq)]
enum Member {
    /// Read and handed on (or a folder entry, nothing to read).
    Read,
    /// Could not be read; the error is recorded and the next member may still be fine.
    Failed,
    /// The input's budget ran out: read no further.
    Stop,
}

/// Reads one member and hands it on.
fn member<R: Read>(
    walker: &mut Walker,
    location: &Provenance,
    mut file: ::zip::read::ZipFile<'_, R>,
    depth: u32,
) -> Member {
    if file.is_dir() {
        return Member::Read;
    }
    let name = file
        .name()
        .map(|n| segment_name(&n))
        .unwrap_or_else(|_| "(unreadable name)".to_string());
    let member_location = location.step(&name);
    if !walker.take_part(&member_location) {
        return Member::Stop;
    }
    if file.encrypted() {
        walker.error(&member_location, "encrypted member; not read");
        return Member::Failed;
    }
    let left = walker.bytes_left();
    let mut data = Vec::new();
    if let Err(err) = file
        .by_ref()
        .take(left.saturating_add(1))
        .read_to_end(&mut data)
    {
        walker.error(&member_location, format!("cannot read member: {err}"));
        return Member::Failed;
    }
    if !walker.take_bytes(&member_location, data.len() as u64) {
        return Member::Stop;
    }
    walker.item(member_location, data, depth, false);
    Member::Read
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::{ContainerLimits, Content, expand};
    use super::*;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = ::zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        for (name, data) in members {
            writer.start_file(*name, options).unwrap();
            writer.write_all(data).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn png() -> Vec<u8> {
        let mut out = Vec::new();
        image::GrayImage::new(2, 2)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn members_and_nested_zips_get_their_paths() {
        let inner = zip_of(&[("qr.png", &png())]);
        let outer = zip_of(&[
            ("img/a.png", &png()),
            ("readme.txt", b"hello"),
            ("nested.zip", &inner),
        ]);
        let expansion = expand("assets.zip", &outer, &ContainerLimits::default()).unwrap();
        let locations: Vec<String> = expansion
            .parts
            .iter()
            .map(|p| p.location.to_string())
            .collect();
        assert_eq!(
            locations,
            vec!["assets.zip!img/a.png", "assets.zip!nested.zip!qr.png"]
        );
        assert!(matches!(expansion.parts[0].content, Content::Image(_)));
        assert!(expansion.errors.is_empty(), "{:?}", expansion.errors);
    }

    #[test]
    fn inflating_past_the_byte_limit_stops_the_bomb() {
        let zeros = vec![0u8; 1 << 20];
        let bomb = zip_of(&[("a.png", &png()), ("zeros.bin", &zeros), ("b.png", &png())]);
        let limits = ContainerLimits {
            max_bytes: 100_000,
            ..ContainerLimits::default()
        };
        let expansion = expand("bomb.zip", &bomb, &limits).unwrap();
        assert_eq!(expansion.parts.len(), 1);
        assert_eq!(expansion.errors.len(), 1);
        assert!(
            expansion.errors[0].starts_with("bomb.zip!zeros.bin: more than 100000 bytes decoded"),
            "{:?}",
            expansion.errors
        );
    }

    #[test]
    fn truncated_zip_is_an_error_and_keeps_the_members_before_the_cut() {
        let whole = zip_of(&[("a.png", &png()), ("b.png", &png())]);
        let cut = &whole[..whole.len() - 40];
        let expansion = expand("cut.zip", cut, &ContainerLimits::default()).unwrap();
        assert_eq!(expansion.parts.len(), 2, "{:?}", expansion.errors);
        assert_eq!(expansion.errors.len(), 1);
        assert!(
            expansion.errors[0].starts_with("cut.zip: truncated or corrupt zip"),
            "{:?}",
            expansion.errors
        );
        assert!(expansion.errors[0].ends_with("2 members read from local headers"));
    }
}
