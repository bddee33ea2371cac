//! Fixtures the tests of several modules share: states along the firmware job,
//! reports, the helper's upload messages, phone summaries and TFTP events.

use std::net::Ipv4Addr;
use std::rc::Rc;

use lifeline_shared::bundle::Manifest;
use lifeline_shared::config::phones::Column;
use lifeline_shared::events::{
    Event, Outcome, PhoneState, PhoneSummary, Resolution, Stats, TftpEnd, TftpRequest,
};
use lifeline_shared::firmware::inspect::{InputFile, Report, inspect_zip};
use lifeline_shared::protocol::{
    CHUNK_SIZE, CurrentBundle, ErrorCode, FileChunks, ServerMessage, Status,
};
use lifeline_shared::testkit::{manifest_of, seed_files, seed_zip, sip_seed_zip, zip_of};

use crate::bundle::{BundleJob, BundleKey};
use crate::clock::Clock;
use crate::intake::{self, Firmware, Phase, Selection};
use crate::settings::{self, Form};
use crate::state::{Action, State};

// ---- the reducer along the firmware job

pub fn selection(label: &str, files: usize, size: u64) -> Selection {
    Selection {
        label: label.into(),
        files,
        size,
    }
}

pub fn no_bytes() -> Rc<Firmware> {
    Rc::new(Firmware {
        archive: true,
        files: Vec::new(),
    })
}

pub fn apply(state: &State, action: Action) -> State {
    state.next(action).expect("the action applies")
}

pub fn seed_report() -> Rc<Report> {
    Rc::new(inspect_zip("seed.zip", &seed_zip()).unwrap())
}

pub fn missing_image_report() -> Rc<Report> {
    let files: Vec<_> = seed_files()
        .into_iter()
        .filter(|(n, _)| n != "dsp41.8-3-2-27.sbn")
        .collect();
    Rc::new(inspect_zip("missing-image.zip", &zip_of(&files)).unwrap())
}

/// The report of the SIP seed.
pub fn sip_report() -> Report {
    inspect_zip("sip.zip", &sip_seed_zip()).unwrap()
}

pub fn reading(ticket: u64) -> State {
    apply(
        &State::default(),
        Action::ReadStarted {
            ticket,
            selection: selection("seed.zip", 1, 6_400_000),
        },
    )
}

pub fn checking(ticket: u64) -> State {
    apply(&reading(ticket), Action::CheckStarted { ticket })
}

/// A state with `report` inspected as job 1.
pub fn inspected(report: Rc<Report>) -> State {
    apply(
        &checking(1),
        Action::Inspected {
            ticket: 1,
            report,
            millis: 1.0,
            firmware: no_bytes(),
            packages: None,
        },
    )
}

/// The seed inspected, with its bytes.
pub fn seed_state() -> State {
    let (report, firmware) = intake::inspect(
        "seed.zip",
        vec![InputFile {
            name: "seed.zip".into(),
            data: seed_zip(),
        }],
    )
    .unwrap();
    apply(
        &checking(1),
        Action::Inspected {
            ticket: 1,
            report: Rc::new(report),
            millis: 1.0,
            firmware: Rc::new(firmware),
            packages: None,
        },
    )
}

/// `state` with the settings a bundle needs.
pub fn ready(state: &State) -> State {
    let s = apply(state, Action::SetTftp("192.168.10.105".into()));
    apply(&s, Action::SetCallManagers("192.168.10.1".into()))
}

/// `state` with its bundle built.
pub fn built(state: &State) -> (State, BundleKey) {
    let key = state.bundle_key();
    let s = apply(state, Action::BundleStarted(key));
    let Phase::Inspected {
        report, firmware, ..
    } = &s.phase
    else {
        panic!()
    };
    let (settings, sip) = settings::bundle_inputs(Some(report), &s.form).unwrap();
    let files = firmware.bundle_files(report).unwrap();
    let bundle = lifeline_shared::bundle::build_with_sip(report, files, &settings, &sip)
        .map(Rc::new)
        .map_err(|e| e.to_string());
    (
        apply(
            &s,
            Action::BundleBuilt {
                key,
                result: bundle,
            },
        ),
        key,
    )
}

// ---- moments

/// A moment `mono` ms into the page, in November 2023.
pub fn at(mono: u64) -> Clock {
    Clock {
        mono,
        local: 1_700_000_000_000 + mono,
    }
}

/// A moment `local` ms after midnight, on both clocks.
pub fn at_local(local: u64) -> Clock {
    Clock { mono: local, local }
}

// ---- the upload of bundle `b1`

pub const KEY: BundleKey = BundleKey { ticket: 1, rev: 2 };
pub const CS: u64 = CHUNK_SIZE as u64;

/// A manifest `b1` of firmware files `f0`, `f1`, ... of these sizes (zeros).
pub fn upload_manifest(sizes: &[u64]) -> Manifest {
    let files: Vec<(String, Vec<u8>)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &size)| (format!("f{i}"), vec![0; size as usize]))
        .collect();
    Manifest {
        id: "b1".into(),
        ..manifest_of(&files)
    }
}

pub fn upload_ready(have: Vec<FileChunks>, received: u64, total: u64) -> ServerMessage {
    ServerMessage::UploadReady {
        id: "b1".into(),
        chunk_size: CHUNK_SIZE,
        have,
        received,
        total,
    }
}

pub fn upload_progress(received: u64, total: u64) -> ServerMessage {
    ServerMessage::UploadProgress {
        id: "b1".into(),
        received,
        total,
    }
}

pub fn upload_error(code: ErrorCode, file: Option<&str>) -> ServerMessage {
    ServerMessage::Error {
        code,
        message: "it went wrong: do this".into(),
        file: file.map(str::to_string),
    }
}

/// A status with these interfaces, serving bundle `b1`.
pub fn status_with_bundle(interfaces: &[(&str, [u8; 4], u8)]) -> Status {
    lifeline_shared::testkit::status_with(
        interfaces,
        Some(CurrentBundle {
            id: "b1".into(),
            source: "s".into(),
            load: None,
            files: 1,
            bytes: 1,
            family: None,
            models: Vec::new(),
        }),
    )
}

// ---- phones and their events

/// A phone at 10.0.0.50 in `state`, seen 4 min 12 s.
pub fn summary(id: &str, state: PhoneState) -> PhoneSummary {
    PhoneSummary {
        address: Some(Ipv4Addr::new(10, 0, 0, 50)),
        state,
        last_seen_ms: 252_000,
        ..PhoneSummary::new(id.into(), 0)
    }
}

/// [`summary`], recovered.
pub fn recovered(id: &str) -> PhoneSummary {
    PhoneSummary {
        recovered: true,
        ..summary(id, PhoneState::Done)
    }
}

/// 10.0.0.50 asks for `file` (642 bytes).
pub fn tftp_request(file: &str, resolution: Resolution) -> Event {
    Event::TftpRequest(TftpRequest {
        transfer: 1,
        client: "10.0.0.50:5000".parse().unwrap(),
        transport: lifeline_shared::events::Transport::Tftp,
        file: file.into(),
        mode: "octet".into(),
        options: vec![],
        resolution,
        served: Some(file.to_ascii_lowercase()),
        size: Some(642),
        accepted: vec![],
        detail: None,
    })
}

/// 10.0.0.50 received `file` (642 bytes, 2 resends, in 125 ms).
pub fn tftp_done(file: &str) -> Event {
    Event::TftpDone(TftpEnd {
        transfer: 1,
        client: "10.0.0.50:5000".parse().unwrap(),
        transport: lifeline_shared::events::Transport::Tftp,
        file: file.into(),
        stats: Stats {
            bytes: 642,
            blocks: 2,
            retransmissions: 2,
        },
        duration_secs: 0.125,
        bytes_per_sec: 5136.0,
        outcome: Outcome::Done,
    })
}

// ---- the settings form

/// A form with these addresses typed and a phone table of the MACs in
/// `phones` (`MAC=MODEL` too, one a line or comma-separated).
pub fn form(tftp: &str, cms: &str, phones: &str) -> Form {
    Form {
        tftp: tftp.into(),
        call_managers: cms.into(),
        rows: settings::import::plain_rows(phones),
    }
}

/// A row of the phone table with a MAC and a model typed.
pub fn row(mac: &str, model: &str) -> settings::PhoneRow {
    settings::PhoneRow::with_mac(mac, model)
}

/// `state` with its phone table replaced by the rows `text` gives (pasted).
pub fn set_phones(state: &State, text: &str) -> State {
    let s = state
        .next(Action::ClearRows)
        .unwrap_or_else(|| state.clone());
    if text.is_empty() {
        return s;
    }
    let s = apply(&s, Action::SetPaste(text.into()));
    apply(&s, Action::ImportPaste)
}

/// `state` with `value` typed into row `row`, column `column`.
pub fn set_cell(state: &State, row: usize, column: Column, value: &str) -> State {
    apply(
        state,
        Action::SetCell {
            row,
            column,
            value: value.into(),
        },
    )
}

/// Types `fields` into row `i` of `form`'s phone table.
pub fn line(form: &mut Form, i: usize, fields: &[(Column, &str)]) {
    for (c, v) in fields {
        form.rows[i].set(*c, v.to_string());
    }
}

// ---- the reducer with a helper

/// The helper sends `m`.
pub fn msg(m: ServerMessage) -> Action {
    Action::LinkMessage {
        message: Box::new(m),
        raw: None,
        at: at(0),
    }
}

/// The helper sends `m`, `t` ms in.
pub fn msg_at(m: ServerMessage, t: u64) -> Action {
    Action::LinkMessage {
        message: Box::new(m),
        raw: None,
        at: at(t),
    }
}

/// The helper's status on lo and eth0, serving `bundle`.
pub fn status(bundle: Option<&str>) -> Status {
    lifeline_shared::testkit::status_with(
        &lifeline_shared::testkit::LO_ETH0,
        bundle.map(|id| CurrentBundle {
            id: id.into(),
            source: "seed.zip".into(),
            load: Some("SCCP41.8-3-3S".into()),
            files: 10,
            bytes: 6_300_000,
            family: Some(lifeline_shared::models::FamilyId::F7941_7961),
            models: vec!["7941".into(), "7961".into()],
        }),
    )
}

/// The helper's hello.
pub fn hello() -> ServerMessage {
    ServerMessage::Hello {
        version: 1,
        helper: "lifeline 0.1.0".into(),
    }
}

/// `state` connected to a helper serving `bundle`.
pub fn connected(state: &State, bundle: Option<&str>) -> State {
    let s = apply(state, Action::LinkConnecting { attempt: 1 });
    let s = apply(&s, msg(hello()));
    apply(&s, msg(ServerMessage::Status(status(bundle))))
}

/// The seed, settings filled in, its bundle built, a helper connected.
pub fn with_bundle() -> (State, BundleKey, String) {
    let (s, key) = built(&ready(&seed_state()));
    let BundleJob::Ready { bundle, .. } = &s.bundle else {
        panic!()
    };
    let id = bundle.manifest.id.clone();
    (connected(&s, None), key, id)
}

// ---- several packages and their plan

/// A zip of the 7941/7961 load `load` (`SCCP41.8-5-2S`), as the testkit makes one.
pub fn load_zip(load: &str) -> InputFile {
    InputFile {
        name: format!("{load}.zip"),
        data: zip_of(&lifeline_shared::testkit::load_files(load, 3000)),
    }
}

/// The packages of these loads, inspected together as a drop of their zips.
pub fn plan_packages(loads: &[&str]) -> intake::Packages {
    intake::inspect_packages(loads.iter().map(|l| load_zip(l)).collect())
        .unwrap()
        .2
}

/// Settings a bundle can be built with.
pub fn plan_settings() -> lifeline_shared::bundle::Settings {
    lifeline_shared::bundle::Settings {
        tftp_servers: vec![Ipv4Addr::new(10, 0, 0, 1)],
        call_managers: vec!["10.0.0.2".into()],
        phones: Vec::new(),
    }
}

/// The zips of these loads dropped together and inspected as job 1.
pub fn several_state(loads: &[&str]) -> State {
    let (report, firmware, packages) =
        intake::inspect_packages(loads.iter().map(|l| load_zip(l)).collect()).unwrap();
    apply(
        &checking(1),
        Action::Inspected {
            ticket: 1,
            report,
            millis: 1.0,
            firmware,
            packages: Some(Rc::new(packages)),
        },
    )
}
