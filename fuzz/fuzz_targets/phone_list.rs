//! The phone-list reader never panics and stays within its bounds; what it accepts,
//! the writer writes back to the same phones.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::config::phones::{self, MAX_CSV, MAX_ROWS, Target};
use lifeline_shared::models::{FamilyId, Protocol};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for (family, protocol) in [
        (FamilyId::F7942_7962, Protocol::Sip),
        (FamilyId::F7940_7960, Protocol::Sip),
        (FamilyId::F88xx, Protocol::Sccp),
    ] {
        let target = Target {
            family: Some(family),
            family_name: family.as_str().into(),
            protocol,
        };
        if let Ok(list) = phones::parse(&text, &target) {
            assert!(text.len() <= MAX_CSV && list.phones.len() <= MAX_ROWS + 1);
            let again = phones::parse(&phones::to_csv(&list.phones), &target)
                .expect("what the writer writes, the reader reads");
            assert!(again.problems.is_empty());
            let strip = |v: &[phones::PhoneEntry]| {
                v.iter()
                    .map(|p| phones::PhoneEntry { line: 0, ..p.clone() })
                    .collect::<Vec<_>>()
            };
            assert_eq!(strip(&again.phones), strip(&list.phones));
        }
    }
});
