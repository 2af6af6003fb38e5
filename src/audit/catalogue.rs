//! The rule catalogue: every rule qraudit knows, as data.
//!
//! A rule's id is a stable public name (it appears in JSON, SARIF, policy files and baselines):
//! never rename one. `fires_on` and `passes` are example payloads; the catalogue test feeds each
//! through the real audit and checks that the rule fires on every `fires_on` example and on no
//! `passes` example, so a rule's documentation cannot drift from its behaviour.

use super::Severity;

#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub rationale: &'static str,
    pub fix: &'static str,
    /// What the rule looks at, which says what its examples are and how the catalogue test
    /// runs them.
    pub scope: Scope,
    /// Examples on which this rule must fire, in the form its `scope` names.
    pub fires_on: &'static [&'static str],
    /// Examples on which this rule must not fire.
    pub passes: &'static [&'static str],
}

/// What a rule looks at. The catalogue test has one harness per scope and runs every rule's
/// examples through the harness of its scope, so that no rule's documentation can drift from
/// its behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One decoded text: the examples are decoded texts.
    Text,
    /// One decoded text judged against a policy: the examples are decoded texts, audited under
    /// `policy` (the TOML of a policy file).
    NeedsPolicy { policy: &'static str },
    /// The symbol itself (its format, its geometry, the decoder pass that read it): an example
    /// describes how a decoded symbol of a clean code differs from a well-made one, as
    /// space-separated `ecc=L`, `module_px=2.5`, `quiet=1.5`, `fragile` or `unreadable`.
    Symbol,
    /// Several codes of one run: an example is the decoded texts of its codes, one per line,
    /// each read from an input of its own.
    CrossCode,
    /// A file that carries a code without being an image: an example is the file's text (a
    /// `stproxyconfig.xml`).
    Container,
}

impl Scope {
    /// True when the rule judges the decoded text (with or without a policy): its examples are
    /// texts (what `check` can take), and its suggestions are what a code's `fixed_url` fixes.
    pub fn judges_the_text(self) -> bool {
        matches!(self, Scope::Text | Scope::NeedsPolicy { .. })
    }
}

impl Rule {
    /// The address of the rule's section of docs/rules.md as published, for SARIF's
    /// `helpUri`: under the package's `repository` (Cargo.toml) at this version's tag. `None`
    /// while the package names no repository (SARIF then carries the help text alone).
    pub fn help_uri(&self) -> Option<String> {
        self.help_uri_in(env!("CARGO_PKG_REPOSITORY"))
    }

    fn help_uri_in(&self, repository: &str) -> Option<String> {
        let repository = repository.trim_end_matches('/');
        (!repository.is_empty()).then(|| {
            format!(
                "{repository}/blob/v{}/docs/rules.md#{}",
                env!("CARGO_PKG_VERSION"),
                self.id
            )
        })
    }
}

/// Rules are identified by their id: two `Rule`s with one id are one rule.
impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.id == other.id
    }
}

impl Eq for Rule {}

/// A rule compares equal to its id, so that `finding.rule == "embedded-password"` reads as
/// it means.
impl PartialEq<str> for Rule {
    fn eq(&self, id: &str) -> bool {
        self.id == id
    }
}

/// Serialises a rule as its id (the stable public name).
pub fn serialize_id<S: serde::Serializer>(
    rule: &&'static Rule,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(rule.id)
}

pub const CONTROL_CHARACTERS: Rule = Rule {
    id: "control-characters",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Decoded text holds control characters",
    rationale: "Control characters, terminal escape sequences and bidirectional overrides make the \
                text look different from what a phone or parser acts on (Trojan Source, CVE-2021-42574), \
                and can rewrite a reviewer's terminal.",
    fix: "Regenerate the code from the plain text, without control characters.",
    fires_on: &[
        "https://example.com/\u{1b}[2J",
        "hello\u{202e}txt.exe",
        "a\u{0}b",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%E2%80%AE",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sa%E2%80%8Bles",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%0AIT",
        "hclsametime://dm%E2%81%A6isawa@stproxy.example.com/?action=AddCommunity",
    ],
    passes: &[
        "https://example.com/",
        "line one\r\nline two\ttab",
        "mailto:help@example.com?body=Line%20one%0ALine%20two",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team",
    ],
};

pub const UNREADABLE_CODE: Rule = Rule {
    id: "unreadable-code",
    severity: Severity::Medium,
    scope: Scope::Symbol,
    title: "QR symbol found but not decodable",
    rationale: "A published asset with a broken code is a defect: users cannot scan it, or phones \
                read it differently from one another.",
    fix: "Regenerate the code at a higher error-correction level and print it larger, with a quiet zone of 4 modules.",
    fires_on: &["unreadable"],
    passes: &[""],
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
/// The clean code read twice (two posters of one code): one community, no conflict.
const CLEAN_TWICE: &str = "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team\nhclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales%20Team";

pub const EMBEDDED_PASSWORD: Rule = Rule {
    id: "embedded-password",
    severity: Severity::Critical,
    scope: Scope::Text,
    title: "Password embedded in the code",
    rationale: "The HCL documentation calls user:password in the URL \"not a good practice because the \
                password could potentially be consumed by an untrusted app\". In a QR code it is worse: \
                everyone who sees the poster can read it. Applies to any URL scheme, to the key of a \
                Wi-Fi network (unless the policy lists the network in guest_networks: a key meant \
                to be shared) and to the Wi-Fi password of an Android enrolment code.",
    fix: "Remove ':password' from the URL and let each user type it; rotate the exposed password.",
    fires_on: &[
        "hclsametime://dmisawa:Secret123@stproxy.example.com/?action=AddCommunity",
        "https://bob:hunter2@example.com/",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyPassword=Secret123",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyPass=hunter2",
        "hclsametime://dmisawa%3AHunter2@stproxy.example.com/?action=AddCommunity",
        "https://portal.example.com/?user=bob&pwd=hunter2",
        "WIFI:T:WPA;S:Office;P:correct horse battery staple;;",
        "WIFI:S:Office;P:pa\\;ss;T:WPA;H:true;;",
        "WIFI:T:WPA2-EAP;S:Corp;E:PEAP;PH2:MSCHAPV2;I:jdoe;P:Winter2026;;",
        ANDROID_HTTP,
        "MECARD:N:Doe,Jane;URL:https://jane:hunter2@example.com/;;",
    ],
    passes: &[
        CLEAN,
        SEED_2,
        "https://example.com/",
        "hclsametime://dmisawa:@stproxy.example.com/?action=AddCommunity",
        "WIFI:T:nopass;S:Cafe;;",
        "WIFI:T:WPA;S:Office;P:;;",
        ANDROID_GOOD,
    ],
};

pub const SECRET_PARAMETER: Rule = Rule {
    id: "secret-parameter",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Credential in a parameter",
    rationale: "A parameter named like a credential (token, secret, key, credential; any case, with \
                any prefix: sessionToken, api_key, X-Client-Secret) carries one whether or not the \
                app reads it: printed on a code, everyone who sees it holds it. Names are matched \
                by segment, so keyboard, monkey and tokenized are not credentials. Parameters named \
                like a password are reported as embedded-password. The value is masked in every \
                output.",
    fix: "Remove the parameter from the code and rotate the exposed credential.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyToken=abc123",
        "https://portal.example.com/?api_key=abc123",
        "https://portal.example.com/?sessionToken=abc123",
        "https://portal.example.com/?X-Client-Secret=abc123",
    ],
    passes: &[
        CLEAN,
        "https://portal.example.com/?keyboard=de",
        "https://portal.example.com/?monkey=1",
        "https://portal.example.com/?tokenized=1",
        "https://portal.example.com/?token=",
    ],
};

pub const UNTRUSTED_SSL: Rule = Rule {
    id: "untrusted-ssl",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Untrusted SSL allowed",
    rationale: "With allowUntrustedSSL=true the app accepts any certificate for the community, so \
                anyone on the network path can impersonate the Sametime proxy and read messages and \
                passwords. The documentation's default and recommended value is false. Fail safe: \
                a value some platform reads as true (TRUE, 1, yes, +1 to iOS's NSString.boolValue; \
                anything but false and 0, an empty value included, to Android's \
                Uri.getBooleanQueryParameter), a spelling the app may or may not honour (another \
                case, an edit or two, blanks, percent escapes, or hidden behind a leaked %26), and \
                the setting in any reading of the code (a scanner's URI: wrapper stripped, a tab a \
                browser removes, an intent or a contact's link followed) are reported here too, at \
                this severity; the message says which.",
    fix: "Remove allowUntrustedSSL (false is the default) and give the proxy a trusted certificate.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=TRUE",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=1",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSsl=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&AllowUntrustedSSL=yes",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allow%55ntrustedSSL=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSL=%2B1",
        "hclsametime://stproxy.example.com/?action=AddCommunity%26allowUntrustedSSL=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=no",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=+1",
        "URI:hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allow\tUntrustedSSL=true",
        "intent://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=true#Intent;scheme=hclsametime;end",
    ],
    passes: &[
        CLEAN,
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=false",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSsl=false",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=FALSE",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=0",
    ],
};

pub const HOST_NOT_ALLOWED: Rule = Rule {
    id: "host-not-allowed",
    severity: Severity::High,
    scope: Scope::NeedsPolicy {
        policy: "allowed_hosts = [\"stproxy.example.com\"]",
    },
    title: "Host or port not allowed by the policy",
    rationale: "A code that points phones at a host (or port) the organisation does not run sends \
                every user's Sametime credentials there, or every reader of a poster to someone \
                else's site. Checked only when the policy lists allowed hosts (or ports): hosts of \
                Sametime codes, links, URLs inside contacts and enrolment codes, e-mail domains and \
                VPN endpoints; ports only for Sametime codes.",
    fix: "Point the code at an allowed host, or add the host to allowed_hosts if it is yours.",
    fires_on: &[
        "hclsametime://evil.example.net/?action=AddCommunity",
        "hclsametime://stproxy.example.com.evil.example.net/?action=AddCommunity",
    ],
    passes: &[CLEAN],
};

/// The verdict of a provisioning URL judged without an allow-list: nothing said whether its host
/// is the organisation's, and a clean-looking report must not be read as "the host is fine".
/// Info, so that only `fail_on = "info"` fails on it; the run's note says the same once.
pub const HOST_NOT_CHECKED: Rule = Rule {
    id: "host-not-checked",
    severity: Severity::Info,
    scope: Scope::NeedsPolicy { policy: "" },
    title: "Sametime host not checked (no allow-list)",
    rationale: "A provisioning code sends every user who scans it, and their Sametime credentials, \
                to the host it names. Without allowed hosts in the policy nothing checked that the \
                host is the organisation's: a code for a look-alike server would show no other \
                finding. Reported on each Sametime code while no allowed hosts are configured, so \
                that a report without findings is never read as an approved host.",
    fix: "List the organisation's Sametime proxy hosts in allowed_hosts (qraudit.toml, or \
          QRAUDIT_POLICY / the user config for a helpdesk), or pass --allow-host.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity",
        "hclsametime://stproxy.example.com.evil.example.net/?action=AddCommunity",
    ],
    passes: &[
        "https://stproxy.example.com/",
        "WIFI:S:Office;T:WPA;P:correct-horse-battery;;",
    ],
};

pub const DECEPTIVE_USERINFO: Rule = Rule {
    id: "deceptive-userinfo",
    severity: Severity::High,
    scope: Scope::Text,
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
    scope: Scope::Text,
    title: "Internationalised or look-alike host name",
    rationale: "Punycode (xn--) labels and non-ASCII letters let a host imitate a trusted one with \
                look-alike characters (Cyrillic 'о' for Latin 'o'). Sametime proxies have ASCII names, \
                so any non-ASCII there is reported. For links (and URLs inside other payloads) the \
                UTS #39 checks decide: punycode as written, mixed scripts in one label, characters \
                not allowed in identifiers, or a label made only of ASCII look-alikes; a \
                single-script name such as münchen.de is legitimate.",
    fix: "Use the plain ASCII host name (for Sametime, the name of your proxy); check who owns the host in the code.",
    fires_on: &[
        "hclsametime://xn--stprxy-gxe.example.com/?action=AddCommunity",
        "hclsametime://stpr\u{043e}xy.example.com/?action=AddCommunity",
        "https://p\u{0430}ypal.com/login",
        "https://xn--pypal-4ve.com/login",
        "https://\u{0430}\u{0440}\u{0440}\u{04cf}\u{0435}.com/",
    ],
    passes: &[
        CLEAN,
        SEED_1,
        "https://www.example.com/",
        "https://m\u{00fc}nchen.de/",
        "https://\u{043f}\u{0440}\u{0438}\u{043c}\u{0435}\u{0440}.\u{0440}\u{0444}/",
    ],
};

pub const NOT_FQDN: Rule = Rule {
    id: "not-fqdn",
    severity: Severity::Medium,
    scope: Scope::Text,
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
    scope: Scope::Text,
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
    scope: Scope::Text,
    title: "action=AddCommunity missing",
    rationale: "action=AddCommunity is required: without it (or with any other value) the app does not \
                treat the link as a provisioning request and users are left without a community. \
                The message and the fix name the actual mistake: no action at all, the value in \
                the wrong case (addcommunity), a misspelt name (Action), or '%26' where '&' \
                belongs, so that the app reads the action as 'AddCommunity&communityName=...'.",
    fix: "Add action=AddCommunity as the first parameter.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?communityName=Sales",
        "hclsametime://stproxy.example.com/?action=addcommunity",
        "hclsametime://stproxy.example.com/",
        "hclsametime://stproxy.example.com/?action=AddCommunity%26communityName=Sales",
        "hclsametime://stproxy.example.com/?Action=AddCommunity",
    ],
    passes: &[CLEAN, SEED_1, SEED_3],
};

pub const INVALID_PORT: Rule = Rule {
    id: "invalid-port",
    severity: Severity::High,
    scope: Scope::Text,
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
    scope: Scope::Text,
    title: "Invalid parameter value",
    rationale: "savePassword, authProxyEnabled and allowUntrustedSSL take 'true' or 'false'; \
                authProxyReuseCredentials, when present, must be 'true'. Other values are read \
                differently by different clients (Android's Boolean.parseBoolean takes only 'true' \
                in any case; iOS's boolValue takes '1', 'yes', '+1', 't'...); the message says how \
                each reads the value. When a client reads a risky switch's value as true, the \
                switch's own rule fires too. An empty communityName or authProxyUser should be \
                omitted.",
    fix: "Write exactly 'true' or 'false', or omit the parameter to get its default.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=yes",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyReuseCredentials=false",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=True",
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSSL=TRUE",
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
    scope: Scope::Text,
    title: "Passwords saved on the phone",
    rationale: "savePassword=true makes every phone that scans the code remember the Sametime and \
                proxy passwords: a lost or shared phone then opens the account. Fail safe, as for \
                untrusted-ssl: values some client reads as true (yes, 1, TRUE) and spellings the \
                app may or may not honour (savepassword, save%50assword, savePasword) fire too.",
    fix: "Remove savePassword (false is the default); let each user decide in the app.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=yes",
        "hclsametime://stproxy.example.com/?action=AddCommunity&savepassword=TRUE",
        "hclsametime://stproxy.example.com/?action=AddCommunity&save%50assword=1",
    ],
    passes: &[
        CLEAN,
        "hclsametime://stproxy.example.com/?action=AddCommunity&savePassword=false",
        "hclsametime://stproxy.example.com/?action=AddCommunity&savepassword=false",
    ],
};

pub const CONFLICTING_PARAMETERS: Rule = Rule {
    id: "conflicting-parameters",
    severity: Severity::Medium,
    scope: Scope::Text,
    title: "Parameters contradict each other",
    rationale: "authProxyEnabled=false together with authProxyUser or authProxyReuseCredentials=true \
                (which the documentation says switch proxy authentication on), or authProxyUser \
                naming someone else than the reused Sametime user: clients resolve this differently. \
                Fail safe: a proxy parameter in a spelling the app may or may not honour \
                (authproxyuser, authProxyReuseCredential, one hidden behind a leaked %26), or \
                authProxyReuseCredentials with a value only some clients read as true (1, yes), \
                makes the proxy settings depend on the phone, and is reported here.",
    fix: "Keep the parameters of one intent only.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=false&authProxyUser=proxyuser",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyEnabled=false&authProxyReuseCredentials=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyReuseCredentials=true&authProxyUser=proxyuser",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authproxyreusecredentials=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&authProxyReuseCredentials=1",
        "hclsametime://stproxy.example.com/?action=AddCommunity&AuthProxyEnabled=true",
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
    scope: Scope::Text,
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
    scope: Scope::Text,
    title: "Unknown parameter",
    rationale: "HCL documents the parameter names but not whether the app matches them \
                case-insensitively, trims them or decodes percent escapes in them, so a misspelt \
                name (comunityName, allowUntrustedSsl, allow%55ntrustedSSL) may do nothing or may \
                be honoured. A risky switch written so is also reported by its own rule, and its \
                fix drops it rather than renaming it into a live 'true'.",
    fix: "Use the documented parameter name, or remove the parameter.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&comunityName=Sales",
        "hclsametime://stproxy.example.com/?action=AddCommunity&foo=bar",
        "hclsametime://stproxy.example.com/?action=AddCommunity&allowUntrustedSsl=true",
        "hclsametime://stproxy.example.com/?action=AddCommunity&community%4Eame=Sales",
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
    scope: Scope::Text,
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
    scope: Scope::Text,
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
        "hclsametime://stproxy.example.com/?action=AddCommunity&authproxyuser=jsmith",
    ],
    passes: &[CLEAN, SEED_1, SEED_3, SEED_4],
};

pub const COMMUNITY_CONFLICT: Rule = Rule {
    id: "community-conflict",
    severity: Severity::Medium,
    scope: Scope::CrossCode,
    title: "Two codes define the same community differently",
    rationale: "The app identifies a community by server, port and user name; scanning a second code \
                for the same triple updates the existing community (the documentation's \"update \
                existing community\" path), silently replacing the first code's settings. Every \
                code of a group that defines one community in more than one way carries the \
                finding, naming the other variants and how many codes carry each, whatever the \
                order of the files.",
    fix: "Publish one code per community, or make the settings of both codes identical.",
    fires_on: &[
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales\nhclsametime://stproxy.example.com/?action=AddCommunity&communityName=Support",
    ],
    passes: &[
        CLEAN_TWICE,
        "hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales\nhclsametime://other.example.com/?action=AddCommunity&communityName=Support",
    ],
};

pub const CONFIG_URL_ESCAPING: Rule = Rule {
    id: "config-url-escaping",
    severity: Severity::High,
    scope: Scope::Container,
    title: "stproxyconfig.xml configUrl not escaped with %26",
    rationale: "HCL's procedure for showing a custom provisioning URL in the browser client requires                 every '&' of the URL to be written %26 inside <mobile><configUrl>. A raw '&' makes                 the file invalid XML, and '&amp;' is not what the procedure prescribes: either way                 the proxy may serve a different URL (or none) than the one intended.",
    fix: "Write the URL with each '&' replaced by %26 (`qraudit generate --config-snippet` prints the element).",
    fires_on: &[
        "<mobile><configUrl>hclsametime://stproxy.example.com/?action=AddCommunity&communityName=Sales</configUrl></mobile>",
        "<mobile><configUrl>hclsametime://stproxy.example.com/?action=AddCommunity&amp;communityName=Sales</configUrl></mobile>",
    ],
    passes: &[
        "<mobile><configUrl>hclsametime://stproxy.example.com/?action=AddCommunity%26communityName=Sales</configUrl></mobile>",
    ],
};

// ---------------------------------------------------------------------------------------------
// Payloads other than Sametime (issue 7): web links, Wi-Fi, OTP seeds, contacts, VPN, eSIM and
// Android enrolment codes. Kept as one block, listed last in `all()`, so that other branches
// appending rules merge cleanly. `embedded-password`, `idn-host`, `host-not-allowed`,
// `deceptive-userinfo` and `control-characters` above apply to these payloads too.

pub const CLEARTEXT_HTTP: Rule = Rule {
    id: "cleartext-http",
    severity: Severity::Medium,
    scope: Scope::Text,
    title: "Link over plain http",
    rationale: "Over http anyone on the network path (a café or hotel Wi-Fi, a hostile hotspot) can \
                read and rewrite the page and whatever is typed into it, or redirect the reader \
                elsewhere. A printed code cannot be upgraded later. Also for ws://, for URLs inside \
                contacts and enrolment codes, and for a contact's URL written without a scheme \
                (phones open those over http).",
    fix: "Use https:// (the suggested URL) and make sure the site serves it.",
    fires_on: &[
        "http://example.com/",
        "HTTP://EXAMPLE.COM/menu",
        "ws://example.com/socket",
        "MECARD:N:Doe,Jane;URL:www.example.com;;",
        "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nURL:http://example.com/jane\nEND:VCARD",
        ANDROID_HTTP,
    ],
    passes: &[
        "https://example.com/",
        "wss://example.com/socket",
        "mailto:info@example.com",
        "MECARD:N:Doe,Jane;URL:https://example.com/;;",
        ANDROID_GOOD,
    ],
};

pub const IP_LITERAL_HOST: Rule = Rule {
    id: "ip-literal-host",
    severity: Severity::Medium,
    scope: Scope::Text,
    title: "Link to a raw IP address",
    rationale: "An IP address tells the reader nothing about who runs the site and no public \
                certificate vouches for it; phishing kits use them to dodge name-based filters, often \
                in hex, octal or dotless spellings (0x7f.1, 3232235777) that browsers accept and \
                readers do not recognise.",
    fix: "Link to a DNS name the organisation owns, over https.",
    fires_on: &[
        "https://192.0.2.10/login",
        "https://0xC0.0x00.0x02.0x0A/login",
        "https://3221225994/login",
        "https://0300.0.02.012/",
        "https://[2001:db8::1]/",
    ],
    passes: &[
        "https://example.com/",
        "https://1password.com/",
        "https://192-0-2-10.example.com/",
    ],
};

pub const URL_SHORTENER: Rule = Rule {
    id: "url-shortener",
    severity: Severity::Medium,
    scope: Scope::Text,
    title: "Link through a URL shortener",
    rationale: "A shortener or dynamic-QR redirector (bit.ly, tinyurl.com, qrco.de...) hides the real \
                destination from the reader and from this audit, and whoever controls the short link \
                can point a printed code somewhere else later. The list of hosts is kept in \
                src/audit/data/url-shorteners.txt.",
    fix: "Put the final destination in the code.",
    fires_on: &[
        "https://bit.ly/3AbCdEf",
        "https://tinyurl.com/y7abcd",
        "http://www.qrco.de/bdXyZ",
    ],
    passes: &[
        "https://example.com/bit.ly",
        "https://notbit.ly/",
        "https://youtu.be/dQw4w9WgXcQ",
    ],
};

pub const SUSPICIOUS_REDIRECT: Rule = Rule {
    id: "suspicious-redirect",
    severity: Severity::Low,
    scope: Scope::Text,
    title: "URL carried in a query parameter",
    rationale: "A link such as https://trusted.example/out?url=https://evil.example.net/ shows the \
                trusted host, but an open redirect on it sends the reader on to the URL in the \
                parameter. Low on its own (many sites carry return URLs); look at where it leads.",
    fix: "Link to the final destination directly.",
    fires_on: &[
        "https://example.com/redirect?url=https://evil.example.net/",
        "https://example.com/out?next=https%3A%2F%2Fevil.example.net%2Flogin",
        "https://example.com/out?to=%2F%2Fevil.example.net",
    ],
    passes: &[
        "https://example.com/search?q=qr+codes",
        "https://example.com/page?return=/home",
    ],
};

// --- Links in every form and payment requests (issue 14) -------------------------------------

pub const USERINFO_IN_LINK: Rule = Rule {
    id: "userinfo-in-link",
    severity: Severity::Low,
    scope: Scope::Text,
    title: "Link with a user part",
    rationale: "A link whose authority holds a user part (https://anything@host/) shows the reader \
                text before the real host, carries a name or token that has no business in a \
                printed code, and is what ZXing's readers flag as possibly malicious. Reported \
                whenever the user part is present; deceptive-userinfo (high) adds to it when the \
                user part looks like a host, embedded-password when it holds a password. Not for \
                Sametime codes, whose user ID is part of the provisioning format.",
    fix: "Remove the user part ('…@') from the link.",
    fires_on: &[
        "https://anything@example.com/",
        "https://login.example.com@evil.example.net/",
        "https://bob:hunter2@example.com/",
        "ftp://guest@files.example.com/",
        "MEBKM:TITLE:Menu;URL:https\\://staff@example.com/menu;;",
    ],
    passes: &[
        "https://example.com/",
        "https://example.com/@someone",
        "https://example.com/?next=a@b",
        "mailto:jane@example.com",
        CLEAN,
        SEED_2,
    ],
};

/// Example payment codes: a BIP 21 request, an EPC/SEPA transfer and a Swiss QR-bill.
const PAYMENT_BITCOIN: &str =
    "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=0.5&label=Food%20Bank";
const PAYMENT_EPC: &str = "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR123.45\n\n\nSpende fuer Wikipedia";
const PAYMENT_SWISS: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD";

pub const PAYMENT_REQUEST: Rule = Rule {
    id: "payment-request",
    severity: Severity::Info,
    scope: Scope::Text,
    title: "Payment request: compare the account with the expected one",
    rationale: "A payment code (bitcoin:, ethereum:, lightning:, an EPC/SEPA transfer or a Swiss \
                QR-bill) is swapped by sticking another code over it on a donation poster, a \
                parking meter or an invoice; nothing on the code says it was altered. The finding \
                shows the account, amount, currency and recipient as written, for a reviewer to \
                compare. Reported when the policy lists no payment_accounts; with the list, \
                payment-account-not-allowed decides instead.",
    fix: "Compare the account with the organisation's own; list your accounts in payment_accounts so that other accounts are reported as high.",
    fires_on: &[
        PAYMENT_BITCOIN,
        "ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359?value=2.014e18",
        "lightning:tips@pay.example.com",
        PAYMENT_EPC,
        PAYMENT_SWISS,
    ],
    passes: &[
        "https://example.com/donate",
        "bitcoin is a currency",
        "BCD",
        CLEAN,
    ],
};

pub const PAYMENT_ACCOUNT_NOT_ALLOWED: Rule = Rule {
    id: "payment-account-not-allowed",
    severity: Severity::High,
    scope: Scope::NeedsPolicy {
        policy: "payment_accounts = [\"CH44 3199 9123 0008 8901 2\"]",
    },
    title: "Payment to an account the policy does not list",
    rationale: "When the policy lists the accounts payment codes may pay (payment_accounts: IBANs, \
                Bitcoin and Ethereum addresses, Lightning nodes, addresses and LNURL hosts), a code \
                that pays any other account, or whose account cannot be read, is what an \
                address-swap sticker looks like. Every account a code can pay counts (a Bitcoin \
                request with a Lightning invoice has two).",
    fix: "Replace the code with one that pays the organisation's own account, or add the account to payment_accounts if it is yours.",
    fires_on: &[PAYMENT_EPC, PAYMENT_BITCOIN, "bitcoin:?amount=1"],
    passes: &[PAYMENT_SWISS, "https://example.com/donate"],
};

pub const OPEN_WIFI: Rule = Rule {
    id: "open-wifi",
    severity: Severity::Medium,
    scope: Scope::Text,
    title: "Open Wi-Fi network",
    rationale: "A network without a key (T:nopass) does not encrypt traffic: anyone nearby can read \
                it, and anyone can set up a network of the same name that phones join just as \
                readily (an evil twin). Also reported for guest networks.",
    fix: "Secure the network with WPA2 or WPA3 (for a public guest network, at least Enhanced Open/OWE) and publish a new code.",
    fires_on: &["WIFI:T:nopass;S:Cafe;;", "WIFI:S:Lobby;H:false;;"],
    passes: &["WIFI:T:WPA;S:Office;P:secret123;;", "WIFI:T:SAE;S:Office;;"],
};

pub const WEAK_WIFI: Rule = Rule {
    id: "weak-wifi",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Wi-Fi network secured with WEP",
    rationale: "WEP has been broken since 2001: its key can be recovered from captured traffic within \
                minutes, so the network is as good as open, and the key in the code usually unlocks \
                other devices configured with it.",
    fix: "Switch the network to WPA2 or WPA3, change the key and publish a new code.",
    fires_on: &["WIFI:T:WEP;S:Warehouse;P:0123456789;;"],
    passes: &[
        "WIFI:T:WPA;S:Office;P:secret123;;",
        "WIFI:T:nopass;S:Cafe;;",
    ],
};

/// A WireGuard configuration with its private key (a throw-away key pair from the WireGuard
/// documentation's style of examples; not a real tunnel).
const WIREGUARD_EXAMPLE: &str = "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nAddress = 10.0.0.2/32\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.com:51820\nAllowedIPs = 0.0.0.0/0\n";

/// Android Enterprise provisioning with every risk: Wi-Fi password, http download without a
/// checksum, encryption skipped.
const ANDROID_HTTP: &str = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"http://mdm.example.com/dpc.apk","android.app.extra.PROVISIONING_WIFI_SSID":"Office","android.app.extra.PROVISIONING_WIFI_PASSWORD":"Winter2026","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":true}"#;

/// The same enrolment done right: https, a pinned signature checksum, no Wi-Fi key.
const ANDROID_GOOD: &str = r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION":"https://mdm.example.com/dpc.apk","android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM":"gJD2YwtOiWJHkSMkkIfLRlj-quNqG1fb6v100QmzM9w"}"#;

/// An authenticator export with two accounts (alice@example.com at Example, bob@example.com at
/// Corp), generated for these examples; the seeds are not real.
const MIGRATION_EXAMPLE: &str = "otpauth-migration://offline?data=CjgKFDAxMjM0NTY3ODlhYmNkZWZnaGlqEhFhbGljZUBleGFtcGxlLmNvbRoHRXhhbXBsZSABKAEwAgozChRhYmNkZWZnaGlqMDEyMzQ1Njc4ORIPYm9iQGV4YW1wbGUuY29tGgRDb3JwIAEoATACEAEYASAAKAc%3D";

pub const EMBEDDED_SECRET: Rule = Rule {
    id: "embedded-secret",
    severity: Severity::Critical,
    scope: Scope::Text,
    title: "Secret key embedded in the code",
    rationale: "Some codes carry a key that is the credential itself: the seed of a second factor \
                (otpauth://), an authenticator export with many seeds (otpauth-migration://), the \
                private key of a WireGuard tunnel, or an eSIM confirmation code travelling with its \
                matching ID. Whoever sees or photographs such a code holds the credential.",
    fix: "Show such codes once, on the owner's screen, never printed or shared; replace the exposed key (re-enrol, new key pair, new activation code).",
    fires_on: &[
        "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://hotp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example&counter=0",
        MIGRATION_EXAMPLE,
        WIREGUARD_EXAMPLE,
        "LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T$$8419",
        "LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T$8419",
    ],
    passes: &[
        "otpauth://totp/Example:alice@example.com?issuer=Example",
        "https://example.com/otp",
        "[Interface]\nAddress = 10.0.0.2/32\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = vpn.example.com:51820\n",
        "LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T",
        "LPA:1$rsp.example.com$K2-LM3N4P5Q-R6S7T$1.3.6.1.4.1.31746$1",
    ],
};

pub const WEAK_OTP: Rule = Rule {
    id: "weak-otp",
    severity: Severity::Low,
    scope: Scope::Text,
    title: "Weak one-time-password parameters",
    rationale: "RFC 4226 requires a shared secret of at least 128 bits (160 recommended); the popular \
                16-character base32 example secret is 80. Fewer than 6 digits, or an algorithm other \
                than SHA1/SHA256/SHA512, make codes easier to guess or unsupported. SHA1 with 6 \
                digits is the norm and fine.",
    fix: "Generate a new seed of at least 160 bits (32 base32 characters) with 6 or 8 digits and SHA1 or SHA256, and re-enrol.",
    fires_on: &[
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example&digits=4",
    ],
    passes: &[
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA256&digits=8",
        MIGRATION_EXAMPLE,
    ],
};

pub const MISSING_ISSUER: Rule = Rule {
    id: "missing-issuer",
    severity: Severity::Low,
    scope: Scope::Text,
    title: "OTP code names no issuer",
    rationale: "Without an issuer (the issuer parameter or an 'Issuer:' label prefix) the \
                authenticator lists only an account name: users cannot tell which service a code \
                is for, and a phisher's enrolment for the same name looks identical. A label prefix \
                that differs from the issuer parameter is reported too: apps disagree on which one \
                they show.",
    fix: "Add issuer=Name and the same 'Name:' prefix to the label.",
    fires_on: &[
        "otpauth://totp/alice@example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Other",
    ],
    passes: &[
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example",
        "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example",
    ],
};

pub const SKIP_ENCRYPTION: Rule = Rule {
    id: "skip-encryption",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Android enrolment skips storage encryption",
    rationale: "PROVISIONING_SKIP_ENCRYPTION makes a company-managed device start without encrypting \
                its storage (on devices where encryption is not forced): company data on a lost or \
                stolen device can then be read straight from its flash.",
    fix: "Remove PROVISIONING_SKIP_ENCRYPTION (false is the default) and re-enrol affected devices.",
    fires_on: &[
        ANDROID_HTTP,
        r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":"true"}"#,
    ],
    passes: &[
        ANDROID_GOOD,
        r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver","android.app.extra.PROVISIONING_SKIP_ENCRYPTION":false}"#,
    ],
};

pub const MISSING_CHECKSUM: Rule = Rule {
    id: "missing-checksum",
    severity: Severity::High,
    scope: Scope::Text,
    title: "Android enrolment downloads its admin app without a checksum",
    rationale: "The app downloaded from PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION becomes \
                device owner, with full control of the device. Without \
                PROVISIONING_DEVICE_ADMIN_PACKAGE_CHECKSUM or \
                PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM nothing pins which app that is: \
                whoever can change the download (a plain-http link, a compromised server) chooses \
                the device owner. Current Android versions refuse such a code instead.",
    fix: "Add PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM (the URL-safe base64 SHA-256 of the app's signing certificate) and serve the app over https.",
    fires_on: &[ANDROID_HTTP],
    passes: &[
        ANDROID_GOOD,
        r#"{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME":"com.example.dpc/.AdminReceiver"}"#,
    ],
};

// --- Decoder robustness and print quality (decode passes, `audit::quality`) ---------------

/// The sentence the four print-quality rules end their rationale with (`quality::is_photograph`).
macro_rules! born_digital_only {
    () => {
        " Judged on born-digital images (PNG, SVG, PDF…) only: in a photograph (JPEG, HEIC, \
         AVIF) the pixels show the camera, not the artwork, so the rule is off there unless \
         asked (`--quality`, or `quality = true` in the policy)."
    };
}

pub const FRAGILE_CODE: Rule = Rule {
    id: "fragile-code",
    severity: Severity::Low,
    scope: Scope::Symbol,
    title: "Code readable only by a heavy decoder pass",
    rationale: concat!(
        "qraudit read this code only after re-binarising, rescaling or sharpening the image, \
                or only by re-reading its modules from the grey levels and treating the codewords \
                it could not tell apart (glare, smudges, blur) as erasures. Phone scanners do not \
                try that hard, so many of them will fail on the same code.",
        born_digital_only!()
    ),
    fix: "Print the code larger and with more contrast (dark modules on a plain light ground), with a quiet zone of 4 modules, and regenerate it at a higher error-correction level.",
    fires_on: &["fragile"],
    passes: &["fragile photo", ""],
};

pub const LOW_ERROR_CORRECTION: Rule = Rule {
    id: "low-error-correction",
    severity: Severity::Low,
    scope: Scope::Symbol,
    title: "Error-correction level L on a published code",
    rationale: concat!(
        "Level L recovers only about 7% of the symbol. Printed codes pick up scratches, dirt, \
                glare and folds, and logos are often pasted over them.",
        born_digital_only!()
    ),
    fix: "Regenerate the code at error-correction level M (15%) or Q (25%); use H (30%) if a logo covers part of it.",
    fires_on: &["ecc=L"],
    passes: &["ecc=L photo", "", "ecc=M", "ecc=H"],
};

pub const SMALL_MODULES: Rule = Rule {
    id: "small-modules",
    severity: Severity::Low,
    scope: Scope::Symbol,
    title: "Modules too small in the published asset",
    rationale: concat!(
        "Below a few pixels per module, resizing and JPEG compression on the way to the page or \
                the printer blur neighbouring modules together and scanners misjudge them.",
        born_digital_only!()
    ),
    fix: "Export the code at a larger size (at least 4 pixels per module, more for print), scaled by an integer factor without smoothing.",
    fires_on: &["module_px=2", "module_px=3.9"],
    passes: &["module_px=2 photo", "", "module_px=4"],
};

pub const MISSING_QUIET_ZONE: Rule = Rule {
    id: "missing-quiet-zone",
    severity: Severity::Low,
    scope: Scope::Symbol,
    title: "Quiet zone narrower than 4 modules",
    rationale: concat!(
        "ISO/IEC 18004 requires a light margin of 4 modules around the symbol; text, frames or \
                the edge of the image closer than that stop many scanners from finding it.",
        born_digital_only!()
    ),
    fix: "Leave a plain margin of at least 4 modules (in the code's background colour) on every side of the code.",
    fires_on: &["quiet=0", "quiet=1.5"],
    passes: &["quiet=0 photo", "", "quiet=4"],
};

/// Every rule, in the order `qraudit rules` lists them.
pub fn all() -> &'static [Rule] {
    &[
        EMBEDDED_PASSWORD,
        SECRET_PARAMETER,
        UNTRUSTED_SSL,
        HOST_NOT_ALLOWED,
        HOST_NOT_CHECKED,
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
        // Decoder robustness and print quality.
        FRAGILE_CODE,
        LOW_ERROR_CORRECTION,
        SMALL_MODULES,
        MISSING_QUIET_ZONE,
        CONFIG_URL_ESCAPING,
        // Issue 7: payloads other than Sametime.
        CLEARTEXT_HTTP,
        IP_LITERAL_HOST,
        URL_SHORTENER,
        SUSPICIOUS_REDIRECT,
        // Issue 14: links in every form, payment requests.
        USERINFO_IN_LINK,
        PAYMENT_REQUEST,
        PAYMENT_ACCOUNT_NOT_ALLOWED,
        OPEN_WIFI,
        WEAK_WIFI,
        EMBEDDED_SECRET,
        WEAK_OTP,
        MISSING_ISSUER,
        SKIP_ENCRYPTION,
        MISSING_CHECKSUM,
    ]
}

/// The rule with this id, if any.
pub fn find(id: &str) -> Option<&'static Rule> {
    all().iter().find(|rule| rule.id == id)
}

#[cfg(test)]
mod help_uri_tests {
    use super::*;

    #[test]
    fn help_uri_points_at_the_rules_section_of_this_version() {
        assert_eq!(
            UNTRUSTED_SSL.help_uri_in("https://git.example.com/sec/qraudit/"),
            Some(format!(
                "https://git.example.com/sec/qraudit/blob/v{}/docs/rules.md#untrusted-ssl",
                env!("CARGO_PKG_VERSION")
            ))
        );
        assert_eq!(UNTRUSTED_SSL.help_uri_in(""), None);
    }
}
