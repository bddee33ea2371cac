//! The helper pill's view model (pure): its tone and words, and the facts it
//! shows when opened. The component only renders them.

use std::net::Ipv4Addr;

use lifeline_shared::protocol::Status;

use crate::helper::Helper;
use crate::interfaces;
use crate::pairing::Link;

/// What the pill shows of the helper (not its phones or log, which change often).
#[derive(Clone, Debug, PartialEq)]
pub struct HelperFacts {
    /// `lifeline 0.1.0`.
    pub name: Option<String>,
    pub status: Option<Status>,
    /// The pill's tone and words.
    pub pill: (&'static str, String),
}

impl HelperFacts {
    /// The facts of `helper`.
    pub fn of(helper: &Helper, tftp: Option<Ipv4Addr>) -> HelperFacts {
        HelperFacts {
            name: helper.name.clone(),
            status: helper.status.clone(),
            pill: pill(helper, tftp),
        }
    }
}

/// The short text of the helper pill: tone and words.
pub fn pill(helper: &Helper, tftp: Option<Ipv4Addr>) -> (&'static str, String) {
    match &helper.link {
        // The helper served this page: it runs, but this page has no token.
        Link::Unpaired => ("muted", "Helper not paired".to_string()),
        Link::Connecting { attempt: 1 } => ("muted", "Connecting to the helper…".to_string()),
        Link::Connecting { .. } | Link::Retrying { .. } => {
            ("error", "Helper not reachable".to_string())
        }
        Link::Refused(_) => ("error", "Helper refused this page".to_string()),
        Link::NewToken => ("error", "Helper has a new token".to_string()),
        Link::Connected => {
            let status = helper.status.as_ref();
            let on = status.and_then(|s| {
                let all = interfaces::addresses(s);
                tftp.and_then(|t| all.iter().find(|c| c.address == t).cloned())
                    .or_else(|| interfaces::choose_interface(s, &helper.live.addresses()))
            });
            match on {
                Some(c) => ("ok", format!("Helper on {} ({})", c.address, c.name)),
                None => ("ok", "Helper connected".to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::status_with_bundle as status;

    #[test]
    fn the_pill_says_where_the_helper_is() {
        let mut h = Helper::default();
        assert_eq!(pill(&h, None), ("muted", "Helper not paired".into()));
        h.link = Link::Connecting { attempt: 1 };
        assert_eq!(pill(&h, None).1, "Connecting to the helper…");
        h.link = Link::Retrying {
            attempt: 3,
            retry_in_ms: 4000,
            lost_at: None,
        };
        assert_eq!(pill(&h, None), ("error", "Helper not reachable".into()));
        h.link = Link::Connected;
        assert_eq!(pill(&h, None).1, "Helper connected");
        h.status = Some(status(&[
            ("eth0", [192, 168, 10, 105], 24),
            ("eth1", [10, 0, 0, 1], 8),
        ]));
        assert_eq!(pill(&h, None).1, "Helper on 192.168.10.105 (eth0)");
        assert_eq!(
            pill(&h, Some(Ipv4Addr::new(10, 0, 0, 1))).1,
            "Helper on 10.0.0.1 (eth1)"
        );
        assert!(h.serves("b1") && !h.serves("b2"));
    }
}
