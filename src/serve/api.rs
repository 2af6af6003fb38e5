//! The HTTP API: `POST /api/scan` (files, as multipart or one raw body), `POST /api/check`
//! (texts), `GET /api/rules`, `GET /healthz`. Reports are the JSON `scan --format json` writes;
//! errors are `{"error": "…"}` with the status that fits: 400 a request that cannot be read,
//! 401 a missing token, 413 too large or too many files, 415 nothing qraudit reads (every
//! upload skipped, or a content type it never scans), 422 nothing could be read (every upload
//! an error: a truncated PNG, a decompression bomb), 503 the queue is full (`Retry-After`).

// A handler's early return is the response itself, built once per request: boxing it would
// only add an allocation to every error path.
#![allow(clippy::result_large_err)]

use std::future::poll_fn;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::json;

use super::{Shared, json_response};
use crate::audit::catalogue;
use crate::finish::suppress::Suppressor;
use crate::report::Exporter;
use crate::report::json::JsonExporter;
use crate::report::model::{Report, Status};

/// `{"error": message}` with `status`.
pub(super) fn error(status: StatusCode, message: &str) -> Response {
    json_response(
        status,
        serde_json::to_vec(&json!({ "error": message })).unwrap_or_default(),
    )
}

/// True when an `Authorization` header carries `token`: as a Bearer token (API clients) or
/// as the password of Basic credentials (the browser's login prompt for the page).
pub(super) fn token_matches(value: &str, token: &str) -> bool {
    if let Some(bearer) = value.strip_prefix("Bearer ") {
        return constant_time_eq(bearer.trim().as_bytes(), token.as_bytes());
    }
    if let Some(basic) = value.strip_prefix("Basic ") {
        let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(basic.trim()) else {
            return false;
        };
        let password = decoded
            .iter()
            .position(|b| *b == b':')
            .map_or(&[][..], |colon| &decoded[colon + 1..]);
        return constant_time_eq(password, token.as_bytes());
    }
    false
}

/// Compares without stopping at the first difference, so that response times do not tell
/// how much of a guessed token was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(super) async fn healthz() -> Response {
    json_response(StatusCode::OK, br#"{"status":"ok"}"#.to_vec())
}

pub(super) async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "no such page")
}

/// The catalogue: every rule with its severity, title, rationale and fix.
pub(super) async fn rules() -> Response {
    let rules: Vec<_> = catalogue::all()
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "severity": rule.severity,
                "title": rule.title,
                "rationale": rule.rationale,
                "fix": rule.fix,
            })
        })
        .collect();
    json_response(
        StatusCode::OK,
        serde_json::to_vec(&json!({ "rules": rules })).unwrap_or_default(),
    )
}

/// Texts to audit: `text/plain` (the whole body is one text) or JSON
/// (`{"text": "…"}` or `{"texts": ["…", …]}`).
pub(super) async fn check(State(state): State<Shared>, request: Request) -> Response {
    let _admitted = match admit(&state) {
        Ok(permit) => permit,
        Err(busy) => return busy,
    };
    let content_type = content_type(&request);
    let body = match read_body(&state, request).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let texts: Vec<String> = if content_type == "application/json" {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(value) => match (&value["text"], &value["texts"]) {
                (serde_json::Value::String(text), _) => vec![text.clone()],
                (_, serde_json::Value::Array(texts)) => texts
                    .iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect(),
                _ => {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "JSON needs \"text\" (a string) or \"texts\" (an array of strings)",
                    );
                }
            },
            Err(err) => {
                return error(StatusCode::BAD_REQUEST, &format!("not JSON: {err}"));
            }
        }
    } else if content_type == "text/plain" || content_type.is_empty() {
        match String::from_utf8(body.to_vec()) {
            Ok(text) => vec![text],
            Err(_) => return error(StatusCode::BAD_REQUEST, "the text is not UTF-8"),
        }
    } else {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send text/plain or application/json",
        );
    };
    if texts.is_empty() || texts.iter().all(|t| t.trim().is_empty()) {
        return error(StatusCode::BAD_REQUEST, "no text to check");
    }
    if texts.len() > state.config.max_files {
        return too_many(&state, "texts");
    }
    let worker_state = Arc::clone(&state);
    work(&state, move || {
        let config = &worker_state.config.scan;
        let suppressor = Suppressor::new(&config.analysis.policy, None);
        crate::scan::check_texts(&texts, &config.analysis, &suppressor)
    })
    .await
}

/// Files to scan: `multipart/form-data` (every part with a file name, or any part when none
/// has one) or one raw body with its content type (`image/png`, `application/pdf`…).
pub(super) async fn scan(State(state): State<Shared>, request: Request) -> Response {
    let _admitted = match admit(&state) {
        Ok(permit) => permit,
        Err(busy) => return busy,
    };
    let content_type = content_type(&request);
    let uploads = if content_type == "multipart/form-data" {
        match multipart_files(&state, request).await {
            Ok(uploads) => uploads,
            Err(response) => return response,
        }
    } else if content_type.is_empty()
        || content_type == "application/x-www-form-urlencoded"
        || content_type == "application/json"
    {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send files as multipart/form-data, or one file as the body with its content type (image/png, application/pdf…)",
        );
    } else {
        match read_body(&state, request).await {
            Ok(body) => vec![("upload".to_string(), body.to_vec())],
            Err(response) => return response,
        }
    };
    if uploads.is_empty() {
        return error(StatusCode::BAD_REQUEST, "no file in the request");
    }
    if uploads.len() > state.config.max_files {
        return too_many(&state, "files");
    }
    let worker_state = Arc::clone(&state);
    work(&state, move || {
        crate::scan::scan_uploads(uploads, &worker_state.config.scan)
    })
    .await
}

/// 413 for a request with more than `--max-files` files or texts.
fn too_many(state: &Shared, what: &str) -> Response {
    error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!(
            "more than {} {what} in one request (--max-files)",
            state.config.max_files
        ),
    )
}

/// A place among the requests being read, queued or decoded, taken before the body is read
/// (so that the bodies held in memory are bounded too); none left is 503 at once.
fn admit(state: &Shared) -> Result<tokio::sync::SemaphorePermit<'_>, Response> {
    state.admission.try_acquire().map_err(|_| {
        let mut response = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy: every worker and queue place is taken; retry shortly",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        response
    })
}

/// Runs `job` on a worker, after waiting for one, and answers with its report: 200, or 422
/// when no input could be read, 415 when every input was something qraudit does not read.
async fn work(state: &Shared, job: impl FnOnce() -> Report + Send + 'static) -> Response {
    let Ok(_worker) = state.workers.acquire().await else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    };
    let report = match tokio::task::spawn_blocking(job).await {
        Ok(report) => report,
        Err(err) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("the scan stopped: {err}"),
            );
        }
    };
    let body = JsonExporter {
        policy: Some(&state.config.applied_policy),
        show_suppressed: false,
    }
    .serialize(&report);
    let inputs = &report.inputs;
    let status = if !inputs.is_empty() && inputs.iter().all(|i| i.status == Status::Error) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if !inputs.is_empty() && inputs.iter().all(|i| i.status == Status::Skipped) {
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    } else {
        StatusCode::OK
    };
    json_response(status, body)
}

/// The media type of the request, lower-cased, without parameters.
fn content_type(request: &Request) -> String {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// The whole body, at most `--max-upload-bytes` (413 beyond).
///
/// Past the limit the rest of the body is read and thrown away (`drain`) before the 413 goes
/// out, as nginx's lingering close does: a server that answers and closes while the client is
/// still sending makes the client's next write fail with a broken pipe or a reset, and the
/// browser, `curl` or API client then reports a network error instead of the 413 and its
/// message (our own API test saw exactly that, now and then, on a 3.1 MB upload).
async fn read_body(state: &Shared, request: Request) -> Result<Bytes, Response> {
    let limit = state.config.max_upload_bytes;
    let mut body = pin!(request.into_body());
    // Grown as the bytes arrive, not sized from the declared length: a client may declare the
    // limit and send nothing.
    let mut bytes = Vec::new();
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|err| {
            error(
                StatusCode::BAD_REQUEST,
                &format!("the request body could not be read: {err}"),
            )
        })?;
        let Some(data) = frame.data_ref() else {
            continue;
        };
        if bytes.len() + data.len() > limit {
            drain(body.as_mut()).await;
            return Err(error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("the request is larger than {limit} bytes (--max-upload-bytes)"),
            ));
        }
        bytes.extend_from_slice(data);
    }
    Ok(Bytes::from(bytes))
}

/// How much of an oversized body `drain` reads at most, and for how long: enough for an upload
/// a few times over the limit to finish, bounded so that a client cannot hold a connection
/// open by sending for ever.
const DRAIN_BYTES: usize = 64 << 20;
const DRAIN_TIME: Duration = Duration::from_secs(5);

/// Reads and drops the rest of `body`, at most `DRAIN_BYTES` of it for at most `DRAIN_TIME`.
async fn drain(mut body: Pin<&mut Body>) {
    let mut left = DRAIN_BYTES;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(frame)) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            let read = frame.data_ref().map_or(0, Bytes::len);
            if read >= left {
                break;
            }
            left -= read;
        }
    })
    .await;
}

/// The files of a multipart body: parts with a file name, each named by it (a part without
/// one is taken too when no part has a name, as `curl -F f=@-` sends).
async fn multipart_files(
    state: &Shared,
    request: Request,
) -> Result<Vec<(String, Vec<u8>)>, Response> {
    let (parts, body) = request.into_parts();
    let bytes = read_body(state, Request::from_parts(parts.clone(), body)).await?;
    let request = Request::from_parts(parts, Body::from(bytes));
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|err| {
        error(
            StatusCode::BAD_REQUEST,
            &format!("bad multipart body: {err}"),
        )
    })?;
    let mut files = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field
                    .file_name()
                    .map(upload_name)
                    .unwrap_or_else(|| format!("part-{}", files.len() + 1));
                match field.bytes().await {
                    Ok(data) => files.push((name, data.to_vec())),
                    Err(err) => {
                        return Err(error(
                            StatusCode::BAD_REQUEST,
                            &format!("bad multipart body: {err}"),
                        ));
                    }
                }
                if files.len() > state.config.max_files {
                    return Err(too_many(state, "files"));
                }
            }
            Ok(None) => return Ok(files),
            Err(err) => {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    &format!("bad multipart body: {err}"),
                ));
            }
        }
    }
}

/// A file name from a client as an input's name: its last path component, without control
/// characters, `!` (the location separator) escaped, at most 200 characters.
fn upload_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>()
        .replace('!', "%21");
    if cleaned.trim().is_empty() || cleaned == "." || cleaned == ".." {
        "upload".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_as_bearer_or_basic_password() {
        assert!(token_matches("Bearer s3cret", "s3cret"));
        assert!(!token_matches("Bearer s3cre", "s3cret"));
        let basic = base64::engine::general_purpose::STANDARD.encode("anyone:s3cret");
        assert!(token_matches(&format!("Basic {basic}"), "s3cret"));
        let wrong = base64::engine::general_purpose::STANDARD.encode("s3cret:x");
        assert!(!token_matches(&format!("Basic {wrong}"), "s3cret"));
        assert!(!token_matches("s3cret", "s3cret"));
    }

    #[test]
    fn upload_names_are_one_safe_segment() {
        assert_eq!(upload_name("C:\\Users\\a\\shot.png"), "shot.png");
        assert_eq!(upload_name("../../etc/passwd"), "passwd");
        assert_eq!(upload_name("a!b\u{1b}[2J.png"), "a%21b[2J.png");
        assert_eq!(upload_name(".."), "upload");
    }
}
