//! The `NAME:value;NAME:value;;` field syntax of NTT DoCoMo's MECARD, which the `WIFI:` code
//! borrowed (ZXing's "Barcode Contents" page is the de-facto reference for both).
//!
//! A backslash escapes the next character (`\;`, `\,`, `\:`, `\\`, `\"`), an unescaped `;` ends a
//! field, the first unescaped `:` of a field ends its name, and an empty field (`;;`) ends the
//! record. Real codes are often sloppy (no final `;;`, a raw `:` inside a URL value, a trailing
//! backslash): the reader takes what it can, records what was wrong, and never panics.

/// One field, as the name and the value both unescaped and as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The name, upper-cased (`S`, `T`, `URL`); empty for a field without `:`.
    pub name: String,
    /// The value with escapes resolved.
    pub value: String,
    /// The value exactly as written (escapes kept).
    pub raw: String,
}

/// The fields of one record, in order, and what was malformed about it.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub fields: Vec<Field>,
    /// True when the record ended with an empty field (`;;`).
    pub terminated: bool,
    pub issues: Vec<String>,
}

impl Fields {
    /// The first field of this name (what ZXing and Android read).
    pub fn first(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.iter().filter(move |f| f.name == name)
    }
}

/// Splits the body of a record (the text after `WIFI:` or `MECARD:`) into fields.
pub fn split(body: &str) -> Fields {
    let mut out = Fields::default();
    let mut name: Option<String> = None;
    let (mut value, mut raw) = (String::new(), String::new());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, next)) => {
                    value.push(next);
                    raw.push('\\');
                    raw.push(next);
                }
                None => {
                    out.issues
                        .push("the text ends with a lone backslash (an unfinished escape)".into());
                    raw.push('\\');
                }
            },
            ':' if name.is_none() => {
                name = Some(std::mem::take(&mut value).to_ascii_uppercase());
                raw.clear();
            }
            ';' => {
                if name.is_none() && value.is_empty() {
                    out.terminated = true;
                    let rest = body[i + 1..].trim();
                    if !rest.is_empty() {
                        out.issues.push(format!(
                            "text after the end of the record ('{}') is ignored by phones",
                            rest.chars().take(40).collect::<String>()
                        ));
                    }
                    return out;
                }
                push_field(&mut out, name.take(), &mut value, &mut raw);
            }
            c => {
                value.push(c);
                raw.push(c);
            }
        }
    }
    if name.is_some() || !value.trim().is_empty() {
        push_field(&mut out, name.take(), &mut value, &mut raw);
    }
    out.issues
        .push("the record does not end with ';;' (some readers then drop the last field)".into());
    out
}

fn push_field(out: &mut Fields, name: Option<String>, value: &mut String, raw: &mut String) {
    let value = std::mem::take(value);
    let raw = std::mem::take(raw);
    let name = match name {
        Some(n) => n.trim().to_string(),
        None => {
            out.issues.push(format!(
                "field '{}' has no name (no ':'): readers ignore it",
                value.chars().take(40).collect::<String>()
            ));
            String::new()
        }
    };
    out.fields.push(Field { name, value, raw });
}

/// A value with one pair of surrounding double quotes removed, as ZXing's generator writes
/// names that would otherwise read as hex (`"ABCD"`), and whether they were there. An escaped
/// closing quote (`\"`) is part of the value.
pub fn unquote(field: &Field) -> (String, bool) {
    let quoted = field.raw.len() >= 2
        && field.raw.starts_with('"')
        && field.raw.ends_with('"')
        && !field.raw.ends_with("\\\"");
    if quoted {
        let v = &field.value;
        (v[1..v.len() - 1].to_string(), true)
    } else {
        (field.value.clone(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_any_order() {
        let f = split(r#"P:a\;b\,c\:d\\e\"f;S:Office;T:WPA;;"#);
        assert!(f.terminated);
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        let p = f.first("P").expect("P");
        assert_eq!(p.value, r#"a;b,c:d\e"f"#);
        assert_eq!(p.raw, r#"a\;b\,c\:d\\e\"f"#);
        assert_eq!(f.first("S").map(|s| s.value.as_str()), Some("Office"));
        assert_eq!(f.first("T").map(|s| s.value.as_str()), Some("WPA"));
    }

    #[test]
    fn only_the_first_colon_names_the_field() {
        let f = split("URL:http://example.com/a:b;;");
        assert_eq!(
            f.first("URL").map(|u| u.value.as_str()),
            Some("http://example.com/a:b")
        );
    }

    #[test]
    fn sloppy_records_are_read_and_reported() {
        let f = split("S:Office;P:secret");
        assert!(!f.terminated);
        assert_eq!(f.first("P").map(|p| p.value.as_str()), Some("secret"));
        assert!(f.issues[0].contains(";;"));
        let f = split("S:x;garbage;;");
        assert!(f.issues[0].contains("no name"), "{:?}", f.issues);
        let f = split("S:x\\");
        assert!(f.issues.iter().any(|i| i.contains("backslash")));
        assert_eq!(f.first("S").map(|s| s.raw.as_str()), Some("x\\"));
        let f = split("S:x;;trailing");
        assert!(f.issues[0].contains("trailing"));
        let f = split("");
        assert!(f.fields.is_empty());
    }

    #[test]
    fn quotes() {
        let f = split(r#"S:"ABCD";P:\"x\";Q:";;"#);
        assert_eq!(unquote(f.first("S").unwrap()), ("ABCD".to_string(), true));
        assert_eq!(
            unquote(f.first("P").unwrap()),
            (r#""x""#.to_string(), false)
        );
        assert_eq!(unquote(f.first("Q").unwrap()), ("\"".to_string(), false));
    }
}
