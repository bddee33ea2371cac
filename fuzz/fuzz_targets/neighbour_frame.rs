//! Reading any bytes as a CDP or LLDP frame never panics, and what it keeps
//! stays within the bounds the module documents.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_proto::neighbour::{Announcement, MAX_OTHER, MAX_OTHER_BYTES, MAX_TEXT};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = Announcement::parse(data) {
        assert!(a.other.len() <= MAX_OTHER);
        assert!(a.other.iter().all(|o| o.value.len() <= MAX_OTHER_BYTES));
        for text in [&a.name, &a.platform, &a.software, &a.port].into_iter().flatten() {
            assert!(text.chars().count() <= MAX_TEXT);
        }
        let _ = (a.mac(), a.model(), a.load());
    }
});
