//! A phone's card in words (pure): headline, verdict or diagnosis, the fix, one
//! row per file.
//!
//! Invariants:
//! - A card never claims more than was observed: "All files sent" until the
//!   phone asks for its configuration again, "Recovered" after.
//! - Expected misses (CTL/ITL, per-MAC configuration, locale files) are grey
//!   and never make a card fail.

use lifeline_shared::events::{Diagnosis, FileState, PhoneFile, PhoneState, PhoneSummary};
use lifeline_shared::models;

use crate::format;

/// `Phone SEP001122AABBCC (7961)` or `Phone at 10.0.0.50`.
pub fn label(p: &PhoneSummary) -> String {
    let name = if p.id.starts_with("SEP") {
        format!("Phone {}", p.id)
    } else {
        format!("Phone at {}", p.id)
    };
    match &p.model {
        Some(m) => format!("{name} ({m})"),
        None => name,
    }
}

/// Where a phone is, in a word or three.
pub fn state_word(p: &PhoneSummary) -> &'static str {
    match p.state {
        PhoneState::Waiting => "waiting",
        PhoneState::Downloading => "downloading",
        PhoneState::Done => "all files sent",
        PhoneState::Stuck => "stuck",
        PhoneState::Failed => "failed",
    }
}

/// One file row of a card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileView {
    pub name: String,
    /// Where it is, in a word or two.
    pub state: &'static str,
    /// The CSS tone.
    pub tone: &'static str,
    /// The bar, when the size is known.
    pub percent: Option<u64>,
    /// `1.2 MB of 2.5 MB`.
    pub bytes: String,
    /// `3 resends`.
    pub resends: Option<String>,
}

/// A card, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneView {
    /// `Cisco 7961`, or `Phone at 10.0.0.50` while the model is not known.
    pub title: String,
    /// `00:11:22:AA:BB:CC`.
    pub mac: Option<String>,
    pub address: Option<String>,
    /// `ok`, `working`, `warning`, `error`, `muted`.
    pub tone: &'static str,
    /// `Recovered`, `Downloading file 3 of 6` (while it is being sent),
    /// `Downloading: 2 of 6 files sent` (between two files), a diagnosis' title …
    pub headline: String,
    /// The verdict or the diagnosis, in sentences (names in backticks).
    pub detail: String,
    /// What to do, if anything.
    pub fix: Option<String>,
    /// The files its manifest lists, in order.
    pub files: Vec<FileView>,
    /// `Not found, as is normal: …`.
    pub normal: Option<String>,
    /// Files done of expected.
    pub done: (usize, usize),
    /// Which try this is, from the second on (after Retry failed).
    pub attempt: Option<u32>,
}

/// The title, detail and fix of a diagnosis.
pub fn diagnosis_words(d: &Diagnosis) -> Option<(String, String, String)> {
    Some(match d {
        Diagnosis::NotFound { file, closest } => {
            let other_model = models::MODELS.iter().find(|m| {
                m.recovery_manifest
                    .is_some_and(|r| r.eq_ignore_ascii_case(file))
            });
            match (other_model, closest) {
                (Some(m), _) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    format!(
                        "`{file}` is the recovery manifest of the {}: this phone is not a model this firmware is for.",
                        m.name
                    ),
                    format!(
                        "Go back to step 1 and choose the firmware for the {} (cmterm-{}…), send it, then reset the phone again.",
                        models::family(m.family).name,
                        models::family(m.family)
                            .zip_prefix
                            .trim_start_matches("cmterm-")
                    ),
                ),
                (None, Some(near)) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    format!(
                        "The closest name in the bundle is `{near}`: the phone expects another spelling or build than this firmware has."
                    ),
                    format!(
                        "Use the firmware whose manifest lists `{file}`, or check that nothing renamed the files; then send the bundle again. The phone stays stuck until that file is served."
                    ),
                ),
                (None, None) => (
                    format!("It asked for `{file}`, which is not in the bundle"),
                    "Nothing in the bundle has a similar name.".to_string(),
                    format!(
                        "Use the firmware for this phone's model and load (its manifest lists `{file}`), send it, then reset the phone again."
                    ),
                ),
            }
        }
        Diagnosis::ManifestRepeated {
            file,
            times,
            recovery: true,
        } => (
            format!("It keeps asking for `{file}` without going on"),
            format!(
                "It fetched `{file}` {times} times and never asked for the images: its bootloader refuses this build, or could not read the manifest."
            ),
            "Recover it with an 8.3(3)–8.5(2) load first (for example SCCP41.8-5-2S for a 7941/7961), then send this bundle and reset it again.".to_string(),
        ),
        Diagnosis::ManifestRepeated { file, times, .. } => (
            format!("It keeps asking for `{file}` without fetching any image"),
            format!("It fetched `{file}` {times} times: it may refuse this load."),
            "Check the upgrade path: a phone on firmware older than 8.3(3) needs an 8.3(3)–8.5(2) load before 9.2(3) or later.".to_string(),
        ),
        Diagnosis::Quiet { minutes, last } => (
            format!("No request for {minutes} minutes"),
            match last {
                Some(f) => format!("The last thing it asked for was `{f}`."),
                None => "It has not asked the TFTP server for anything since.".to_string(),
            },
            "Check that the phone has power (a 7970/7971/7975 needs its power brick), that it got an address with option 150 pointing to this computer (step 2), and that no firewall on this computer blocks UDP port 69 and the ports above 1024.".to_string(),
        ),
        Diagnosis::TimedOut { file, times } => (
            format!("The transfer of `{file}` keeps timing out"),
            format!(
                "It timed out {times} times: packets between this computer and the phone are lost."
            ),
            "Check this computer's firewall (UDP port 69 and the ports above 1024 must be open) and any switch, VLAN or Wi-Fi link in between; a cable straight to the phone's switch is best.".to_string(),
        ),
        Diagnosis::PhoneError { file, message } => (
            format!("The phone stopped the transfer of `{file}`"),
            format!("It said: “{message}”."),
            "It usually asks again by itself. If it keeps stopping, the file may not suit this model: check the firmware in step 1.".to_string(),
        ),
        Diagnosis::ReadError { file, message } => (
            format!("The helper could not read `{file}`"),
            format::sentence(message),
            "Check the helper computer's disk, then send the bundle again (step 4).".to_string(),
        ),
        Diagnosis::NoFreeAddress => (
            "It gets no address from the helper".to_string(),
            "Every address in the helper's DHCP range is leased or held, so it was offered none and cannot ask for its firmware.".to_string(),
            "Start the helper again with a wider `--dhcp-range`, or wait for the leases of devices that are gone to expire: the phone keeps asking and gets an address as soon as one is free.".to_string(),
        ),
        _ => return None,
    })
}

impl PhoneView {
    /// The card of `p`.
    pub fn of(p: &PhoneSummary) -> PhoneView {
        let files: Vec<FileView> = p.files.iter().map(file_view).collect();
        let expected = p.files_expected.max(p.files.len());
        let took = format::duration_ms(p.last_seen_ms.saturating_sub(p.first_seen_ms));
        let (tone, headline, detail, fix) = match p.state {
            PhoneState::Done if p.recovered => (
                "ok",
                "Recovered".to_string(),
                format!(
                    "Recovered in {took}: all {expected} files sent, then it restarted and asked for its configuration, so it runs the new firmware."
                ),
                None,
            ),
            PhoneState::Done => (
                "ok",
                format!("All {expected} files sent"),
                format!(
                    "Sent in {took}. The phone now writes them to its flash and restarts by itself, which can take several minutes: do not unplug it. This card says Recovered when it comes back and asks for its configuration."
                ),
                None,
            ),
            PhoneState::Waiting if p.retries > 0 => (
                "muted",
                "Waiting for it to start again".to_string(),
                "Started over by Retry failed: this card follows its new try from its first request.".to_string(),
                Some("Reset it as the steps above say.".to_string()),
            ),
            PhoneState::Waiting => (
                "muted",
                "Waiting for its first request".to_string(),
                "It is known to the helper but has not asked for its firmware yet.".to_string(),
                None,
            ),
            PhoneState::Downloading => {
                let k = (p.files_done + 1).min(expected.max(1));
                let sending = sending(p);
                (
                    "working",
                    match (expected, sending) {
                        (0, _) => "Downloading".to_string(),
                        (_, Some(_)) => format!("Downloading file {k} of {expected}"),
                        (_, None) => format!("Downloading: {} of {expected} files sent", p.files_done),
                    },
                    match sending {
                        Some(f) => format!("Now sending `{f}`."),
                        None => {
                            "Between two files: waiting for it to ask for the next file.".to_string()
                        }
                    },
                    // A stopped transfer it may ask for again.
                    p.diagnosis
                        .as_ref()
                        .and_then(diagnosis_words)
                        .map(|(_, _, fix)| fix)
                        .filter(|_| p.reason.is_some()),
                )
            }
            PhoneState::Stuck | PhoneState::Failed => {
                let tone = if p.state == PhoneState::Failed {
                    "error"
                } else {
                    "warning"
                };
                match p.diagnosis.as_ref().and_then(diagnosis_words) {
                    Some((title, detail, fix)) => (tone, title, detail, Some(fix)),
                    None => (
                        tone,
                        if p.state == PhoneState::Failed {
                            "It cannot go on".to_string()
                        } else {
                            "It is not getting anywhere".to_string()
                        },
                        p.reason.clone().unwrap_or_default(),
                        None,
                    ),
                }
            }
        };
        PhoneView {
            title: match (&p.model, p.address) {
                (Some(m), _) => format!("Cisco {m}"),
                (None, Some(a)) => format!("Phone at {a}"),
                (None, None) => format!("Phone {}", p.id),
            },
            mac: p.mac.as_deref().map(format::mac),
            address: p.address.map(|a| a.to_string()),
            tone,
            headline,
            detail,
            fix,
            files,
            normal: (!p.normal_misses.is_empty()).then(|| {
                format!(
                    "Not found, as is normal without a Call Manager: {}.",
                    p.normal_misses
                        .iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
            done: (p.files_done, expected),
            attempt: (p.retries > 0).then(|| p.retries.saturating_add(1)),
        }
    }
}

/// The file being sent to the phone now: the one it asked for last, unless that
/// file's row is finished (sent, failed or missing). The helper may still name a
/// file it finished when the phone asked for it in another case than the file
/// is served in; the row is what was observed.
fn sending(p: &PhoneSummary) -> Option<&str> {
    let asked = p.current_file.as_deref()?;
    let name = asked.trim_start_matches(['/', '\\']);
    let finished = p.files.iter().any(|f| {
        f.name.eq_ignore_ascii_case(name)
            && matches!(
                f.state,
                FileState::Done | FileState::NotFound | FileState::Failed
            )
    });
    (!finished).then_some(asked)
}

fn file_view(f: &PhoneFile) -> FileView {
    let (state, tone) = match f.state {
        FileState::Pending => ("waiting", "muted"),
        FileState::Downloading => ("sending", "working"),
        FileState::Done => ("sent", "ok"),
        FileState::NotFound => ("not in the bundle", "error"),
        FileState::Failed => ("failed", "error"),
    };
    let bytes = match (f.size, f.state) {
        (Some(size), FileState::Done) => format::size(size),
        (Some(size), _) => format!(
            "{} of {}",
            format::size(f.bytes.min(size)),
            format::size(size)
        ),
        (None, _) => format::size(f.bytes),
    };
    FileView {
        name: f.name.clone(),
        state,
        tone,
        percent: f.size.map(|s| {
            if f.state == FileState::Done {
                100
            } else {
                format::percent(f.bytes, s).min(99)
            }
        }),
        bytes,
        resends: (f.retransmissions > 0)
            .then(|| format::count(f.retransmissions as usize, "resend", "resends")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::summary;

    #[test]
    fn a_phone_without_an_address_says_how_to_get_one() {
        let mut p = summary("SEP001122AABBCC", PhoneState::Stuck);
        p.address = None;
        p.diagnosis = Some(Diagnosis::NoFreeAddress);
        p.reason = Some("no free address".into());
        let v = PhoneView::of(&p);
        assert_eq!(v.tone, "warning");
        assert_eq!(v.headline, "It gets no address from the helper");
        assert!(v.detail.contains("DHCP range"), "{}", v.detail);
        assert!(
            v.fix.as_deref().is_some_and(|f| f.contains("--dhcp-range")),
            "{:?}",
            v.fix
        );
    }

    #[test]
    fn files_show_bars_that_do_not_overstate() {
        let f = |bytes, state| PhoneFile {
            name: "a".into(),
            size: Some(1000),
            bytes,
            state,
            retransmissions: 0,
        };
        assert_eq!(
            file_view(&f(1000, FileState::Downloading)).percent,
            Some(99)
        );
        assert_eq!(file_view(&f(1000, FileState::Done)).percent, Some(100));
        assert_eq!(
            file_view(&f(500, FileState::Downloading)).bytes,
            "500 bytes of 1.0 kB"
        );
        let nf = file_view(&f(0, FileState::NotFound));
        assert_eq!((nf.state, nf.tone), ("not in the bundle", "error"));
    }

    #[test]
    fn a_file_that_was_sent_is_not_being_sent() {
        let row = |name: &str, state| PhoneFile {
            name: name.into(),
            size: Some(1000),
            bytes: if state == FileState::Done { 1000 } else { 0 },
            state,
            retransmissions: 0,
        };
        let mut p = summary("10.0.0.50", PhoneState::Downloading);
        p.files = vec![
            row("term42.default.loads", FileState::Done),
            row("jar42sip.9-4-2ES26.sbn", FileState::Done),
            row("dsp42.9-4-2ES26.sbn", FileState::Pending),
        ];
        p.files_done = 2;
        p.files_expected = 3;
        // The phone asked in capitals; the helper served the file and still
        // names it as being sent.
        p.current_file = Some("JAR42SIP.9-4-2ES26.SBN".into());
        let v = PhoneView::of(&p);
        assert_eq!(v.headline, "Downloading: 2 of 3 files sent");
        assert_eq!(
            v.detail,
            "Between two files: waiting for it to ask for the next file."
        );
        // While its row is being sent, it is named.
        p.files[1].state = FileState::Downloading;
        p.files[1].bytes = 400;
        p.files_done = 1;
        let v = PhoneView::of(&p);
        assert_eq!(v.headline, "Downloading file 2 of 3");
        assert_eq!(v.detail, "Now sending `JAR42SIP.9-4-2ES26.SBN`.");
        // A file with no row (its configuration) is named too.
        p.current_file = Some("XMLDefault.cnf.xml".into());
        assert_eq!(
            PhoneView::of(&p).detail,
            "Now sending `XMLDefault.cnf.xml`."
        );
    }

    #[test]
    fn a_term_manifest_of_another_model_names_it() {
        let (title, detail, fix) = diagnosis_words(&Diagnosis::NotFound {
            file: "term42.default.loads".into(),
            closest: Some("term41.default.loads".into()),
        })
        .unwrap();
        assert_eq!(
            title,
            "It asked for `term42.default.loads`, which is not in the bundle"
        );
        assert!(detail.contains("recovery manifest of the 7942"), "{detail}");
        assert!(fix.contains("7942/7962"), "{fix}");
        assert_eq!(diagnosis_words(&Diagnosis::Other), None);
    }
}
