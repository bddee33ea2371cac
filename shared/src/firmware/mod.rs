//! Firmware: archives, Cisco signed files, manifests, and the inspection report.
//!
//! Data flows one way: [`archive`] reads the input (a zip, or loose files) into
//! entries with their CRCs checked, and [`package`] a Call Manager package (`.cop.sgn`,
//! `.tar.gz`, `.tar`) into files; [`signed`] and [`manifest`] read the `.loads`
//! files among them; [`inspect`] puts it together into a [`inspect::Report`] with
//! every finding; [`upgrade`] holds the hops Cisco requires between loads.

pub mod archive;
pub mod inspect;
pub mod manifest;
pub mod package;
pub mod signed;
pub mod upgrade;
pub mod upgrade79;
pub mod version;
