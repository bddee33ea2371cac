//! The keys a 7940/7960 SIP image reads from `SIPDefault.cnf` and `SIP<MAC>.cnf`, and the
//! lengths it keeps.
//!
//! Source: Cisco SIP IP Phone Administrator Guide, releases 7.x and 8.x for the
//! 7960G/7940G, appendix "Configurable Parameters for the SIP IP Phone" (the
//! `SIPDefault.cnf` table, alphabetical). `linex_…` and `proxyx_…` keys exist for lines 1 to
//! 6 (a 7940 has two line buttons, a 7960 six).

/// Lines a 7960 has (a 7940 has two); `line7_name` is not a key.
pub const MAX_LINES: u8 = 6;

/// The longest `linex_password` Lifeline lets through for a 7940/7960: 32
/// characters. **Unverified**: it is the figure remembered from Cisco's SIP
/// admin guide (appendix "Configurable Parameters for the SIP IP Phone"), but
/// no copy of that table retrieved for this project shows the limit, so the
/// findings say it is unconfirmed. A password over it may be cut by the phone,
/// which then answers the registrar's challenge with another password.
pub const PASSWORD_LIMIT: usize = 32;

/// The longest `phone_label` the display shows (11 characters, same table).
pub const PHONE_LABEL_LIMIT: usize = 11;

/// Keys that are not per line, as the table names them.
const PLAIN: &[&str] = &[
    "anonymous_call_block",
    "auto_answer",
    "autocomplete",
    "call_hold_ringback",
    "call_stats",
    "call_waiting",
    "callerid_blocking",
    "cfwd_url",
    "cnf_join_enable",
    "dial_template",
    "directory_url",
    "dnd_control",
    "dst_auto_adjust",
    "dst_offset",
    "dst_start_day",
    "dst_start_day_of_week",
    "dst_start_month",
    "dst_start_time",
    "dst_start_week_of_month",
    "dst_stop_day",
    "dst_stop_day_of_week",
    "dst_stop_month",
    "dst_stop_time",
    "dst_stop_week_of_month",
    "dtmf_avt_payload",
    "dtmf_db_level",
    "dtmf_inband",
    "dtmf_outofband",
    "enable_vad",
    "end_media_port",
    "external_number_mask",
    "http_proxy_addr",
    "http_proxy_port",
    "image_version",
    "language",
    "local_cfwd_enable",
    "logo_url",
    "messages_uri",
    "nat_address",
    "nat_enable",
    "nat_received_processing",
    "network_media_type",
    "network_port2_type",
    "outbound_proxy",
    "outbound_proxy_support",
    "phone_label",
    "phone_password",
    "phone_prompt",
    "preferred_codec",
    "proxy_backup",
    "proxy_backup_port",
    "proxy_emergency",
    "proxy_emergency_port",
    "proxy_register",
    "remote_party_id",
    "retry_bye",
    "retry_invite",
    "retry_notify",
    "retry_register",
    "retry_rel1xx",
    "retry_subscribe",
    "semi_attended_transfer",
    "services_url",
    "sip_invite_retx",
    "sip_retx",
    "sntp_mode",
    "sntp_server",
    "start_media_port",
    "stutter_msg_waiting",
    "sync",
    "telnet_level",
    "tftp_cfg_dir",
    "time_format_24hr",
    "time_zone",
    "timer_invite_expires",
    "timer_register_delta",
    "timer_register_expires",
    "timer_t1",
    "timer_t2",
    "tos_media",
    "user_info",
    "voip_control_port",
];

/// Per-line keys, `x` standing for the line number.
const PER_LINE: &[&str] = &[
    "linex_authname",
    "linex_contact",
    "linex_displayname",
    "linex_name",
    "linex_password",
    "linex_shortname",
    "proxyx_address",
    "proxyx_port",
];

/// Which key of the table a key is, if any. `line3_name` is `linex_name` for line 3.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// A key that is not per line.
    Plain(&'static str),
    /// A per-line key (`linex_name`) and its line, 1 to [`MAX_LINES`].
    Line(&'static str, u8),
}

/// Looks a key up (case-sensitive: the phone's parser is).
pub fn lookup(key: &str) -> Option<Key> {
    if let Some(k) = PLAIN.iter().find(|k| **k == key) {
        return Some(Key::Plain(k));
    }
    for pattern in PER_LINE {
        let (head, tail) = pattern.split_once("x_").unwrap_or((pattern, ""));
        if let Some(rest) = key
            .strip_prefix(head)
            .and_then(|r| r.strip_suffix(tail))
            .and_then(|r| r.strip_suffix('_'))
            && let Ok(n) = rest.parse::<u8>()
            && (1..=MAX_LINES).contains(&n)
            && rest.len() == 1
        {
            return Some(Key::Line(pattern, n));
        }
    }
    None
}

/// Every key spelled out (`line1_name` … `line6_name`), for "did you mean".
pub fn all() -> impl Iterator<Item = String> {
    PLAIN.iter().map(|k| k.to_string()).chain(
        PER_LINE
            .iter()
            .flat_map(|p| (1..=MAX_LINES).map(move |n| p.replacen("x_", &format!("{n}_"), 1))),
    )
}

/// The known key closest to an unknown one, when it is close enough to be a slip: another
/// case, or at most two edits (a swapped pair counts as one).
pub fn did_you_mean(key: &str) -> Option<String> {
    let lower = key.to_ascii_lowercase();
    if key.len() > 64 {
        return None;
    }
    all()
        .map(|k| (slips(&lower, &k), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and
/// swaps of neighbours, each one edit.
fn slips(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * w + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (d[(i - 1) * w + j] + 1)
                    .min(d[i * w + j - 1] + 1)
                    .min(d[(i - 1) * w + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(d[(i - 2) * w + j - 2] + 1);
                }
                v
            };
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_keys_take_lines_one_to_six() {
        assert_eq!(lookup("line1_name"), Some(Key::Line("linex_name", 1)));
        assert_eq!(lookup("proxy6_port"), Some(Key::Line("proxyx_port", 6)));
        assert_eq!(lookup("line7_name"), None);
        assert_eq!(lookup("line0_name"), None);
        assert_eq!(lookup("line01_name"), None);
        assert_eq!(lookup("linex_name"), None);
        assert_eq!(lookup("proxy_register"), Some(Key::Plain("proxy_register")));
        assert_eq!(lookup("Image_Version"), None);
    }

    #[test]
    fn slips_get_a_suggestion_and_strangers_none() {
        assert_eq!(
            did_you_mean("line1_pasword").as_deref(),
            Some("line1_password")
        );
        assert_eq!(
            did_you_mean("image_verison").as_deref(),
            Some("image_version")
        );
        assert_eq!(
            did_you_mean("IMAGE_VERSION").as_deref(),
            Some("image_version")
        );
        assert_eq!(
            did_you_mean("proxy1_adress").as_deref(),
            Some("proxy1_address")
        );
        assert_eq!(did_you_mean("completely_else"), None);
    }

    #[test]
    fn every_spelled_key_is_found() {
        for k in all() {
            assert!(lookup(&k).is_some(), "{k}");
        }
        assert_eq!(all().count(), PLAIN.len() + PER_LINE.len() * 6);
    }
}
