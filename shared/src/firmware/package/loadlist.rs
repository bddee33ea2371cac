//! The files a Call Manager package carries beside the firmware: `loadNNN.txt`, one line
//! naming the load for a device type, and `copstart.sh`/`copstart.py`, the install script.
//!
//! A `loadNNN.txt` line is whitespace-separated: the device-type id, the load name, then
//! more fields, then an optional `//` comment: `495  SIP69xx.9-4-1-3  11  // RT-Lite 6921 SIP`.
//!
//! Invariants: a list longer than [`MAX_LOAD_LIST`] is refused unread; blank lines and
//! `#` lines are skipped; the first other line is the one that counts.

use thiserror::Error;

/// The longest `loadNNN.txt` read (real ones are one line).
pub const MAX_LOAD_LIST: usize = 4096;

/// One `loadNNN.txt` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadLine {
    /// The device-type id (`495`).
    pub device_id: u16,
    /// The load name (`SIP69xx.9-4-1-3`).
    pub load: String,
    /// The fields after the load name, before the comment (`11`).
    pub rest: Vec<String>,
    /// The text after `//`, trimmed (`RT-Lite 6921 SIP`).
    pub comment: Option<String>,
}

/// Why a `loadNNN.txt` could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LoadListError {
    /// Longer than any real one.
    #[error("it is {len} bytes, more than the {MAX_LOAD_LIST} a load list can be")]
    TooLong {
        /// Its length.
        len: usize,
    },
    /// Not text.
    #[error("it is not plain ASCII text")]
    NotText,
    /// No line to read.
    #[error("it has no line naming a device type and a load")]
    Empty,
    /// The first field is not a device-type id.
    #[error("`{0}` is not a device-type id (a number up to 65535)")]
    BadDeviceId(String),
    /// A device id with no load after it.
    #[error("the line names device type {0} but no load")]
    NoLoad(u16),
}

/// The device-type id a `loadNNN.txt` name carries (any case), or `None` for other names.
pub fn load_list_id(name: &str) -> Option<u16> {
    let l = name.to_ascii_lowercase();
    let digits = l.strip_prefix("load")?.strip_suffix(".txt")?;
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Whether the name is a package's install script (`copstart.sh`, `copstart.py`, any case).
pub fn install_script(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l == "copstart.sh" || l == "copstart.py"
}

/// Parses a `loadNNN.txt`.
pub fn parse_load_list(bytes: &[u8]) -> Result<LoadLine, LoadListError> {
    if bytes.len() > MAX_LOAD_LIST {
        return Err(LoadListError::TooLong { len: bytes.len() });
    }
    if !bytes.is_ascii() {
        return Err(LoadListError::NotText);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| LoadListError::NotText)?;
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or(LoadListError::Empty)?;
    let (fields, comment) = match line.split_once("//") {
        Some((f, c)) => (f, Some(c.trim()).filter(|c| !c.is_empty())),
        None => (line, None),
    };
    let mut fields = fields.split_whitespace();
    let id = fields.next().ok_or(LoadListError::Empty)?;
    let device_id = id
        .parse::<u16>()
        .map_err(|_| LoadListError::BadDeviceId(id.to_string()))?;
    let load = fields.next().ok_or(LoadListError::NoLoad(device_id))?;
    Ok(LoadLine {
        device_id,
        load: load.to_string(),
        rest: fields.map(str::to_string).collect(),
        comment: comment.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_real_shaped_line_reads_id_load_fields_and_comment() {
        let l = parse_load_list(b"495  SIP69xx.9-4-1-3  11  // RT-Lite 6921 SIP\r\n").unwrap();
        assert_eq!(
            l,
            LoadLine {
                device_id: 495,
                load: "SIP69xx.9-4-1-3".into(),
                rest: vec!["11".into()],
                comment: Some("RT-Lite 6921 SIP".into()),
            }
        );
        let l = parse_load_list(b"# comment\n\n115 SCCP41.8-3-3S\n").unwrap();
        assert_eq!(
            (l.device_id, l.load.as_str(), l.comment),
            (115, "SCCP41.8-3-3S", None)
        );
    }

    #[test]
    fn bad_lists_say_what_is_wrong() {
        assert_eq!(parse_load_list(b""), Err(LoadListError::Empty));
        assert_eq!(parse_load_list(b"# only\n"), Err(LoadListError::Empty));
        assert_eq!(
            parse_load_list(b"x495 SIP69xx"),
            Err(LoadListError::BadDeviceId("x495".into()))
        );
        assert_eq!(
            parse_load_list(b"70000 SIP69xx"),
            Err(LoadListError::BadDeviceId("70000".into()))
        );
        assert_eq!(
            parse_load_list(b"495 // x"),
            Err(LoadListError::NoLoad(495))
        );
        assert_eq!(parse_load_list(b"495 \xff"), Err(LoadListError::NotText));
        assert_eq!(
            parse_load_list(&vec![b' '; MAX_LOAD_LIST + 1]),
            Err(LoadListError::TooLong {
                len: MAX_LOAD_LIST + 1
            })
        );
    }

    #[test]
    fn names_say_which_files_are_the_package_s_own() {
        assert_eq!(load_list_id("load495.txt"), Some(495));
        assert_eq!(load_list_id("LOAD30018.TXT"), Some(30018));
        assert_eq!(load_list_id("load.txt"), None);
        assert_eq!(load_list_id("load99999.txt"), None);
        assert_eq!(load_list_id("load49x.txt"), None);
        assert_eq!(load_list_id("SCCP41.8-3-3S.loads"), None);
        assert!(install_script("copstart.sh"));
        assert!(install_script("CopStart.py"));
        assert!(!install_script("copstart.txt"));
    }
}
