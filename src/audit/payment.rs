//! Rules over payment requests: which account a code pays.
//!
//! A printed payment code is swapped by sticking another code over it (donation posters,
//! parking meters, invoices): nothing on the code itself says it was altered. So every payment
//! is reported with what a reviewer compares — account, amount, currency, recipient as written —
//! as an info `payment-request`; and when the policy lists the organisation's accounts
//! (`payment_accounts`), a payment to any other account is `payment-account-not-allowed` (high).
//! URLs a wallet contacts (an LNURL's service, a payjoin endpoint) get the web rules.

use super::{Finding, catalogue, web};
use crate::audit::policy::Policy;
use crate::payload::payment::{Account, Payment};

pub fn audit(p: &Payment, policy: &Policy) -> Vec<Finding> {
    let mut out = Vec::new();
    let what = format!("pay {}", p.amount_text());
    let recipient = p
        .recipient
        .as_deref()
        .map(|r| format!(" (recipient as written: '{r}')"))
        .unwrap_or_default();
    let malformed = if p.parse_issues.is_empty() {
        String::new()
    } else {
        format!("; the request is malformed: {}", p.parse_issues.join("; "))
    };
    let accounts: Vec<&Account> = p.accounts().collect();
    if policy.payments_checked() {
        for account in &accounts {
            if policy.payment_account_allowed(&account.value) {
                continue;
            }
            out.push(
                Finding::new(
                    &catalogue::PAYMENT_ACCOUNT_NOT_ALLOWED,
                    format!(
                        "the code asks to {what} to {} {}{recipient}, which is not among the policy's payment_accounts: a swapped code sends the money to someone else{malformed}",
                        account.kind, account.value
                    ),
                )
                .with_evidence(account.value.clone()),
            );
        }
        if accounts.is_empty() {
            out.push(Finding::new(
                &catalogue::PAYMENT_ACCOUNT_NOT_ALLOWED,
                format!(
                    "the code asks to {what}{recipient}, but no account could be read from it, so it cannot be matched with the policy's payment_accounts{malformed}"
                ),
            ));
        }
    } else {
        let to = match accounts.as_slice() {
            [] => " to an account that could not be read".to_string(),
            list => format!(
                " to {}",
                list.iter()
                    .map(|a| format!("{} {}", a.kind, a.value))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        let mut finding = Finding::new(
            &catalogue::PAYMENT_REQUEST,
            format!(
                "the code asks to {what}{to}{recipient}: compare the account with the one expected, character by character (codes stuck over the real one are a known fraud){malformed}"
            ),
        );
        if let Some(account) = accounts.first() {
            finding = finding.with_evidence(account.value.clone());
        }
        out.push(finding);
    }
    if let Some(url) = &p.url {
        out.extend(web::audit_url(url, "the URL the wallet contacts", policy));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::audit::Severity;
    use crate::audit::policy::Policy;
    use crate::payload::Payload;

    fn findings(text: &str, policy: &Policy) -> Vec<crate::audit::Finding> {
        crate::audit::audit_text(text, &Payload::classify(text), policy)
    }

    fn policy(toml: &str) -> Policy {
        Policy::from_toml_str(toml, std::path::Path::new("test.toml")).expect("valid policy")
    }

    #[test]
    fn without_a_list_every_payment_is_shown_for_review() {
        let f = findings(
            "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=0.5&label=Food%20Bank",
            &Policy::default(),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "payment-request");
        assert_eq!(f[0].severity, Severity::Info);
        assert!(
            f[0].message.contains(
                "pay 0.5 BTC to Bitcoin address 1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH (recipient as written: 'Food Bank')"
            ),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn the_policy_list_allows_its_accounts_only() {
        let list = policy(
            "payment_accounts = [\"CH44 3199 9123 0008 8901 2\", \"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"]",
        );
        let swiss = crate::payload::payment::tests::SWISS_QRR;
        assert!(findings(swiss, &list).is_empty());
        assert!(findings("BITCOIN:BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", &list).is_empty());
        let epc = crate::payload::payment::tests::EPC;
        let f = findings(epc, &list);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].rule, "payment-account-not-allowed");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].evidence.as_deref(), Some("DE33100205000001194700"));
        assert!(
            f[0].message.contains("'Wikimedia Foerdergesellschaft'"),
            "{}",
            f[0].message
        );
        // A unified code with an allowed address and someone else's Lightning invoice.
        let unified = format!(
            "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?lightning={}",
            "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny"
        );
        let f = findings(&unified, &list);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].message.contains("Lightning node 03e7156a"),
            "{}",
            f[0].message
        );
        // No account at all cannot be allowed.
        let f = findings("bitcoin:?amount=1", &list);
        assert_eq!(f[0].rule, "payment-account-not-allowed");
        assert!(
            f[0].message.contains("no account could be read"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn lnurl_service_gets_the_web_rules() {
        // LNURL of "http://pay.example.com/lnurlp/x" (bech32 of the URL's bytes).
        let url = "http://pay.example.com/lnurlp/x";
        let data =
            bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("lnurl").unwrap(), url.as_bytes())
                .unwrap();
        let f = findings(&format!("lightning:{data}"), &Policy::default());
        let rules: Vec<&str> = f.iter().map(|f| f.rule.id).collect();
        assert_eq!(rules, ["payment-request", "cleartext-http"], "{f:?}");
        assert!(
            f[1].message
                .starts_with("the URL the wallet contacts uses plain http"),
            "{}",
            f[1].message
        );
    }
}
