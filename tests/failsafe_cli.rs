//! End-to-end tests of issue 14, items 1 to 3, through the real `qraudit check`: a fix never
//! hands out a worse code, risky switches are judged fail-safe whatever their spelling or
//! truthy value, and the explanation of a code without a usable action says so once, naming the
//! actual mistake.

mod common;
use common::qraudit;

use serde_json::Value;

const BASE: &str = "hclsametime://stproxy.example.com/?action=AddCommunity";

/// `qraudit check --fix --format json TEXT...`: the report and the exit code.
fn check(texts: &[&str]) -> (Value, i32) {
    let output = qraudit()
        .args(["check", "--fix", "--format", "json"])
        // The code's host is the organisation's: no host-not-checked verdict in the lists below.
        .args(["--allow-host", "stproxy.example.com"])
        .args(texts)
        .output()
        .expect("qraudit runs");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (report, output.status.code().expect("exit code"))
}

fn code(report: &Value, i: usize) -> &Value {
    &report["inputs"][i]["codes"][0]
}

fn findings(code: &Value) -> Vec<(String, String, String)> {
    code["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["severity"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn finding<'a>(code: &'a Value, rule: &str) -> &'a Value {
    code["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {code}"))
}

/// The issue's own example: the "fix" used to switch untrusted SSL on.
#[test]
fn the_misspelt_untrusted_ssl_is_reported_high_and_dropped_by_every_fix() {
    let text = format!("{BASE}&allowUntrustedSsl=true");
    let (report, exit) = check(&[&text]);
    let c = code(&report, 0);
    let rules: Vec<(String, String)> = findings(c).into_iter().map(|(r, s, _)| (r, s)).collect();
    assert_eq!(
        rules,
        [
            ("untrusted-ssl".to_string(), "high".to_string()),
            ("unknown-parameter".to_string(), "low".to_string())
        ]
    );
    // High fails the run under the default fail-on.
    assert_eq!(exit, 1);
    let untrusted = finding(c, "untrusted-ssl");
    assert!(
        untrusted["message"]
            .as_str()
            .unwrap()
            .contains("may or may not"),
        "{untrusted}"
    );
    for f in c["findings"].as_array().unwrap() {
        assert_eq!(f["suggested_url"], BASE, "{f}");
    }
    assert_eq!(c["fixed_url"], BASE);
    assert!(
        finding(c, "unknown-parameter")["fix"]
            .as_str()
            .unwrap()
            .contains("would switch untrusted SSL on for certain"),
        "{c}"
    );
    // The same with an explicit false is harmless, and its rename is offered.
    let (report, _) = check(&[&format!("{BASE}&allowUntrustedSsl=false")]);
    let c = code(&report, 0);
    assert_eq!(findings(c).len(), 1, "{c}");
    assert_eq!(
        c["fixed_url"],
        format!("{BASE}&allowUntrustedSSL=false"),
        "{c}"
    );
}

/// Spellings the app may or may not honour: the risky rule itself fires, at its severity, beside
/// unknown-parameter, and says so.
#[test]
fn risky_switches_in_doubtful_spellings_fire_their_own_rule() {
    let cases = [
        ("AllowUntrustedSSL=true", "untrusted-ssl", "high"),
        ("allowUntrustedSsl=1", "untrusted-ssl", "high"),
        ("allow%55ntrustedSSL=true", "untrusted-ssl", "high"),
        ("allowUntrustedSSL%20=yes", "untrusted-ssl", "high"),
        ("alowUntrustedSSL=true", "untrusted-ssl", "high"),
        ("savepassword=TRUE", "save-password", "medium"),
        ("SavePassword=1", "save-password", "medium"),
        (
            "authproxyreusecredentials=true",
            "conflicting-parameters",
            "medium",
        ),
        ("authproxyuser=jsmith", "personal-user-id", "low"),
    ];
    let texts: Vec<String> = cases
        .iter()
        .map(|(query, _, _)| format!("{BASE}&{query}"))
        .collect();
    let args: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (report, _) = check(&args);
    for (i, (query, rule, severity)) in cases.iter().enumerate() {
        let c = code(&report, i);
        let f = finding(c, rule);
        assert_eq!(f["severity"], *severity, "{query}: {f}");
        assert!(
            f["message"].as_str().unwrap().contains("may or may not"),
            "{query}: {f}"
        );
        assert!(
            findings(c).iter().any(|(r, _, _)| r == "unknown-parameter"),
            "{query}: {c}"
        );
        // A spelling of savePassword is the switch, not a secret to mask.
        assert!(
            findings(c).iter().all(|(r, _, _)| r != "embedded-password"),
            "{query}: {c}"
        );
        assert!(!c.to_string().contains("********"), "{query}: {c}");
        // Whatever is offered never makes the switch live.
        let mut offered: Vec<String> = c["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["suggested_url"].as_str().map(str::to_string))
            .collect();
        offered.extend(c["fixed_url"].as_str().map(str::to_string));
        assert!(!offered.is_empty(), "{query}: nothing offered");
        for url in offered {
            for live in [
                "allowUntrustedSSL=true",
                "savePassword=true",
                "authProxyReuseCredentials=true",
            ] {
                assert!(!url.contains(live), "{query}: {url}");
            }
        }
    }
}

/// Truthy values some client accepts: invalid-value says how each client reads the text, and the
/// risky rule fires too.
#[test]
fn truthy_values_fire_invalid_value_and_the_risky_rule() {
    let cases = [
        (
            "allowUntrustedSSL=TRUE",
            "untrusted-ssl",
            "Android (Boolean.parseBoolean) reads it as true, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "allowUntrustedSSL=True",
            "untrusted-ssl",
            "Android (Boolean.parseBoolean) reads it as true, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "allowUntrustedSSL=1",
            "untrusted-ssl",
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "allowUntrustedSSL=yes",
            "untrusted-ssl",
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "savePassword=%2B1",
            "save-password",
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "savePassword=0001",
            "save-password",
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
        (
            "authProxyReuseCredentials=yes",
            "conflicting-parameters",
            "Android (Boolean.parseBoolean) reads it as false, Android (Uri.getBooleanQueryParameter) as true, iOS (NSString.boolValue) as true",
        ),
    ];
    let texts: Vec<String> = cases
        .iter()
        .map(|(query, _, _)| format!("{BASE}&{query}"))
        .collect();
    let args: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (report, _) = check(&args);
    for (i, (query, rule, readings)) in cases.iter().enumerate() {
        let c = code(&report, i);
        let invalid = finding(c, "invalid-value");
        let message = invalid["message"].as_str().unwrap();
        assert!(message.contains(readings), "{query}: {message}");
        let value = query.split_once('=').unwrap().1;
        assert_eq!(invalid["evidence"], *query, "{query}");
        assert!(
            message.contains(&format!("={}", value.replace("%2B", "+"))),
            "{query}: {message}"
        );
        finding(c, rule);
        assert!(
            !c["fixed_url"].as_str().unwrap_or("").contains("=true"),
            "{c}"
        );
    }
    // Values no platform reads as true are not risky ('no' is: Uri.getBooleanQueryParameter
    // takes everything but 'false' and '0' as true).
    let (report, _) = check(&[&format!("{BASE}&allowUntrustedSSL=FALSE")]);
    let rules: Vec<String> = findings(code(&report, 0))
        .into_iter()
        .map(|(r, _, _)| r)
        .collect();
    assert_eq!(rules, ["invalid-value"]);
}

/// A code the app will not add a community from says so once, plainly, naming the mistake;
/// its fix names that mistake too.
#[test]
fn missing_action_is_said_once_with_the_actual_mistake() {
    let host = "hclsametime://stproxy.example.com/?";
    let cases = [
        (
            "action=AddCommunity%26communityName=Sales",
            "'%26' stands where '&' belongs",
            "Write '&' instead of '%26' between the parameters",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales",
        ),
        (
            "action=addcommunity&communityName=Sales",
            "its action is 'addcommunity', not 'AddCommunity'",
            "Write the value exactly 'AddCommunity', not 'addcommunity'.",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales",
        ),
        (
            "Action=AddCommunity",
            "written 'Action', but the app looks for 'action' exactly",
            "Rename 'Action' to 'action'",
            "hclsametime://stproxy.example.com/?action=AddCommunity",
        ),
        (
            "communityName=Sales",
            "the code has no 'action=AddCommunity' parameter",
            "Add action=AddCommunity as the first parameter.",
            "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales",
        ),
    ];
    let texts: Vec<String> = cases.iter().map(|c| format!("{host}{}", c.0)).collect();
    let args: Vec<&str> = texts.iter().map(String::as_str).collect();
    let (report, _) = check(&args);
    for (i, (query, reason, fix, suggested)) in cases.iter().enumerate() {
        let c = code(&report, i);
        let description = c["description"].as_str().unwrap();
        assert_eq!(
            description.matches("will not add a community").count(),
            1,
            "{query}: {description}"
        );
        // The description starts its sentence with the reason.
        assert!(
            description.to_lowercase().contains(&reason.to_lowercase()),
            "{query}: {description}"
        );
        for contradiction in ["Add Community panel", "will add", "updates it"] {
            assert!(
                !description.contains(contradiction),
                "{query}: {description}"
            );
        }
        let f = finding(c, "missing-action");
        assert!(f["message"].as_str().unwrap().contains(reason), "{f}");
        assert!(f["fix"].as_str().unwrap().starts_with(fix), "{query}: {f}");
        assert_eq!(f["suggested_url"], *suggested, "{query}: {f}");
    }
}

/// The explanation of a usable code follows HCL's text step by step.
#[test]
fn the_description_matches_the_seed() {
    let (report, _) =
        check(&["hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity"]);
    let description = code(&report, 0)["description"]
        .as_str()
        .unwrap()
        .to_string();
    for step in [
        "opens the app's Add Community panel filled in with",
        "you check the fields and save",
        "If you are signed in to Sametime, the app asks you to log out first",
        "same server, port and user name (stproxyserver.example.com:9080, user 'dmisawa'), the app asks you to confirm, then updates it with these settings",
    ] {
        assert!(description.contains(step), "{step:?} not in {description}");
    }
}

/// `qraudit explain` shows the new fail-safe examples (the catalogue test runs them).
#[test]
fn explain_shows_the_fail_safe_examples() {
    for (rule, example) in [
        ("untrusted-ssl", "allow%55ntrustedSSL=true"),
        ("save-password", "savepassword=TRUE"),
        (
            "missing-action",
            "action=AddCommunity%26communityName=Sales",
        ),
        ("conflicting-parameters", "authproxyreusecredentials=true"),
    ] {
        let output = qraudit().args(["explain", rule]).output().unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(example), "{rule}: {text}");
        assert!(text.contains("Fires on:"), "{text}");
    }
}
