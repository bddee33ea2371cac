//! The one view of a DHCP server's reply (read by the rival-server probe and
//! the simulated phone) never panics and never reads out of bounds.
#![no_main]
use lifeline_proto::dhcp::reply::ServerReply;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ServerReply::parse(data);
});
