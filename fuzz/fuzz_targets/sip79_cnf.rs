//! The 7940/7960 `.cnf` reader and its check never panic and stay within their bounds;
//! what the reader accepts, the writer writes back to the same entries when every key is
//! one the phone reads; `OS79XX.TXT`'s check takes any bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::config::sip79::{self, MAX_CNF_TEXT, keys};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let images = ["P0S3-8-12-00".to_string()];
    let _ = sip79::check("SIPDefault.cnf", &text, Some(&images));
    let _ = sip79::check_os79xx("OS79XX.TXT", data, Some(&images));
    if let Ok(entries) = sip79::parse(&text) {
        assert!(text.len() <= MAX_CNF_TEXT);
        let pairs: Vec<(String, String)> = entries
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect();
        if pairs.iter().all(|(k, _)| keys::lookup(k).is_some())
            && let Ok(written) = sip79::write_lines(&pairs)
        {
            let back: Vec<(String, String)> = sip79::parse(&written)
                .expect("what the writer writes, the reader reads")
                .into_iter()
                .map(|e| (e.key, e.value))
                .collect();
            assert_eq!(back, pairs);
        }
    }
});
