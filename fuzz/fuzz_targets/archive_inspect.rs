//! Inspecting any bytes as a zip, or as a loose file, never panics, and a report's
//! counts agree with its findings.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::finding::Tally;
use lifeline_shared::firmware::archive::Limits;
use lifeline_shared::firmware::inspect::{InputFile, inspect_files_with, inspect_zip_with};

const LIMITS: Limits = Limits {
    max_entries: 64,
    max_entry_size: 4 << 20,
    max_total_size: 8 << 20,
    max_ratio: 200,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = inspect_zip_with("fuzz.zip", data, &LIMITS) {
        assert_eq!(report.tally, Tally::of(&report.findings));
        assert!(report.entries.len() <= LIMITS.max_entries);
    }
    let file = InputFile {
        name: "SCCP41.8-3-3S.loads".into(),
        data: data.to_vec(),
    };
    let report = inspect_files_with("fuzz", &[file], &LIMITS);
    assert_eq!(report.tally, Tally::of(&report.findings));
});
