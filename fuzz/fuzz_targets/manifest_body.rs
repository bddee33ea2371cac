//! The manifest body parser never panics, stays within its bounds, and what it
//! accepts re-emits to a body that parses to the same image list.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::firmware::manifest::{self, MAX_IMAGES};

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = manifest::parse(data) {
        assert!(!m.images.is_empty() && m.images.len() <= MAX_IMAGES);
        if let Ok(again) = manifest::parse(m.emit().as_bytes()) {
            let a: Vec<_> = m.image_names().collect();
            let b: Vec<_> = again.image_names().collect();
            assert_eq!(a, b);
        }
    }
});
