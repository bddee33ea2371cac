//! The TFTP server. Layout:
//!
//! - `lifeline_proto::tftp`: the codec and the session, without I/O;
//! - [`crate::files`]: where files come from and how names resolve, safely
//!   (shared with HTTP provisioning);
//! - [`server`]: the thin socket loop (tokio for requests, a blocking thread
//!   per transfer);
//! - [`setup`]: `serve` flags to a file source, bind errors with their fixes;
//! - [`tid`]: a transfer's own port: a connected socket where the kernel allows;
//! - [`clock`]: the monotonic clock read for sessions, as plain nanoseconds.
//!
//! Events (request, progress, done, aborted) go to [`crate::events`].

pub mod clock;
pub mod server;
pub mod setup;
pub mod tid;
