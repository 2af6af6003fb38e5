//! Tests of the wire payload: what it writes, what it reads back, that it holds no secret, and
//! that `docs/report-schema.json` documents every kind and field of it.

use super::*;
use crate::audit::catalogue;
use crate::payload::readings;

/// Texts of every kind: the catalogue's examples of text rules plus a few of each kind, some
/// with secrets and odd spellings.
fn texts() -> Vec<String> {
    let mut texts: Vec<String> = catalogue::all()
        .iter()
        .filter(|rule| rule.scope.judges_the_text())
        .flat_map(|rule| rule.fires_on.iter().chain(rule.passes))
        .map(|t| t.to_string())
        .collect();
    texts.extend(
        [
            "hclsametime://bob:pw@stproxy.example.com:8443/x?action=AddCommunity&password=hunter2&authProxyUser=p",
            "https://bob:hunter2@example.com/?api_key=k3y",
            "MEBKM:TITLE:Menu;URL:example.com/menu;;",
            "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?amount=0.5&label=Food%20Bank",
            "BCD\n002\n1\nSCT\nBFSWDE33\nRed Cross\nDE02100100100006820101\nEUR12.3\n\n\nDonation",
            "WIFI:T:WPA2-EAP;S:Corp;E:PEAP;PH2:MSCHAPV2;I:jdoe;A:anon;P:Corp0rate;R:1;;",
            "WIFI:S:a;P:a;;",
            "WIFI:S:Cafe;T:WPA;P:kind;;",
            "otpauth://totp/ACME:jane?secret=JBSWY3DPEHPK3PXP&issuer=ACME&period=60&x=1",
            "otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=3",
            "BEGIN:VCARD\nN:Doe;Jane;Q;Dr.;PhD\nFN:Jane Doe\nORG:ACME\nTEL:+1 555\nEMAIL:j@example.com\nURL:example.com\nEND:VCARD",
            "MECARD:N:Doe,Jane;TEL:123;EMAIL:j@example.com;URL:https://bob:pw@example.com/;;",
            "[Interface]\nAddress = 10.0.0.2/32\nDNS = 1.1.1.1\nListenPort = 51820\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nPresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0\n",
            "LPA:1$rsp.example.com$ABC$1.2.3$1",
            "LPA:1$rsp.example.com$ABC$$84190",
            r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"a/.B","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"https://example.com/a.apk","android.app.extra.PROVISIONING_WIFI_SSID":"Staging","android.app.extra.PROVISIONING_WIFI_PASSWORD":"pw","android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE":{"com.example.ENROLLMENT_TOKEN":"T0ken","x":"y"},"other":1}"#,
            "hello world",
        ]
        .map(str::to_string),
    );
    let migration =
        crate::payload::otpauth::tests::migration_uri(&[(b"sEcReTsEeD-0123456789", "a", "b")]);
    texts.push(migration);
    texts
}

fn redactor(text: &str, payload: &domain::Payload, show_secrets: bool) -> Redactor {
    Redactor::new(readings::secrets_of_text(text, payload), show_secrets)
}

#[test]
fn a_secret_never_masks_the_formats_own_words() {
    // The password `a` is in many a key (`password_present`, `auth`), `in` is in `kind`: the
    // keys and the kind stay as they are (masking them told the password, and left a code
    // without a kind), the value is masked.
    for (text, secret) in [
        ("WIFI:S:a;P:a;;", "a"),
        ("WIFI:S:office;T:WPA;P:in;;", "in"),
    ] {
        let payload = domain::Payload::classify(text);
        let wire = WirePayload::from_domain(&payload, &redactor(text, &payload, false));
        assert_eq!(wire.kind(), Some("wifi"), "{text}");
        let json = wire.to_json();
        let object = json.as_object().unwrap();
        assert!(object.keys().all(|k| !k.contains("********")), "{json}");
        assert!(object.contains_key("password_present") || object.contains_key("auth"));
        assert!(
            object.values().all(|v| v.as_str() != Some(secret)),
            "{text}: {json}"
        );
    }
}

#[test]
fn reads_back_what_it_writes_and_keeps_the_rest_verbatim() {
    for text in texts() {
        let payload = domain::Payload::classify(&text);
        let wire = WirePayload::from_domain(&payload, &redactor(&text, &payload, false));
        let written = serde_json::to_string(&wire).unwrap();
        let read: WirePayload = serde_json::from_str(&written).unwrap();
        assert_eq!(read, wire, "{text:?}");
        assert_eq!(serde_json::to_string(&read).unwrap(), written);
    }
    for foreign in [
        r#"{"kind":"hologram","depth":3}"#,
        r#"{"kind":"url","scheme":"https","colour":"red"}"#,
        r#"{"kind":"url","scheme":"https","host":null}"#,
        r#"{"scheme":"https"}"#,
        r#"{"kind":"text","note":[1,{"b":2,"a":1}]}"#,
    ] {
        let read: WirePayload = serde_json::from_str(foreign).unwrap();
        assert!(matches!(read, WirePayload::Verbatim(_)), "{foreign}");
        let value: Value = serde_json::from_str(foreign).unwrap();
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }
    for kind in ["text", "unreadable", "unanalyzed"] {
        let read: WirePayload = serde_json::from_str(&format!(r#"{{"kind":"{kind}"}}"#)).unwrap();
        assert!(matches!(read, WirePayload::Known(_)), "{kind}");
        assert_eq!(read.kind(), Some(kind));
    }
}

#[test]
fn subject_is_what_the_json_said() {
    for text in texts() {
        let payload = domain::Payload::classify(&text);
        let wire = WirePayload::from_domain(&payload, &redactor(&text, &payload, false));
        assert_eq!(wire.subject(), subject_of_json(&wire.to_json()), "{text:?}");
    }
}

/// The analysed payload of each text, as a report writes it.
fn analysed(text: &str, show_secrets: bool) -> crate::report::model::CodeReport {
    let options = crate::scan::analyze::AnalysisOptions {
        show_secrets,
        ..Default::default()
    };
    crate::scan::analyze::analyze_text(&crate::source::Provenance::of_input("x"), 1, text, &options)
        .into_report()
}

fn schema() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report-schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every key of `value` is a property the schema names, object by object, and every
/// object the schema describes says which properties it has: a field the wire types write but
/// the schema does not document fails here (the schema itself leaves `additionalProperties`
/// open, so that a later schema version may add fields).
fn undocumented_fields(value: &Value, schema: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                out.push(format!("{at}: an object the schema gives no properties"));
                return;
            };
            for (key, v) in map {
                match properties.get(key) {
                    Some(sub) => undocumented_fields(v, sub, &format!("{at}.{key}"), out),
                    None => out.push(format!("{at}.{key}: not in the schema")),
                }
            }
        }
        Value::Array(items) => {
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            for (i, item) in items.iter().enumerate() {
                undocumented_fields(item, &item_schema, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// The schema of one kind: `kind` itself plus the properties of its entry in `allOf`, with
/// references to `$defs` resolved.
fn kind_schema(schema: &Value, kind: &str) -> Option<Value> {
    let payload = &schema["$defs"]["code"]["properties"]["payload"];
    let entry = payload["allOf"]
        .as_array()?
        .iter()
        .find(|e| e["if"]["properties"]["kind"]["const"] == kind)?;
    let mut properties = entry["then"]["properties"].clone();
    properties["kind"] = payload["properties"]["kind"].clone();
    let mut kind_schema = serde_json::json!({ "properties": properties });
    resolve_refs(&mut kind_schema, schema);
    Some(kind_schema)
}

fn resolve_refs(value: &mut Value, schema: &Value) {
    if let Some(target) = value
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| schema.pointer(pointer))
    {
        *value = target.clone();
    }
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| resolve_refs(v, schema)),
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_refs(v, schema)),
        _ => {}
    }
}

/// Every kind, as analysed from the catalogue's example texts and one text of each kind, is
/// valid against the documented schema, has an entry in its `allOf`, and writes no field the
/// schema does not name.
#[test]
fn every_kind_matches_the_documented_schema() {
    let schema = schema();
    // The payload's own schema (a code's fingerprints are only assigned when the run is
    // finished, so a whole code of `analyze_text` would not be valid yet).
    let payload_schema = serde_json::json!({
        "$ref": "#/$defs/code/properties/payload",
        "$defs": schema["$defs"],
    });
    let validator = jsonschema::validator_for(&payload_schema).expect("the schema compiles");
    let mut kinds = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut verbatim = 0;
    for text in texts() {
        let report = analysed(&text, false);
        if matches!(report.payload, WirePayload::Verbatim(_)) {
            // Only a report read back holds verbatim JSON: analysis always writes a typed
            // payload, even when a secret is a piece of a key (`WIFI:S:a;P:a;;`).
            verbatim += 1;
        }
        let payload = report.payload.to_json();
        problems.extend(
            validator
                .iter_errors(&payload)
                .map(|e| format!("{text:?}: {e} at {}", e.instance_path())),
        );
        let Some(kind) = report.payload.kind() else {
            problems.push(format!("{text:?}: no kind"));
            continue;
        };
        assert!(super::KINDS.contains(&kind), "{kind} is missing from KINDS");
        kinds.insert(kind.to_string());
        match kind_schema(&schema, kind) {
            Some(kind_schema) => undocumented_fields(
                &payload,
                &kind_schema,
                &format!("{text:?} {kind}"),
                &mut problems,
            ),
            None => problems.push(format!("{text:?}: kind {kind} has no entry in allOf")),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(kinds.len(), 11, "{kinds:?}");
    assert_eq!(verbatim, 0);
    // The kinds that are not analysed texts.
    for kind in [Known::Unreadable, Known::Unanalyzed] {
        assert!(super::KINDS.contains(&kind.kind()), "{kind:?}");
        assert!(kind_schema(&schema, kind.kind()).is_some(), "{kind:?}");
    }
    // The check is not vacuous: a field the schema does not name is caught.
    let mut extra = serde_json::json!({ "kind": "wifi", "ssid": "x", "auth": "wpa", "hidden": false, "password_present": false, "colour": "red" });
    let mut found = Vec::new();
    undocumented_fields(
        &extra,
        &kind_schema(&schema, "wifi").unwrap(),
        "wifi",
        &mut found,
    );
    assert_eq!(found, ["wifi.colour: not in the schema"]);
    extra["kind"] = Value::from("hologram");
    assert!(kind_schema(&schema, "hologram").is_none());
}

/// Texts with a password, a Wi-Fi key, an OTP seed, a WireGuard private key or an eSIM code
/// (and their secrets): the wire payload never holds one; with `--show-secrets` the report's
/// text does, so the check is not vacuous.
#[test]
fn the_wire_payload_never_holds_a_secret() {
    let cases: [(&str, &[&str]); 8] = [
        ("https://bob:Hunt3r2@example.com/", &["Hunt3r2"]),
        (
            "hclsametime://stproxy.example.com/?action=AddCommunity&userId=bob&password=S4metimePw",
            &["S4metimePw"],
        ),
        ("WIFI:T:WPA;S:Office;P:W1fiKeyZ;;", &["W1fiKeyZ"]),
        (
            "WIFI:T:WPA2-EAP;S:Corp;E:PEAP;I:jdoe;P:Corp0rateZ;;",
            &["Corp0rateZ"],
        ),
        (
            "otpauth://totp/ACME:jane?secret=JBSWY3DPEHPK3PXP&issuer=ACME",
            &["JBSWY3DPEHPK3PXP"],
        ),
        (
            "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n[Peer]\nPresharedKey = FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=\nEndpoint = vpn.example.com:51820\n",
            &["yAnz5TF+lXXJte14tji3zlMNq", "FpCyhws9cxwWoV4xELtfJvjJN"],
        ),
        ("LPA:1$rsp.example.com$ABC$$84190", &["84190"]),
        (
            "MECARD:N:X;URL:https://bob:CardPw77@example.com/;;",
            &["CardPw77"],
        ),
    ];
    for (text, secrets) in cases {
        let hidden = analysed(text, false);
        let shown = analysed(text, true);
        let payload = serde_json::to_string(&hidden.payload).unwrap();
        for secret in secrets {
            assert!(!payload.contains(secret), "{secret} in {payload}");
            let shown_text = shown.text.as_deref().unwrap_or_default();
            assert!(shown_text.contains(secret), "{secret} not in {shown_text}");
        }
        assert_ne!(hidden.payload.kind(), Some("text"), "{text:?}");
    }
}

/// A code's report written, read and written again is the same bytes, for every kind.
#[test]
fn code_reports_round_trip_through_serde() {
    use crate::report::model::CodeReport;
    for text in texts() {
        for show_secrets in [false, true] {
            let report = analysed(&text, show_secrets);
            let written = serde_json::to_string_pretty(&report).unwrap();
            let read: CodeReport = serde_json::from_str(&written).unwrap();
            assert_eq!(read.payload, report.payload, "{text:?}");
            assert_eq!(serde_json::to_string_pretty(&read).unwrap(), written);
        }
    }
}
