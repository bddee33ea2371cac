//! A SIP proxy given as a name, looked up for the phone before it registers.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// How long a SIP proxy's name may take to resolve.
const LOOKUP_PATIENCE: Duration = Duration::from_secs(10);

/// The IPv4 addresses of a SIP proxy's name, or why there are none; at most
/// [`LOOKUP_PATIENCE`].
pub(super) async fn lookup(name: &str) -> Result<Vec<Ipv4Addr>, String> {
    if is_invalid_tld(name) {
        return Err("names under `.invalid` never resolve (RFC 6761)".into());
    }
    match tokio::time::timeout(LOOKUP_PATIENCE, tokio::net::lookup_host((name, 0))).await {
        Err(_) => Err(format!("no answer within {} s", LOOKUP_PATIENCE.as_secs())),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(addresses)) => {
            let v4: Vec<Ipv4Addr> = addresses
                .filter_map(|a| match a.ip() {
                    IpAddr::V4(ip) => Some(ip),
                    IpAddr::V6(_) => None,
                })
                .collect();
            if v4.is_empty() {
                Err("it has no IPv4 address".into())
            } else {
                Ok(v4)
            }
        }
    }
}

/// Whether `name` is under the special-use `.invalid` domain, which RFC 6761
/// (§6.4) asks resolver libraries to answer negatively at once: no query
/// leaves this machine for it.
fn is_invalid_tld(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    let len = name.len();
    name.eq_ignore_ascii_case("invalid")
        || (len > ".invalid".len()
            && name
                .get(len - ".invalid".len()..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(".invalid")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_names_are_known_without_a_query() {
        for name in ["nothing.invalid", "pbx.INVALID.", "invalid", "a.b.invalid"] {
            assert!(is_invalid_tld(name), "{name}");
        }
        for name in ["pbx.lan", "invalid.lan", "myinvalid", "\u{e9}invalid", ""] {
            assert!(!is_invalid_tld(name), "{name}");
        }
    }

    #[tokio::test]
    async fn an_invalid_name_fails_at_once() {
        let error = lookup("nothing.invalid").await.unwrap_err();
        assert!(error.contains("RFC 6761"), "{error}");
    }
}
