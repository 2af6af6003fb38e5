//! Fuzz target: `qraudit generate` with arbitrary flags. Every URL it agrees to generate must
//! be read back by the audit's parser as exactly the community asked for, with no parse issue,
//! and its report must keep the invariants.

#![no_main]

use arbitrary::Arbitrary;
use qraudit::app::generate::CommunitySpec;

#[derive(Debug, Arbitrary)]
struct Flags {
    host: String,
    port: Option<u16>,
    user: Option<String>,
    community_name: Option<String>,
    save_password: bool,
    auth_proxy: bool,
    auth_proxy_user: Option<String>,
    auth_proxy_reuse_credentials: bool,
    allow_untrusted_ssl: bool,
}

libfuzzer_sys::fuzz_target!(|flags: Flags| {
    let spec = CommunitySpec {
        host: flags.host,
        port: flags.port,
        user: flags.user,
        community_name: flags.community_name,
        save_password: flags.save_password,
        auth_proxy: flags.auth_proxy,
        auth_proxy_user: flags.auth_proxy_user,
        auth_proxy_reuse_credentials: flags.auth_proxy_reuse_credentials,
        allow_untrusted_ssl: flags.allow_untrusted_ssl,
    };
    match qraudit::fuzz_entry::generated_url_round_trip(&spec) {
        Ok(Some(url)) => {
            qraudit_fuzz::check(&qraudit::fuzz_entry::check_text(&url));
        }
        Ok(None) => {}
        Err(mismatch) => panic!("generate round trip: {mismatch}"),
    }
});
