//! `qraudit serve` on 127.0.0.1 (issue 18): the real binary, real uploads, every response
//! checked against docs/openapi.json (and reports against docs/report-schema.json). Request
//! loops are bounded; nothing but 127.0.0.1 is ever contacted.
#![cfg(feature = "serve")]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

/// A running server, stopped (SIGTERM) when dropped.
struct Server {
    child: Child,
    base: String,
    log: mpsc::Receiver<String>,
}

impl Server {
    fn start(extra: &[&str]) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("qraudit"))
            .args(["serve", "--listen", "127.0.0.1:0", "--no-policy"])
            .args(extra)
            .env_remove("QRAUDIT_TOKEN")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("qraudit serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let first = log
            .recv_timeout(Duration::from_secs(30))
            .expect("the server says where it listens");
        let base = first
            .split("listening on ")
            .nth(1)
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .trim_end_matches('/')
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The access log lines written so far.
    fn log_lines(&self) -> Vec<String> {
        std::thread::sleep(Duration::from_millis(100));
        self.log.try_iter().collect()
    }

    /// SIGTERM, then the exit code.
    fn stop(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A response: status, headers we look at, body as JSON (Null when not JSON) and as text.
struct Reply {
    status: u16,
    header: Vec<(String, String)>,
    text: String,
    json: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn reply(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(err) => panic!("request failed: {err}"),
    };
    let status = response.status();
    let header = response
        .headers_names()
        .into_iter()
        .map(|name| {
            let value = response.header(&name).unwrap_or("").to_string();
            (name, value)
        })
        .collect();
    let mut text = String::new();
    response
        .into_reader()
        .take(50 << 20)
        .read_to_string(&mut text)
        .expect("a text body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply {
        status,
        header,
        text,
        json,
    }
}

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

fn get(server: &Server, path: &str, auth: Option<&str>) -> Reply {
    let mut request = agent().get(&server.url(path));
    if let Some(auth) = auth {
        request = request.set("Authorization", auth);
    }
    reply(request.call())
}

fn post(server: &Server, path: &str, content_type: &str, body: &[u8]) -> Reply {
    reply(
        agent()
            .post(&server.url(path))
            .set("Content-Type", content_type)
            .send_bytes(body),
    )
}

const BOUNDARY: &str = "qraudit-test-boundary-7f3a";

/// A multipart/form-data body with one `file` part per (name, bytes).
fn multipart(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload(server: &Server, files: &[(&str, &[u8])]) -> Reply {
    post(
        server,
        "/api/scan",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        &multipart(files),
    )
}

fn testdata(path: &str) -> Vec<u8> {
    std::fs::read(common::root().join("testdata").join(path)).unwrap()
}

/// Checks a reply against docs/openapi.json: the route and method must document its status,
/// and its JSON body must match that response's schema (a report: docs/report-schema.json).
fn conforms(reply: &Reply, path: &str, method: &str) {
    let api: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("docs/openapi.json")).unwrap(),
    )
    .unwrap();
    let status = reply.status.to_string();
    let mut response = api["paths"][path][method]["responses"][&status].clone();
    assert!(
        response.is_object(),
        "{method} {path} does not document {status}: {}",
        reply.text
    );
    if let Some(reference) = response["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        response = api["components"]["responses"][name].clone();
    }
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status}: no JSON schema"
    );
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{method} {path} {status}: not JSON"
    );
    let candidates: Vec<String> = match schema["oneOf"].as_array() {
        Some(options) => options
            .iter()
            .map(|o| {
                o["$ref"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect(),
        None => vec![
            schema["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string(),
        ],
    };
    let fits = candidates.iter().any(|name| {
        let schema = if name == "Report" {
            serde_json::from_str(
                &std::fs::read_to_string(common::root().join("docs/report-schema.json")).unwrap(),
            )
            .unwrap()
        } else {
            api["components"]["schemas"][name].clone()
        };
        jsonschema::validator_for(&schema)
            .expect("a valid schema")
            .is_valid(&reply.json)
    });
    assert!(
        fits,
        "{method} {path} {status}: body fits none of {candidates:?}: {}",
        reply.text
    );
    for (name, expected) in [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        assert_eq!(
            reply.header(name),
            Some(expected),
            "{method} {path}: {name}"
        );
    }
    let csp = reply.header("content-security-policy").unwrap_or("");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"),
        "{csp}"
    );
}

#[test]
fn uploads_are_scanned_as_scan_scans_them_and_every_answer_is_documented() {
    let server = Server::start(&[]);
    let health = get(&server, "/healthz", None);
    assert_eq!(health.status, 200);
    conforms(&health, "/healthz", "get");
    let rules = get(&server, "/api/rules", None);
    conforms(&rules, "/api/rules", "get");
    assert!(rules.text.contains("\"host-not-checked\""));

    // Two files: a poster and a broken PNG; the report is the CLI's for the same files.
    let poster = testdata("posters/password-in-url.jpg");
    let broken = testdata("bad/truncated.png");
    let scanned = upload(
        &server,
        &[("password-in-url.jpg", &poster), ("truncated.png", &broken)],
    );
    assert_eq!(scanned.status, 200, "{}", scanned.text);
    conforms(&scanned, "/api/scan", "post");
    let cli = common::qraudit()
        .current_dir(common::root().join("testdata"))
        .args(["scan", "--no-policy", "--format", "json", "-q", "--fix"])
        .args(["posters/password-in-url.jpg", "bad/truncated.png"])
        .output()
        .unwrap();
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    // Per input: status, (text, rules) of each code, error.
    type Essentials = Vec<(String, Vec<(String, String)>, String)>;
    let essentials = |report: &Value| -> Essentials {
        report["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|input| {
                let codes = input["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        let rules: Vec<String> = c["findings"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|f| f["rule"].as_str().unwrap().to_string())
                            .collect();
                        (
                            c["text"].as_str().unwrap_or("").to_string(),
                            rules.join(","),
                        )
                    })
                    .collect();
                (
                    input["status"].as_str().unwrap().to_string(),
                    codes,
                    input["error"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(essentials(&scanned.json), essentials(&cli));
    // The password is masked; the safe rewrite is offered.
    assert!(!scanned.text.contains("Winter"), "a secret leaked");
    assert!(scanned.text.contains("\"fixed_url\""), "{}", scanned.text);
    assert_eq!(scanned.json["inputs"][0]["path"], "password-in-url.jpg");

    // One raw body, by its content type.
    let raw = post(
        &server,
        "/api/scan",
        "image/png",
        &testdata("posters/sales-team.png"),
    );
    assert_eq!(raw.status, 200);
    conforms(&raw, "/api/scan", "post");
    assert_eq!(raw.json["inputs"][0]["path"], "upload");
    assert_eq!(raw.json["summary"]["codes"], 1);

    // Texts.
    let text = "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true";
    let checked = post(
        &server,
        "/api/check",
        "text/plain; charset=utf-8",
        text.as_bytes(),
    );
    assert_eq!(checked.status, 200);
    conforms(&checked, "/api/check", "post");
    assert!(checked.text.contains("\"untrusted-ssl\""));
    let two = post(
        &server,
        "/api/check",
        "application/json",
        br#"{"texts": ["https://example.com/", "WIFI:S:Guest;T:nopass;;"]}"#,
    );
    assert_eq!(two.status, 200);
    assert_eq!(two.json["inputs"].as_array().unwrap().len(), 2);
    for (body, content_type) in [
        (&b"{\"nothing\": 1}"[..], "application/json"),
        (b"{not json", "application/json"),
        (b"   ", "text/plain"),
    ] {
        let bad = post(&server, "/api/check", content_type, body);
        assert_eq!(bad.status, 400, "{}", bad.text);
        conforms(&bad, "/api/check", "post");
    }
    let wrong = post(&server, "/api/check", "image/png", b"x");
    assert_eq!(wrong.status, 415);
    conforms(&wrong, "/api/check", "post");
}

/// Bad input gets a clear JSON error with a status that fits, and the server keeps serving.
#[test]
fn bad_input_is_a_clear_error_and_the_server_keeps_serving() {
    let server = Server::start(&["--max-upload-bytes", "3000000", "--max-files", "3"]);
    let cases: Vec<(&str, Reply, u16)> = vec![
        (
            "a zero-byte file",
            upload(&server, &[("empty.png", b"")]),
            422,
        ),
        (
            "a decompression-bomb PNG",
            upload(&server, &[("bomb.png", &testdata("bad/bomb.png"))]),
            422,
        ),
        (
            "a zip bomb (its good member still read)",
            upload(
                &server,
                &[("bomb.zip", &testdata("containers/broken/bomb.zip"))],
            ),
            422,
        ),
        (
            "a text file",
            upload(&server, &[("notes.txt", b"just some notes")]),
            415,
        ),
        (
            "JSON posted to the scan",
            post(&server, "/api/scan", "application/json", b"{}"),
            415,
        ),
        (
            "a truncated multipart body",
            post(
                &server,
                "/api/scan",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                &multipart(&[("a.png", b"abc")])[..60],
            ),
            400,
        ),
        (
            "a multipart body without a file",
            post(
                &server,
                "/api/scan",
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                format!("--{BOUNDARY}--\r\n").as_bytes(),
            ),
            400,
        ),
        (
            "a body over --max-upload-bytes",
            post(&server, "/api/scan", "image/png", &vec![0u8; 3_100_000]),
            413,
        ),
        (
            // Still being sent long after the limit: answered and closed at the limit, the
            // client's writes failed with a broken pipe and it never saw the 413.
            "a body eight times --max-upload-bytes",
            post(&server, "/api/scan", "image/png", &vec![0u8; 24_000_000]),
            413,
        ),
        (
            "more files than --max-files",
            upload(
                &server,
                &[
                    ("a.png", b"1"),
                    ("b.png", b"2"),
                    ("c.png", b"3"),
                    ("d.png", b"4"),
                ],
            ),
            413,
        ),
    ];
    for (what, reply, expected) in &cases {
        assert_eq!(reply.status, *expected, "{what}: {}", reply.text);
        conforms(reply, "/api/scan", "post");
        if reply.json.get("error").is_none() {
            // A report: each input says what was wrong with it.
            let input = &reply.json["inputs"][0];
            assert!(
                input["error"].is_string() || input["reason"].is_string(),
                "{what}: {}",
                reply.text
            );
        }
        assert_eq!(get(&server, "/healthz", None).status, 200, "after {what}");
    }
    let zip = &cases[2].1;
    assert_eq!(zip.json["summary"]["codes"], 1, "{}", zip.text);
    let unknown = get(&server, "/no/such/page", None);
    assert_eq!(unknown.status, 404);
}

/// With --token the API wants it and the page asks the browser's login for it; /healthz stays
/// open. The access log names no file and no decoded text.
#[test]
fn a_token_closes_the_api_and_the_page_and_the_log_holds_no_decoded_text() {
    let server = Server::start(&["--token", "s3cret-token", "--log-format", "json"]);
    let closed = get(&server, "/api/rules", None);
    assert_eq!(closed.status, 401);
    conforms(&closed, "/api/rules", "get");
    assert!(
        closed
            .header("www-authenticate")
            .is_some_and(|v| v.starts_with("Basic"))
    );
    assert_eq!(get(&server, "/api/rules", Some("Bearer wrong")).status, 401);
    assert_eq!(
        get(&server, "/api/rules", Some("Bearer s3cret-token")).status,
        200
    );
    let page = get(&server, "/", None);
    assert_eq!(page.status, 401);
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            "helpdesk:s3cret-token"
        )
    );
    let page = get(&server, "/", Some(&basic));
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("token"),
        "the page says it asked for one"
    );
    assert_eq!(get(&server, "/healthz", None).status, 200);

    let text = "hclsametime://jdoe:hunter2@stproxy.example.com/?action=AddCommunity";
    let checked = reply(
        agent()
            .post(&server.url("/api/check"))
            .set("Authorization", "Bearer s3cret-token")
            .set("Content-Type", "text/plain")
            .send_bytes(text.as_bytes()),
    );
    assert_eq!(checked.status, 200);
    assert!(!checked.text.contains("hunter2"));
    let lines = server.log_lines();
    assert!(lines.len() >= 6, "{lines:?}");
    for line in &lines[1..] {
        let entry: Value =
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        assert_eq!(entry["event"], "request", "{line}");
        assert!(
            !line.contains("hunter2") && !line.contains("stproxy"),
            "{line}"
        );
    }
}

/// The page: one script and one style sheet, both allowed by their hash in the CSP and nothing
/// else; no external resource; decoded text only ever set as textContent.
#[test]
fn the_page_is_self_contained_and_its_csp_allows_only_its_own_script() {
    use sha2::{Digest, Sha256};
    let server = Server::start(&[]);
    let page = get(&server, "/", None);
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = &page.text;
    assert_eq!(html.matches("<script>").count(), 1);
    assert_eq!(html.matches("<style>").count(), 1);
    for external in ["http://", "https://", "src=\"//", "@import", "url("] {
        assert!(!html.contains(external), "the page refers to {external}");
    }
    assert!(!html.contains("innerHTML") && !html.contains("insertAdjacentHTML"));
    assert!(!html.contains(" onclick=") && !html.contains(" onload="));
    let between = |open: &str, close: &str| {
        let start = html.find(open).unwrap() + open.len();
        let end = start + html[start..].find(close).unwrap();
        html[start..end].to_string()
    };
    let hash = |text: &str| {
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            Sha256::digest(text.as_bytes()),
        )
    };
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains(&format!(
            "script-src 'sha256-{}'",
            hash(&between("<script>", "</script>"))
        )),
        "{csp}"
    );
    assert!(
        csp.contains(&format!(
            "style-src 'sha256-{}'",
            hash(&between("<style>", "</style>"))
        )),
        "{csp}"
    );
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
}

/// A burst beyond the workers and the queue is answered 503 with Retry-After, at once; a
/// SIGTERM lets the request in flight finish, then the server exits 0.
#[test]
fn a_full_queue_answers_503_and_sigterm_lets_the_request_in_flight_finish() {
    use std::io::Write;
    let png = testdata("posters/sales-team.png");
    let mut server = Server::start(&["--jobs", "1", "--queue", "0"]);
    // The only place is taken by a request whose body is still arriving.
    let address = server.base.trim_start_matches("http://").to_string();
    let mut slow = std::net::TcpStream::connect(&address).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    // The head in one segment, sent at once: written piece by piece (`write!`), Nagle's
    // algorithm held its tail back until the server's delayed acknowledgement, and a request
    // sent after it could arrive first.
    slow.set_nodelay(true).unwrap();
    let head = format!(
        "POST /api/scan HTTP/1.1\r\nHost: {address}\r\nContent-Type: image/png\r\nContent-Length: {}\r\n\r\n",
        png.len()
    );
    slow.write_all(head.as_bytes()).unwrap();
    let half = png.len() / 2;
    slow.write_all(&png[..half]).unwrap();
    slow.flush().unwrap();
    // Give the server time to take the place for it: a request that arrived first would take
    // the only place and the slow one would be the one turned away (it was in half the runs
    // on a fast machine, and in one of eight with the head in one segment and no wait).
    std::thread::sleep(Duration::from_millis(500));
    let mut busy = None;
    for _ in 0..50 {
        let reply = post(&server, "/api/scan", "image/png", &png);
        if reply.status == 503 {
            busy = Some(reply);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let busy = busy.expect("a request beyond the only place is turned away");
    conforms(&busy, "/api/scan", "post");
    assert!(busy.header("retry-after").is_some());
    assert_eq!(get(&server, "/healthz", None).status, 200);
    // SIGTERM while the slow request is in flight: it still gets its report.
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(300));
    slow.write_all(&png[half..]).unwrap();
    slow.flush().unwrap();
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"codes\": 1"), "{answer}");
    assert_eq!(server.stop(), Some(0));
}
