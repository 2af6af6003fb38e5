//! Tests of parsing and community resolution, starting with the four examples of the HCL
//! documentation (the seed), which must resolve exactly as it describes.

use super::*;

fn p(text: &str) -> Provisioning {
    match parse(text) {
        Some(p) => p,
        None => panic!("not a provisioning URL: {text}"),
    }
}

fn kinds(p: &Provisioning) -> Vec<&'static str> {
    p.parse_issues.iter().map(|i| i.kind.name()).collect()
}

#[test]
fn seed_example_1_named_community_on_default_port() {
    let p = p(
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server",
    );
    let c = &p.community;
    assert_eq!(p.scheme, "hclsametime");
    assert_eq!(c.server.as_deref(), Some("stproxyserver.example.com"));
    assert_eq!(c.port, Some(443));
    assert!(c.port_defaulted);
    assert_eq!(c.user, None);
    assert!(!c.password_present);
    assert_eq!(c.community_name.as_deref(), Some("Sametime Server"));
    assert!(!c.community_name_defaulted);
    assert!(!c.save_password);
    assert!(!c.auth_proxy.enabled);
    assert!(!c.allow_untrusted_ssl);
    assert_eq!(p.action.as_deref(), Some("AddCommunity"));
    assert!(p.parse_issues.is_empty(), "{:?}", p.parse_issues);
}

#[test]
fn seed_example_2_user_on_port_9080() {
    let p = p("hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity");
    let c = &p.community;
    assert_eq!(c.server.as_deref(), Some("stproxyserver.example.com"));
    assert_eq!(c.port, Some(9080));
    assert!(!c.port_defaulted);
    assert_eq!(c.user.as_deref(), Some("dmisawa"));
    assert!(!c.password_present);
    // No communityName: the default is derived from the host, and marked as such.
    assert_eq!(
        c.community_name.as_deref(),
        Some("stproxyserver.example.com")
    );
    assert!(c.community_name_defaulted);
    assert!(!c.auth_proxy.enabled);
    assert!(p.parse_issues.is_empty(), "{:?}", p.parse_issues);
}

#[test]
fn seed_example_2_user_with_encoded_at() {
    let p =
        p("hclsametime://dmisawa%40auto_sales@stproxyserver.example.com:9080/?action=AddCommunity");
    assert_eq!(p.community.user.as_deref(), Some("dmisawa@auto_sales"));
    assert_eq!(
        p.community.server.as_deref(),
        Some("stproxyserver.example.com")
    );
    assert!(p.parse_issues.is_empty(), "{:?}", p.parse_issues);
}

#[test]
fn seed_example_3_reused_proxy_credentials() {
    let p = p(
        "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true",
    );
    let c = &p.community;
    assert_eq!(c.server.as_deref(), Some("safelinx.example.com"));
    assert_eq!(c.port, Some(443));
    assert!(c.port_defaulted);
    // "In this case both the auth proxy user ID and the sametime user ID would be set to
    // Your_Sametime_ID."
    assert_eq!(c.user.as_deref(), Some("Your_Sametime_ID"));
    assert!(c.auth_proxy.enabled);
    assert!(c.auth_proxy.enabled_implied);
    assert!(c.auth_proxy.reuse_credentials);
    assert_eq!(c.auth_proxy.user.as_deref(), Some("Your_Sametime_ID"));
    assert_eq!(c.auth_proxy.user_source, Some("sametime-user"));
    assert!(c.community_name_defaulted);
    assert!(p.parse_issues.is_empty(), "{:?}", p.parse_issues);
}

#[test]
fn seed_example_4_proxy_without_credentials() {
    let p = p("hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true");
    let c = &p.community;
    assert_eq!(c.server.as_deref(), Some("safelinx.example.com"));
    assert_eq!(c.port, Some(8881));
    assert!(!c.port_defaulted);
    assert_eq!(c.user, None);
    assert!(c.auth_proxy.enabled);
    assert!(!c.auth_proxy.enabled_implied);
    assert_eq!(c.auth_proxy.user, None);
    assert!(p.parse_issues.is_empty(), "{:?}", p.parse_issues);
}

#[test]
fn proxy_user_implies_proxy_auth() {
    let p = p("hclsametime://h.example.com/?action=AddCommunity&authProxyUser=proxy%20bob");
    assert!(p.community.auth_proxy.enabled);
    assert!(p.community.auth_proxy.enabled_implied);
    assert_eq!(p.community.auth_proxy.user.as_deref(), Some("proxy bob"));
    // Parameter values are read as Android's getQueryParameter reads them: '+' is a space.
    let q = super::parse("hclsametime://h.example.com/?action=AddCommunity&communityName=A+B%2BC")
        .expect("parsed");
    assert_eq!(q.community.community_name.as_deref(), Some("A B+C"));
    assert_eq!(p.community.auth_proxy.user_source, Some("authProxyUser"));
}

#[test]
fn schemes_are_recognised_case_insensitively() {
    assert_eq!(p("SameTime://h.example.com/").scheme, "sametime");
    assert_eq!(p("stmeetings://h.example.com/").scheme, "stmeetings");
    assert!(parse("https://h.example.com/").is_none());
    assert!(parse("hclsametimex://h.example.com/").is_none());
    assert!(parse("plain text").is_none());
}

#[test]
fn malformed_urls_of_the_scheme_are_still_parsed() {
    let p = p("hclsametime:stproxy.example.com?action=AddCommunity");
    assert!(kinds(&p).contains(&"missing-slashes"));
    let p2 = super::parse("hclsametime://").expect("still a provisioning URL");
    assert_eq!(p2.community.server, None);
    let p3 = super::parse("hclsametime://h.example.com:99999/").expect("parsed");
    assert_eq!(p3.community.port, None);
    assert_eq!(p3.community.port_invalid.as_deref(), Some("99999"));
}

#[test]
fn secrets_hold_every_spelling_of_the_password() {
    let p = p("hclsametime://bob:s%40cr%20et@h.example.com/?action=AddCommunity");
    let secrets = p.secrets();
    assert!(secrets.contains(&"s%40cr%20et".to_string()), "{secrets:?}");
    assert!(secrets.contains(&"s@cr et".to_string()), "{secrets:?}");
    assert!(p.community.password_present);
    assert_eq!(p.community.user.as_deref(), Some("bob"));
    // A raw space is normalised by the url crate: that spelling is listed too.
    let q = super::parse("hclsametime://bob:p w@h.example.com/").expect("parsed");
    assert!(q.secrets().contains(&"p w".to_string()));
    assert!(
        q.secrets().contains(&"p%20w".to_string()),
        "{:?}",
        q.secrets()
    );
}

#[test]
fn json_never_holds_the_password() {
    for text in [
        "hclsametime://bob:Hunter2%21xyz@h.example.com/?action=AddCommunity",
        "hclsametime://bob:Hunter2!xyz@evil@h.example.com/?action=AddCommunity",
        "hclsametime://h.example.com/?action=AddCommunity&authProxyPassword=Hunter2%21xyz",
    ] {
        let payload = crate::payload::Payload::classify(text);
        let json = crate::report::payload::unmasked_json(&payload).to_string();
        assert!(json.contains("\"kind\":\"sametime\""), "{json}");
        assert!(!json.contains("Hunter2"), "{json}");
        assert!(!payload.secrets().is_empty());
    }
}

#[test]
fn json_shape_of_the_community() {
    let payload = crate::payload::Payload::classify(
        "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true",
    );
    let v = crate::report::payload::unmasked_json(&payload);
    assert_eq!(v["kind"], "sametime");
    assert_eq!(v["scheme"], "hclsametime");
    let c = &v["community"];
    assert_eq!(c["server"], "safelinx.example.com");
    assert_eq!(c["port"], 443);
    assert_eq!(c["port_defaulted"], true);
    assert_eq!(c["user"], "Your_Sametime_ID");
    assert_eq!(c["password_present"], false);
    assert_eq!(c["community_name"], "safelinx.example.com");
    assert_eq!(c["community_name_defaulted"], true);
    assert_eq!(c["save_password"], false);
    assert_eq!(c["auth_proxy"]["enabled"], true);
    assert_eq!(c["auth_proxy"]["enabled_implied"], true);
    assert_eq!(c["auth_proxy"]["user"], "Your_Sametime_ID");
    assert_eq!(c["allow_untrusted_ssl"], false);
    assert_eq!(v["parameters"][1]["name"], "authProxyReuseCredentials");
}

#[test]
fn raw_at_in_user_is_a_parser_difference() {
    let p =
        p("hclsametime://dmisawa@auto_sales@stproxyserver.example.com:9080/?action=AddCommunity");
    // The app (Android, WHATWG) splits at the last '@'.
    assert_eq!(p.community.user.as_deref(), Some("dmisawa@auto_sales"));
    assert_eq!(
        p.community.server.as_deref(),
        Some("stproxyserver.example.com")
    );
    let issue = p
        .parse_issues
        .iter()
        .find(|i| i.kind == IssueKind::RawAtInUser)
        .expect("raw @ reported");
    assert!(
        issue.message.contains("auto_sales@stproxyserver"),
        "{issue:?}"
    );
}

#[test]
fn leaked_ampersand_escape_makes_one_parameter() {
    let p = p(
        "hclsametime://stproxyserver.example.com/?action=AddCommunity%26communityName=Sametime%20Server",
    );
    assert_eq!(p.parameters.len(), 1);
    assert_eq!(
        p.action.as_deref(),
        Some("AddCommunity&communityName=Sametime Server")
    );
    assert!(kinds(&p).contains(&"encoded-separator"));
    assert_eq!(
        p.rewrite().to_url(),
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server"
    );
    // A literal '&' inside a value is legitimate.
    let ok = super::parse(
        "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales%26Marketing",
    )
    .expect("parsed");
    assert!(ok.parse_issues.is_empty(), "{:?}", ok.parse_issues);
    assert_eq!(
        ok.community.community_name.as_deref(),
        Some("Sales&Marketing")
    );
}

#[test]
fn each_kind_of_malformed_spot_is_reported() {
    let cases = [
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales Team",
            "raw-character",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Vertrieb%zz",
            "invalid-escape",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Grüße",
            "non-ascii",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=%FF",
            "invalid-utf8",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Sales+Team",
            "plus-in-query",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&communityName=Team#1",
            "fragment",
        ),
        (
            "hclsametime://h.example.com/?action=AddCommunity&amp;communityName=Sales",
            "html-entity",
        ),
        (
            "hclsametime://h.example.com/?action=Add\tCommunity",
            "raw-character",
        ),
        (
            "hclsametime://st%70roxy.example.com/?action=AddCommunity",
            "escaped-host",
        ),
        (
            "hclsametime://h.exa<mple.com/?action=AddCommunity",
            "raw-character",
        ),
    ];
    for (text, kind) in cases {
        let p = p(text);
        assert!(kinds(&p).contains(&kind), "{text:?}: {:?}", p.parse_issues);
    }
}

#[test]
fn evidence_never_shows_part_of_a_password() {
    let p = p("hclsametime://bob:Zq9 xK@Wv7@h.example.com/?action=AddCommunity");
    assert!(!p.parse_issues.is_empty());
    for issue in &p.parse_issues {
        for fragment in ["Zq9", "xK", "Wv7"] {
            assert!(
                !issue.evidence.contains(fragment) && !issue.message.contains(fragment),
                "{issue:?}"
            );
        }
    }
}

#[test]
fn summary_and_description_read_well() {
    let p =
        p("hclsametime://stproxy.example.com:8443/?action=AddCommunity&communityName=Sales%20Team");
    assert_eq!(
        p.summary(),
        "Sametime 'Sales Team' @ stproxy.example.com:8443, user prompted"
    );
    assert_eq!(
        p.describe(),
        "Scanning it opens the app's Add Community panel filled in with community name 'Sales Team', server stproxy.example.com, port 8443 and no user name (you enter your user name and password); you check the fields and save. \
         If you are signed in to Sametime, the app asks you to log out first and returns to your session; log out and scan again. \
         If you already have a community with the same server, port and user name (stproxy.example.com:8443, no user name), the app asks you to confirm, then updates it with these settings."
    );
    let risky = super::parse(
        "hclsametime://bob:x@h.example.com/?action=AddCommunity&savePassword=true&allowUntrustedSSL=true&authProxyEnabled=true",
    )
    .expect("parsed");
    let text = risky.describe();
    assert!(text.contains("password written in the code"), "{text}");
    assert!(text.contains("remembers the passwords"), "{text}");
    assert!(text.contains("untrusted SSL"), "{text}");
    assert!(text.contains("authenticating proxy"), "{text}");
    assert!(
        text.contains("asks you to confirm, then updates it"),
        "{text}"
    );
    assert!(!risky.summary().contains(":x@"));
}

#[test]
fn closest_parameter_names() {
    assert_eq!(
        closest_known_parameter("comunityName"),
        Some("communityName")
    );
    assert_eq!(
        closest_known_parameter("communityname"),
        Some("communityName")
    );
    assert_eq!(
        closest_known_parameter("allowUntrustedSsl"),
        Some("allowUntrustedSSL")
    );
    assert_eq!(closest_known_parameter("foo"), None);
    assert_eq!(edit_distance("kitten", "sitting"), 3);
}

#[test]
fn raw_question_mark_in_password_is_read_as_meant_and_reported() {
    let p = p("hclsametime://bob:Pw?q9#Zx@h.example.com/?action=AddCommunity");
    assert_eq!(p.community.server.as_deref(), Some("h.example.com"));
    assert_eq!(p.community.user.as_deref(), Some("bob"));
    assert_eq!(p.password().as_deref(), Some("Pw?q9#Zx"));
    assert_eq!(p.action.as_deref(), Some("AddCommunity"));
    assert!(
        kinds(&p).contains(&"delimiter-in-userinfo"),
        "{:?}",
        p.parse_issues
    );
    let json = crate::report::payload::unmasked_json(&crate::payload::Payload::Sametime(p.clone()))
        .to_string();
    assert!(!json.contains("q9"), "{json}");
    // An '@' inside a query value of a URL without a path is not a userinfo.
    let q = super::parse("hclsametime://h.example.com?action=AddCommunity&authProxyUser=a:b@c")
        .expect("parsed");
    assert_eq!(q.community.server.as_deref(), Some("h.example.com"));
    assert_eq!(q.community.auth_proxy.user.as_deref(), Some("a:b@c"));
}

/// Every way a code fails to ask for AddCommunity is said once, naming the actual mistake, and
/// the description then says nothing about a community the app will not add.
#[test]
fn a_code_without_a_usable_action_says_so_once_and_why() {
    let base = "hclsametime://stproxy.example.com/?";
    for (query, problem, reason) in [
        (
            "communityName=Sales",
            ActionProblem::Missing,
            "the code has no 'action=AddCommunity' parameter",
        ),
        (
            "action=addcommunity",
            ActionProblem::WrongCase {
                value: "addcommunity".into(),
            },
            "its action is 'addcommunity', not 'AddCommunity' (the value is case-sensitive)",
        ),
        (
            "action=AddCommunity%26communityName=Sales",
            ActionProblem::SwallowedValue {
                value: "AddCommunity&communityName=Sales".into(),
                escape: "%26",
            },
            "'%26' stands where '&' belongs, so the app reads action as 'AddCommunity&communityName=Sales' instead of 'AddCommunity'",
        ),
        (
            "communityName=Sales%26action=AddCommunity",
            ActionProblem::HiddenName { escape: "%26" },
            "its action parameter is hidden behind '%26' where '&' belongs, so the app reads no action",
        ),
        (
            "Action=AddCommunity",
            ActionProblem::MisspeltName {
                written: "Action".into(),
            },
            "its action parameter is written 'Action', but the app looks for 'action' exactly",
        ),
        (
            "action=RemoveCommunity",
            ActionProblem::Other {
                value: "RemoveCommunity".into(),
            },
            "its action is 'RemoveCommunity', not 'AddCommunity'",
        ),
    ] {
        let p = p(&format!("{base}{query}"));
        assert_eq!(p.action_problem(), Some(problem.clone()), "{query}");
        assert_eq!(problem.reason(), reason);
        let text = p.describe();
        assert_eq!(
            text.matches("will not add a community").count(),
            1,
            "{query}: {text}"
        );
        for contradiction in ["Add Community panel", "updates it", "log out"] {
            assert!(!text.contains(contradiction), "{query}: {text}");
        }
    }
    assert_eq!(
        p(&format!("{base}action=AddCommunity")).action_problem(),
        None
    );
}

#[test]
fn the_description_follows_the_seed() {
    let text =
        p("hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity").describe();
    for seed_step in [
        "opens the app's Add Community panel filled in with",
        "user name 'dmisawa'",
        "you check the fields and save",
        "If you are signed in to Sametime, the app asks you to log out first",
        "same server, port and user name (stproxyserver.example.com:9080, user 'dmisawa'), the app asks you to confirm, then updates it",
    ] {
        assert!(
            text.contains(seed_step),
            "{seed_step:?} missing from {text}"
        );
    }
    // A switch the app may or may not honour is said as a possibility, not as a fact.
    let maybe =
        p("hclsametime://h.example.com/?action=AddCommunity&AllowUntrustedSSL=true").describe();
    assert!(
        maybe.contains("Depending on the phone and on how the app reads 'AllowUntrustedSSL=true', it may also accept untrusted SSL certificates."),
        "{maybe}"
    );
    assert!(!maybe.contains("It accepts untrusted SSL"), "{maybe}");
}

/// The app compares names as written: an escaped or misspelt risky switch does not switch it
/// on in the app's reading, but raises its level to Maybe; the documented spelling is On.
#[test]
fn risk_levels_of_the_switches() {
    let level = |query: &str, switch: &str| {
        p(&format!(
            "hclsametime://h.example.com/?action=AddCommunity&{query}"
        ))
        .risk(switch)
    };
    assert_eq!(
        level("allowUntrustedSSL=true", "allowUntrustedSSL"),
        Level::On
    );
    assert_eq!(
        level("allowUntrustedSSL=TRUE", "allowUntrustedSSL"),
        Level::On
    );
    for maybe in [
        "allowUntrustedSSL=1",
        "allowUntrustedSSL=yes",
        "allowUntrustedSsl=true",
        "allow%55ntrustedSSL=true",
        "allowUntrustedSSL%20=true",
        "allowUntrustedSSL=false&allowUntrustedSSL=true",
        "communityName=x%26allowUntrustedSSL=true",
        "allowUntrustedSSL%3Dtrue",
    ] {
        assert_eq!(level(maybe, "allowUntrustedSSL"), Level::Maybe, "{maybe}");
        assert!(
            !p(&format!("hclsametime://h.example.com/?{maybe}"))
                .community
                .allow_untrusted_ssl
        );
    }
    for off in [
        "allowUntrustedSSL=false",
        "allowUntrustedSsl=FALSE",
        "allowUntrustedSSL=0",
        "foo=true",
    ] {
        assert_eq!(level(off, "allowUntrustedSSL"), Level::Off, "{off}");
    }
    assert_eq!(level("savepassword=TRUE", "savePassword"), Level::Maybe);
    assert_eq!(
        level(
            "authProxyReuseCredentials=true",
            "authProxyReuseCredentials"
        ),
        Level::On
    );
    assert_eq!(
        level(
            "authProxyEnabled=false&authProxyReuseCredentials=true",
            "authProxyReuseCredentials"
        ),
        Level::Maybe
    );
    assert_eq!(
        level("authProxyReuseCredential=true", "authProxyReuseCredentials"),
        Level::Maybe
    );
}

#[test]
fn the_rewrite_drops_risky_switches_it_would_otherwise_switch_on() {
    let rewrite = |query: &str| {
        p(&format!(
            "hclsametime://h.example.com/?action=AddCommunity&{query}"
        ))
        .rewrite()
        .to_url()
    };
    let bare = "hclsametime://h.example.com/?action=AddCommunity";
    // Written so that a canonical rewrite would spell them as documented: dropped.
    assert_eq!(rewrite("allow%55ntrustedSSL=true"), bare);
    assert_eq!(
        rewrite("communityName=x%26savePassword=1"),
        format!("{bare}&communityName=x")
    );
    assert_eq!(rewrite("allowUntrustedSSL%3Dtrue"), bare);
    // Kept as written when the rewrite does not change what they are.
    assert_eq!(
        rewrite("AllowUntrustedSSL=true"),
        format!("{bare}&AllowUntrustedSSL=true")
    );
    assert_eq!(
        rewrite("allow%55ntrustedSSL=false"),
        format!("{bare}&allowUntrustedSSL=false")
    );
    assert_eq!(
        rewrite("communityName=x%26authProxyUser=bob"),
        format!("{bare}&communityName=x&authProxyUser=bob")
    );
}
