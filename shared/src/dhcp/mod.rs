//! DHCP facts the phones depend on: option 150 (and 66) in every server's syntax.

pub mod option150;
