//! Payment requests: `bitcoin:` (BIP 21), `ethereum:` (EIP-681), `lightning:` (BOLT 11 invoices,
//! LNURL, Lightning addresses), EPC/SEPA credit transfers (`BCD`, EPC069-12, the "GiroCode") and
//! Swiss QR-bills (`SPC`, Swiss Payment Standards, Implementation Guidelines for the QR-bill).
//!
//! A payment code is dangerous in one way: a sticker with another code over the printed one on a
//! donation poster, a parking meter or an invoice sends the money elsewhere. So the parser shows
//! what a reviewer must compare with the expected values — the account (address, IBAN, node),
//! the amount and currency, and the recipient as written — and the policy's `payment_accounts`
//! can list the accounts that are allowed.
//!
//! The two bank formats are line-based, and parsers are strict about their line structure: each
//! field is read from its line number and nothing else, never guessed from its content; a line
//! that holds the wrong thing is a parse issue, not a reason to look elsewhere. Anything wrong
//! (checksum of an IBAN, an amount in the wrong form, too many or too few lines) is listed in
//! `parse_issues`; a hostile or truncated payload is read as far as it goes and never panics.
//!
//! Nothing here is a secret: addresses and IBANs are what a payment code is meant to publish.

use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentFormat {
    Bitcoin,
    Ethereum,
    Lightning,
    /// EPC069-12 SEPA credit transfer (`BCD`).
    Epc,
    /// Swiss QR-bill (`SPC`).
    SwissQrBill,
}

/// An account money can go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// What it is: `Bitcoin address`, `IBAN`, `Lightning node`…
    pub kind: String,
    /// As written (a Lightning node: the public key in hex).
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct Payment {
    pub format: PaymentFormat,
    /// Where the money goes.
    pub account: Option<Account>,
    /// Further accounts the same code can pay (a BIP 21 URI's Lightning invoice).
    pub other_accounts: Vec<Account>,
    /// The amount as written (a Lightning amount in BTC, from the invoice's multiplier).
    pub amount: Option<String>,
    pub currency: Option<String>,
    /// The recipient's name as written (`label`, the beneficiary, the creditor).
    pub recipient: Option<String>,
    /// The recipient's postal address as written (QR-bill).
    pub recipient_address: Option<String>,
    pub bic: Option<String>,
    /// A structured reference (QR reference, creditor reference).
    pub reference: Option<String>,
    /// Free text for the payer or the bank statement (`message`, remittance text, a Lightning
    /// invoice's description).
    pub message: Option<String>,
    /// Ethereum: the chain id; Bitcoin/Lightning: the network when not mainnet.
    pub network: Option<String>,
    /// Ethereum: the contract called (`transfer` of an ERC-20 token: the token).
    pub contract: Option<String>,
    /// Ethereum: the function called (`transfer`, `approve`…).
    pub function: Option<String>,
    /// A URL the wallet contacts: an LNURL's service, a BIP 78 payjoin endpoint.
    pub url: Option<String>,
    /// The format's version line (bank formats).
    pub version: Option<String>,
    pub parse_issues: Vec<String>,
}

impl Payment {
    fn new(format: PaymentFormat) -> Self {
        Payment {
            format,
            account: None,
            other_accounts: Vec::new(),
            amount: None,
            currency: None,
            recipient: None,
            recipient_address: None,
            bic: None,
            reference: None,
            message: None,
            network: None,
            contract: None,
            function: None,
            url: None,
            version: None,
            parse_issues: Vec::new(),
        }
    }

    /// Every account this code can pay.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.account.iter().chain(&self.other_accounts)
    }

    fn format_name(&self) -> &'static str {
        match self.format {
            PaymentFormat::Bitcoin => "Bitcoin payment request",
            PaymentFormat::Ethereum => "Ethereum payment request",
            PaymentFormat::Lightning => "Lightning payment request",
            PaymentFormat::Epc => "SEPA credit transfer (EPC QR)",
            PaymentFormat::SwissQrBill => "Swiss QR-bill",
        }
    }

    /// "12.50 EUR", or "an amount the payer chooses".
    pub fn amount_text(&self) -> String {
        match (&self.amount, &self.currency) {
            (Some(a), Some(c)) => format!("{a} {c}"),
            (Some(a), None) => a.clone(),
            (None, Some(c)) => format!("an amount in {c} the payer chooses"),
            (None, None) => "an amount the payer chooses".to_string(),
        }
    }

    pub fn summary(&self) -> String {
        let to = match &self.account {
            Some(a) => format!(" to {} {}", a.kind, a.value),
            None => String::new(),
        };
        let who = self
            .recipient
            .as_deref()
            .map(|r| format!(" ('{r}')"))
            .unwrap_or_default();
        format!("{}: {}{to}{who}", self.format_name(), self.amount_text())
    }

    pub fn describe(&self) -> String {
        let mut s = format!(
            "Opens a payment app with a {} of {}",
            self.format_name(),
            self.amount_text()
        );
        match &self.account {
            Some(a) => s.push_str(&format!(" to {} {}", a.kind, a.value)),
            None => s.push_str(" to an account that could not be read"),
        }
        if let Some(r) = &self.recipient {
            s.push_str(&format!(", recipient '{r}'"));
        }
        s.push_str(". The payer confirms in the app; check that the account is the one expected.");
        for other in &self.other_accounts {
            s.push_str(&format!(
                " The code can also pay {} {}.",
                other.kind, other.value
            ));
        }
        if !self.parse_issues.is_empty() {
            s.push_str(&format!(
                " The request is malformed ({}): apps may refuse it or read it differently.",
                self.parse_issues.join("; ")
            ));
        }
        s
    }
}

/// Parses a payment request; `None` for any other text.
pub fn parse(text: &str) -> Option<Payment> {
    let trimmed = text.trim();
    if let Some(rest) = strip_scheme(trimmed, "bitcoin") {
        return Some(bitcoin(rest));
    }
    if let Some(rest) = strip_scheme(trimmed, "ethereum") {
        return Some(ethereum(rest));
    }
    if let Some(rest) = strip_scheme(trimmed, "lightning") {
        let mut p = Payment::new(PaymentFormat::Lightning);
        let rest = no_slashes(rest, &mut p);
        lightning(rest, &mut p);
        return Some(p);
    }
    // The bank formats: the first line is the service tag, exactly.
    let lines = lines(text);
    match lines.first().copied() {
        Some("BCD") if lines.len() >= 3 => Some(epc(text, &lines)),
        Some("SPC") if lines.len() >= 3 => Some(swiss(&lines)),
        _ => None,
    }
}

fn strip_scheme<'a>(text: &'a str, scheme: &str) -> Option<&'a str> {
    // `get` at both ends: a multi-byte character may straddle either boundary.
    let name = text.get(..scheme.len())?;
    let rest = text.get(scheme.len()..)?;
    (name.eq_ignore_ascii_case(scheme) && rest.starts_with(':')).then(|| &rest[1..])
}

/// `bitcoin://…`: BIP 21 has no `//`; some wallets accept it, others do not.
fn no_slashes<'a>(rest: &'a str, p: &mut Payment) -> &'a str {
    match rest.strip_prefix("//") {
        Some(r) => {
            p.parse_issues.push(
                "the scheme is followed by '//', which the format does not allow: wallets differ in reading it"
                    .into(),
            );
            r
        }
        None => rest,
    }
}

/// The lines of a bank format, LF or CRLF; one final line break is allowed.
fn lines(text: &str) -> Vec<&str> {
    let body = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text);
    body.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// `name=value` pairs of a query, percent-decoded (`+` is kept: BIP 21 and EIP-681 encode
/// spaces as `%20`), with duplicate names reported.
fn query_pairs(query: &str, p: &mut Payment) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|s| !s.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = crate::text::escapes::percent_decoded;
        let name = decode(name);
        if out.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            p.parse_issues.push(format!(
                "parameter '{name}' is given twice: wallets differ in which one they use"
            ));
        }
        out.push((name, decode(value)));
    }
    out
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

// --- Bitcoin (BIP 21) -------------------------------------------------------------------------

fn bitcoin(rest: &str) -> Payment {
    let mut p = Payment::new(PaymentFormat::Bitcoin);
    let rest = no_slashes(rest, &mut p);
    let (address, query) = rest.split_once('?').unwrap_or((rest, ""));
    p.currency = Some("BTC".into());
    if !address.is_empty() {
        match bitcoin_address(address) {
            Ok(network) => p.network = network,
            Err(why) => p.parse_issues.push(format!("'{address}' {why}")),
        }
        p.account = Some(Account {
            kind: "Bitcoin address".into(),
            value: address.to_string(),
        });
    }
    for (name, value) in query_pairs(query, &mut p) {
        match name.to_ascii_lowercase().as_str() {
            "amount" => {
                if !is_decimal(&value, 8, 21_000_000) {
                    p.parse_issues.push(format!(
                        "amount '{value}' is not a number of bitcoins with at most 8 decimals"
                    ));
                }
                p.amount = Some(value);
            }
            "label" => p.recipient = non_empty(&value),
            "message" => p.message = non_empty(&value),
            "lightning" => {
                let mut inner = Payment::new(PaymentFormat::Lightning);
                lightning(&value, &mut inner);
                p.parse_issues.extend(
                    inner
                        .parse_issues
                        .into_iter()
                        .map(|i| format!("its Lightning invoice: {i}")),
                );
                p.other_accounts.extend(inner.account);
            }
            "pj" => p.url = non_empty(&value),
            other if other.starts_with("req-") => p.parse_issues.push(format!(
                "parameter '{name}' is required (req-): wallets that do not know it must refuse the request"
            )),
            _ => {}
        }
    }
    if p.account.is_none() && p.other_accounts.is_empty() {
        p.parse_issues
            .push("no address: there is nothing to pay".into());
    }
    p
}

/// Checks a Bitcoin address: a bech32/bech32m segwit address (checksum, witness version and
/// program length) or a Base58Check legacy address (checksum). `Ok(Some(network))` for a
/// network other than mainnet.
fn bitcoin_address(address: &str) -> Result<Option<String>, String> {
    let lower = address.to_ascii_lowercase();
    if lower.starts_with("bc1") || lower.starts_with("tb1") || lower.starts_with("bcrt1") {
        return match bech32::segwit::decode(address) {
            Ok((hrp, _, _)) => Ok(match hrp.as_str() {
                "bc" => None,
                "tb" => Some("testnet".into()),
                other => Some(other.to_string()),
            }),
            Err(err) => Err(format!("is not a valid segwit address ({err})")),
        };
    }
    let bytes = base58_decode(address)
        .ok_or_else(|| "is not a Bitcoin address (not base58)".to_string())?;
    if bytes.len() != 25 {
        return Err("is not a Bitcoin address (wrong length)".into());
    }
    let (payload, check) = bytes.split_at(21);
    let digest = Sha256::digest(Sha256::digest(payload));
    if digest[..4] != *check {
        return Err(
            "is not a valid Bitcoin address (its checksum is wrong: a typo, or an altered address)"
                .into(),
        );
    }
    match payload[0] {
        0x00 | 0x05 => Ok(None),
        0x6f | 0xc4 => Ok(Some("testnet".into())),
        v => Err(format!("is not a Bitcoin address (version byte {v})")),
    }
}

/// Base58 (Bitcoin alphabet) to bytes; `None` on any other character or an absurd length.
fn base58_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let mut bytes: Vec<u8> = Vec::new();
    for c in text.bytes() {
        let mut carry = ALPHABET.iter().position(|&a| a == c)? as u32;
        for b in bytes.iter_mut().rev() {
            carry += u32::from(*b) * 58;
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            bytes.insert(0, (carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = text.bytes().take_while(|&c| c == b'1').count();
    let mut out = vec![0u8; zeros];
    out.extend(bytes);
    Some(out)
}

/// A plain decimal number (`12`, `0.5`) with at most `decimals` decimals and at most `max`.
fn is_decimal(value: &str, decimals: usize, max: u64) -> bool {
    let (int, frac) = value.split_once('.').unwrap_or((value, ""));
    !int.is_empty()
        && int.len() <= 12
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.len() <= decimals
        && frac.chars().all(|c| c.is_ascii_digit())
        && !(value.contains('.') && frac.is_empty())
        && int.parse::<u64>().is_ok_and(|i| i <= max)
}

// --- Ethereum (EIP-681) -----------------------------------------------------------------------

fn ethereum(rest: &str) -> Payment {
    let mut p = Payment::new(PaymentFormat::Ethereum);
    let rest = no_slashes(rest, &mut p);
    let rest = rest.strip_prefix("pay-").unwrap_or(rest);
    let (head, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (head, function) = match head.split_once('/') {
        Some((h, f)) => (h, non_empty(f)),
        None => (head, None),
    };
    let (target, chain) = match head.split_once('@') {
        Some((t, c)) => (t, non_empty(c)),
        None => (head, None),
    };
    if let Some(chain) = &chain
        && !chain.chars().all(|c| c.is_ascii_digit())
    {
        p.parse_issues
            .push(format!("chain id '{chain}' is not a number"));
    }
    p.network = chain.map(|c| format!("chain {c}"));
    let target_account = ethereum_account(target, &mut p);
    let params = query_pairs(query, &mut p);
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    match function.as_deref() {
        None => {
            p.account = target_account;
            p.amount = param("value");
            p.currency = Some("wei (ETH)".into());
        }
        Some(function) => {
            // A contract call: the contract is the target, whoever receives is `address`.
            p.contract = target_account.map(|a| a.value);
            p.function = Some(function.to_string());
            match param("address") {
                Some(to) => p.account = ethereum_account(&to, &mut p),
                None => p.parse_issues.push(format!(
                    "function '{function}' names no 'address': it is unclear who receives"
                )),
            }
            p.amount = param("uint256");
            p.currency = Some("token units".into());
            if function != "transfer" {
                p.parse_issues.push(format!(
                    "the code calls '{function}', not 'transfer': it may grant the 'address' power over the payer's tokens rather than pay"
                ));
            }
        }
    }
    if let Some(value) = &p.amount
        && !is_eip681_number(value)
    {
        p.parse_issues
            .push(format!("amount '{value}' is not a number"));
    }
    p
}

/// `0x` and 40 hex digits, or an ENS name (`name.eth`).
fn ethereum_account(value: &str, p: &mut Payment) -> Option<Account> {
    let value = value.trim();
    if value.is_empty() {
        p.parse_issues
            .push("no address: there is nothing to pay".into());
        return None;
    }
    let hex = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"));
    let kind = match hex {
        Some(h) if h.len() == 40 && h.chars().all(|c| c.is_ascii_hexdigit()) => "Ethereum address",
        Some(_) => {
            p.parse_issues.push(format!(
                "'{value}' is not an Ethereum address (0x and 40 hex digits)"
            ));
            "Ethereum address"
        }
        None if value.contains('.') => "ENS name",
        None => {
            p.parse_issues.push(format!(
                "'{value}' is neither an Ethereum address nor an ENS name"
            ));
            "Ethereum address"
        }
    };
    Some(Account {
        kind: kind.into(),
        value: value.to_string(),
    })
}

/// EIP-681 numbers: digits, optionally with a fraction and an exponent (`2.014e18`).
fn is_eip681_number(value: &str) -> bool {
    let (mantissa, exponent) = match value.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (value, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !int.is_empty()
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit())
        && exponent
            .is_none_or(|e| !e.is_empty() && e.len() <= 3 && e.chars().all(|c| c.is_ascii_digit()))
}

// --- Lightning (BOLT 11, LNURL, Lightning address) ----------------------------------------------

fn lightning(value: &str, p: &mut Payment) {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("lnurl") {
        lnurl(value, p);
    } else if value.contains('@') {
        p.account = Some(Account {
            kind: "Lightning address".into(),
            value: value.to_string(),
        });
    } else if lower.starts_with("ln") {
        bolt11(value, p);
    } else {
        p.parse_issues.push(format!(
            "'{}' is neither a Lightning invoice, an LNURL nor a Lightning address",
            value.chars().take(40).collect::<String>()
        ));
    }
}

/// LNURL (LUD-01): the bech32 encoding of an https URL the wallet then asks for the details.
fn lnurl(value: &str, p: &mut Payment) {
    let decoded = bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(value)
        .map_err(|e| e.to_string())
        .and_then(|s| {
            String::from_utf8(s.byte_iter().collect()).map_err(|_| "not UTF-8".to_string())
        });
    match decoded {
        Ok(url) => {
            let host = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string));
            match host {
                Some(host) => {
                    p.account = Some(Account {
                        kind: "LNURL service".into(),
                        value: host,
                    })
                }
                None => p
                    .parse_issues
                    .push(format!("the LNURL holds '{url}', which is not a URL")),
            }
            p.url = Some(url);
        }
        Err(err) => p
            .parse_issues
            .push(format!("the LNURL cannot be decoded ({err})")),
    }
}

/// A BOLT 11 invoice: network and amount from the human-readable part, the description and the
/// payee from the tagged fields, and the payee recovered from the signature when the invoice
/// does not state it (as most do not).
fn bolt11(value: &str, p: &mut Payment) {
    let checked = match bech32::primitives::decode::CheckedHrpstring::new::<bech32::Bech32>(value) {
        Ok(c) => c,
        Err(err) => {
            p.parse_issues
                .push(format!("the invoice cannot be decoded ({err})"));
            return;
        }
    };
    let hrp = checked.hrp().to_lowercase();
    let data: Vec<u8> = checked
        .fe32_iter::<std::iter::Empty<u8>>()
        .map(|fe| fe.to_u8())
        .collect();
    // Human-readable part: "ln" + network + optional amount (digits and a multiplier).
    let Some(rest) = hrp.strip_prefix("ln") else {
        p.parse_issues
            .push("the invoice does not start with 'ln'".into());
        return;
    };
    let split = rest
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (network, amount) = rest.split_at(split);
    p.currency = Some("BTC".into());
    match network {
        "bc" => {}
        "tb" => p.network = Some("testnet".into()),
        "tbs" => p.network = Some("signet".into()),
        "bcrt" => p.network = Some("regtest".into()),
        other => {
            p.parse_issues
                .push(format!("unknown network '{other}' in the invoice"));
            p.network = Some(other.to_string());
        }
    }
    if !amount.is_empty() {
        match bolt11_amount(amount) {
            Some(btc) => p.amount = Some(btc),
            None => p
                .parse_issues
                .push(format!("amount '{amount}' in the invoice is malformed")),
        }
    }
    // 7 groups of timestamp, tagged fields, 104 groups of signature.
    if data.len() < 7 + 104 {
        p.parse_issues
            .push("the invoice is too short to hold a timestamp and a signature".into());
        return;
    }
    let (fields, signature) = data.split_at(data.len() - 104);
    let mut stated_payee: Option<Vec<u8>> = None;
    let mut at = 7;
    while at < fields.len() {
        let Some(&[tag, hi, lo]) = fields.get(at..at + 3) else {
            p.parse_issues
                .push("the invoice ends inside a field header (truncated)".into());
            break;
        };
        let len = usize::from(hi) * 32 + usize::from(lo);
        let Some(body) = fields.get(at + 3..at + 3 + len) else {
            p.parse_issues
                .push("a field of the invoice runs past its end (truncated)".into());
            break;
        };
        match tag {
            // d: description, UTF-8.
            13 => {
                p.message = Some(String::from_utf8_lossy(&regroup(body, 5, 8, false)).into_owned())
            }
            // n: the payee's public key, 33 bytes.
            19 if len == 53 => stated_payee = Some(regroup(body, 5, 8, false)),
            _ => {}
        }
        at += 3 + len;
    }
    let recovered = recover_payee(&hrp, fields, signature);
    let payee = match (&stated_payee, recovered) {
        (Some(stated), Ok(recovered)) if *stated != recovered => {
            p.parse_issues.push(
                "the invoice's stated payee (n) is not the key that signed it: wallets reject it"
                    .into(),
            );
            Some(stated.clone())
        }
        (Some(stated), _) => Some(stated.clone()),
        (None, Ok(recovered)) => Some(recovered),
        (None, Err(err)) => {
            p.parse_issues.push(format!(
                "the payee cannot be recovered from the signature ({err})"
            ));
            None
        }
    };
    p.account = payee.map(|key| Account {
        kind: "Lightning node".into(),
        value: crate::text::escapes::hex(&key),
    });
}

/// BOLT 11 amount (`2500u`, `20m`, `9678785340p`) as a decimal number of bitcoins.
fn bolt11_amount(amount: &str) -> Option<String> {
    let (digits, multiplier) = match amount.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&amount[..i], Some(c)),
        _ => (amount, None),
    };
    if digits.is_empty() || digits.len() > 20 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // In pico-bitcoins (10^-12 BTC), exactly.
    let per_unit: u128 = match multiplier {
        None => 1_000_000_000_000,
        Some('m') => 1_000_000_000,
        Some('u') => 1_000_000,
        Some('n') => 1_000,
        Some('p') => 1,
        Some(_) => return None,
    };
    let pico = digits.parse::<u128>().ok()?.checked_mul(per_unit)?;
    let whole = pico / 1_000_000_000_000;
    let fraction = format!("{:012}", pico % 1_000_000_000_000);
    let fraction = fraction.trim_end_matches('0');
    Some(if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    })
}

/// Regroups `from`-bit values into `to`-bit values, most significant first; with `pad`, the
/// last group is filled with zero bits, otherwise incomplete trailing bits are dropped.
fn regroup(values: &[u8], from: u32, to: u32, pad: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * from as usize / to as usize + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &v in values {
        acc = (acc << from) | u32::from(v);
        bits += from;
        while bits >= to {
            bits -= to;
            out.push(((acc >> bits) & ((1 << to) - 1)) as u8);
        }
        acc &= (1 << bits) - 1;
    }
    if pad && bits > 0 {
        out.push(((acc << (to - bits)) & ((1 << to) - 1)) as u8);
    }
    out
}

/// The compressed public key that signed the invoice: the signature covers SHA-256 of the
/// human-readable part's bytes followed by the data part (without the signature) in bytes.
fn recover_payee(hrp: &str, fields: &[u8], signature: &[u8]) -> Result<Vec<u8>, String> {
    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
    let signature = regroup(signature, 5, 8, false);
    let (rs, recovery) = signature
        .split_at_checked(64)
        .ok_or_else(|| "short signature".to_string())?;
    let mut message = hrp.as_bytes().to_vec();
    message.extend(regroup(fields, 5, 8, true));
    let hash = Sha256::digest(&message);
    let signature = Signature::from_slice(rs).map_err(|e| e.to_string())?;
    let id = recovery
        .first()
        .and_then(|&b| RecoveryId::from_byte(b))
        .ok_or_else(|| "bad recovery id".to_string())?;
    let key =
        VerifyingKey::recover_from_prehash(&hash, &signature, id).map_err(|e| e.to_string())?;
    Ok(key.to_encoded_point(true).as_bytes().to_vec())
}

// --- IBAN -----------------------------------------------------------------------------------------

/// An IBAN without spaces, upper case, when `value` is one with a valid check (ISO 13616: two
/// letters, two check digits, up to 30 letters and digits, mod 97 = 1).
pub fn valid_iban(value: &str) -> Result<String, String> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = compact.as_bytes();
    if !(15..=34).contains(&bytes.len())
        || !bytes[..2].iter().all(u8::is_ascii_uppercase)
        || !bytes[2..4].iter().all(u8::is_ascii_digit)
        || !bytes.iter().all(u8::is_ascii_alphanumeric)
    {
        return Err(format!("'{value}' is not an IBAN"));
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let digits = c.to_digit(36).unwrap_or(0);
        remainder = if digits >= 10 {
            (remainder * 100 + digits) % 97
        } else {
            (remainder * 10 + digits) % 97
        };
    }
    if remainder == 1 {
        Ok(compact)
    } else {
        Err(format!(
            "'{value}' is not a valid IBAN: its check digits are wrong (a typo, or an altered account)"
        ))
    }
}

/// True for text that starts like an IBAN (two letters, two digits).
pub fn looks_like_iban(value: &str) -> bool {
    let b = value.trim().as_bytes();
    b.len() >= 4
        && b[..2].iter().all(u8::is_ascii_alphabetic)
        && b[2..4].iter().all(u8::is_ascii_digit)
}

/// The form in which accounts are compared with the policy's `payment_accounts`: without
/// spaces; IBANs in upper case; everything case-insensitive in lower case (hex, bech32, ENS
/// names, Lightning addresses, hosts); Base58 legacy Bitcoin addresses, which are
/// case-sensitive, as written.
pub fn normalise_account(value: &str) -> String {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    if looks_like_iban(&compact) {
        return compact.to_ascii_uppercase();
    }
    let base58 = (25..=35).contains(&compact.len())
        && compact.starts_with(['1', '3', 'm', 'n', '2'])
        && base58_decode(&compact).is_some();
    if base58 {
        compact
    } else {
        compact.to_lowercase()
    }
}

// --- EPC069-12 (SEPA credit transfer) ---------------------------------------------------------------

/// Reads line `n` (1-based) of a bank format, or "" past the end.
fn line<'a>(lines: &[&'a str], n: usize) -> &'a str {
    lines.get(n - 1).copied().unwrap_or("")
}

fn epc(text: &str, lines: &[&str]) -> Payment {
    let mut p = Payment::new(PaymentFormat::Epc);
    let issue = |p: &mut Payment, s: String| p.parse_issues.push(s);
    if text.len() > 331 {
        issue(
            &mut p,
            format!(
                "the payload is {} bytes, more than the 331 EPC069-12 allows",
                text.len()
            ),
        );
    }
    if lines.len() > 12 {
        issue(
            &mut p,
            format!("{} lines, more than the 12 EPC069-12 defines", lines.len()),
        );
    }
    let version = line(lines, 2);
    p.version = Some(version.to_string());
    if !matches!(version, "001" | "002") {
        issue(
            &mut p,
            format!("line 2 (version) is '{version}', not 001 or 002"),
        );
    }
    let charset = line(lines, 3);
    if !matches!(charset, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8") {
        issue(
            &mut p,
            format!("line 3 (character set) is '{charset}', not 1 to 8"),
        );
    }
    let identification = line(lines, 4);
    if identification != "SCT" {
        issue(
            &mut p,
            format!("line 4 (identification) is '{identification}', not SCT"),
        );
    }
    let bic = line(lines, 5);
    if bic.is_empty() {
        if version == "001" {
            issue(
                &mut p,
                "line 5 (BIC) is empty: version 001 requires it".into(),
            );
        }
    } else {
        if !valid_bic(bic) {
            issue(
                &mut p,
                format!("line 5 (BIC) '{bic}' is not a BIC (8 or 11 letters and digits)"),
            );
        }
        p.bic = Some(bic.to_string());
    }
    let name = line(lines, 6);
    if name.is_empty() {
        issue(&mut p, "line 6 (beneficiary name) is empty".into());
    } else if name.chars().count() > 70 {
        issue(
            &mut p,
            "line 6 (beneficiary name) is longer than 70 characters".into(),
        );
    }
    p.recipient = non_empty(name);
    let iban = line(lines, 7);
    if iban.is_empty() {
        issue(&mut p, "line 7 (IBAN) is empty".into());
    } else {
        if let Err(why) = valid_iban(iban) {
            issue(&mut p, format!("line 7 (IBAN): {why}"));
        }
        p.account = Some(Account {
            kind: "IBAN".into(),
            value: iban.to_string(),
        });
    }
    let amount = line(lines, 8);
    if !amount.is_empty() {
        match amount.strip_prefix("EUR") {
            Some(value) => {
                if !is_decimal(value, 2, 999_999_999) || value.trim_matches(['0', '.']).is_empty() {
                    issue(
                        &mut p,
                        format!(
                            "line 8 (amount) '{amount}' is not EUR followed by 0.01 to 999999999.99 with a '.' for decimals"
                        ),
                    );
                }
                p.amount = Some(value.to_string());
            }
            None => {
                issue(
                    &mut p,
                    format!("line 8 (amount) '{amount}' does not start with EUR"),
                );
                p.amount = Some(amount.to_string());
            }
        }
    }
    p.currency = Some("EUR".into());
    let purpose = line(lines, 9);
    let purpose_code = purpose.len() == 4 && purpose.chars().all(|c| c.is_ascii_uppercase());
    if !purpose.is_empty() && !purpose_code {
        issue(
            &mut p,
            format!("line 9 (purpose) '{purpose}' is not a 4-letter code"),
        );
    }
    let reference = line(lines, 10);
    let remittance = line(lines, 11);
    if !reference.is_empty() && !remittance.is_empty() {
        issue(&mut p, "both line 10 (structured reference) and line 11 (text) are filled: EPC069-12 allows one of them".into());
    }
    if reference.chars().count() > 35 {
        issue(
            &mut p,
            "line 10 (reference) is longer than 35 characters".into(),
        );
    }
    if remittance.chars().count() > 140 {
        issue(
            &mut p,
            "line 11 (remittance text) is longer than 140 characters".into(),
        );
    }
    p.reference = non_empty(reference);
    p.message = non_empty(remittance);
    p
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (location), optionally 3
/// letters or digits (branch).
fn valid_bic(bic: &str) -> bool {
    let b = bic.as_bytes();
    matches!(b.len(), 8 | 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

// --- Swiss QR-bill ----------------------------------------------------------------------------------

fn swiss(lines: &[&str]) -> Payment {
    let mut p = Payment::new(PaymentFormat::SwissQrBill);
    let issue = |p: &mut Payment, s: String| p.parse_issues.push(s);
    if !(31..=34).contains(&lines.len()) {
        issue(
            &mut p,
            format!(
                "{} lines, not the 31 (to 34) of a QR-bill: fields after a missing line are read from the wrong lines",
                lines.len()
            ),
        );
    }
    let version = line(lines, 2);
    p.version = Some(version.to_string());
    if version != "0200" {
        issue(&mut p, format!("line 2 (version) is '{version}', not 0200"));
    }
    if line(lines, 3) != "1" {
        issue(
            &mut p,
            format!("line 3 (coding) is '{}', not 1", line(lines, 3)),
        );
    }
    let iban = line(lines, 4);
    let mut qr_iban = false;
    if iban.is_empty() {
        issue(&mut p, "line 4 (IBAN) is empty".into());
    } else {
        match valid_iban(iban) {
            Ok(compact) => {
                if !(compact.starts_with("CH") || compact.starts_with("LI")) || compact.len() != 21
                {
                    issue(
                        &mut p,
                        format!("line 4 (IBAN) '{iban}' is not a Swiss or Liechtenstein IBAN"),
                    );
                }
                // A QR-IBAN has an institution id of 30000 to 31999 (positions 5 to 9).
                qr_iban = compact
                    .get(4..9)
                    .and_then(|iid| iid.parse::<u32>().ok())
                    .is_some_and(|iid| (30000..=31999).contains(&iid));
            }
            Err(why) => issue(&mut p, format!("line 4 (IBAN): {why}")),
        }
        p.account = Some(Account {
            kind: if qr_iban { "QR-IBAN" } else { "IBAN" }.into(),
            value: iban.to_string(),
        });
    }
    let address_type = line(lines, 5);
    if !matches!(address_type, "S" | "K") {
        issue(
            &mut p,
            format!("line 5 (creditor address type) is '{address_type}', not S or K"),
        );
    }
    let name = line(lines, 6);
    if name.is_empty() {
        issue(&mut p, "line 6 (creditor name) is empty".into());
    }
    p.recipient = non_empty(name);
    let address: Vec<&str> = (7..=11)
        .map(|n| line(lines, n))
        .filter(|l| !l.is_empty())
        .collect();
    p.recipient_address = (!address.is_empty()).then(|| address.join(", "));
    if (12..=18).any(|n| !line(lines, n).is_empty()) {
        issue(&mut p, "lines 12 to 18 (ultimate creditor) must be empty: a second creditor there is not shown by every app".into());
    }
    let amount = line(lines, 19);
    if !amount.is_empty() {
        let two_decimals = amount.split_once('.').is_some_and(|(_, f)| f.len() == 2);
        if !(two_decimals && is_decimal(amount, 2, 999_999_999)) {
            issue(
                &mut p,
                format!(
                    "line 19 (amount) '{amount}' is not 0.01 to 999999999.99 with two decimals"
                ),
            );
        }
        p.amount = Some(amount.to_string());
    }
    let currency = line(lines, 20);
    if !matches!(currency, "CHF" | "EUR") {
        issue(
            &mut p,
            format!("line 20 (currency) is '{currency}', not CHF or EUR"),
        );
    }
    p.currency = non_empty(currency);
    let reference_type = line(lines, 28);
    let reference = line(lines, 29);
    match reference_type {
        "QRR" if !qr_iban && p.account.is_some() => issue(
            &mut p,
            "a QR reference (QRR) needs a QR-IBAN on line 4".into(),
        ),
        "SCOR" | "NON" if qr_iban => issue(
            &mut p,
            "a QR-IBAN on line 4 needs a QR reference (QRR)".into(),
        ),
        "QRR" | "SCOR" => {}
        "NON" if !reference.is_empty() => issue(
            &mut p,
            "reference type NON with a reference on line 29".into(),
        ),
        "NON" => {}
        other => issue(
            &mut p,
            format!("line 28 (reference type) is '{other}', not QRR, SCOR or NON"),
        ),
    }
    if reference_type == "QRR"
        && !(reference.len() == 27 && reference.chars().all(|c| c.is_ascii_digit()))
    {
        issue(
            &mut p,
            format!("line 29 (QR reference) '{reference}' is not 27 digits"),
        );
    }
    p.reference = non_empty(reference);
    p.message = non_empty(line(lines, 30));
    if line(lines, 31) != "EPD" {
        issue(
            &mut p,
            format!("line 31 (trailer) is '{}', not EPD", line(lines, 31)),
        );
    }
    p
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The BOLT 11 example "0.0025 BTC for a cup of nonsense", signed by the specification's
    /// example node.
    const BOLT11_NONSENSE: &str = "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpquwpc4curk03c9wlrswe78q4eyqc7d8d0xqzpuyk0sg5g70me25alkluzd2x62aysf2pyy8edtjeevuv4p2d5p76r4zkmneet7uvyakky2zr4cusd45tftc9c5fh0nnqpnl2jfll544esqchsrny";
    const BOLT11_NODE: &str = "03e7156ae33b0a208d0744199163177e909e80176e55d97a2f221ede0f934dd9ad";

    /// The Swiss QR-bill example with a QR reference (SIX's "Example 1" layout).
    pub(crate) const SWISS_QRR: &str = "SPC\n0200\n1\nCH4431999123000889012\nS\nRobert Schneider AG\nRue du Lac\n1268\n2501\nBiel\nCH\n\n\n\n\n\n\n\n1949.75\nCHF\nS\nPia-Maria Rutschmann-Schnyder\nGrosse Marktgasse\n28\n9400\nRorschach\nCH\nQRR\n210000000003139471430009017\nOrder of 15 June 2020\nEPD";

    pub(crate) const EPC: &str = "BCD\n002\n1\nSCT\nBFSWDE33BER\nWikimedia Foerdergesellschaft\nDE33100205000001194700\nEUR123.45\n\n\nSpende fuer Wikipedia";

    fn p(text: &str) -> Payment {
        parse(text).unwrap_or_else(|| panic!("{text:?} is a payment"))
    }

    #[test]
    fn bitcoin_bip21() {
        let b = p(
            "bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz",
        );
        assert_eq!(
            b.account.as_ref().unwrap().value,
            "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
        );
        assert_eq!(b.amount.as_deref(), Some("50"));
        assert_eq!(b.recipient.as_deref(), Some("Luke-Jr"));
        assert_eq!(b.message.as_deref(), Some("Donation for project xyz"));
        assert!(b.parse_issues.is_empty(), "{:?}", b.parse_issues);
        // Upper-case bech32 (QR alphanumeric mode) is valid; a changed character is not.
        let segwit = p("BITCOIN:BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4?amount=0.001");
        assert!(segwit.parse_issues.is_empty(), "{:?}", segwit.parse_issues);
        let typo = p("bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5");
        assert!(
            typo.parse_issues[0].contains("not a valid segwit address"),
            "{:?}",
            typo.parse_issues
        );
        let legacy_typo = p("bitcoin:1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMh");
        assert!(
            legacy_typo.parse_issues[0].contains("checksum"),
            "{:?}",
            legacy_typo.parse_issues
        );
        let odd = p(
            "bitcoin://1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH?amount=1,5&req-somethingyoudontunderstand=50&amount=2",
        );
        let issues = odd.parse_issues.join(" | ");
        for needle in ["'//'", "at most 8 decimals", "req-", "given twice"] {
            assert!(issues.contains(needle), "{needle}: {issues}");
        }
    }

    #[test]
    fn bitcoin_with_a_lightning_invoice_pays_two_accounts() {
        let b = p(&format!(
            "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4?lightning={BOLT11_NONSENSE}"
        ));
        let accounts: Vec<&str> = b.accounts().map(|a| a.value.as_str()).collect();
        assert_eq!(
            accounts,
            ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", BOLT11_NODE]
        );
    }

    #[test]
    fn lightning_invoice_payee_is_recovered_from_the_signature() {
        let l = p(&format!("lightning:{BOLT11_NONSENSE}"));
        assert!(l.parse_issues.is_empty(), "{:?}", l.parse_issues);
        assert_eq!(l.account.as_ref().unwrap().value, BOLT11_NODE);
        assert_eq!(l.account.as_ref().unwrap().kind, "Lightning node");
        assert_eq!(l.amount.as_deref(), Some("0.0025"));
        assert_eq!(l.message.as_deref(), Some("ナンセンス 1杯"));
        // Upper case (as QR alphanumeric mode carries it) reads the same.
        let upper = p(&format!(
            "LIGHTNING:{}",
            BOLT11_NONSENSE.to_ascii_uppercase()
        ));
        assert_eq!(upper.account, l.account);
        // One changed character: the checksum fails; cut short: no panic, an issue.
        let mut altered = BOLT11_NONSENSE.to_string();
        altered.replace_range(40..41, "x");
        assert!(p(&format!("lightning:{altered}")).parse_issues[0].contains("cannot be decoded"));
        for cut in [5, 20, 60, 120, BOLT11_NONSENSE.len() - 7] {
            let t = p(&format!("lightning:{}", &BOLT11_NONSENSE[..cut]));
            assert!(!t.parse_issues.is_empty(), "{cut}");
        }
        assert_eq!(
            bolt11_amount("9678785340p").as_deref(),
            Some("0.00967878534")
        );
        assert_eq!(bolt11_amount("20m").as_deref(), Some("0.02"));
        assert_eq!(bolt11_amount("1").as_deref(), Some("1"));
        assert_eq!(bolt11_amount("1x"), None);
    }

    #[test]
    fn lightning_addresses_and_lnurl() {
        let a = p("lightning:tips@pay.example.com");
        assert_eq!(a.account.unwrap().kind, "Lightning address");
        // LUD-01's example LNURL.
        let u = p(
            "lightning:LNURL1DP68GURN8GHJ7UM9WFMXJCM99E3K7MF0V9CXJ0M385EKVCENXC6R2C35XVUKXEFCV5MKVV34X5EKZD3EV56NYD3HXQURZEPEXEJXXEPNXSCRVWFNV9NXZCN9XQ6XYEFHVGCXXCMYXYMNSERXFQ5FNS",
        );
        assert_eq!(
            u.url.as_deref(),
            Some(
                "https://service.com/api?q=3fc3645b439ce8e7f2553a69e5267081d96dcd340693afabe04be7b0ccd178df"
            )
        );
        assert_eq!(u.account.unwrap().value, "service.com");
        assert!(!p("lightning:hello").parse_issues.is_empty());
    }

    #[test]
    fn ethereum_eip681() {
        let e = p("ethereum:0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359?value=2.014e18");
        assert_eq!(
            e.account.as_ref().unwrap().value,
            "0xfb6916095ca1df60bb79Ce92ce3ea74c37c5d359"
        );
        assert_eq!(e.amount.as_deref(), Some("2.014e18"));
        assert!(e.parse_issues.is_empty(), "{:?}", e.parse_issues);
        let token = p(
            "ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7@1/transfer?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1",
        );
        assert_eq!(
            token.account.as_ref().unwrap().value,
            "0x8e23ee67d1332ad560396262c48ffbb01f93d052"
        );
        assert_eq!(
            token.contract.as_deref(),
            Some("0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7")
        );
        assert_eq!(token.network.as_deref(), Some("chain 1"));
        assert!(token.parse_issues.is_empty(), "{:?}", token.parse_issues);
        let approve = p(
            "ethereum:0x89205a3a3b2a69de6dbf7f01ed13b2108b2c43e7/approve?address=0x8e23ee67d1332ad560396262c48ffbb01f93d052&uint256=1e30",
        );
        assert!(
            approve.parse_issues[0].contains("'approve'"),
            "{:?}",
            approve.parse_issues
        );
        assert_eq!(
            p("ethereum:pay-vitalik.eth?value=1").account.unwrap().kind,
            "ENS name"
        );
        assert!(!p("ethereum:0x12?value=x").parse_issues.is_empty());
    }

    #[test]
    fn epc_sepa_credit_transfer() {
        let e = p(EPC);
        assert!(e.parse_issues.is_empty(), "{:?}", e.parse_issues);
        assert_eq!(e.account.as_ref().unwrap().value, "DE33100205000001194700");
        assert_eq!(
            e.recipient.as_deref(),
            Some("Wikimedia Foerdergesellschaft")
        );
        assert_eq!(e.amount.as_deref(), Some("123.45"));
        assert_eq!(e.currency.as_deref(), Some("EUR"));
        assert_eq!(e.bic.as_deref(), Some("BFSWDE33BER"));
        assert_eq!(e.message.as_deref(), Some("Spende fuer Wikipedia"));
        // CRLF is the same; an altered IBAN is caught by its check digits.
        assert!(p(&EPC.replace('\n', "\r\n")).parse_issues.is_empty());
        let altered = p(&EPC.replace("DE33100205000001194700", "DE33100205000001194701"));
        assert!(
            altered.parse_issues[0].contains("check digits"),
            "{:?}",
            altered.parse_issues
        );
        // Strict lines: the IBAN one line down is not found by its looks.
        let shifted = p(&EPC.replace("SCT\n", "SCT\n\n"));
        let issues = shifted.parse_issues.join(" | ");
        assert!(issues.contains("line 7 (IBAN)"), "{issues}");
        assert!(issues.contains("line 8 (amount)"), "{issues}");
        let bad = p("BCD\n001\n9\nXYZ\n\n\n\nUSD5\nabc\nref\ntext\ninfo\nextra");
        let issues = bad.parse_issues.join(" | ");
        for needle in [
            "more than the 12",
            "character set",
            "identification",
            "requires it",
            "line 6",
            "line 7",
            "does not start with EUR",
            "purpose",
            "one of them",
        ] {
            assert!(issues.contains(needle), "{needle}: {issues}");
        }
    }

    #[test]
    fn swiss_qr_bill() {
        let s = p(SWISS_QRR);
        assert!(s.parse_issues.is_empty(), "{:?}", s.parse_issues);
        let account = s.account.as_ref().unwrap();
        assert_eq!(
            (account.kind.as_str(), account.value.as_str()),
            ("QR-IBAN", "CH4431999123000889012")
        );
        assert_eq!(s.recipient.as_deref(), Some("Robert Schneider AG"));
        assert_eq!(
            s.recipient_address.as_deref(),
            Some("Rue du Lac, 1268, 2501, Biel, CH")
        );
        assert_eq!(s.amount_text(), "1949.75 CHF");
        assert_eq!(s.reference.as_deref(), Some("210000000003139471430009017"));
        // A line lost in the middle: fields are not hunted for, the wrong lines are reported.
        let lost = SWISS_QRR.replacen("Rue du Lac\n", "", 1);
        let issues = p(&lost).parse_issues.join(" | ");
        assert!(issues.contains("30 lines"), "{issues}");
        assert!(issues.contains("line 31 (trailer)"), "{issues}");
        // Someone else's name in the ultimate creditor, a SCOR reference on a QR-IBAN.
        let hostile = SWISS_QRR
            .replacen("CH\n\n\n\n\n\n\n\n", "CH\nS\nMallory\n\n\n\n\n\n", 1)
            .replace("QRR\n", "SCOR\n");
        let issues = p(&hostile).parse_issues.join(" | ");
        assert!(issues.contains("ultimate creditor"), "{issues}");
        assert!(issues.contains("needs a QR reference"), "{issues}");
    }

    #[test]
    fn ibans_and_accounts() {
        assert_eq!(
            valid_iban("ch44 3199 9123 0008 8901 2").unwrap(),
            "CH4431999123000889012"
        );
        assert!(valid_iban("CH4431999123000889013").is_err());
        assert!(valid_iban("hello").is_err());
        assert_eq!(
            normalise_account("CH44 3199 9123 0008 8901 2"),
            "CH4431999123000889012"
        );
        assert_eq!(normalise_account("0xFB69aa"), "0xfb69aa");
        assert_eq!(
            normalise_account("1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"),
            "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
        );
        assert_eq!(
            normalise_account("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
        );
    }

    #[test]
    fn not_payments() {
        for text in [
            "bitcoin is great",
            "BCD",
            "BCD\n001",
            "SPC",
            "https://example.com/bitcoin:",
            "bitcoins:x",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn generated_inputs_never_panic() {
        let atoms = [
            "BCD\n",
            "SPC\n",
            "\n",
            "\r\n",
            "bitcoin:",
            "lightning:",
            "ethereum:",
            "lnbc",
            "1",
            "?",
            "&",
            "=",
            "amount",
            "@",
            "/",
            "EUR",
            "CH44",
            "QRR",
            "EPD",
            "é",
            "%",
            "0x",
            "q",
            "p",
            "LNURL1",
        ];
        let mut seed: u64 = 0x0bad_cafe_1234_5678;
        for _ in 0..6000 {
            let mut text = String::new();
            for _ in 0..(seed % 20) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(atoms[(seed % atoms.len() as u64) as usize]);
            }
            seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
            if let Some(p) = parse(&text) {
                let _ = (p.summary(), p.describe());
            }
        }
        // Truncations of the real examples at every byte.
        for example in [EPC, SWISS_QRR] {
            for cut in 0..example.len() {
                if let Some(text) = example.get(..cut)
                    && let Some(p) = parse(text)
                {
                    let _ = p.describe();
                }
            }
        }
    }
}
