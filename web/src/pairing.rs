//! Pairing with the helper and the state of the connection (pure).
//!
//! Invariant: the pairing token only ever comes from the fragment the helper
//! printed (`#token=…`) or this tab's session storage; it never goes into a link.

/// The session storage key of the pairing token.
pub const TOKEN_KEY: &str = "lifeline-token";
/// The longest wait between connection attempts.
pub const MAX_BACKOFF_MS: u64 = 15_000;

/// Splits a location's fragment into the pairing token and what else it holds
/// (the settings link, `s=1&…`). Returns `(token, rest)`; `rest` has no `#`.
pub fn split_token(hash: &str) -> (Option<String>, String) {
    let fragment = hash.strip_prefix('#').unwrap_or(hash);
    let mut token = None;
    let mut rest: Vec<&str> = Vec::new();
    for part in fragment.split('&') {
        match part.strip_prefix("token=") {
            Some(t) if token.is_none() && valid_token(t) => token = Some(t.to_string()),
            Some(_) => {}
            None if part.is_empty() => {}
            None => rest.push(part),
        }
    }
    (token, rest.join("&"))
}

/// A token as the helper makes them: hex, not absurdly long.
pub fn valid_token(t: &str) -> bool {
    !t.is_empty() && t.len() <= 128 && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The host (and port) of a page's address: `127.0.0.1:7961` of
/// `http://127.0.0.1:7961/`.
pub fn host_of(page: &str) -> &str {
    let rest = page.split_once("://").map_or(page, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Why a page has no connection to the helper that served it (`page`: its
/// address without the fragment): it was opened without the pairing token, and
/// the helper answers only the page opened from the address it printed.
pub fn unpaired_why(page: &str) -> String {
    format!(
        "This page came from the Lifeline helper at {}, but without its pairing token",
        host_of(page)
    )
}

/// How to pair a page opened without the token: the address the helper
/// printed when it started, the same page with `#token=…` after it.
pub fn unpaired_fix(page: &str) -> String {
    format!(
        "Open the address the helper printed when it started, with its token: `{page}#token=…` (it is in the terminal where `lifeline serve` runs)."
    )
}

/// Why a page whose token the helper refuses cannot reach it: the helper at
/// `page`'s host answers, but was restarted with a new pairing token.
pub fn new_token_why(page: &str) -> String {
    format!(
        "The helper at {} was restarted with a new pairing token, so it no longer accepts this page's",
        host_of(page)
    )
}

/// How to pair again after the helper got a new token: paste the address it
/// printed into this tab; the settings stay.
pub fn new_token_fix(page: &str) -> String {
    format!(
        "Copy the address it printed at its start (`{page}#token=…`, in the terminal where `lifeline serve` runs) into this tab's address bar and press Enter: this page pairs again and keeps everything you entered."
    )
}

/// The websocket address on the page's own host.
pub fn socket_url(protocol: &str, host: &str, token: &str) -> String {
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws?token={token}")
}

/// How long to wait before connection attempt `attempt` (2, 3, …): 1 s, 2 s,
/// 4 s, 8 s, then every 15 s.
pub fn backoff_ms(attempt: u32) -> u64 {
    let doublings = attempt.saturating_sub(2).min(16);
    (1000_u64 << doublings).min(MAX_BACKOFF_MS)
}

/// The connection to the helper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// No pairing token: the page was not opened from the address the helper
    /// printed. Nothing is tried.
    Unpaired,
    /// Opening the socket (attempt 1, 2, …).
    Connecting { attempt: u32 },
    /// Hello exchanged: messages flow.
    Connected,
    /// The socket closed, or could not open; the page tries again by itself.
    Retrying {
        /// The attempt that failed.
        attempt: u32,
        /// When the next one starts.
        retry_in_ms: u64,
        /// When the connection was lost (local time), if it was up.
        lost_at: Option<u64>,
    },
    /// The helper refused this page (another protocol version): why, with the
    /// fix. Not tried again.
    Refused(String),
    /// The helper answers but no longer knows this page's pairing token: it
    /// was restarted with a new one. Not tried again until a new token comes
    /// in through the address bar.
    NewToken,
}

impl Link {
    /// Whether messages can be sent.
    pub fn is_connected(&self) -> bool {
        *self == Link::Connected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_out_of_the_fragment_and_the_settings_stay() {
        assert_eq!(
            split_token("#token=00ff"),
            (Some("00ff".into()), String::new())
        );
        assert_eq!(
            split_token("#token=ab12&s=1&t=10.0.0.1&k=01234567"),
            (Some("ab12".into()), "s=1&t=10.0.0.1&k=01234567".into())
        );
        assert_eq!(
            split_token("#s=1&t=10.0.0.1&k=01234567&token=ab"),
            (Some("ab".into()), "s=1&t=10.0.0.1&k=01234567".into())
        );
        assert_eq!(split_token("#s=1&k=1"), (None, "s=1&k=1".into()));
        assert_eq!(split_token(""), (None, String::new()));
        // Not a token the helper makes: dropped, not used.
        assert_eq!(split_token("#token=<script>"), (None, String::new()));
        assert_eq!(split_token("#token="), (None, String::new()));
        assert!(!valid_token(&"a".repeat(129)));
    }

    #[test]
    fn a_page_without_its_token_is_sent_to_the_address_the_helper_printed() {
        let page = "http://127.0.0.1:7961/";
        assert_eq!(host_of(page), "127.0.0.1:7961");
        assert_eq!(host_of("http://[::1]:80/app?x=1"), "[::1]:80");
        assert_eq!(
            unpaired_why(page),
            "This page came from the Lifeline helper at 127.0.0.1:7961, but without its pairing token"
        );
        let fix = unpaired_fix(page);
        assert!(fix.contains("`http://127.0.0.1:7961/#token=…`"), "{fix}");
        assert!(!fix.contains("Start"), "{fix}");
    }

    #[test]
    fn a_new_token_is_explained_with_how_to_pair_again() {
        let page = "http://127.0.0.1:7961/";
        let why = new_token_why(page);
        assert!(
            why.contains("127.0.0.1:7961 was restarted with a new pairing token"),
            "{why}"
        );
        assert!(!why.contains("not reachable"), "{why}");
        let fix = new_token_fix(page);
        assert!(fix.contains("`http://127.0.0.1:7961/#token=…`"), "{fix}");
        assert!(fix.contains("this tab's address bar"), "{fix}");
    }

    #[test]
    fn the_socket_is_on_the_pages_own_host() {
        assert_eq!(
            socket_url("http:", "127.0.0.1:7961", "ab"),
            "ws://127.0.0.1:7961/ws?token=ab"
        );
        assert_eq!(socket_url("https:", "h", "ab"), "wss://h/ws?token=ab");
    }

    #[test]
    fn backoff_doubles_to_a_ceiling() {
        let waits: Vec<u64> = (2..=8).map(backoff_ms).collect();
        assert_eq!(waits, [1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
        assert_eq!(backoff_ms(1), 1000);
        assert_eq!(backoff_ms(u32::MAX), MAX_BACKOFF_MS);
    }
}
