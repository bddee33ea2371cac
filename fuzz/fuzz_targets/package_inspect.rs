//! Reading a Call Manager package (signed header + gzip'd tar, or a bare tar)
//! and inspecting what it holds never panics and never allocates past the
//! reader's limits, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_shared::firmware::inspect::inspect_archive;

fuzz_target!(|data: &[u8]| {
    for name in ["x.cop.sgn", "x.tar.gz", "x.tar"] {
        let _ = inspect_archive(name, data);
    }
});
