//! The rule catalogue: every rule qraudit knows, as data.
//!
//! A rule's id is a stable public name (it appears in JSON, SARIF, policy files and baselines):
//! never rename one. `fires_on` and `passes` are example payloads; the catalogue test feeds each
//! through the real audit and checks that the rule fires on every `fires_on` example and on no
//! `passes` example, so a rule's documentation cannot drift from its behaviour.

use super::Severity;

#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub rationale: &'static str,
    pub fix: &'static str,
    /// Decoded texts on which this rule must fire (empty for rules that look at the symbol or
    /// at several codes rather than at one text).
    pub fires_on: &'static [&'static str],
    /// Decoded texts on which this rule must not fire.
    pub passes: &'static [&'static str],
}

pub const CONTROL_CHARACTERS: Rule = Rule {
    id: "control-characters",
    severity: Severity::High,
    title: "Decoded text holds control characters",
    rationale: "Control characters, terminal escape sequences and bidirectional overrides make the \
                text look different from what a phone or parser acts on (Trojan Source, CVE-2021-42574), \
                and can rewrite a reviewer's terminal.",
    fix: "Regenerate the code from the plain text, without control characters.",
    fires_on: &[
        "https://example.com/\u{1b}[2J",
        "hello\u{202e}txt.exe",
        "a\u{0}b",
    ],
    passes: &["https://example.com/", "line one\r\nline two\ttab"],
};

pub const UNREADABLE_CODE: Rule = Rule {
    id: "unreadable-code",
    severity: Severity::Medium,
    title: "QR symbol found but not decodable",
    rationale: "A published asset with a broken code is a defect: users cannot scan it, or phones \
                read it differently from one another.",
    fix: "Regenerate the code at a higher error-correction level and print it larger, with a quiet zone of 4 modules.",
    fires_on: &[],
    passes: &[],
};

// The four examples of the HCL documentation, used as counter-examples below.
const SEED_1: &str =
    "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%20Server";
const SEED_2: &str = "hclsametime://dmisawa@stproxyserver.example.com:9080/?action=AddCommunity";
const SEED_2_AT: &str =
    "hclsametime://dmisawa%40auto_sales@stproxyserver.example.com:9080/?action=AddCommunity";
const SEED_3: &str = "hclsametime://Your_Sametime_ID@safelinx.example.com/?action=AddCommunity&authProxyReuseCredentials=true";
const SEED_4: &str =
    "hclsametime://safelinx.example.com:8881/?action=AddCommunity&authProxyEnabled=true";
/// A clean code: no user, named community, default port.
const CLEAN: &str =
    "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team";

pub const EMBEDDED_PASSWORD: Rule = Rule {
    id: "embedded-password",
    severity: Severity::Critical,
    title: "Password embedded in the URL",
    rationale: "The HCL documentation calls user:password in the URL \"not a good practice because the \
                password could potentially be consumed by an untrusted app\". In a QR code it is worse: \
                everyone who sees the poster can read it. Applies to any URL scheme.",
    fix: "Remove ':password' from the URL and let each user type it; rotate the exposed password.",
    fires_on: &[
        "hclsametime://dmisawa:Secret123@stproxy.example.com/?action=AddCommunity",
        "https://bob:hunter2@example.com/",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyPassword=Secret123",
    ],
    passes: &[
        CLEAN,
        SEED_2,
        "https://example.com/",
        "hclsametime://dmisawa:@stproxy.example.com/?action=AddCommunity",
    ],
};

pub const UNTRUSTED_SSL: Rule = Rule {
    id: "untrusted-ssl",
    severity: Severity::High,
    title: "Untrusted SSL allowed",
    rationale: "With allowUntrustedSSL=true the app accepts any certificate for the community, so \
                anyone on the network path can impersonate the Sametime proxy and read messages and \
                passwords. The documentation's default and recommended value is false.",
    fix: "Remove allowUntrustedSSL (false is the default) and give the proxy a trusted certificate.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=TRUE",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=1",
    ],
    passes: &[
        CLEAN,
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=false",
    ],
};

pub const HOST_NOT_ALLOWED: Rule = Rule {
    id: "host-not-allowed",
    severity: Severity::High,
    title: "Host or port not allowed by the policy",
    rationale: "A code that points phones at a host (or port) the organisation does not run sends \
                every user's Sametime credentials there. Checked only when the policy lists allowed \
                hosts (or ports).",
    fix: "Point the code at an allowed Sametime proxy host, or add the host to allowed_hosts if it is yours.",
    // Needs a policy: see the dedicated tests in audit::sametime.
    fires_on: &[],
    passes: &[CLEAN],
};

pub const DECEPTIVE_USERINFO: Rule = Rule {
    id: "deceptive-userinfo",
    severity: Severity::High,
    title: "User name disguised as a host",
    rationale: "In good.example.com@evil.example.net the part a human reads first is the user name; \
                the app connects to the host after the '@'. An e-mail address as user ID \
                (myid%40mycompany.com) is legitimate and not reported.",
    fix: "Remove the user name, or use the real user ID; check which host the code really points at.",
    fires_on: &[
        "hclsametime://stproxy.example.com@evil.example.net/?action=AddCommunity",
        "hclsametime://https%3A%2F%2Fstproxy.example.com@evil.example.net/?action=AddCommunity",
        "hclsametime://10.0.0.1@evil.example.net/?action=AddCommunity",
        "https://login.example.com@evil.example.net/",
    ],
    passes: &[
        CLEAN,
        SEED_2,
        SEED_2_AT,
        "hclsametime://myid%40mycompany.com@stproxy.example.com/?action=AddCommunity",
        "hclsametime://john.smith@stproxy.example.com/?action=AddCommunity",
    ],
};

pub const IDN_HOST: Rule = Rule {
    id: "idn-host",
    severity: Severity::High,
    title: "Internationalised host name",
    rationale: "Punycode (xn--) labels and non-ASCII letters let a host imitate a trusted one with \
                look-alike characters (Cyrillic 'о' for Latin 'o'). Sametime proxies have ASCII names.",
    fix: "Use the ASCII host name of your Sametime proxy; check who owns the host in the code.",
    fires_on: &[
        "hclsametime://xn--stprxy-gxe.example.com/?action=AddCommunity",
        "hclsametime://stpr\u{043e}xy.example.com/?action=AddCommunity",
    ],
    passes: &[CLEAN, SEED_1],
};

pub const NOT_FQDN: Rule = Rule {
    id: "not-fqdn",
    severity: Severity::Medium,
    title: "Host is not a fully qualified name",
    rationale: "The documentation asks for the fully qualified host name of the Sametime proxy. An IP \
                literal breaks certificate validation and moves; a single label only resolves inside \
                the company DNS search domain; localhost is the phone itself; no host is no community.",
    fix: "Use the fully qualified DNS name of the Sametime proxy (stproxy.example.com).",
    fires_on: &[
        "hclsametime://stproxy/?action=AddCommunity",
        "hclsametime://192.168.10.5:8443/?action=AddCommunity",
        "hclsametime://localhost/?action=AddCommunity",
        "hclsametime://[::1]/?action=AddCommunity",
        "hclsametime:///?action=AddCommunity",
    ],
    passes: &[
        CLEAN,
        SEED_4,
        "hclsametime://stproxy.example.com./?action=AddCommunity",
    ],
};

pub const MALFORMED_ENCODING: Rule = Rule {
    id: "malformed-encoding",
    severity: Severity::High,
    title: "Malformed encoding: parsers read the URL differently",
    rationale: "A raw '@' in the user name, '%26' where '&' belongs (the escaping for stproxyconfig.xml \
                leaked into the code), raw spaces or non-ASCII, invalid '%' escapes, '+', fragments: \
                wherever two parsers read a URL differently, the app may create another community \
                than the reviewer saw, or none.",
    fix: "Percent-encode the URL correctly (see the suggested URL).",
    fires_on: &[
        "hclsametime://dmisawa@auto_sales@stproxyserver.example.com:9080/?action=AddCommunity",
        "hclsametime://stproxyserver.example.com/?action=AddCommunity%26communityName=Sametime%20Server",
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime Server",
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&communityName=Sametime%2",
        "hclsametime://stproxyserver.example.com/?action=AddCommunity&amp;communityName=Sametime",
    ],
    passes: &[
        CLEAN,
        SEED_1,
        SEED_2,
        SEED_2_AT,
        SEED_3,
        SEED_4,
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%26Marketing",
    ],
};

pub const MISSING_ACTION: Rule = Rule {
    id: "missing-action",
    severity: Severity::High,
    title: "action=AddCommunity missing",
    rationale: "action=AddCommunity is required: without it (or with any other value) the app does not \
                treat the link as a provisioning request and users are left without a community.",
    fix: "Add action=AddCommunity as the first parameter.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?communityName=Sales",
        "hclsametime://stproxy.example.com/?action=addcommunity",
        "hclsametime://stproxy.example.com/",
    ],
    passes: &[CLEAN, SEED_1, SEED_3],
};

pub const INVALID_PORT: Rule = Rule {
    id: "invalid-port",
    severity: Severity::High,
    title: "Invalid port",
    rationale: "The port must be a number in 1..65535; anything else makes the app fail to connect, \
                or parsers disagree on it.",
    fix: "Write the port of the Sametime proxy as a number, or omit it to use 443.",
    fires_on: &[
        "hclsametime://stproxy.example.com:0/?action=AddCommunity",
        "hclsametime://stproxy.example.com:70000/?action=AddCommunity",
        "hclsametime://stproxy.example.com:84a3/?action=AddCommunity",
        "hclsametime://stproxy.example.com:/?action=AddCommunity",
    ],
    passes: &[CLEAN, SEED_2, SEED_4],
};

pub const INVALID_VALUE: Rule = Rule {
    id: "invalid-value",
    severity: Severity::Medium,
    title: "Invalid parameter value",
    rationale: "savePassword, authProxyEnabled and allowUntrustedSSL take 'true' or 'false'; \
                authProxyReuseCredentials, when present, must be 'true'. Other values are read \
                differently by different clients (iOS takes '1' and 'yes' as true). An empty \
                communityName or authProxyUser should be omitted.",
    fix: "Write exactly 'true' or 'false', or omit the parameter to get its default.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=yes",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyReuseCredentials=false",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=True",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=",
    ],
    passes: &[
        CLEAN,
        SEED_3,
        SEED_4,
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=false&allowUntrustedSSL=false",
    ],
};

pub const SAVE_PASSWORD: Rule = Rule {
    id: "save-password",
    severity: Severity::Medium,
    title: "Passwords saved on the phone",
    rationale: "savePassword=true makes every phone that scans the code remember the Sametime and \
                proxy passwords: a lost or shared phone then opens the account.",
    fix: "Remove savePassword (false is the default); let each user decide in the app.",
    fires_on: &["hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=true"],
    passes: &[
        CLEAN,
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=false",
    ],
};

pub const CONFLICTING_PARAMETERS: Rule = Rule {
    id: "conflicting-parameters",
    severity: Severity::Medium,
    title: "Parameters contradict each other",
    rationale: "authProxyEnabled=false together with authProxyUser or authProxyReuseCredentials=true \
                (which the documentation says switch proxy authentication on), or authProxyUser \
                naming someone else than the reused Sametime user: clients resolve this differently.",
    fix: "Keep the parameters of one intent only.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=false&authProxyUser=proxyuser",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=false&authProxyReuseCredentials=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyReuseCredentials=true&authProxyUser=proxyuser",
    ],
    passes: &[
        CLEAN,
        SEED_3,
        SEED_4,
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=true&authProxyUser=proxyuser",
    ],
};

pub const DUPLICATE_PARAMETER: Rule = Rule {
    id: "duplicate-parameter",
    severity: Severity::Medium,
    title: "Parameter given twice",
    rationale: "Which occurrence wins is client-dependent (Android reads the first, many parsers the \
                last), so two phones may create different communities from one code.",
    fix: "Keep one occurrence of each parameter.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=A&communityName=B",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=false&allowUntrustedSSL=true",
    ],
    passes: &[CLEAN, SEED_3],
};

pub const UNKNOWN_PARAMETER: Rule = Rule {
    id: "unknown-parameter",
    severity: Severity::Low,
    title: "Unknown parameter",
    rationale: "The app ignores parameters it does not know, so a misspelt one (comunityName, \
                allowUntrustedSsl) silently does nothing. Names are case-sensitive.",
    fix: "Use the documented parameter name, or remove the parameter.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&comunityName=Sales",
        "hclsametime://stproxy.example.com/?action=AddCommunity&foo=bar",
    ],
    passes: &[
        CLEAN,
        SEED_3,
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=S&savePassword=false&authProxyEnabled=true&authProxyUser=p&allowUntrustedSSL=false",
    ],
};

pub const PLACEHOLDER_USER_ID: Rule = Rule {
    id: "placeholder-user-id",
    severity: Severity::Low,
    title: "Placeholder user ID",
    rationale: "The documentation allows a variable user name \"which each user must replace with \
                their own ID\" in a link; nobody can edit a QR code, so every user gets a community \
                for a user that does not exist.",
    fix: "Omit the user name so that each user is prompted for credentials.",
    fires_on: &[
        SEED_3,
        "hclsametime://%3Cuser%3E@stproxy.example.com/?action=AddCommunity",
        "hclsametime://USERNAME@stproxy.example.com/?action=AddCommunity",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyUser=Your_Proxy_ID",
    ],
    passes: &[CLEAN, SEED_1, SEED_2],
};

pub const PERSONAL_USER_ID: Rule = Rule {
    id: "personal-user-id",
    severity: Severity::Low,
    title: "One person's user ID in a shared code",
    rationale: "A concrete user ID (dmisawa, myid@mycompany.com) in a code meant for many people \
                gives everyone that person's community, which the documentation calls confusing. \
                The per-user code of the Sametime 11 browser client is meant for one person: turn \
                the rule off in the policy for such codes.",
    fix: "Omit the user name so that each user is prompted for credentials.",
    fires_on: &[
        SEED_2,
        "hclsametime://myid%40mycompany.com@stproxy.example.com/?action=AddCommunity",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyUser=jsmith",
    ],
    passes: &[CLEAN, SEED_1, SEED_3, SEED_4],
};

pub const COMMUNITY_CONFLICT: Rule = Rule {
    id: "community-conflict",
    severity: Severity::Medium,
    title: "Two codes define the same community differently",
    rationale: "The app identifies a community by server, port and user name; scanning a second code \
                for the same triple updates the existing community (the documentation's \"update \
                existing community\" path), silently replacing the first code's settings.",
    fix: "Publish one code per community, or make the settings of both codes identical.",
    // Needs several codes: see the tests in audit::conflicts.
    fires_on: &[],
    passes: &[],
};

/// Every rule, in the order `qraudit rules` lists them.
pub fn all() -> &'static [Rule] {
    &[
        EMBEDDED_PASSWORD,
        UNTRUSTED_SSL,
        HOST_NOT_ALLOWED,
        DECEPTIVE_USERINFO,
        IDN_HOST,
        NOT_FQDN,
        MALFORMED_ENCODING,
        MISSING_ACTION,
        INVALID_PORT,
        INVALID_VALUE,
        SAVE_PASSWORD,
        CONFLICTING_PARAMETERS,
        DUPLICATE_PARAMETER,
        UNKNOWN_PARAMETER,
        PLACEHOLDER_USER_ID,
        PERSONAL_USER_ID,
        CONTROL_CHARACTERS,
        COMMUNITY_CONFLICT,
        UNREADABLE_CODE,
    ]
}

/// The rule with this id, if any.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().find(|rule| rule.id == id)
}
