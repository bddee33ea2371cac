//! Findings: what an inspection or a check tells a person.
//!
//! A check never stops at the first problem, so a person sees the whole picture at
//! once: it collects every [`Finding`], each with a severity, a stable [`Code`] that scripts and tests can
//! match on, the thing it is about, a plain-words message and how to fix it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Ordered worst first, so sorting puts errors on top.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The phone will not recover with this input as it is.
    Error,
    /// It may work, but something is off and may bite.
    Warning,
    /// Worth knowing; nothing to fix.
    Info,
}

impl Severity {
    /// The lower-case word used in reports and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stable identifier for each kind of finding (kebab-case in JSON).
///
/// New codes may be added; existing ones keep their meaning and spelling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Code {
    /// A manifest lists an image the input does not contain.
    MissingImage,
    /// A manifest names a file that exists only with different letter case.
    CaseMismatch,
    /// A signed file's embedded (tag 14) name differs from the name it is stored under.
    EmbeddedNameMismatch,
    /// A zip entry's data does not match its CRC-32.
    CrcMismatch,
    /// A zip entry's data could not be decompressed.
    CorruptEntry,
    /// An entry name that could escape a folder when extracted.
    UnsafeName,
    /// Two entries with the same name.
    DuplicateEntry,
    /// An encrypted zip entry (cannot be read or served).
    EncryptedEntry,
    /// A compression method other than stored or deflate.
    UnsupportedCompression,
    /// An entry, or the whole input, is larger than the limits allow (zip bomb guard).
    TooLarge,
    /// More entries than the limit; the rest were not read.
    TooManyEntries,
    /// No `.loads` manifest in the input.
    NoManifest,
    /// Firmware of two families mixed in one input.
    MixedFamilies,
    /// A `termNN.default.loads` whose image list differs from the load manifest.
    TermManifestDisagrees,
    /// A model of the family has no recovery manifest in the input.
    MissingRecoveryManifest,
    /// An image that no manifest lists.
    UnlistedImage,
    /// A load of 8.5(3) or later: phones older than 8.3(3) need an intermediate load first.
    UpgradePath,
    /// A `.loads` or `.sbn` whose signed header cannot be read.
    BadSignedHeader,
    /// A manifest body that cannot be understood.
    BadManifest,
    /// A manifest states a size that differs from the file's.
    SizeMismatch,
    /// A manifest states an MD5 that differs from the file's.
    Md5Mismatch,
    /// Firmware for Call Manager (`.cop.sgn`) instead of a phone zip.
    CopFile,
    /// A manifest whose family Lifeline does not know.
    UnknownFamily,
    /// The input contains several load manifests.
    SeveralLoads,
    /// A name that is not valid UTF-8 or contains control characters.
    BadName,
    /// A `.cnf.xml` that is not well-formed XML.
    CnfMalformed,
    /// A `loadInformation` start tag closed by a different end tag.
    CnfMismatchedTag,
    /// A `loadInformation<ID>` whose id does not belong to its `model`.
    CnfWrongDeviceId,
    /// A `loadInformation` naming a load that is not in the bundle.
    CnfUnknownLoad,
    /// No `callManagerGroup`: phones ignore the file.
    CnfNoCallManagerGroup,
    /// A SIP auth password longer than some phones' parsers accept.
    SipPasswordTooLong,
    /// A 78xx/88xx SIP line without its own `authName`.
    CnfNoAuthName,
    /// An optional (`#+`) image a manifest lists is not in the input.
    OptionalImageAbsent,
    /// A 78xx/88xx SIP configuration without `<kpml>0</kpml>`.
    CnfKpmlOn,
    /// A `.cnf` key the 7940/7960 SIP image does not read.
    CnfUnknownKey,
    /// A `.cnf` value longer than the phone shows or keeps.
    CnfValueTooLong,
    /// A `.cnf` key set twice.
    CnfDuplicateKey,
    /// A tar entry that is not a plain file (a link, a device): ignored.
    PackageEntryIgnored,
    /// A `loadNNN.txt` line that disagrees with the catalogue or with the load.
    LoadListDisagrees,
    /// A Call Manager package without the `termNN.default.loads` its models ask for.
    PackageLacksRecoveryManifests,
    /// An archive nested in a package (a locale `.tar`): recognised, not served.
    NestedArchive,
    /// A bundle's `termNN.default.loads` made as a copy of the load manifest.
    RecoveryManifestCopied,
}

impl Code {
    /// The kebab-case spelling used in JSON and in the terminal report.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::MissingImage => "missing-image",
            Code::CaseMismatch => "case-mismatch",
            Code::EmbeddedNameMismatch => "embedded-name-mismatch",
            Code::CrcMismatch => "crc-mismatch",
            Code::CorruptEntry => "corrupt-entry",
            Code::UnsafeName => "unsafe-name",
            Code::DuplicateEntry => "duplicate-entry",
            Code::EncryptedEntry => "encrypted-entry",
            Code::UnsupportedCompression => "unsupported-compression",
            Code::TooLarge => "too-large",
            Code::TooManyEntries => "too-many-entries",
            Code::NoManifest => "no-manifest",
            Code::MixedFamilies => "mixed-families",
            Code::TermManifestDisagrees => "term-manifest-disagrees",
            Code::MissingRecoveryManifest => "missing-recovery-manifest",
            Code::UnlistedImage => "unlisted-image",
            Code::UpgradePath => "upgrade-path",
            Code::BadSignedHeader => "bad-signed-header",
            Code::BadManifest => "bad-manifest",
            Code::SizeMismatch => "size-mismatch",
            Code::Md5Mismatch => "md5-mismatch",
            Code::CopFile => "cop-file",
            Code::UnknownFamily => "unknown-family",
            Code::SeveralLoads => "several-loads",
            Code::BadName => "bad-name",
            Code::CnfMalformed => "cnf-malformed",
            Code::CnfMismatchedTag => "cnf-mismatched-tag",
            Code::CnfWrongDeviceId => "cnf-wrong-device-id",
            Code::CnfUnknownLoad => "cnf-unknown-load",
            Code::CnfNoCallManagerGroup => "cnf-no-call-manager-group",
            Code::SipPasswordTooLong => "sip-password-too-long",
            Code::CnfNoAuthName => "cnf-no-auth-name",
            Code::OptionalImageAbsent => "optional-image-absent",
            Code::CnfKpmlOn => "cnf-kpml-on",
            Code::CnfUnknownKey => "cnf-unknown-key",
            Code::CnfValueTooLong => "cnf-value-too-long",
            Code::CnfDuplicateKey => "cnf-duplicate-key",
            Code::PackageEntryIgnored => "package-entry-ignored",
            Code::LoadListDisagrees => "load-list-disagrees",
            Code::PackageLacksRecoveryManifests => "package-lacks-recovery-manifests",
            Code::NestedArchive => "nested-archive",
            Code::RecoveryManifestCopied => "recovery-manifest-copied",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing a check found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// What kind of finding it is.
    pub code: Code,
    /// What it is about: usually a file name.
    pub subject: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

impl Finding {
    /// A finding with every field given.
    pub fn new(
        severity: Severity,
        code: Code,
        subject: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            code,
            subject: subject.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
}

impl Tally {
    /// Counts the findings in `findings`.
    pub fn of(findings: &[Finding]) -> Self {
        let mut t = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
                Severity::Info => t.infos += 1,
            }
        }
        t
    }
}
