//! SIP registration as a simulated phone makes it, after it has read its
//! configuration: no I/O, handed the time and the datagrams.
//!
//! - [`message`]: the REGISTER written, a bounded view of responses;
//! - [`digest`]: the 401/407 challenge and its answer (MD5, SHA-256);
//! - [`register`]: one registration, a non-INVITE transaction with
//!   RFC 3261's timers E and F, and its [`register::Outcome`].

pub mod digest;
pub mod message;
pub mod register;
