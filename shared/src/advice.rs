//! What a [`Diagnosis`] means and what to do about it, in words: the one text
//! behind the web page's phone cards and `lifeline simulate`'s verdicts, so the
//! two never tell a person different things about the same problem.
//!
//! Names are in backticks (the page shows them as code; a terminal prints them
//! as they are). The fixes hold whatever serves the files: the helper's bundle
//! or another TFTP server.

pub use crate::events::Advice;
use crate::events::{Diagnosis, LoopCause};
use crate::models::{self, Model};

/// The model whose wiped phones ask for `file` first (`term61.default.loads`
/// is the 7961's), if it is a recovery manifest.
pub fn recovery_manifest_of(file: &str) -> Option<&'static Model> {
    let file = file.trim_start_matches(['/', '\\']);
    models::MODELS.iter().find(|m| {
        m.recovery_manifest
            .is_some_and(|r| r.eq_ignore_ascii_case(file))
    })
}

/// `the firmware for the 7941/7961 (cmterm-7941_7961…)`.
fn firmware_for(m: &Model) -> String {
    let f = models::family(m.family);
    format!(
        "the firmware for the {} ({}…)",
        f.name.trim_end_matches(" series"),
        f.zip_prefix
    )
}

/// Why a 7940/7960 asks for `file`, and the fix, when it is one of its own names.
fn seventy_nine(file: &str) -> Option<(&'static str, &'static str)> {
    if file.eq_ignore_ascii_case("OS79XX.TXT") {
        Some((
            "A 7940/7960 reads `OS79XX.TXT` after a factory reset: it names the image to run, and the third letter chooses the protocol (0 SCCP, S SIP). Without it the phone stays on the protocol it has.",
            "Serve a bundle made from 7940/7960 firmware (Lifeline writes `OS79XX.TXT` for it: the image name alone, no newline), then reset the phone again.",
        ))
    } else if file.eq_ignore_ascii_case("SIPDefault.cnf") {
        Some((
            "A 7940/7960 running SIP reads `SIPDefault.cnf` for its registrar and, in `image_version`, the image to run. Without it (and without an `image_version` in its own `SIP<MAC>.cnf`) it never asks for firmware.",
            "Serve a bundle made from the 7940/7960 SIP firmware (P0S3…): Lifeline writes `SIPDefault.cnf` and each phone's `SIP<MAC>.cnf`.",
        ))
    } else {
        None
    }
}

/// The words of `d`; `None` for a diagnosis newer than this build.
pub fn advice(d: &Diagnosis) -> Option<Advice> {
    let (title, detail, fix) = match d {
        Diagnosis::NotFound { file, closest } => {
            let title = format!("It asked for `{file}`, which is not in the bundle");
            let bare = file.trim_start_matches(['/', '\\']);
            if let Some((detail, fix)) = seventy_nine(bare) {
                return Some(Advice {
                    title,
                    detail: detail.to_string(),
                    fix: fix.to_string(),
                });
            }
            match (recovery_manifest_of(file), closest) {
                (Some(m), _) => (
                    title,
                    format!(
                        "`{file}` is the recovery manifest of the {}: this phone is not a model this firmware is for.",
                        m.name
                    ),
                    format!(
                        "Serve {} instead (in Lifeline: choose it in step 1 and send it), then reset the phone again.",
                        firmware_for(m)
                    ),
                ),
                (None, Some(near)) => (
                    title,
                    format!(
                        "The closest name in the bundle is `{near}`: the phone expects another spelling or build than this firmware has."
                    ),
                    format!(
                        "Use the firmware whose manifest lists `{file}`, or check that nothing renamed the files; then send the bundle again. The phone stays stuck until that file is served."
                    ),
                ),
                (None, None) => (
                    title,
                    "Nothing in the bundle has a similar name.".to_string(),
                    format!(
                        "Serve the complete firmware whose manifest lists `{file}` (every file of its zip, names unchanged), then reset the phone again."
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
            "Check the upgrade path: a phone on firmware older than 8.3(3) needs an 8.3(3)–8.5(2) load before 8.5(3) or later.".to_string(),
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
            sentence(message),
            "Check the helper computer's disk, then send the bundle again (step 4).".to_string(),
        ),
        Diagnosis::NoFreeAddress => (
            "It gets no address from the helper".to_string(),
            "Every address in the helper's DHCP range is leased or held, so it was offered none and cannot ask for its firmware.".to_string(),
            "Start the helper again with a wider `--dhcp-range`, or wait for the leases of devices that are gone to expire: the phone keeps asking and gets an address as soon as one is free.".to_string(),
        ),
        Diagnosis::ConfigLoop { file, times, cause } => {
            let title = format!("It keeps fetching `{file}` and never asks for firmware");
            let fetched = format!("It fetched `{file}` {times} times without asking for firmware");
            let (detail, fix) = config_loop(&fetched, cause)?;
            (title, detail, fix)
        }
        _ => return None,
    };
    Some(Advice { title, detail, fix })
}

/// Why a configuration loop, and the fix: the sentence that begins with
/// `fetched` (`It fetched … times without asking for firmware`), and what to do.
/// `None` for a cause newer than this build.
pub fn config_loop(fetched: &str, cause: &LoopCause) -> Option<(String, String)> {
    Some(match cause {
        LoopCause::NotInBundle { load } => (
            format!(
                "{fetched}: the configuration names the load `{load}` for it, and `{load}.loads` is not served, so it keeps the firmware it has."
            ),
            format!(
                "Serve the firmware of load `{load}` (its `{load}.loads` and images), or a configuration that names the load you serve; then reset the phone."
            ),
        ),
        LoopCause::AlreadyRuns { load } => (
            format!(
                "{fetched}: the configuration names `{load}`, which is served, and the phone runs it already, so there is nothing to upgrade. It asks again because no Call Manager takes it."
            ),
            "Nothing is wrong with its firmware. To flash it again anyway, factory-reset it (hold # while plugging it in, release when the keys flash, type 123456789*0#) so that it asks for its recovery manifest.".to_string(),
        ),
        LoopCause::NoLoadForModel { model, device_id } => {
            let m = models::model(model);
            (
                format!(
                    "{fetched}: the configuration has no `loadInformation{device_id}` entry for the {model}, so it keeps the firmware it has."
                ),
                match m {
                    Some(m) => format!(
                        "Serve {} with a configuration that names its load (in Lifeline: choose it in step 1 and send it), then reset the phone.",
                        firmware_for(m)
                    ),
                    None => format!(
                        "Serve the firmware for the {model} with a configuration that names its load, then reset the phone."
                    ),
                },
            )
        }
        LoopCause::Unknown { loads } => {
            let named = if loads.is_empty() {
                "The configuration names no load at all.".to_string()
            } else {
                let each: Vec<String> = loads
                    .iter()
                    .map(|l| {
                        let served = if l.in_bundle { "served" } else { "not served" };
                        format!("`{}` ({served})", l.load)
                    })
                    .collect();
                format!("The configuration names {}.", each.join(", "))
            };
            (
                format!(
                    "{fetched}: either it runs the load the configuration names for its model already, or that load is not served. {named}"
                ),
                "Look up the phone's load (Settings, Status, Firmware Versions): if it is the one named for its model, nothing needs doing; otherwise serve that load. With the helper's DHCP the card knows its model and says which.".to_string(),
            )
        }
        LoopCause::Other => return None,
    })
}

/// `text` as a sentence: a capital first, a full stop last.
fn sentence(text: &str) -> String {
    let text = text.trim();
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
#[path = "advice_tests.rs"]
mod tests;
