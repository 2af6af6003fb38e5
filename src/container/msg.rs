//! Outlook messages (`.msg`, MS-OXMSG): what Outlook writes when a mail is saved or dragged
//! out of it, opened like a `.eml`.
//!
//! A `.msg` is a Compound File Binary storage (MS-CFB, read by the `cfb` crate). The message's
//! fixed-size properties are in the stream `__properties_version1.0`, each variable-size one in
//! a stream `__substg1.0_IIIITTTT` (property id, property type), and each attachment in a
//! storage `__attach_version1.0_#N` laid out the same way. An attached message (Outlook's
//! "attach item", a forwarded mail) is a whole message in the attachment's
//! `__substg1.0_3701000D` storage: it is opened as a message one level deeper.
//!
//! What is looked at, with the locations it gets (`!segment` after the input's path):
//!
//! * `!1`: the body. Outlook keeps up to three renderings of one body (plain text, HTML, and
//!   compressed RTF, MS-OXRTFCP); the provisioning URLs of all three are reported once each at
//!   `!1` (a link only in the HTML or RTF, behind "click here", is found too), and the
//!   `data:image/…` URIs of the HTML at `!1!data-N`.
//! * `!N/name` for the attachments in their storage order, numbered from 2 as the parts of the
//!   same mail saved as `.eml` usually are (body 1, attachments 2, 3, …); `name` is the long
//!   file name, else the file name, else the display name, else `cid:ID` for an inline image.
//!   An attachment is handled like a MIME part: an image is decoded, a container (a zip, a PDF,
//!   an `.eml`, another `.msg`) is opened, anything else is passed over.
//!
//! A stream that cannot be read (a broken sector chain, a truncated file) is an error for its
//! location and the rest of the message is still read. A file whose compound-file structure
//! cannot be read at all is no message to this module (see `sniff`); `scan` reports it.

use std::collections::HashMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

use super::mail::{data_uris, decode_entities, provisioning_urls};
use super::{Content, Kind, Walker, segment_name};
use crate::source::Provenance;

type Compound<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

/// The Compound File Binary signature.
const CFB_SIGNATURE: &[u8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1";
const PROPERTIES: &str = "__properties_version1.0";
const ATTACHMENT_PREFIX: &str = "__attach_version1.0_#";

/// Property ids (MS-OXPROPS) read here.
mod tag {
    pub const BODY: u16 = 0x1000;
    pub const RTF_COMPRESSED: u16 = 0x1009;
    pub const HTML: u16 = 0x1013;
    pub const DISPLAY_NAME: u16 = 0x3001;
    pub const ATTACH_DATA: u16 = 0x3701;
    pub const ATTACH_FILENAME: u16 = 0x3704;
    pub const ATTACH_METHOD: u16 = 0x3705;
    pub const ATTACH_LONG_FILENAME: u16 = 0x3707;
    pub const ATTACH_MIME_TAG: u16 = 0x370E;
    pub const ATTACH_CONTENT_ID: u16 = 0x3712;
    pub const INTERNET_CODEPAGE: u16 = 0x3FDE;
    pub const MESSAGE_CODEPAGE: u16 = 0x3FFD;
}

/// Property types (MS-OXCDATA) read here.
mod kind {
    pub const LONG: u16 = 0x0003;
    pub const STRING8: u16 = 0x001E;
    pub const UNICODE: u16 = 0x001F;
    pub const BINARY: u16 = 0x0102;
    pub const OBJECT: u16 = 0x000D;
}

/// `PidTagAttachMethod` values.
const ATTACH_BY_REFERENCE: [u32; 3] = [2, 3, 4];
const ATTACH_OLE: u32 = 6;

/// True when the bytes are a compound file whose root holds a message's property streams
/// (an Office 97–2003 document or an MSI is a compound file too, and is not a message).
pub(super) fn sniff(bytes: &[u8]) -> bool {
    bytes.starts_with(CFB_SIGNATURE)
        && cfb::CompoundFile::open(Cursor::new(bytes))
            .is_ok_and(|file| is_message(&file, Path::new("/")))
}

fn is_message(file: &Compound<'_>, storage: &Path) -> bool {
    file.read_storage(storage).is_ok_and(|mut entries| {
        entries.any(|entry| entry.name() == PROPERTIES || entry.name().starts_with("__substg1.0_"))
    })
}

/// Opens one message file at nesting level `depth`.
pub(super) fn open(walker: &mut Walker, location: &Provenance, bytes: &[u8], depth: u32) {
    match cfb::CompoundFile::open(Cursor::new(bytes)) {
        Ok(mut file) => {
            let mut reader = Reader {
                walker,
                file: &mut file,
            };
            reader.message(Path::new("/"), location, depth, MessageLevel::TopLevel);
        }
        Err(err) => walker.error(location, format!("cannot read Outlook message: {err}")),
    }
}

/// Where a property stream sits: its header length differs (MS-OXMSG 2.4.1).
#[derive(Clone, Copy)]
enum MessageLevel {
    TopLevel,
    Embedded,
}

/// The fixed-size properties of one object, by id: (type, 8 value bytes).
#[derive(Default)]
struct Properties(HashMap<u16, (u16, [u8; 8])>);

impl Properties {
    fn long(&self, id: u16) -> Option<u32> {
        match self.0.get(&id) {
            Some((kind::LONG, value)) => {
                Some(u32::from_le_bytes([value[0], value[1], value[2], value[3]]))
            }
            _ => None,
        }
    }
}

struct Reader<'w, 'f, 'b> {
    walker: &'w mut Walker,
    file: &'f mut Compound<'b>,
}

impl Reader<'_, '_, '_> {
    /// Reads a message stored at `storage` (the root, or an attachment's embedded message).
    fn message(&mut self, storage: &Path, location: &Provenance, depth: u32, level: MessageLevel) {
        let header = match level {
            MessageLevel::TopLevel => 32,
            MessageLevel::Embedded => 24,
        };
        let properties = self.properties(storage, header, location);
        let codepage = properties
            .long(tag::MESSAGE_CODEPAGE)
            .or(properties.long(tag::INTERNET_CODEPAGE));
        self.body(storage, &location.step("1"), &properties, codepage, depth);
        let mut attachments: Vec<(u32, PathBuf)> = match self.file.read_storage(storage) {
            Ok(entries) => entries
                .filter(|entry| entry.is_storage())
                .filter_map(|entry| {
                    let number = entry.name().strip_prefix(ATTACHMENT_PREFIX)?;
                    let number = u32::from_str_radix(number, 16).ok()?;
                    Some((number, entry.path().to_path_buf()))
                })
                .collect(),
            Err(err) => {
                self.walker.error(
                    location,
                    format!("cannot list the message's storage: {err}"),
                );
                return;
            }
        };
        attachments.sort();
        for (i, (_, path)) in attachments.iter().enumerate() {
            if self.walker.exhausted() {
                return;
            }
            self.attachment(path, location, i + 2, codepage, depth);
        }
    }

    /// The message body's provisioning URLs (text, HTML and RTF together, each once) and the
    /// images written into its HTML as `data:` URIs.
    fn body(
        &mut self,
        storage: &Path,
        location: &Provenance,
        properties: &Properties,
        codepage: Option<u32>,
        depth: u32,
    ) {
        let text = self.string(storage, tag::BODY, codepage, location);
        let html = self.html(storage, properties, codepage, location);
        let rtf = self
            .binary(storage, tag::RTF_COMPRESSED, location)
            .and_then(|compressed| self.rtf(&compressed, location));
        if text.is_none() && html.is_none() && rtf.is_none() {
            return;
        }
        if !self.walker.take_part(location) {
            return;
        }
        let mut urls: Vec<String> = Vec::new();
        let renderings = [
            text.clone(),
            html.as_deref().map(decode_entities),
            rtf.as_deref().map(|rtf| decode_entities(&rtf_text(rtf))),
        ];
        for rendering in renderings.iter().flatten() {
            for url in provisioning_urls(rendering) {
                if !urls.contains(&url) {
                    urls.push(url);
                }
            }
        }
        for url in urls {
            if !self.walker.take_part(location) {
                return;
            }
            self.walker.push(location.clone(), Content::Text(url));
        }
        if let Some(html) = html {
            data_uris(self.walker, location, &decode_entities(&html), depth);
        }
    }

    /// The HTML body: binary in the message's internet code page (as Outlook writes it), or a
    /// Unicode string.
    fn html(
        &mut self,
        storage: &Path,
        properties: &Properties,
        codepage: Option<u32>,
        location: &Provenance,
    ) -> Option<String> {
        if let Some(bytes) = self.binary(storage, tag::HTML, location) {
            let codepage = properties.long(tag::INTERNET_CODEPAGE).or(codepage);
            let encoding = match codepage {
                Some(codepage) => encoding_for_codepage(codepage),
                None if std::str::from_utf8(&bytes).is_ok() => encoding_rs::UTF_8,
                None => encoding_rs::WINDOWS_1252,
            };
            return Some(encoding.decode(&bytes).0.into_owned());
        }
        self.string(storage, tag::HTML, codepage, location)
    }

    /// Decompresses `PidTagRtfCompressed` to RTF text (`None`, with an error, when it is not
    /// compressed RTF or is over the byte limit).
    fn rtf(&mut self, compressed: &[u8], location: &Provenance) -> Option<Vec<u8>> {
        let claimed = rtf_raw_size(compressed);
        if let Some(size) = claimed
            && !self.walker.take_bytes(location, u64::from(size))
        {
            return None;
        }
        match decompress_rtf(compressed) {
            Ok(rtf) => Some(rtf),
            Err(err) => {
                self.walker
                    .error(location, format!("compressed RTF body: {err}"));
                None
            }
        }
    }

    /// Reads one attachment, numbered `number` in the message at `base`.
    fn attachment(
        &mut self,
        storage: &Path,
        base: &Provenance,
        number: usize,
        codepage: Option<u32>,
        depth: u32,
    ) {
        let probe = base.step(&number.to_string());
        let name = [
            tag::ATTACH_LONG_FILENAME,
            tag::ATTACH_FILENAME,
            tag::DISPLAY_NAME,
        ]
        .into_iter()
        .find_map(|id| self.string(storage, id, codepage, &probe))
        .or_else(|| {
            self.string(storage, tag::ATTACH_CONTENT_ID, codepage, &probe)
                .map(|id| format!("cid:{}", id.trim_start_matches('<').trim_end_matches('>')))
        });
        let location = match name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => base.step(&format!("{number}/{}", segment_name(name))),
            None => probe,
        };
        if !self.walker.take_part(&location) {
            return;
        }
        let properties = self.properties(storage, 8, &location);
        let method = properties.long(tag::ATTACH_METHOD);
        let embedded = storage.join(substg(tag::ATTACH_DATA, kind::OBJECT));
        if self.file.is_storage(&embedded) {
            if method == Some(ATTACH_OLE) || !is_message(self.file, &embedded) {
                self.walker.note(
                    &location,
                    "embedded OLE object (not a message); not scanned",
                );
            } else if !self.walker.too_deep(Kind::Msg, &location, depth + 1) {
                self.message(&embedded, &location, depth + 1, MessageLevel::Embedded);
            }
            return;
        }
        match self.binary(storage, tag::ATTACH_DATA, &location) {
            Some(bytes) => {
                let mime = self.string(storage, tag::ATTACH_MIME_TAG, codepage, &location);
                let declared_image = mime.is_some_and(|m| m.trim().starts_with("image/"));
                self.walker.item(location, bytes, depth, declared_image);
            }
            None if method.is_some_and(|m| ATTACH_BY_REFERENCE.contains(&m)) => {
                self.walker.note(
                    &location,
                    "attached by reference (a path or link, not the file); not scanned",
                );
            }
            None => {}
        }
    }

    /// The fixed-size properties in `storage`'s property stream, after its `header` bytes.
    fn properties(&mut self, storage: &Path, header: usize, location: &Provenance) -> Properties {
        let Some(bytes) = self.stream(&storage.join(PROPERTIES), location) else {
            return Properties::default();
        };
        let mut properties = Properties::default();
        for entry in bytes.get(header..).unwrap_or(&[]).chunks_exact(16) {
            let kind = u16::from_le_bytes([entry[0], entry[1]]);
            let id = u16::from_le_bytes([entry[2], entry[3]]);
            let mut value = [0u8; 8];
            value.copy_from_slice(&entry[8..16]);
            properties.0.insert(id, (kind, value));
        }
        properties
    }

    /// A string property: Unicode (UTF-16LE) or 8-bit in the message's code page.
    fn string(
        &mut self,
        storage: &Path,
        id: u16,
        codepage: Option<u32>,
        location: &Provenance,
    ) -> Option<String> {
        if let Some(bytes) = self.stream(&storage.join(substg(id, kind::UNICODE)), location) {
            let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes);
            return Some(text.trim_end_matches('\0').to_string());
        }
        let bytes = self.stream(&storage.join(substg(id, kind::STRING8)), location)?;
        let encoding = encoding_for_codepage(codepage.unwrap_or(1252));
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        Some(text.trim_end_matches('\0').to_string())
    }

    fn binary(&mut self, storage: &Path, id: u16, location: &Provenance) -> Option<Vec<u8>> {
        self.stream(&storage.join(substg(id, kind::BINARY)), location)
    }

    /// A stream's bytes; `None` when it does not exist, or (recorded as an error for
    /// `location`) cannot be read or is over the byte limit.
    fn stream(&mut self, path: &Path, location: &Provenance) -> Option<Vec<u8>> {
        if !self.file.is_stream(path) {
            return None;
        }
        let length = self.file.entry(path).ok()?.len();
        if !self.walker.take_bytes(location, length) {
            return None;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let mut bytes = Vec::new();
        let read = self
            .file
            .open_stream(path)
            .and_then(|stream| stream.take(length).read_to_end(&mut bytes));
        match read {
            Ok(_) => Some(bytes),
            Err(err) => {
                self.walker
                    .error(location, format!("cannot read stream {name}: {err}"));
                None
            }
        }
    }
}

/// The stream name of a variable-size property.
fn substg(id: u16, kind: u16) -> String {
    format!("__substg1.0_{id:04X}{kind:04X}")
}

/// The character set of a Windows code page, as MAPI stores it (`PidTagInternetCodepage`,
/// `PidTagMessageCodepage`); Windows-1252 for one not known here.
fn encoding_for_codepage(codepage: u32) -> &'static Encoding {
    let label = match codepage {
        65001 => "utf-8",
        1200 => "utf-16le",
        1201 => "utf-16be",
        874 => "windows-874",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        1250..=1258 => return windows_codepage(codepage),
        20866 => "koi8-r",
        21866 => "koi8-u",
        20932 | 51932 => "euc-jp",
        50220..=50222 => "iso-2022-jp",
        54936 => "gb18030",
        28591..=28606 => return iso_codepage(codepage),
        10000 => "macintosh",
        _ => "windows-1252",
    };
    Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::WINDOWS_1252)
}

fn windows_codepage(codepage: u32) -> &'static Encoding {
    Encoding::for_label(format!("windows-{codepage}").as_bytes())
        .unwrap_or(encoding_rs::WINDOWS_1252)
}

fn iso_codepage(codepage: u32) -> &'static Encoding {
    Encoding::for_label(format!("iso-8859-{}", codepage - 28590).as_bytes())
        .unwrap_or(encoding_rs::WINDOWS_1252)
}

/// The dictionary's initial contents (MS-OXRTFCP 3.1.3.1), 207 bytes.
const RTF_PREBUF: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
const RTF_COMPRESSED: u32 = 0x7546_5A4C; // "LZFu"
const RTF_UNCOMPRESSED: u32 = 0x414C_454D; // "MELA"

fn le_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The uncompressed size a compressed-RTF header claims.
fn rtf_raw_size(bytes: &[u8]) -> Option<u32> {
    le_u32(bytes, 4)
}

/// Decompresses MS-OXRTFCP compressed RTF. The output never grows past the size the header
/// claims (which the caller has counted against the byte limit).
fn decompress_rtf(bytes: &[u8]) -> Result<Vec<u8>, &'static str> {
    let (Some(compressed_size), Some(raw_size), Some(kind)) =
        (le_u32(bytes, 0), le_u32(bytes, 4), le_u32(bytes, 8))
    else {
        return Err("shorter than its 16-byte header");
    };
    let end = (compressed_size as usize)
        .saturating_add(4)
        .min(bytes.len());
    let data = bytes.get(16..end).unwrap_or(&[]);
    let raw_size = raw_size as usize;
    match kind {
        RTF_UNCOMPRESSED => return Ok(data[..data.len().min(raw_size)].to_vec()),
        RTF_COMPRESSED => {}
        _ => return Err("not compressed RTF (no LZFu or MELA signature)"),
    }
    let mut dictionary = [0u8; 4096];
    dictionary[..RTF_PREBUF.len()].copy_from_slice(RTF_PREBUF);
    let mut write = RTF_PREBUF.len();
    let mut out = Vec::with_capacity(raw_size.min(1 << 20));
    let mut input = data.iter().copied();
    'runs: while let Some(control) = input.next() {
        for bit in 0..8 {
            if out.len() >= raw_size {
                break 'runs;
            }
            if control & (1 << bit) == 0 {
                let Some(byte) = input.next() else {
                    break 'runs;
                };
                out.push(byte);
                dictionary[write] = byte;
                write = (write + 1) % 4096;
            } else {
                let (Some(high), Some(low)) = (input.next(), input.next()) else {
                    break 'runs;
                };
                let reference = u16::from_be_bytes([high, low]);
                let offset = usize::from(reference >> 4);
                let length = usize::from(reference & 0xF) + 2;
                // A reference to the write position marks the end of the data.
                if offset == write {
                    break 'runs;
                }
                for k in 0..length {
                    let byte = dictionary[(offset + k) % 4096];
                    out.push(byte);
                    dictionary[write] = byte;
                    write = (write + 1) % 4096;
                }
            }
        }
    }
    out.truncate(raw_size);
    Ok(out)
}

/// The text of an RTF document, roughly: control words become spaces, escapes are undone,
/// groups and line breaks (which RTF ignores) vanish. Enough to find the URLs in it: in field
/// instructions (`HYPERLINK "…"`), in the HTML that Outlook encapsulates (`\htmltag`), and in
/// the text.
fn rtf_text(rtf: &[u8]) -> String {
    let mut out = String::with_capacity(rtf.len());
    let byte_char = |b: u8| -> char {
        if b.is_ascii() {
            char::from(b)
        } else {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[b])
                .0
                .chars()
                .next()
                .unwrap_or('\u{fffd}')
        }
    };
    // After `\uN`, the next character is the fallback for readers without Unicode: skipped.
    let mut skip_fallback = false;
    let mut i = 0;
    while i < rtf.len() {
        let b = rtf[i];
        match b {
            b'\\' => {
                let next = rtf.get(i + 1).copied();
                match next {
                    Some(b'\'') => {
                        let hex = rtf
                            .get(i + 2..i + 4)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .and_then(|h| u8::from_str_radix(h, 16).ok());
                        if let Some(byte) = hex {
                            if !std::mem::take(&mut skip_fallback) {
                                out.push(byte_char(byte));
                            }
                            i += 4;
                        } else {
                            i += 2;
                        }
                    }
                    Some(c @ (b'\\' | b'{' | b'}')) => {
                        out.push(char::from(c));
                        i += 2;
                    }
                    Some(c) if c.is_ascii_alphabetic() => {
                        let start = i + 1;
                        let mut end = start;
                        while rtf.get(end).is_some_and(u8::is_ascii_alphabetic) {
                            end += 1;
                        }
                        let word = &rtf[start..end];
                        let param_start = end;
                        if rtf.get(end) == Some(&b'-') {
                            end += 1;
                        }
                        while rtf.get(end).is_some_and(u8::is_ascii_digit) {
                            end += 1;
                        }
                        let param = std::str::from_utf8(&rtf[param_start..end])
                            .ok()
                            .and_then(|p| p.parse::<i32>().ok());
                        // One space after a control word is its delimiter, not text.
                        if rtf.get(end) == Some(&b' ') {
                            end += 1;
                        }
                        match (word, param) {
                            (b"u", Some(code)) => {
                                // Negative values are UTF-16 units written as signed.
                                let unit = code as u16 as u32;
                                out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                                skip_fallback = true;
                            }
                            _ => out.push(' '),
                        }
                        i = end;
                    }
                    Some(_) => {
                        out.push(' ');
                        i += 2;
                    }
                    None => i += 1,
                }
            }
            b'{' | b'}' | b'\r' | b'\n' => i += 1,
            _ => {
                if !std::mem::take(&mut skip_fallback) {
                    out.push(byte_char(b));
                }
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prebuffer_has_the_specified_length() {
        assert_eq!(RTF_PREBUF.len(), 207);
    }

    /// The two examples of the specification (MS-OXRTFCP 3.1.1: simple compressed RTF, and a
    /// dictionary reference that crosses the write position).
    #[test]
    fn decompresses_the_specification_examples() {
        let simple: [u8; 49] = [
            0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5,
            0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42,
            0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0,
            0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0,
        ];
        assert_eq!(
            decompress_rtf(&simple).unwrap(),
            b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n".to_vec()
        );
        let crossing: [u8; 30] = [
            0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xe2, 0xd4,
            0x4b, 0x51, 0x41, 0x00, 0x04, 0x20, 0x57, 0x58, 0x59, 0x5a, 0x0d, 0x6e, 0x7d, 0x01,
            0x0e, 0xb0,
        ];
        assert_eq!(
            decompress_rtf(&crossing).unwrap(),
            b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}".to_vec()
        );
        // Cut short: what was decompressed so far, never a panic.
        assert_eq!(
            decompress_rtf(&simple[..30]).unwrap(),
            b"{\\rtf1\\ansi\\ansicpg1252".to_vec()
        );
        assert!(decompress_rtf(b"short").is_err());
        assert!(decompress_rtf(b"\x10\x00\x00\x00\x04\x00\x00\x00XXXX\x00\x00\x00\x00").is_err());
    }

    #[test]
    fn rtf_text_keeps_urls_from_fields_and_encapsulated_html() {
        let rtf = br#"{\rtf1\ansi{\field{\*\fldinst{HYPERLINK "hclsametime://st.example.com/?action=AddCommunity&communityName=R"}}{\fldrslt{click}}}\par
{\*\htmltag84 <a href="hclsametime://h.example.com/?a=1&amp;b=2">}\'e9t\'e9 \u8364?5}"#;
        let text = rtf_text(rtf);
        assert!(
            text.contains(
                "HYPERLINK \"hclsametime://st.example.com/?action=AddCommunity&communityName=R\""
            ),
            "{text}"
        );
        assert!(
            text.contains("href=\"hclsametime://h.example.com/?a=1&amp;b=2\""),
            "{text}"
        );
        assert!(text.contains("été €5"), "{text}");
    }

    #[test]
    fn codepages_map_to_their_character_sets() {
        assert_eq!(encoding_for_codepage(65001), encoding_rs::UTF_8);
        assert_eq!(encoding_for_codepage(1251), encoding_rs::WINDOWS_1251);
        assert_eq!(encoding_for_codepage(28592), encoding_rs::ISO_8859_2);
        assert_eq!(encoding_for_codepage(932), encoding_rs::SHIFT_JIS);
        assert_eq!(encoding_for_codepage(4242), encoding_rs::WINDOWS_1252);
    }

    #[test]
    fn office_compound_files_are_not_messages() {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/WordDocument").unwrap();
        let bytes = file.into_inner().into_inner();
        assert!(bytes.starts_with(CFB_SIGNATURE));
        assert!(!sniff(&bytes));
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream(format!("/{PROPERTIES}")).unwrap();
        assert!(sniff(&file.into_inner().into_inner()));
    }
}
