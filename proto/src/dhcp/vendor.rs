//! Who is asking: option 60 (vendor class identifier) and the MAC address,
//! turned into the label a person recognises (`7961`, `SEP001122AABBCC`).
//!
//! Pure: bytes in, values out. Phones send `Cisco Systems, Inc. IP Phone CP-7961G`
//! followed by a NUL (`…CP-7941G-GE`, `…CP-7940G`); 7905/7912 send
//! `…IP Phone 7912` without the NUL.
//!
//! This could live in `lifeline_shared::dhcp` (it does no I/O); it is here
//! until that module can take it.

use lifeline_shared::config::mac::Mac;
use lifeline_shared::models;

/// What every Cisco device's option 60 starts with.
pub const CISCO_PREFIX: &[u8] = b"Cisco Systems";
/// The marker before a phone's model in option 60.
const PHONE_MARKER: &str = "IP Phone ";
/// Labels are cut to this many characters: option 60 is untrusted.
const MAX_LABEL: usize = 32;

/// Whether option 60 says the client is a Cisco device.
pub fn is_cisco_class(class_id: &[u8]) -> bool {
    class_id.starts_with(CISCO_PREFIX)
}

/// The phone model option 60 names, if it names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneModel {
    /// As sent, without NULs, cut to a sane length: `CP-7961G`, `7912`.
    pub sent: String,
    /// The catalogue's name for it when Lifeline knows the model: `7961`.
    pub catalogue: Option<&'static str>,
}

impl PhoneModel {
    /// The short label: the catalogue name, else what the phone sent.
    pub fn label(&self) -> &str {
        self.catalogue.unwrap_or(&self.sent)
    }
}

/// Reads the model out of a Cisco phone's option 60.
pub fn phone_model(class_id: &[u8]) -> Option<PhoneModel> {
    if !is_cisco_class(class_id) {
        return None;
    }
    let text = std::str::from_utf8(class_id).ok()?;
    let text = text.trim_end_matches('\0').trim();
    let (_, model) = text.split_once(PHONE_MARKER)?;
    let sent: String = model
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(MAX_LABEL)
        .collect();
    if sent.is_empty() {
        return None;
    }
    let catalogue = models::model(&sent).map(|m| m.name).or_else(|| {
        let bare = sent.strip_prefix("CP-").unwrap_or(&sent);
        models::OTHER_DEVICE_IDS
            .iter()
            .map(|(name, _)| *name)
            .find(|name| {
                bare.eq_ignore_ascii_case(name) || bare.eq_ignore_ascii_case(&format!("{name}G"))
            })
    });
    Some(PhoneModel { sent, catalogue })
}

/// A MAC address from a DHCP `chaddr` (Ethernet, six bytes).
pub fn mac_of(chaddr: &[u8]) -> Option<Mac> {
    <[u8; 6]>::try_from(chaddr).ok().map(Mac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_model_of_every_option_60_shape() {
        for (sent, label) in [
            (&b"Cisco Systems, Inc. IP Phone CP-7961G\0"[..], "7961"),
            (b"Cisco Systems, Inc. IP Phone CP-7941G-GE\0", "7941G-GE"),
            (b"Cisco Systems, Inc. IP Phone CP-7940G\0", "7940"),
            (b"Cisco Systems, Inc. IP Phone 7912", "7912"),
            (b"Cisco Systems, Inc. IP Phone CP-9999G\0", "CP-9999G"),
        ] {
            let model = phone_model(sent).unwrap_or_else(|| panic!("{sent:?}"));
            assert_eq!(model.label(), label, "{sent:?}");
        }
    }

    #[test]
    fn other_vendors_and_garbage_name_no_model() {
        assert!(!is_cisco_class(b"MSFT 5.0"));
        assert_eq!(phone_model(b"MSFT 5.0"), None);
        assert_eq!(phone_model(b"Cisco Systems, Inc."), None);
        assert_eq!(phone_model(b"Cisco Systems\xff\xfe IP Phone "), None);
        assert_eq!(phone_model(b""), None);
        let long = [&b"Cisco Systems, Inc. IP Phone "[..], &[b'A'; 300]].concat();
        assert_eq!(phone_model(&long).map(|m| m.sent.len()), Some(MAX_LABEL));
    }

    #[test]
    fn macs_come_from_six_byte_chaddrs_only() {
        assert_eq!(
            mac_of(&[0, 0x1b, 0x54, 1, 2, 3]).map(|m| m.sep_name()),
            Some("SEP001B54010203".to_owned())
        );
        assert_eq!(mac_of(&[0; 16]), None);
        assert_eq!(mac_of(&[]), None);
    }
}
