//! File names as a phone and a person see them: what a name says a file is, how a listed
//! name is found among the entries, and which entry a mistyped name most likely meant.
//!
//! Invariants: a listed name resolves exactly first and case-insensitively second, always to
//! the first readable entry of that name (later duplicates are findings elsewhere, never
//! matches).

use super::ImageStatus;
use crate::sorted;

/// Whether the name is a `.loads` manifest (any case).
pub(super) fn is_loads(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with(".loads")
}

/// Whether the name is a `termNN.default.loads` recovery manifest (any case).
pub fn is_term(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.len() == "term41.default.loads".len()
        && l.starts_with("term")
        && l[4..6].bytes().all(|b| b.is_ascii_digit())
        && l.ends_with(".default.loads")
}

/// Whether the name looks like a firmware image (`.sbn`, `.sb2`, `.sgn`, `.bin`, any case).
pub(super) fn is_image_like(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    l.ends_with(".sbn") || l.ends_with(".sb2") || l.ends_with(".sgn") || l.ends_with(".bin")
}

/// The name without its `.loads` suffix (any case), or the name itself (also when
/// nothing would be left).
pub fn strip_loads(name: &str) -> &str {
    let stem = name.len().saturating_sub(".loads".len());
    match name.get(stem..) {
        Some(ext) if stem > 0 && ext.eq_ignore_ascii_case(".loads") => &name[..stem],
        _ => name,
    }
}

/// The readable entries by name: exactly as stored, and folded to lower case (each a
/// sorted list of names and entry indices).
#[derive(Debug, Default)]
pub(super) struct Names {
    exact: Vec<(String, usize)>,
    folded: Vec<(String, usize)>,
}

impl Names {
    /// Indexes the `(entry index, name)` pairs given; the first of each name wins.
    pub(super) fn of<'n>(names: impl Iterator<Item = (usize, &'n str)>) -> Self {
        let (mut exact, mut folded) = (Vec::new(), Vec::new());
        for (i, name) in names {
            exact.push((name.to_string(), i));
            folded.push((name.to_ascii_lowercase(), i));
        }
        Names {
            exact: sorted::index(exact),
            folded: sorted::index(folded),
        }
    }

    /// The entry a listed name resolves to, and how it was found.
    pub(super) fn resolve(&self, name: &str) -> (Option<usize>, ImageStatus) {
        if let Some(&i) = sorted::get(&self.exact, name) {
            (Some(i), ImageStatus::Present)
        } else if let Some(&i) = sorted::get(&self.folded, name.to_ascii_lowercase().as_str()) {
            (Some(i), ImageStatus::CaseMismatch)
        } else {
            (None, ImageStatus::Missing)
        }
    }

    /// Whether an entry has this name, in any case.
    pub(super) fn contains_any_case(&self, name: &str) -> bool {
        sorted::get(&self.folded, name.to_ascii_lowercase().as_str()).is_some()
    }
}

/// The name among `candidates` closest to `wanted`, if it is close enough to be
/// the likely intended file: the same name with another case or a suffix
/// (`x.sbn.bak`), or one or two characters apart (`-27` for `-28`).
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let w = wanted.to_ascii_lowercase();
    candidates
        .filter(|c| *c != wanted)
        .map(|c| {
            let l = c.to_ascii_lowercase();
            let d = if l.contains(&w) || w.contains(&l) {
                l.len().abs_diff(w.len()).min(1)
            } else {
                distance(&w, &l)
            };
            (d, c)
        })
        .filter(|(d, _)| *d <= (w.len() / 8).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The edit distance between two names, or `usize::MAX` when their lengths are too far
/// apart to be worth measuring.
fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 64 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_a_file_is_in_any_case() {
        assert!(is_loads("SCCP41.8-3-3S.LOADS"));
        assert!(is_term("TERM61.default.loads"));
        assert!(!is_term("term6x.default.loads"));
        assert!(!is_term("SCCP41.8-3-3S.loads"));
        assert!(is_image_like("APPS-1.4.6.3.SBN"));
        assert!(!is_image_like("readme.txt"));
        assert_eq!(strip_loads("SCCP41.8-3-3S.Loads"), "SCCP41.8-3-3S");
        assert_eq!(strip_loads(".loads"), ".loads");
        // A name typed by a person may cut a character where `.loads` would start.
        assert_eq!(strip_loads("€a€"), "€a€");
        assert_eq!(strip_loads("é.loads"), "é");
    }

    #[test]
    fn a_listed_name_resolves_exactly_then_by_case_to_the_first_entry() {
        let names = Names::of([(0, "a.sbn"), (1, "B.sbn"), (2, "a.sbn")].into_iter());
        assert_eq!(names.resolve("a.sbn"), (Some(0), ImageStatus::Present));
        assert_eq!(names.resolve("b.sbn"), (Some(1), ImageStatus::CaseMismatch));
        assert_eq!(names.resolve("c.sbn"), (None, ImageStatus::Missing));
        assert!(names.contains_any_case("b.SBN"));
        assert!(!names.contains_any_case("c.sbn"));
    }

    #[test]
    fn the_closest_name_is_a_slip_not_any_name() {
        let files = ["dsp41.8-3-2-27.sbn.bak", "apps41.8-3-2-27.sbn", "x.sbn"];
        assert_eq!(
            closest("dsp41.8-3-2-27.sbn", files.into_iter()),
            Some("dsp41.8-3-2-27.sbn.bak")
        );
        assert_eq!(
            closest("apps41.8-3-2-28.sbn", files.into_iter()),
            Some("apps41.8-3-2-27.sbn")
        );
        assert_eq!(closest("cvm41sccp.8-3-2-27.sbn", files.into_iter()), None);
        assert_eq!(
            closest("x.sbn", ["x.sbn"].into_iter()),
            None,
            "never itself"
        );
    }
}
