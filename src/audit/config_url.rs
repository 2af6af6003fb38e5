//! `config-url-escaping`: the `<configUrl>` of a stproxyconfig.xml file must write every `&`
//! of the provisioning URL as `%26` (HCL's procedure); a raw `&` or an `&amp;` makes the proxy
//! serve a different URL than intended. The URL itself is audited like any decoded code; this
//! module judges only the element's escaping, and offers the corrected element text only when
//! it is a strict improvement (`improvement::judge`), as every suggested fix is.

use super::improvement::{self, Audited};
use super::policy::Policy;
use super::{Finding, catalogue};
use crate::container::config_xml::{self, ConfigUrl};

/// The escaping finding of `config_url`, if its element is escaped wrongly.
pub fn escaping(config_url: &ConfigUrl, policy: &Policy) -> Option<Finding> {
    let bad = config_url.bad_escaping?;
    // The element text the procedure asks for.
    let element = config_url.url.replace('&', "%26");
    let finding = Finding::new(
        &catalogue::CONFIG_URL_ESCAPING,
        format!(
            "<configUrl> separates the parameters with '{bad}' instead of %26: the proxy may serve a different URL than intended"
        ),
    )
    .with_evidence(config_url.raw.clone());
    Some(if element_improves(config_url, &element, policy) {
        finding.with_suggested_url(element)
    } else {
        finding
    })
}

/// True when `element`, as the text of `<configUrl>`, is a strict improvement on the element as
/// written: the URL the proxy serves is re-audited, and the escaping checked again.
fn element_improves(config_url: &ConfigUrl, element: &str, policy: &Policy) -> bool {
    let audited = |c: &ConfigUrl| {
        let url = Audited::of_text(&c.url, policy);
        match c.bad_escaping {
            Some(_) => url.with_rule(&catalogue::CONFIG_URL_ESCAPING),
            None => url,
        }
    };
    let wrapped = format!("<mobile><configUrl>{element}</configUrl></mobile>");
    config_xml::extract(wrapped.as_bytes()).is_some_and(|candidate| {
        improvement::judge(
            &audited(config_url),
            &audited(&candidate),
            Some(catalogue::CONFIG_URL_ESCAPING.id),
        )
        .is_ok()
    })
}
