//! `--cache DIR`: what the decoder read from an image file, remembered across runs, so that a
//! rerun over an archive where little changed costs reading and hashing the files, not loading
//! and decoding them again.
//!
//! What is cached is the decoder's result for one image's bytes (the symbols it found, and the
//! image's size), keyed by the SHA-256 of those bytes and of everything that decides the result:
//! this qraudit's version and decoder revision (`decode::REVISION`), the cache format, the
//! compiled-in decoders (`rxing`, `avif`, `heif`), the decoder options and the pixel limit. Everything after decoding (the payload, the audit
//! under the current policy, fingerprints, suppressions) is computed again on every run: it costs
//! microseconds, and so a changed policy, `--show-secrets` or a baseline never needs the cache
//! cleared, and a cached run writes the same report as an uncached one (apart from `--timings`,
//! which shows 0 ms for an image read from the cache). This is why the key holds no policy hash.
//!
//! Only complete results are kept: an image that timed out, failed to load or whose decoder
//! panicked is decoded again next time. Images are cached wherever they are (files, zip
//! members, mail attachments, PDF images); drawings rendered from a PDF page or an SVG are
//! not (they have no bytes of their own to key on). Entries are JSON files under
//! `DIR/xx/<name>.entry`, written to a temporary name and renamed, so that parallel workers and
//! parallel runs never see half an entry; an entry that cannot be read or parsed is a miss
//! and is written again. Nothing ever deletes entries: remove the folder to reset the cache.
//!
//! Decoded texts hold secrets (a password in a provisioning URL, a Wi-Fi key), and a cache
//! folder is the kind of thing that ends up in a CI artifact. So each entry is encrypted
//! (ChaCha20) with a key derived from the image's own bytes, which the entry's name does not
//! reveal (it is a hash over the salt and the bytes' hash): the cache tells nothing to someone
//! who does not already hold the image.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::ScanConfig;
use super::budget::{Budget, DecodeTiming, ImageError, Pixels, decode_with_budget};
use crate::decode::{DecodeOptions, DecodeOutcome, Ecc, Symbol};
use crate::finish::fingerprint::sha256_hex;
use sha2::{Digest, Sha256};

/// The form of the entries; bumped whenever `Entry` changes shape or meaning.
const FORMAT: u32 = 1;

/// The key of one image's entry: its name, and the key its content is encrypted with.
#[derive(Debug, Clone)]
pub struct EntryKey {
    name: String,
    secret: [u8; 32],
}

/// A cache folder, and the part of every key that this run's decoder decides.
#[derive(Debug)]
pub struct DecodeCache {
    dir: PathBuf,
    salt: String,
}

#[derive(Debug, Error)]
#[error("cannot use {} as the decode cache: {source}", .dir.display())]
pub struct CacheError {
    dir: PathBuf,
    #[source]
    source: std::io::Error,
}

/// What one image decoded to.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    pub dimensions: [u32; 2],
    pub symbols: Vec<Symbol>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    dimensions: [u32; 2],
    symbols: Vec<StoredSymbol>,
}

/// A `decode::Symbol` as an entry stores it.
#[derive(Serialize, Deserialize)]
struct StoredSymbol {
    text: Option<String>,
    bytes_hex: String,
    error: Option<String>,
    version: Option<u32>,
    ecc: Option<String>,
    mask: Option<u8>,
    corners: [[f32; 2]; 4],
    modules: u32,
    module_px: f32,
    pass: String,
    fragile: bool,
    #[serde(default)]
    erasures: Option<u32>,
    quiet_zone_modules: Option<f32>,
}

impl DecodeCache {
    /// The cache in `dir` (created when missing) for a decoder run with `options` and
    /// `max_pixels`.
    pub fn open(
        dir: &Path,
        options: &DecodeOptions,
        max_pixels: u64,
    ) -> Result<DecodeCache, CacheError> {
        std::fs::create_dir_all(dir).map_err(|source| CacheError {
            dir: dir.to_path_buf(),
            source,
        })?;
        // Where the passes ran (`run_ahead`) does not change what they read.
        let options = DecodeOptions {
            run_ahead: crate::decode::RunAhead::default(),
            ..options.clone()
        };
        let salt = format!(
            "qraudit-decode-cache\n{FORMAT}\n{} decoder {}\nrxing={} avif={} heif={}\n{options:?}\n{max_pixels}",
            env!("CARGO_PKG_VERSION"),
            crate::decode::REVISION,
            cfg!(feature = "rxing"),
            cfg!(feature = "avif"),
            cfg!(feature = "heif"),
        );
        Ok(DecodeCache {
            dir: dir.to_path_buf(),
            salt,
        })
    }

    /// The key of an image's bytes: its name is the hex SHA-256 over the salt and the bytes'
    /// own hash; its secret another hash of both, which only the bytes give.
    pub fn key(&self, bytes: &[u8]) -> EntryKey {
        let content = sha256_hex(bytes);
        let name = sha256_hex(format!("{}\n{content}", self.salt).as_bytes());
        let secret: [u8; 32] =
            Sha256::digest(format!("qraudit-cache-secret\n{}\n{content}", self.salt).as_bytes())
                .into();
        EntryKey { name, secret }
    }

    fn path(&self, key: &EntryKey) -> PathBuf {
        self.dir
            .join(&key.name[..2])
            .join(format!("{}.entry", key.name))
    }

    /// The cached result for `key`, when there is a readable one.
    pub fn get(&self, key: &EntryKey) -> Option<Cached> {
        let mut bytes = std::fs::read(self.path(key)).ok()?;
        apply_keystream(key, &mut bytes);
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.format != FORMAT {
            return None;
        }
        let symbols = entry
            .symbols
            .into_iter()
            .map(StoredSymbol::into_symbol)
            .collect::<Option<Vec<_>>>()?;
        Some(Cached {
            dimensions: entry.dimensions,
            symbols,
        })
    }

    /// Remembers a complete decode of the image with `key`. A cache that cannot be written
    /// costs the next run its time, never this run its report: failures are ignored.
    pub fn put(&self, key: &EntryKey, dimensions: [u32; 2], outcome: &DecodeOutcome) {
        let entry = Entry {
            format: FORMAT,
            dimensions,
            symbols: outcome.symbols.iter().map(StoredSymbol::from).collect(),
        };
        let Ok(mut json) = serde_json::to_vec(&entry) else {
            return;
        };
        apply_keystream(key, &mut json);
        let path = self.path(key);
        let Some(folder) = path.parent() else {
            return;
        };
        if std::fs::create_dir_all(folder).is_err() {
            return;
        }
        let temporary = folder.join(format!(
            ".{}.{}.{:?}.tmp",
            key.name,
            std::process::id(),
            std::thread::current().id()
        ));
        if std::fs::write(&temporary, json).is_ok() && std::fs::rename(&temporary, &path).is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
    }
}

impl From<&Symbol> for StoredSymbol {
    fn from(symbol: &Symbol) -> Self {
        StoredSymbol {
            text: symbol.text.clone(),
            bytes_hex: crate::text::escapes::hex(&symbol.bytes),
            error: symbol.error.clone(),
            version: symbol.version,
            ecc: symbol.ecc.map(|e| e.letter().to_string()),
            mask: symbol.mask,
            corners: symbol.corners,
            modules: symbol.modules,
            module_px: symbol.module_px,
            pass: symbol.pass.to_string(),
            fragile: symbol.fragile,
            erasures: symbol.erasures,
            quiet_zone_modules: symbol.quiet_zone_modules,
        }
    }
}

impl StoredSymbol {
    /// The symbol again; `None` when the entry is not one this qraudit wrote.
    fn into_symbol(self) -> Option<Symbol> {
        let ecc = match self.ecc.as_deref() {
            None => None,
            Some("L") => Some(Ecc::L),
            Some("M") => Some(Ecc::M),
            Some("Q") => Some(Ecc::Q),
            Some("H") => Some(Ecc::H),
            Some(_) => return None,
        };
        Some(Symbol {
            text: self.text,
            bytes: crate::text::escapes::unhex(&self.bytes_hex)?,
            error: self.error,
            version: self.version,
            ecc,
            mask: self.mask,
            corners: self.corners,
            modules: self.modules,
            module_px: self.module_px,
            pass: intern(&self.pass),
            fragile: self.fragile,
            erasures: self.erasures,
            quiet_zone_modules: self.quiet_zone_modules,
        })
    }
}

/// Decodes `pixels` as `budget::decode_with_budget` does, through the run's cache when it has
/// one: an image file's bytes already decoded are not loaded or decoded again, and a complete
/// new result is remembered.
pub(super) fn decode_remembered(
    pixels: Pixels,
    config: &ScanConfig,
    budget: Budget,
) -> Result<(DecodeOutcome, DecodeTiming), ImageError> {
    let remembered = match (&config.cache, &pixels) {
        (Some(cache), Pixels::Encoded(bytes, _)) => Some((cache, cache.key(bytes))),
        _ => None,
    };
    if let Some((cache, key)) = &remembered
        && let Some(hit) = cache.get(key)
    {
        let outcome = DecodeOutcome {
            symbols: hit.symbols,
            ..DecodeOutcome::default()
        };
        let timing = DecodeTiming {
            load: std::time::Duration::ZERO,
            decode: std::time::Duration::ZERO,
            dimensions: hit.dimensions,
        };
        return Ok((outcome, timing));
    }
    let result = decode_with_budget(pixels, config, budget);
    if let (Some((cache, key)), Ok((outcome, timing))) = (&remembered, &result)
        && outcome.panics.is_empty()
    {
        cache.put(key, timing.dimensions, outcome);
    }
    result
}

/// Encrypts or decrypts an entry in place. Each key encrypts one plaintext only (the decode
/// of those bytes by this decoder, which the salt pins), so a fixed nonce is safe.
fn apply_keystream(key: &EntryKey, data: &mut [u8]) {
    use chacha20::cipher::{KeyIvInit, StreamCipher};
    let mut cipher = chacha20::ChaCha20::new(&key.secret.into(), &[0u8; 12].into());
    cipher.apply_keystream(data);
}

/// A pass name as the `&'static str` a `Symbol` holds. The decoder has a few dozen pass names,
/// so interning them leaks a bounded few bytes once per name, whatever the number of entries.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn symbol() -> Symbol {
        Symbol {
            text: Some("https://example.com/".to_string()),
            bytes: b"https://example.com/\xff".to_vec(),
            error: None,
            version: Some(2),
            ecc: Some(Ecc::Q),
            mask: Some(5),
            corners: [[1.5, 2.0], [63.0, 2.0], [63.0, 63.25], [1.5, 63.0]],
            modules: 25,
            module_px: 2.5,
            pass: "binarized",
            fragile: true,
            erasures: Some(4),
            quiet_zone_modules: Some(3.5),
        }
    }

    #[test]
    fn an_entry_reads_back_as_the_symbols_it_stored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DecodeCache::open(dir.path(), &DecodeOptions::default(), 1000).unwrap();
        let key = cache.key(b"image bytes");
        assert_eq!(cache.get(&key), None);
        let outcome = DecodeOutcome {
            symbols: vec![symbol()],
            ..DecodeOutcome::default()
        };
        cache.put(&key, [64, 65], &outcome);
        let cached = cache.get(&key).expect("a hit");
        assert_eq!(cached.dimensions, [64, 65]);
        assert_eq!(cached.symbols, vec![symbol()]);
        // Other bytes, other options, another pixel limit: other keys.
        assert_ne!(cache.key(b"image bytes!").name, key.name);
        // The entry holds nothing readable: the text is encrypted with the bytes' key.
        let stored = std::fs::read(cache.path(&key)).unwrap();
        assert!(
            !String::from_utf8_lossy(&stored).contains("example.com"),
            "clear text in the cache"
        );
        let other = DecodeCache::open(
            dir.path(),
            &DecodeOptions {
                rxing: !DecodeOptions::default().rxing,
                ..DecodeOptions::default()
            },
            1000,
        )
        .unwrap();
        assert_ne!(other.key(b"image bytes").name, key.name);
        let limit = DecodeCache::open(dir.path(), &DecodeOptions::default(), 999).unwrap();
        assert_ne!(limit.key(b"image bytes").name, key.name);
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DecodeCache::open(dir.path(), &DecodeOptions::default(), 1000).unwrap();
        let key = cache.key(b"x");
        std::fs::create_dir_all(dir.path().join(&key.name[..2])).unwrap();
        let write = |plain: &[u8]| {
            let mut bytes = plain.to_vec();
            apply_keystream(&key, &mut bytes);
            std::fs::write(cache.path(&key), bytes).unwrap();
        };
        write(b"{\"format\":1,\"dimensions\":[1,");
        assert_eq!(cache.get(&key), None);
        write(br#"{"format":1,"dimensions":[1,1],"symbols":[{"text":null,"bytes_hex":"zz","error":null,"version":null,"ecc":null,"mask":null,"corners":[[0,0],[0,0],[0,0],[0,0]],"modules":21,"module_px":1,"pass":"direct","fragile":false,"quiet_zone_modules":null}]}"#);
        assert_eq!(cache.get(&key), None);
        // Written in clear (not by qraudit), it is no entry either.
        std::fs::write(
            cache.path(&key),
            b"{\"format\":1,\"dimensions\":[1,1],\"symbols\":[]}",
        )
        .unwrap();
        assert_eq!(cache.get(&key), None);
    }
}
