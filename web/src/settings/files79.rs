//! When a 7940/7960 reads each of its own files (`OS79XX.TXT`, and for a SIP load
//! `SIPDefault.cnf`, `SIP<MAC>.cnf`, `dialplan.xml`, `RINGLIST.DAT`): the preview's notes.

use lifeline_shared::config::sip79;

/// When a 7940/7960 reads `name`, in plain words.
pub(super) fn note(name: &str) -> String {
    match name {
        sip79::OS79XX => "Read after a factory reset: one image name, nothing after it. Its third letter is the protocol (0 SCCP, S SIP).".into(),
        sip79::SIP_DEFAULT => "A SIP 7940/7960 reads it after its own SIP<MAC>.cnf: the registrar and, in image_version, the image.".into(),
        sip79::DIALPLAN => "SIPDefault.cnf's dial_template names it: a number is dialled 5 s after the last digit, or at once with #.".into(),
        sip79::RINGLIST => "Extra ring tones: none, so the phone keeps its own, and its request is answered.".into(),
        _ => "This phone's own file, by MAC: its line and password (kept out of lifeline-bundle.json).".into(),
    }
}
