//! The TFTP server. Layout:
//!
//! - [`packet`]: the codec (checked view, validated value, emit); no I/O;
//! - [`session`]: one read transfer as a state machine handed the time;
//! - [`files`]: where files come from and how names resolve, safely;
//! - [`server`]: the thin socket loop (tokio for requests, a blocking thread
//!   per transfer);
//! - [`setup`]: `serve` flags to a file source, bind errors with their fixes;
//! - [`tid`]: a transfer's own port: a connected socket where the kernel allows;
//! - [`time`]: the clock handed to sessions, as plain nanoseconds.
//!
//! Events (request, progress, done, aborted) go to [`crate::events`].

pub mod files;
pub mod packet;
pub mod server;
pub mod session;
pub mod setup;
pub mod tid;
pub mod time;
