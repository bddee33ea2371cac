//! The byte ranges of a DHCP message (RFC 2131 §2, the BOOTP header of RFC
//! 951), named once for every reader and writer.

use std::ops::{Range, RangeFrom};

/// A byte's position.
pub type Field = usize;

/// `op`: 1 BOOTREQUEST, 2 BOOTREPLY.
pub const OP: Field = 0;
/// `htype`: 1 for Ethernet.
pub const HTYPE: Field = 1;
/// `hlen`: 6 for Ethernet.
pub const HLEN: Field = 2;
/// `xid`, the transaction id.
pub const XID: Range<usize> = 4..8;
/// `ciaddr`, the client's address when it has one.
pub const CIADDR: Range<usize> = 12..16;
/// `yiaddr`, the address offered or acknowledged.
pub const YIADDR: Range<usize> = 16..20;
/// `siaddr`, the next server.
pub const SIADDR: Range<usize> = 20..24;
/// `giaddr`, the relay agent.
pub const GIADDR: Range<usize> = 24..28;
/// An Ethernet MAC, the first six bytes of `chaddr`.
pub const CHADDR_MAC: Range<usize> = 28..34;
/// `sname`, which holds options when option 52's bit 2 is set.
pub const SNAME: Range<usize> = 44..108;
/// `file`, which holds options when option 52's bit 1 is set.
pub const FILE: Range<usize> = 108..236;
/// The magic cookie that makes a BOOTP message a DHCP one.
pub const COOKIE: Range<usize> = 236..240;
/// The options field.
pub const OPTIONS: RangeFrom<usize> = 240..;

/// The fixed BOOTP header, up to and including `file`.
pub const HEADER_LEN: usize = COOKIE.start;
/// The least a DHCP message can be: the header and the cookie.
pub const MIN_LEN: usize = OPTIONS.start;

/// `op` of a request.
pub const BOOTREQUEST: u8 = 1;
/// `op` of a reply.
pub const BOOTREPLY: u8 = 2;
/// `htype` of Ethernet.
pub const ETHERNET: u8 = 1;
/// `hlen` of Ethernet.
pub const ETHERNET_LEN: u8 = 6;
/// The DHCP magic cookie's value.
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// A message for tests: `op`, Ethernet, xid `0x12345678`, MAC
/// `00:1B:54:01:02:03`, the cookie, then `options` as given.
#[cfg(test)]
pub(crate) fn test_message(op: u8, options: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; HEADER_LEN];
    b[OP] = op;
    b[HTYPE] = ETHERNET;
    b[HLEN] = ETHERNET_LEN;
    b[XID].copy_from_slice(&0x1234_5678u32.to_be_bytes());
    b[CHADDR_MAC].copy_from_slice(&[0x00, 0x1b, 0x54, 1, 2, 3]);
    b.extend(MAGIC_COOKIE);
    b.extend(options);
    b
}
