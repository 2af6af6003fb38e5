//! `qraudit scan` on websites (issue 23, item 5): HTML pages are containers whose `data:` images,
//! inline SVGs, `<img src>`/`srcset` files inside the scanned tree and CSS backgrounds are
//! decoded, each at a location like `index.html!img[2]`; nothing is fetched from the network,
//! nothing outside the tree is read, and the page's links are not codes. The site under
//! testdata/containers/site is written by `cargo run --example gen_containers`.

mod common;

use std::path::Path;

use serde_json::Value;

use common::{codes_by_location as codes, pairs, scan_json as scan};

const SITE: &str = "testdata/containers/site";
const FILE: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Poster";
const DATA: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Data%20URI";
const SVG: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Inline%20SVG";
const CSS: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Background";
const SRCSET: &str = "hclsametime://site.example.com/?action=AddCommunity&communityName=Srcset";

fn input<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == path)
        .unwrap_or_else(|| panic!("no input {path} in {report}"))
}

fn warnings(input: &Value) -> Vec<String> {
    input["warnings"]
        .as_array()
        .map(|w| w.iter().map(|n| n.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn a_site_folder_reads_every_kind_of_embedded_code() {
    let (report, _) = scan(&[SITE]);
    let index = input(&report, &format!("{SITE}/index.html"));
    assert_eq!(index["status"], "ok", "{index}");
    assert_eq!(index["media_type"], "text/html");
    assert_eq!(index["images"], 4);
    assert_eq!(
        codes(index),
        pairs(&[
            ("!url[1]", CSS),
            ("!img[1]", FILE),
            ("!img[2]", DATA),
            ("!svg[1]", SVG),
        ])
    );
    // The CDN image is not fetched, the missing one is named; the poster referred to twice
    // (with a query string the second time) is scanned once; the script's and the
    // commented-out images and the <title> text are no elements.
    let notes = warnings(index).join("\n");
    assert!(
        notes.contains("!img[3]: https://cdn.example.com/qr.png: not fetched"),
        "{notes}"
    );
    assert!(
        notes.contains("!img[4]: ../../outside.png: not read"),
        "{notes}"
    );
    assert_eq!(warnings(index).len(), 2, "{notes}");
    // The provisioning link in the page is not a code.
    let all = report.to_string();
    assert!(!all.contains("link.example.com"), "a link was audited");

    let post = input(&report, &format!("{SITE}/blog/post.html"));
    assert_eq!(
        codes(post),
        pairs(&[
            ("!img[1]", FILE),
            ("!source[1]/srcset-1", CSS),
            ("!source[1]/srcset-2", SRCSET),
        ])
    );
    // The codes are audited like any other (and across pages: one server, several names).
    let rules: Vec<&str> = post["codes"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"host-not-checked"), "{rules:?}");
    assert!(rules.contains(&"community-conflict"), "{rules:?}");
}

#[test]
fn a_page_given_alone_reads_the_files_of_its_own_folder() {
    let page = format!("{SITE}/index.html");
    let (report, _) = scan(&[page.as_str()]);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    let index = input(&report, &page);
    assert_eq!(codes(index).len(), 4, "{index}");
    // The post one folder down reaches /img through the root it lies in: given alone, its
    // folder is the root, so the root-relative image is not in it.
    let post = format!("{SITE}/blog/post.html");
    let (report, _) = scan(&[post.as_str()]);
    let post = input(&report, &post);
    let notes = warnings(post).join("\n");
    assert!(
        notes.contains("!img[1]: /img/poster.png: not read"),
        "{notes}"
    );
    // ../img/bg.png lies outside blog/: not read either.
    assert!(
        notes.contains(
            "!source[1]/srcset-1: ../img/bg.png: not read: it lies outside the scanned folders"
        ),
        "{notes}"
    );
    assert_eq!(codes(post), pairs(&[("!source[1]/srcset-2", SRCSET)]));
}

/// A page may name any path; only files inside the scanned folders are read, whatever the
/// spelling (`..`, an absolute path, a symbolic link), and nothing is fetched.
#[test]
fn a_page_cannot_make_the_scanner_read_outside_the_tree() {
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("secret.png");
    std::fs::copy(
        common::root().join("testdata/containers/site/img/poster.png"),
        &secret,
    )
    .unwrap();
    let site = tempfile::tempdir().unwrap();
    let depth = site.path().components().count();
    let climb = "../".repeat(depth + 2);
    let relative = format!(
        "{climb}{}",
        secret.display().to_string().trim_start_matches('/')
    );
    let mut html = format!(
        "<!DOCTYPE html><html><body>\n<img src=\"{relative}\">\n<img src=\"{}\">\n\
         <img src=\"file://{}\">\n<img src=\"http://127.0.0.1:9/qr.png\">\n",
        secret.display(),
        secret.display()
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&secret, site.path().join("link.png")).unwrap();
        html.push_str("<img src=\"link.png\">\n");
    }
    html.push_str("</body></html>\n");
    let page = site.path().join("index.html");
    std::fs::write(&page, html).unwrap();
    let (report, code) = scan(&[page.as_os_str()]);
    let input = &report["inputs"][0];
    assert_eq!(input["codes"], Value::Array(vec![]), "{input}");
    assert_eq!(code, 0, "{input}");
    let notes = warnings(input).join("\n");
    assert!(
        notes.contains("!img[1]:") && notes.contains("outside the scanned folders"),
        "{notes}"
    );
    assert!(notes.contains("!img[2]:"), "{notes}");
    assert!(notes.contains("!img[3]: file://"), "{notes}");
    assert!(
        notes.contains("!img[4]: http://127.0.0.1:9/qr.png: not fetched"),
        "{notes}"
    );
    #[cfg(unix)]
    assert!(
        notes.contains("!img[5]: link.png: not read: it lies outside the scanned folders"),
        "{notes}"
    );
    // Every reference is accounted for: none read, each noted once.
    let expected = if cfg!(unix) { 5 } else { 4 };
    assert_eq!(notes.lines().count(), expected, "{notes}");
    assert!(Path::new(&secret).exists());
}

/// A page inside a zip has no folder on disk: its `data:` images are read, its file references
/// are noted.
#[test]
fn a_page_inside_a_zip_reads_data_uris_only() {
    let data = std::fs::read(common::root().join("testdata/containers/site/index.html")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("site.zip");
    {
        let file = std::fs::File::create(&zip_path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        zip.start_file("www/index.html", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &data).unwrap();
        zip.start_file("www/evil.html", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(
            &mut zip,
            b"<html><img src=\"x\x1b[2J\x1b]0;pwned\x07.png\"></html>",
        )
        .unwrap();
        zip.finish().unwrap();
    }
    let (report, _) = scan(&[zip_path.as_os_str()]);
    let input = &report["inputs"][0];
    assert_eq!(
        codes(input),
        pairs(&[
            ("!www/index.html!img[2]", DATA),
            ("!www/index.html!svg[1]", SVG),
        ]),
        "{input}"
    );
    let notes = warnings(input).join("\n");
    assert!(
        notes.contains("!www/index.html!img[1]: img/poster.png: not read: only the file references of a page scanned as a file are read"),
        "{notes}"
    );
    // The hostile name is a note of the page inside the zip, kept as data (JSON escapes it).
    assert!(
        notes.contains("!www/evil.html!img[1]: x\u{1b}[2J"),
        "{notes}"
    );
    // The table lists it among the parts left out, escaped.
    let output = common::qraudit()
        .args(["scan", "--no-policy", "--format", "table"])
        .arg(&zip_path)
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(table.contains("parts left out (not scanned)"), "{table}");
    assert!(table.contains("pwned"), "{table}");
    assert!(
        !table.contains('\u{1b}'),
        "a raw escape reached the terminal: {table}"
    );
}
