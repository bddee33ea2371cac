//! Phone configuration files: `XMLDefault.cnf.xml` and `SEP<MAC>.cnf.xml`.

pub mod cnf_xml;
pub mod mac;
