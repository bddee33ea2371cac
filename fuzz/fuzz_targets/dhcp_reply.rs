//! The one view of a DHCP server's reply (read by the rival-server probe and
//! the simulated phone) never panics and never reads out of bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lifeline_proto::dhcp::reply::ServerReply;

fuzz_target!(|data: &[u8]| {
    let _ = ServerReply::parse(data);
});
