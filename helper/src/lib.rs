//! The `lifeline` helper: serves the Lifeline web app on this machine, TFTP and
//! DHCP to the phones, and does the same work from a terminal.
//!
//! The binary's entry point (`src/main.rs`) parses flags, sets up logging and
//! the async runtime, binds the sockets, and hands them to [`serve::run`].
//!
//! # Layout
//!
//! - [`serve`]: `run(config, sockets, shutdown)`, every server wired together.
//! - [`web`]: the embedded web app over HTTP; [`control`]: the `/ws` session.
//! - [`events`]: the one event channel the servers publish on.
//! - [`plane`]: the switchable TFTP file source, the status, the tracker task.
//! - [`bundles`]: the data directory's bundles, staging and `current`.
//! - [`files`]: the bundle's files and how a requested name resolves (TFTP
//!   and HTTP provisioning alike).
//! - [`tftp`], [`provision`] (HTTP on 6970), [`dhcp`]: the servers; [`simulate`]: a phone on the wire.
//! - [`inspect_cmd`], [`prep_cmd`]: the terminal subcommands; [`manual`]:
//!   man pages and shell completions from the flags' definition.
//! - [`neighbours`]: what phones announce over CDP and LLDP-MED, and
//!   `lifeline neighbours`.
//! - [`token`]: the pairing token, kept in the data directory across restarts.
//! - [`atomic`]: file and folder writes a crash never leaves half done.
//! - [`terminal`]: stdout and stderr lines that never block or kill a server.

pub mod atomic;
pub mod bundles;
pub mod control;
pub mod dhcp;
pub mod events;
pub mod files;
pub mod inspect_cmd;
pub mod manual;
pub mod neighbours;
pub mod plan_cmd;
pub mod plane;
pub mod prep_cmd;
pub mod provision;
pub mod registers;
pub mod serve;
pub mod simulate;
pub mod terminal;
pub mod tftp;
pub mod token;
pub mod walks;
pub mod web;
