//! Phone configuration files: `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml`; the
//! 7940/7960's `OS79XX.TXT` and SIP text files.

pub mod cnf_xml;
pub mod mac;
pub mod phones;
pub mod registers;
pub mod sip79;
