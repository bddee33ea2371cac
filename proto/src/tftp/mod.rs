//! TFTP without I/O. Layout:
//!
//! - [`packet`]: the codec (checked view, validated value, emit);
//! - [`session`]: one read transfer as a state machine handed the time;
//! - [`time`]: the time handed to sessions, as plain nanoseconds.

pub mod packet;
pub mod session;
pub mod time;
