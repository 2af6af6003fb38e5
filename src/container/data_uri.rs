//! `data:` URIs (RFC 2397), as web pages and HTML mail bodies embed images: the media type and
//! parameters before the comma, then the data, base64 when the parameters end in `;base64`,
//! else percent-encoded.

use data_encoding::BASE64_MIME_PERMISSIVE;
use thiserror::Error;

/// Why a `data:` URI gives no bytes.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DataUriError {
    #[error("data: URI without a comma before its data")]
    NoComma,
    #[error("data: URI is not valid base64: {0}")]
    Base64(String),
}

/// The bytes of a `data:` URI; `uri` is what follows `data:`. Whitespace inside base64 (a
/// long URI wrapped over lines) is skipped.
pub fn decode(uri: &str) -> Result<Vec<u8>, DataUriError> {
    let (header, payload) = uri.split_once(',').ok_or(DataUriError::NoComma)?;
    if header.trim_end().to_ascii_lowercase().ends_with(";base64") {
        let cleaned: Vec<u8> = payload
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        BASE64_MIME_PERMISSIVE
            .decode(&cleaned)
            .map_err(|err| DataUriError::Base64(err.to_string()))
    } else {
        Ok(percent_encoding::percent_decode_str(payload).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_and_percent_forms() {
        assert_eq!(decode("image/png;base64,iVBO\n Rw==").unwrap(), b"\x89PNG");
        assert_eq!(decode("text/plain,a%20b").unwrap(), b"a b");
        assert_eq!(decode("image/png;base64"), Err(DataUriError::NoComma));
        assert!(matches!(
            decode("image/png;base64,***"),
            Err(DataUriError::Base64(_))
        ));
    }
}
