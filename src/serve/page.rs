//! The helpdesk page (`GET /`): one self-contained HTML document (no CDN, no web font, no
//! request but its own API: it works on an air-gapped network), with a drop zone that takes
//! pasted images and text (Ctrl+V), dropped files and a file picker.
//!
//! For each code it shows the image with the code outlined, the verdict in one sentence, the
//! Sametime community the app would create, every finding with its severity and fix, the safe
//! rewrite with a copy button and the decoded text. Decoded text is only ever put into the page
//! as text (`textContent`), shown with control characters and bidirectional overrides escaped;
//! no decoded link is made clickable. The script and the style sheet are the page's only ones,
//! allowed by their SHA-256 in the Content-Security-Policy, so nothing else can run even if
//! markup were injected.
//!
//! It works with the keyboard alone (the drop zone is a button that opens the file picker, the
//! copy buttons are buttons) and reads sensibly in a screen reader (a live status region,
//! labelled controls, headings per file and per code).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::Shared;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// The page and the Content-Security-Policy every response carries.
pub(super) struct Page {
    html: String,
    /// Built once: every response carries it.
    pub content_security_policy: HeaderValue,
}

impl Page {
    /// `login`: the server wants a token (the page says so under its heading).
    pub fn new(login: bool) -> Page {
        let hash = |text: &str| {
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        };
        let policy = format!(
            "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src blob: data:; \
             connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            hash(SCRIPT),
            hash(STYLE)
        );
        let note = if login {
            "<p class=\"note\">This server asks for its token: your browser's login prompt took it.</p>"
        } else {
            ""
        };
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>qraudit: what does this QR code do?</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <header>\n<h1>What does this QR code do?</h1>\n\
             <p>Paste a screenshot (Ctrl+V), drop files here or choose them: every QR code in them is \
             decoded and explained. Nothing is stored; links are never opened.</p>\n{note}\n</header>\n<main>\n\
             <section id=\"drop\" tabindex=\"0\" role=\"button\" aria-describedby=\"drop-help\" \
             aria-label=\"Choose files, or drop or paste them here\">\n\
             <p id=\"drop-help\">Paste (Ctrl+V) an image or the text of a code, drop images, PDFs or \
             mails here, or press Enter to choose files.</p>\n\
             <input id=\"files\" type=\"file\" multiple aria-label=\"Files to scan\">\n</section>\n\
             <form id=\"text-form\">\n<label for=\"text\">Or the text of a code (a link)</label>\n\
             <textarea id=\"text\" rows=\"2\" spellcheck=\"false\"></textarea>\n\
             <button type=\"submit\">Check this text</button>\n</form>\n\
             <div id=\"status\" role=\"status\" aria-live=\"polite\"></div>\n\
             <div id=\"results\"></div>\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
        );
        Page {
            html,
            // Base64 and ASCII only: always a valid header value.
            content_security_policy: HeaderValue::from_str(&policy)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
        }
    }
}

pub(super) async fn index(State(state): State<Shared>) -> Response {
    let mut response = state.page.html.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}
