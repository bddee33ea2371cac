//! The Cisco signed-file header parser never panics and never reads out of bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::firmware::signed::SignedHeader;

fuzz_target!(|data: &[u8]| {
    if let Ok((header, body)) = SignedHeader::parse(data) {
        assert!(header.header_len <= data.len());
        assert_eq!(body.len(), data.len() - header.header_len);
    }
});
