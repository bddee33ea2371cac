//! The text body of a `.loads` manifest: which images a load is made of.
//!
//! Every family writes it differently (see [`ManifestStyle`]); the parser
//! recognises them all from the body itself, never from the file name:
//!
//! - 79x1/79x2/79x5/797x/791x/7931 and every `termNN.default.loads`: CRLF or LF
//!   lines, `#` comments (one says `# RELEASE load version 9-4-2ES26`), an optional
//!   `#HARDWARE_COMP_1 <n>` directive, then five `.sbn` names (trailing spaces trimmed).
//! - 7940/7960: `.sbn` and `.sb2` names and `LA_VERSION=…`.
//! - 69xx: `*.zz.sgn` names; 8941/8945: `*.binN.sgn` names.
//! - 7921/7925/7926: `NAME SIZE MD5` lines, `#?` directives, `#+` optional files.
//! - 78xx: an INI body whose image lines read `key=NAME size=N`.
//!
//! Parsing is bounded: at most [`MAX_BODY`] bytes, [`MAX_LINES`] lines and
//! [`MAX_IMAGES`] images; anything larger is an error, never an allocation spree.

use crate::models::ManifestStyle;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The largest manifest body accepted (real ones are under 2 KiB).
pub const MAX_BODY: usize = 64 * 1024;
/// The most lines read.
pub const MAX_LINES: usize = 2000;
/// The most images listed.
pub const MAX_IMAGES: usize = 64;
/// The longest image name accepted.
pub const MAX_NAME: usize = 255;

/// One image a manifest lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageLine {
    /// The name exactly as written (the phone asks for this spelling).
    pub name: String,
    /// The size the manifest states (792x, 78xx).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The MD5 the manifest states, upper-case hex (792x).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub md5: Option<String>,
    /// A `#+` line: the phone fetches it only if present.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub optional: bool,
    /// 1-based line number in the body.
    pub line: usize,
}

/// A parsed manifest body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// How it is written.
    pub style: ManifestStyle,
    /// The version in `# RELEASE load version X` (or the 78xx `Version=`), as written.
    pub release: Option<String>,
    /// The `#HARDWARE_COMP_1 n` value, kept because it is a directive, not a comment.
    pub hardware_comp: Option<u32>,
    /// The 7940/7960 `LA_VERSION=` value.
    pub la_version: Option<String>,
    /// `#?` directives (792x), as written.
    pub directives: Vec<String>,
    /// The images, in the order the phone fetches them.
    pub images: Vec<ImageLine>,
    /// Whether lines end in CRLF.
    pub crlf: bool,
}

/// Why a manifest body could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Larger than [`MAX_BODY`], or more lines or images than allowed.
    #[error("the manifest body is too large ({what})")]
    TooLarge {
        /// What was exceeded.
        what: &'static str,
    },
    /// Not text: a NUL byte or invalid UTF-8.
    #[error("the manifest body is not text (byte {offset} is not printable)")]
    NotText {
        /// Where the first offending byte is.
        offset: usize,
    },
    /// A line that is neither a comment, a directive nor an image name.
    #[error("line {line} is not an image name: {text:?}")]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The line (shortened).
        text: String,
    },
    /// No image names at all.
    #[error("the manifest lists no images")]
    Empty,
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(b, b'/' | b'\\' | b'"' | b'<' | b'>' | b'|' | b'*' | b'?')
        })
        && name != "."
        && name != ".."
}

fn short(line: &str) -> String {
    line.chars().take(80).collect()
}

fn is_md5(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parses a manifest body (the bytes after the signed header).
pub fn parse(body: &[u8]) -> Result<Manifest, ManifestError> {
    if body.len() > MAX_BODY {
        return Err(ManifestError::TooLarge { what: "bytes" });
    }
    if let Some(offset) = body
        .iter()
        .position(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t')))
    {
        return Err(ManifestError::NotText { offset });
    }
    let text = std::str::from_utf8(body).map_err(|e| ManifestError::NotText {
        offset: e.valid_up_to(),
    })?;
    let crlf = text.contains("\r\n");
    let mut m = Manifest {
        style: ManifestStyle::FiveImages,
        release: None,
        hardware_comp: None,
        la_version: None,
        directives: Vec::new(),
        images: Vec::new(),
        crlf,
    };
    let is_ini = text.lines().any(|l| l.trim() == "[CISCO-ID]");
    let mut styles_seen = Vec::new();
    for (index, raw_line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line_no > MAX_LINES {
            return Err(ManifestError::TooLarge { what: "lines" });
        }
        let line = raw_line.trim_matches(|c: char| c == ' ' || c == '\t' || c == '\r');
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("#+") {
            // 792x: an optional image, `#+ NAME SIZE MD5`.
            let image =
                size_md5_line(rest.trim(), line_no).ok_or_else(|| ManifestError::BadLine {
                    line: line_no,
                    text: short(line),
                })?;
            push(
                &mut m.images,
                ImageLine {
                    optional: true,
                    ..image
                },
            )?;
            styles_seen.push(ManifestStyle::SizeMd5);
            continue;
        }
        if let Some(rest) = line.strip_prefix("#?") {
            m.directives.push(rest.trim().to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("#HARDWARE_COMP_1") {
            m.hardware_comp = rest.trim().parse().ok();
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let c = comment.trim();
            if let Some(v) = c.strip_prefix("RELEASE load version") {
                m.release = Some(v.trim().to_string());
            } else if let Some(rest) = c.strip_prefix("RELEASE ")
                && let Some(v) = rest
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("Version="))
            {
                m.release = Some(v.to_string());
            }
            continue;
        }
        if is_ini {
            // 78xx: `[SECTION]`, `key = value`, and image lines `key=NAME size=N`.
            if line.starts_with('[') {
                continue;
            }
            if let Some((_, value)) = line.split_once('=') {
                let mut words = value.split_whitespace();
                if let (Some(name), Some(size)) = (words.next(), words.next())
                    && let Some(size) = size.strip_prefix("size=")
                {
                    let size = size.parse().map_err(|_| ManifestError::BadLine {
                        line: line_no,
                        text: short(line),
                    })?;
                    if !valid_name(name) {
                        return Err(ManifestError::BadLine {
                            line: line_no,
                            text: short(line),
                        });
                    }
                    push(
                        &mut m.images,
                        ImageLine {
                            name: name.to_string(),
                            size: Some(size),
                            md5: None,
                            optional: false,
                            line: line_no,
                        },
                    )?;
                }
            }
            continue;
        }
        if let Some(v) = line.strip_prefix("LA_VERSION=") {
            m.la_version = Some(v.trim().to_string());
            styles_seen.push(ManifestStyle::LaVersion);
            continue;
        }
        if line.split_whitespace().count() == 3 {
            let image = size_md5_line(line, line_no).ok_or_else(|| ManifestError::BadLine {
                line: line_no,
                text: short(line),
            })?;
            push(&mut m.images, image)?;
            styles_seen.push(ManifestStyle::SizeMd5);
            continue;
        }
        if !valid_name(line) {
            return Err(ManifestError::BadLine {
                line: line_no,
                text: short(line),
            });
        }
        let lower = line.to_ascii_lowercase();
        styles_seen.push(if lower.ends_with(".zz.sgn") {
            ManifestStyle::ZzSgn
        } else if lower.contains(".bin") && lower.ends_with(".sgn") {
            ManifestStyle::BinSgn
        } else if lower.ends_with(".sb2") {
            ManifestStyle::LaVersion
        } else {
            ManifestStyle::FiveImages
        });
        push(
            &mut m.images,
            ImageLine {
                name: line.to_string(),
                size: None,
                md5: None,
                optional: false,
                line: line_no,
            },
        )?;
    }
    if m.images.is_empty() {
        return Err(ManifestError::Empty);
    }
    m.style = if is_ini {
        ManifestStyle::Ini
    } else if styles_seen.contains(&ManifestStyle::SizeMd5) {
        ManifestStyle::SizeMd5
    } else if styles_seen.contains(&ManifestStyle::LaVersion) {
        ManifestStyle::LaVersion
    } else if styles_seen.contains(&ManifestStyle::ZzSgn) {
        ManifestStyle::ZzSgn
    } else if styles_seen.contains(&ManifestStyle::BinSgn) {
        ManifestStyle::BinSgn
    } else {
        ManifestStyle::FiveImages
    };
    Ok(m)
}

fn push(images: &mut Vec<ImageLine>, image: ImageLine) -> Result<(), ManifestError> {
    if images.len() >= MAX_IMAGES {
        return Err(ManifestError::TooLarge { what: "images" });
    }
    images.push(image);
    Ok(())
}

fn size_md5_line(line: &str, line_no: usize) -> Option<ImageLine> {
    let mut words = line.split_whitespace();
    let (name, size, md5) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() || !valid_name(name) || !is_md5(md5) {
        return None;
    }
    Some(ImageLine {
        name: name.to_string(),
        size: Some(size.parse().ok()?),
        md5: Some(md5.to_ascii_uppercase()),
        optional: false,
        line: line_no,
    })
}

impl Manifest {
    /// The image names, in order.
    pub fn image_names(&self) -> impl Iterator<Item = &str> {
        self.images.iter().map(|i| i.name.as_str())
    }

    /// Writes the body back as text (for tests and for building fixtures).
    pub fn emit(&self) -> String {
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let mut out = String::new();
        if let Some(r) = &self.release {
            out.push_str(&format!("# RELEASE load version {r}{eol}"));
        }
        for d in &self.directives {
            out.push_str(&format!("#? {d}{eol}"));
        }
        if let Some(h) = self.hardware_comp {
            out.push_str(&format!("#HARDWARE_COMP_1 {h}{eol}"));
        }
        for i in &self.images {
            if i.optional {
                out.push_str("#+ ");
            }
            out.push_str(&i.name);
            if let Some(size) = i.size {
                out.push_str(&format!(" {size}"));
            }
            if let Some(md5) = &i.md5 {
                out.push_str(&format!(" {md5}"));
            }
            out.push_str(eol);
        }
        if let Some(la) = &self.la_version {
            out.push_str(&format!("LA_VERSION={la}{eol}"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "#\r\n# This file contains a list of archive image files\r\n\
        # RELEASE load version 8-3-2-27\r\n#\r\n\r\njar41sccp.8-3-2-27.sbn\r\n\
        cnu41.8-3-2-27.sbn\r\napps41.8-3-2-27.sbn\r\ndsp41.8-3-2-27.sbn \r\n\
        cvm41sccp.8-3-2-27.sbn \r\n";

    #[test]
    fn reads_the_79xx_body() {
        let m = parse(SEED.as_bytes()).unwrap();
        assert_eq!(m.style, ManifestStyle::FiveImages);
        assert_eq!(m.release.as_deref(), Some("8-3-2-27"));
        assert!(m.crlf);
        let names: Vec<_> = m.image_names().collect();
        assert_eq!(
            names,
            [
                "jar41sccp.8-3-2-27.sbn",
                "cnu41.8-3-2-27.sbn",
                "apps41.8-3-2-27.sbn",
                "dsp41.8-3-2-27.sbn",
                "cvm41sccp.8-3-2-27.sbn"
            ]
        );
    }

    #[test]
    fn keeps_hardware_comp_and_reads_lf() {
        let m = parse(
            b"# RELEASE load version 9-4-2ES9\n#HARDWARE_COMP_1 15\njar45sccp.9-4-2ES9.sbn\n",
        )
        .unwrap();
        assert_eq!(m.hardware_comp, Some(15));
        assert!(!m.crlf);
        assert_eq!(m.images.len(), 1);
        assert_eq!(m.images[0].line, 3);
    }

    #[test]
    fn reads_the_other_families() {
        let m = parse(b"P0030801SR02.sbn\nP0030801SR02.sb2\nLA_VERSION=PAS30831\n").unwrap();
        assert_eq!(m.style, ManifestStyle::LaVersion);
        assert_eq!(m.la_version.as_deref(), Some("PAS30831"));
        let m = parse(b"BOOT69xx.0-0-0-14.zz.sgn\r\nSCCP69xx.9-4-1-3SR2.zz.sgn").unwrap();
        assert_eq!(m.style, ManifestStyle::ZzSgn);
        let m = parse(b"SCCP894x.9-4-2SR1-2.bin1.sgn\nSCCP894x.9-4-2SR1-2.bin2.sgn\n").unwrap();
        assert_eq!(m.style, ManifestStyle::BinSgn);
        let m = parse(
            b"#? HW_REV 0-4.*\n\nTNUX-1.4.6.3.SBN   897037 E247E40D9CF20472C6C397E6E427A517\n\
              #+ JSYSS-1.4.1SR1.SBN 708556 9606784631d3c06f2398cc6371b0aa60\n",
        )
        .unwrap();
        assert_eq!(m.style, ManifestStyle::SizeMd5);
        assert_eq!(m.directives, ["HW_REV 0-4.*"]);
        assert_eq!(m.images[0].size, Some(897037));
        assert!(m.images[1].optional);
        assert_eq!(
            m.images[1].md5.as_deref(),
            Some("9606784631D3C06F2398CC6371B0AA60")
        );
    }

    #[test]
    fn refuses_what_is_not_a_manifest() {
        assert_eq!(parse(b"").unwrap_err(), ManifestError::Empty);
        assert_eq!(parse(b"# only\r\n").unwrap_err(), ManifestError::Empty);
        assert!(matches!(
            parse(b"a\0b"),
            Err(ManifestError::NotText { offset: 1 })
        ));
        assert!(matches!(
            parse(b"../../etc/passwd\n"),
            Err(ManifestError::BadLine { line: 1, .. })
        ));
        assert!(matches!(
            parse(b"two words\n"),
            Err(ManifestError::BadLine { .. })
        ));
        let huge = "x.sbn\n".repeat(MAX_IMAGES + 1);
        assert!(matches!(
            parse(huge.as_bytes()),
            Err(ManifestError::TooLarge { .. })
        ));
    }

    #[test]
    fn emit_round_trips() {
        for body in [
            SEED.as_bytes(),
            b"#HARDWARE_COMP_1 5\nP003.sbn\nLA_VERSION=X\n".as_slice(),
            b"#? A\nN.SBN 1 E247E40D9CF20472C6C397E6E427A517\n#+ M.SBN 2 E247E40D9CF20472C6C397E6E427A517\n",
        ] {
            let m = parse(body).unwrap();
            let again = parse(m.emit().as_bytes()).unwrap();
            assert_eq!(m.images, again.images.iter().cloned().map(|mut i| {
                i.line = m.images.iter().find(|x| x.name == i.name).unwrap().line;
                i
            }).collect::<Vec<_>>());
            assert_eq!(m.release, again.release);
            assert_eq!(m.hardware_comp, again.hardware_comp);
            assert_eq!(m.style, again.style);
        }
    }
}
