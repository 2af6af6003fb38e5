//! `qraudit serve`: the helpdesk page and the HTTP API, on one port.
//!
//! A helpdesk person pastes a user's screenshot into a page (`GET /`, `page.rs`) and reads what
//! the code will do; a ticket system posts the same screenshot to `POST /api/scan` and gets the
//! JSON report `scan --format json` writes (`api.rs`; the routes and their errors are
//! documented in docs/openapi.json, which a test checks the real responses against).
//!
//! Safe by construction, because it is run for a team:
//! - nothing is written to disk: an upload lives in memory for its request only, and is
//!   scanned by the same code as `scan` (`scan::scan_uploads`), under the same pixel,
//!   container and time limits;
//! - a request's body is capped (`--max-upload-bytes`, 413, sent once the rest of the body
//!   has been read and dropped, within bounds, so that the client sees it: `api::read_body`)
//!   and so is its number of files (`--max-files`, 413); decoding runs on a fixed number of
//!   workers (`--jobs`) behind a bounded queue (`--queue`): a burst beyond it is answered 503
//!   with `Retry-After`, so memory stays bounded whatever arrives;
//! - every response carries a strict Content-Security-Policy (the page's one script and one
//!   style sheet allowed by hash, nothing inline otherwise, no third party), `nosniff`,
//!   `no-referrer` and `no-store`; the page renders decoded text as text only;
//! - `--token` (or `QRAUDIT_TOKEN`) closes the API (Bearer token) and the page (the browser's
//!   login prompt, the token as password); `/healthz` stays open for probes;
//! - the access log (stderr; `--log-format json` for one JSON object per line) names method,
//!   path, status, size and time: never a file name, a decoded text or a secret.
//!
//! It listens on 127.0.0.1:8080 unless told otherwise; any other address gets a warning, since
//! anyone who can reach it can then use it. SIGTERM (or Ctrl+C) stops accepting connections and
//! lets the requests in flight finish.

mod api;
mod page;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use thiserror::Error;
use tokio::sync::Semaphore;

use crate::report::model::AppliedPolicy;
use crate::scan::ScanConfig;

/// Everything `serve` runs with, resolved once at start.
#[derive(Debug)]
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Limits, decoder and analysis (policy, `--show-secrets`) of every scan.
    pub scan: ScanConfig,
    /// The policy as reports record it.
    pub applied_policy: AppliedPolicy,
    /// Largest request body (`--max-upload-bytes`).
    pub max_upload_bytes: usize,
    /// Most files in one request (`--max-files`).
    pub max_files: usize,
    /// Requests decoded at once (`--jobs`).
    pub workers: usize,
    /// Requests that may wait for a worker (`--queue`); more are answered 503.
    pub queue: usize,
    /// The token the API and the page require, when set.
    pub token: Option<String>,
    /// One JSON object per access log line.
    pub log_json: bool,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the server's runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("the server stopped: {0}")]
    Serve(#[source] std::io::Error),
}

/// What every request handler shares.
struct AppState {
    config: ServeConfig,
    /// One permit per worker: held while a request's uploads are decoded.
    workers: Semaphore,
    /// Workers plus queue: a request that cannot get one when it arrives (before its body is
    /// read) is turned away (503) at once.
    admission: Semaphore,
    page: page::Page,
}

type Shared = Arc<AppState>;

/// Runs the server until SIGTERM or Ctrl+C; `on_ready` is told the address it listens on
/// (the port is chosen by the system for `--listen 127.0.0.1:0`).
pub fn run(config: ServeConfig, on_ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(config.workers.max(1) + 2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let addr = config.listen;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| ServeError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| ServeError::Bind { addr, source })?;
        let state = Arc::new(AppState {
            workers: Semaphore::new(config.workers.max(1)),
            admission: Semaphore::new(config.workers.max(1) + config.queue),
            page: page::Page::new(config.token.is_some()),
            config,
        });
        on_ready(bound);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(shutdown_signal())
            .await
            .map_err(ServeError::Serve)
    })
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/healthz", get(api::healthz))
        .route("/api/rules", get(api::rules))
        .route("/api/check", post(api::check))
        .route("/api/scan", post(api::scan))
        .fallback(api::not_found)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            authorise,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            headers_and_log,
        ))
        .with_state(state)
}

/// Resolves on SIGTERM or Ctrl+C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

/// With `--token`: the API wants `Authorization: Bearer TOKEN`, the page the browser's login
/// (Basic, any user name, the token as password; the page's own requests then carry it too).
async fn authorise(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let Some(token) = &state.config.token else {
        return next.run(request).await;
    };
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if given.is_some_and(|value| api::token_matches(value, token)) {
        return next.run(request).await;
    }
    let mut response = api::error(StatusCode::UNAUTHORIZED, "a token is required");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"qraudit\", charset=\"UTF-8\""),
    );
    response
}

/// The security headers of every response, and its access log line.
async fn headers_and_log(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The path only: a query string could carry anything.
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        state.page.content_security_policy.clone(),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    log_access(
        state.config.log_json,
        method.as_str(),
        &path,
        response.status(),
        started,
    );
    response
}

fn log_access(json: bool, method: &str, path: &str, status: StatusCode, started: Instant) {
    let millis = (started.elapsed().as_secs_f64() * 1e4).round() / 10.0;
    // Paths are ours to name (a handful of routes); anything else is logged as "(other)" so that
    // a probe's path cannot write into the log.
    let path = match path {
        "/" | "/healthz" | "/api/rules" | "/api/check" | "/api/scan" => path,
        _ => "(other)",
    };
    let line = if json {
        serde_json::json!({
            "event": "request",
            "method": method,
            "path": path,
            "status": status.as_u16(),
            "ms": millis,
        })
        .to_string()
    } else {
        format!(
            "qraudit serve: {method} {path} {} {millis} ms",
            status.as_u16()
        )
    };
    // One write per line, so that lines of concurrent requests never interleave.
    let mut line = line;
    line.push('\n');
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

/// A response with a JSON `body` (a report, an error object) and `status`.
fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}
