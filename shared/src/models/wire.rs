//! What a family does on the wire: the order of the files it asks for and the
//! transport it tries first. Kept beside the catalogue so that one table says
//! everything Lifeline knows of a family, each fact with its source.
//!
//! Sources: the 79xx order from packet captures of real phones and Cisco's
//! system administration guides; 78xx/88xx ask over HTTP on port 6970 of the
//! TFTP server first, as documented by the usecallmanager.nz project. Nothing here was captured from a 69xx, 894x, 792x, 78xx or 88xx:
//! their boot order is the documented 79xx order and says so
//! ([`Family::boot_order_verified`]).

use super::{Family, FamilyId, ManifestStyle};
use serde::{Deserialize, Serialize};

/// The files a phone asks for, in order, from power-on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BootOrder {
    /// `CTLSEP<MAC>.tlv`, `ITLSEP<MAC>.tlv`, `ITLFile.tlv` (each may be
    /// missing), `SEP<MAC>.cnf.xml` else `XMLDefault.cnf.xml`, the
    /// `<LOAD>.loads` its `loadInformation` names, then each image the manifest
    /// lists, in order. After a wipe a family with a recovery manifest asks for
    /// `termNN.default.loads` and its images instead.
    CnfXml,
    /// 7940/7960: `OS79XX.TXT`, `SEPDefault.cnf.xml`, `SIP<MAC>.cnf` … (the
    /// older generation; see the catalogue's 7940/7960 entry).
    Os79xx,
}

/// `a 7961`, `an 8841`: a model or family name with its article (names are
/// read as numbers, and only "eight…" and "eleven…" take "an").
pub fn with_article(name: &str) -> String {
    let an = name.starts_with('8') || (name.starts_with("11") && !name.starts_with("111"));
    format!("{} {name}", if an { "an" } else { "a" })
}

/// The port a phone that asks over HTTP first asks on.
pub const PROVISION_HTTP_PORT: u16 = 6970;

impl Family {
    /// Whether the family asks for its files over HTTP on port 6970 of the
    /// TFTP server before TFTP: the 7800 and 8800 series (usecallmanager.nz;
    /// one user measured about 10 s to registration over HTTP against 80 s
    /// over TFTP). The simulator's transport choice reads this.
    pub fn http_first(&self) -> bool {
        matches!(
            self.id,
            FamilyId::F78xx | FamilyId::F88xx | FamilyId::F8845_65
        )
    }

    /// The files it asks for, in order.
    pub fn boot_order(&self) -> BootOrder {
        match self.manifest_style {
            ManifestStyle::LaVersion => BootOrder::Os79xx,
            _ => BootOrder::CnfXml,
        }
    }

    /// Whether the boot order was seen on the wire for this family (79xx
    /// captures), rather than assumed from the 79xx's.
    pub fn boot_order_verified(&self) -> bool {
        self.manifest_style == ManifestStyle::FiveImages
    }

    /// Whether a SIP line of this family's `SEP<MAC>.cnf.xml` must carry its
    /// own `authName` (the 7800/8800 series register with it and do not fall
    /// back to the line's user; a line without one never registers).
    pub fn needs_auth_name(&self) -> bool {
        self.http_first()
    }

    /// Whether its SIP configuration needs `<kpml>0</kpml>` (see
    /// `config::cnf_xml::sep_cnf`): the 7800/8800 series.
    pub fn needs_kpml_off(&self) -> bool {
        self.http_first()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{FAMILIES, family};

    #[test]
    fn the_7800_and_8800_series_ask_http_first_and_no_other_family_does() {
        for f in FAMILIES {
            let newer = matches!(f.id, FamilyId::F78xx | FamilyId::F88xx | FamilyId::F8845_65);
            assert_eq!(f.http_first(), newer, "{}", f.name);
            assert_eq!(f.needs_auth_name(), newer, "{}", f.name);
            assert_eq!(f.needs_kpml_off(), newer, "{}", f.name);
        }
    }

    #[test]
    fn articles_follow_how_the_number_is_said() {
        assert_eq!(with_article("8841"), "an 8841");
        assert_eq!(
            with_article("8811/8841/8851/8861"),
            "an 8811/8841/8851/8861"
        );
        assert_eq!(with_article("7961"), "a 7961");
        assert_eq!(with_article("6921"), "a 6921");
    }

    #[test]
    fn only_the_7940_7960_boot_through_os79xx_and_only_79xx_orders_are_verified() {
        assert_eq!(family(FamilyId::F7940_7960).boot_order(), BootOrder::Os79xx);
        for id in [
            FamilyId::F69xx,
            FamilyId::F894x,
            FamilyId::F792x,
            FamilyId::F78xx,
            FamilyId::F88xx,
            FamilyId::F8845_65,
        ] {
            let f = family(id);
            assert_eq!(f.boot_order(), BootOrder::CnfXml, "{}", f.name);
            assert!(!f.boot_order_verified(), "{}", f.name);
        }
        assert!(family(FamilyId::F7941_7961).boot_order_verified());
    }
}
