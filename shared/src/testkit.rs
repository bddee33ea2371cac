//! Fixtures for every crate's tests, fuzz seeds and benchmarks: synthetic
//! firmware (signed files, `.loads` bodies, zips, the seed's image list),
//! pseudo-random bytes, bundle manifests, a helper's status, the DHCP
//! steps and sample events.
//!
//! The suite needs no Cisco file: the images are pseudo-random bytes behind a
//! real-shaped signed header; nothing here is Cisco's.

use std::net::{Ipv4Addr, SocketAddr};

use crate::crc32::Hasher;
use flate2::{Compress, Compression, FlushCompress, Status};

use crate::bundle::{self, File, Kind, Manifest, Settings};
use crate::events::{
    DhcpEvent, DhcpStep, Event, OptionPair, Outcome, Resolution, ShedReason, Stats, TftpEnd,
    TftpProgress, TftpRefused, TftpRequest, TftpShed,
};
use crate::protocol::{self, CurrentBundle, Interface, InterfaceAddress, Service};

pub mod families;

/// A signed file (classic header) named `name` with `body` after the header.
///
/// The header has the real layout: version, header length at offset 8, a signer
/// container, SHA-256 as hash algorithm, a fake 256-byte signature, the name
/// (NUL-terminated), and `0x0D` padding up to a multiple of 4.
pub fn signed_file(name: &str, body: &[u8]) -> Vec<u8> {
    let mut h = vec![0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x02, 0x00, 0x00];
    let signer = b"CN=lifeline-test;OU=synthetic;O=none\0";
    let container_len = 3 + signer.len() + 4 + 3 + 256;
    h.push(0x03);
    h.extend((container_len as u16).to_be_bytes());
    h.push(0x04);
    h.extend((signer.len() as u16).to_be_bytes());
    h.extend(signer);
    h.extend([0x08, 0x00, 0x01, 0x02]);
    h.extend([0x0C, 0x01, 0x00]);
    h.extend((0..256u32).map(|i| (i * 7 + 3) as u8));
    h.push(0x0E);
    h.extend(((name.len() + 1) as u16).to_be_bytes());
    h.extend(name.as_bytes());
    h.push(0);
    h.push(0x0D);
    while h.len() % 4 != 0 {
        h.push(0x0D);
    }
    let len = h.len() as u16;
    h[8..10].copy_from_slice(&len.to_be_bytes());
    h.extend_from_slice(body);
    h
}

/// A 79xx manifest body (CRLF, comments, optional `#HARDWARE_COMP_1`).
pub fn manifest_body(release: &str, hardware_comp: Option<u32>, images: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "#\r\n# This file contains a list of archive image files that will be requested by the\r\n",
    );
    s.push_str(&format!("# RELEASE load version {release}\r\n#\r\n"));
    if let Some(h) = hardware_comp {
        s.push_str(&format!("#HARDWARE_COMP_1 {h}\r\n"));
    }
    s.push_str("\r\n");
    for (i, img) in images.iter().enumerate() {
        s.push_str(img);
        // Real files carry trailing spaces on some lines.
        if i >= 3 {
            s.push(' ');
        }
        s.push_str("\r\n");
    }
    s.into_bytes()
}

/// `len` pseudo-random bytes from `seed` (xorshift: fast, deterministic, incompressible).
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A signed image of exactly `size` bytes whose header names it `name`.
pub fn image(name: &str, size: usize) -> Vec<u8> {
    let mut f = signed_file(name, &[]);
    let seed = name
        .bytes()
        .fold(0u64, |a, b| a.wrapping_mul(31).wrapping_add(u64::from(b)));
    let body = size.saturating_sub(f.len());
    // Mostly noise with some runs, so deflate does a little work, as on real images.
    let mut data = noise(seed, body);
    for chunk in data.chunks_mut(4096).step_by(3) {
        let n = chunk.len().min(512);
        chunk[..n].fill(0);
    }
    f.extend(data);
    f
}

/// How an entry is written by [`ZipBuilder`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    /// Not compressed.
    Stored,
    /// Deflated.
    Deflate,
}

/// One entry for [`ZipBuilder`], with knobs to write broken zips.
#[derive(Clone, Debug)]
pub struct ZipEntrySpec {
    /// Name bytes, written as they are.
    pub name: Vec<u8>,
    /// Content.
    pub data: Vec<u8>,
    /// How to store it.
    pub store: Store,
    /// Write this CRC instead of the right one.
    pub crc_override: Option<u32>,
    /// Write this uncompressed size instead of the right one.
    pub size_override: Option<u32>,
    /// Set the encrypted flag.
    pub encrypted: bool,
    /// Write this method number instead.
    pub method_override: Option<u16>,
}

/// A small zip writer that can also write the broken zips the inspector must catch
/// (duplicate names, unsafe names, bad CRCs, encrypted flags, lying sizes).
#[derive(Clone, Debug, Default)]
pub struct ZipBuilder {
    entries: Vec<ZipEntrySpec>,
}

impl ZipBuilder {
    /// An empty zip.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a deflated entry.
    pub fn add(self, name: &str, data: impl Into<Vec<u8>>) -> Self {
        self.add_spec(Self::spec(name, data))
    }

    /// Adds an entry described in full.
    pub fn add_spec(mut self, spec: ZipEntrySpec) -> Self {
        self.entries.push(spec);
        self
    }

    /// A spec for `name` with `data`, deflated and otherwise honest.
    pub fn spec(name: &str, data: impl Into<Vec<u8>>) -> ZipEntrySpec {
        ZipEntrySpec {
            name: name.as_bytes().to_vec(),
            data: data.into(),
            store: Store::Deflate,
            crc_override: None,
            size_override: None,
            encrypted: false,
            method_override: None,
        }
    }

    /// Writes the zip.
    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in &self.entries {
            let mut h = Hasher::new();
            h.update(&e.data);
            let crc = e.crc_override.unwrap_or_else(|| h.finalize());
            let (method, payload) = match e.store {
                Store::Stored => (0u16, e.data.clone()),
                Store::Deflate => (8u16, deflate(&e.data)),
            };
            let method = e.method_override.unwrap_or(method);
            let size = e.size_override.unwrap_or(e.data.len() as u32);
            let flags: u16 = if e.encrypted { 1 } else { 0 };
            let offset = out.len() as u32;
            out.extend(0x0403_4b50u32.to_le_bytes());
            out.extend(20u16.to_le_bytes());
            out.extend(flags.to_le_bytes());
            out.extend(method.to_le_bytes());
            out.extend([0u8; 4]); // time, date
            out.extend(crc.to_le_bytes());
            out.extend((payload.len() as u32).to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend((e.name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(&e.name);
            out.extend(&payload);

            central.extend(0x0201_4b50u32.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(20u16.to_le_bytes());
            central.extend(flags.to_le_bytes());
            central.extend(method.to_le_bytes());
            central.extend([0u8; 4]);
            central.extend(crc.to_le_bytes());
            central.extend((payload.len() as u32).to_le_bytes());
            central.extend(size.to_le_bytes());
            central.extend((e.name.len() as u16).to_le_bytes());
            central.extend([0u8; 12]); // extra, comment, disk, internal attrs, external attrs
            central.extend(offset.to_le_bytes());
            central.extend(&e.name);
        }
        let cd_offset = out.len() as u32;
        out.extend(&central);
        out.extend(0x0605_4b50u32.to_le_bytes());
        out.extend([0u8; 4]);
        out.extend((self.entries.len() as u16).to_le_bytes());
        out.extend((self.entries.len() as u16).to_le_bytes());
        out.extend((central.len() as u32).to_le_bytes());
        out.extend(cd_offset.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out
    }
}

/// Raw deflate of `data`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::default(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(out.capacity());
        }
        let consumed = c.total_in() as usize;
        let status = c
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Finish)
            .expect("deflate into a Vec cannot fail");
        if status == Status::StreamEnd {
            return out;
        }
    }
}

/// The images of the seed firmware (`cmterm-7941_7961-sccp.8-3-3`), in the
/// order its manifests list them, which is the order a phone fetches them.
pub const SEED_IMAGE_NAMES: [&str; 5] = [
    "jar41sccp.8-3-2-27.sbn",
    "cnu41.8-3-2-27.sbn",
    "apps41.8-3-2-27.sbn",
    "dsp41.8-3-2-27.sbn",
    "cvm41sccp.8-3-2-27.sbn",
];

/// The seed firmware's images with their real sizes.
pub const SEED_IMAGES: [(&str, usize); 5] = [
    (SEED_IMAGE_NAMES[0], 315_827),
    (SEED_IMAGE_NAMES[1], 547_146),
    (SEED_IMAGE_NAMES[2], 2_494_499),
    (SEED_IMAGE_NAMES[3], 530_601),
    (SEED_IMAGE_NAMES[4], 2_452_629),
];

/// The load the seed firmware carries.
pub const SEED_LOAD: &str = "SCCP41.8-3-3S";

/// The files of a synthetic `cmterm-7941_7961-sccp.8-3-3` firmware, shaped like the
/// seed's: five signed images of the same names and sizes, the load manifest and
/// term41/term61, each manifest listing the images in the phone's order.
pub fn seed_files() -> Vec<(String, Vec<u8>)> {
    let body = manifest_body("8-3-2-27", None, &SEED_IMAGE_NAMES);
    let mut files: Vec<(String, Vec<u8>)> = SEED_IMAGES
        .iter()
        .map(|(n, size)| (n.to_string(), image(n, *size)))
        .collect();
    for m in [
        format!("{SEED_LOAD}.loads"),
        "term41.default.loads".into(),
        "term61.default.loads".into(),
    ] {
        let f = signed_file(&m, &body);
        files.push((m, f));
    }
    files
}

/// The files of a synthetic 7941/7961 firmware zip for any load (`SCCP41.8-5-2S`,
/// `SIP41.9-4-2SR3-1S`): five signed images of `image_size` bytes named after the
/// load's version and protocol, the load manifest and term41/term61.
pub fn load_files(load: &str, image_size: usize) -> Vec<(String, Vec<u8>)> {
    let (prefix, ver) = load
        .split_once('.')
        .expect("a load name such as SCCP41.8-5-2S");
    let proto = prefix
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_ascii_lowercase();
    let names: Vec<String> = ["jar41{p}", "cnu41", "apps41", "dsp41", "cvm41{p}"]
        .iter()
        .map(|n| format!("{}.{ver}.sbn", n.replace("{p}", &proto)))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = manifest_body(ver.trim_end_matches(['S', 's']), None, &refs);
    let mut files: Vec<(String, Vec<u8>)> = names
        .iter()
        .map(|n| (n.clone(), image(n, image_size)))
        .collect();
    for m in [
        format!("{load}.loads"),
        "term41.default.loads".into(),
        "term61.default.loads".into(),
    ] {
        let f = signed_file(&m, &body);
        files.push((m, f));
    }
    files
}

/// [`seed_files`] as a zip.
pub fn seed_zip() -> Vec<u8> {
    zip_of(&seed_files())
}

/// The seed as a SIP load: the same images under their SIP names
/// (`jar41sip…`, `cvm41sip…`), `SIP41.8-3-3S.loads` and term41/term61.
pub fn sip_seed_files() -> Vec<(String, Vec<u8>)> {
    let names: Vec<String> = SEED_IMAGE_NAMES
        .iter()
        .map(|n| n.replace("sccp", "sip"))
        .collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let body = manifest_body("8-3-2-27", None, &refs);
    let mut files: Vec<(String, Vec<u8>)> = SEED_IMAGES
        .iter()
        .zip(&names)
        .map(|((_, size), n)| (n.clone(), image(n, *size)))
        .collect();
    for m in [
        "SIP41.8-3-3S.loads",
        "term41.default.loads",
        "term61.default.loads",
    ] {
        files.push((m.to_string(), signed_file(m, &body)));
    }
    files
}

/// [`sip_seed_files`] as a zip.
pub fn sip_seed_zip() -> Vec<u8> {
    zip_of(&sip_seed_files())
}

/// A bundle manifest of `files` (name, content), all firmware, with their real
/// sizes, hashes and bundle id, from `test.zip` with the seed's load, and no
/// settings or aliases.
pub fn manifest_of<N: AsRef<str>, D: AsRef<[u8]>>(files: &[(N, D)]) -> Manifest {
    let files: Vec<File> = files
        .iter()
        .map(|(n, d)| File::of(n.as_ref(), d.as_ref(), Kind::Firmware))
        .collect();
    Manifest {
        format: bundle::FORMAT,
        id: bundle::bundle_id(&files),
        source: "test.zip".into(),
        load: Some(SEED_LOAD.into()),
        protocol: None,
        settings: Settings {
            tftp_servers: vec![],
            call_managers: vec![],
            phones: vec![],
        },
        files,
        aliases: vec![],
    }
}

/// [`seed_files`] whose manifests spell the first image
/// `Jar41sccp.8-3-2-27.sbn` while the archive stores `jar41sccp.8-3-2-27.sbn`:
/// the case problem of loads 8.2 to 8.3 that a bundle's alias fixes.
pub fn case_mismatch_files() -> Vec<(String, Vec<u8>)> {
    let mut names = SEED_IMAGE_NAMES;
    names[0] = "Jar41sccp.8-3-2-27.sbn";
    let body = manifest_body("8-3-2-27", None, &names);
    seed_files()
        .into_iter()
        .map(|(name, data)| {
            if name.ends_with(".loads") {
                let signed = signed_file(&name, &body);
                (name, signed)
            } else {
                (name, data)
            }
        })
        .collect()
}

/// [`case_mismatch_files`] as a zip.
pub fn case_mismatch_zip() -> Vec<u8> {
    zip_of(&case_mismatch_files())
}

/// A deflated zip of `files`.
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    files
        .iter()
        .fold(ZipBuilder::new(), |z, (n, d)| z.add(n, d.clone()))
        .build()
}

/// Every DHCP step a helper reports (both forms of DISCOVER; not
/// [`crate::events::DhcpStep::Other`], which only a reader makes), for tests of
/// their wire form and wording.
pub fn dhcp_steps(addr: Ipv4Addr) -> Vec<DhcpStep> {
    // A new step fails to compile here until it is added to the list below.
    let _every_variant_listed = |s: &DhcpStep| match s {
        DhcpStep::Discover { .. }
        | DhcpStep::Offer { .. }
        | DhcpStep::Ack { .. }
        | DhcpStep::Nak { .. }
        | DhcpStep::Decline { .. }
        | DhcpStep::Release { .. }
        | DhcpStep::Inform { .. }
        | DhcpStep::AddressInUse { .. }
        | DhcpStep::PoolExhausted
        | DhcpStep::Other => {}
    };
    vec![
        DhcpStep::Discover { requested: None },
        DhcpStep::Discover {
            requested: Some(addr),
        },
        DhcpStep::Offer {
            addr,
            tftp: vec![Ipv4Addr::new(10, 0, 0, 1)],
        },
        DhcpStep::Ack {
            addr,
            lease_secs: 3600,
            tftp: vec![Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2)],
        },
        DhcpStep::Nak {
            addr: None,
            reason: "r".into(),
        },
        DhcpStep::Decline { addr },
        DhcpStep::Release { addr },
        DhcpStep::Inform { addr },
        DhcpStep::AddressInUse { addr },
        DhcpStep::PoolExhausted,
    ]
}

/// A read request of `file` in octet mode without options, as the TFTP
/// server reports it: served under its own name unless it was not found or
/// was denied.
pub fn tftp_request(
    transfer: u64,
    client: SocketAddr,
    file: &str,
    resolution: Resolution,
    size: Option<u64>,
) -> Event {
    Event::TftpRequest(TftpRequest {
        transfer,
        client,
        transport: crate::events::Transport::Tftp,
        file: file.into(),
        mode: "octet".into(),
        options: vec![],
        resolution,
        served: (!matches!(resolution, Resolution::NotFound | Resolution::Denied))
            .then(|| file.into()),
        size,
        accepted: vec![],
        detail: None,
    })
}

/// The end of a transfer of `file`: 1000 bytes in 2 blocks in half a
/// second; `TftpDone` if `outcome` is `Done`, else `TftpAborted`.
pub fn tftp_end(transfer: u64, client: SocketAddr, file: &str, outcome: Outcome) -> Event {
    let e = TftpEnd {
        transfer,
        client,
        transport: crate::events::Transport::Tftp,
        file: file.into(),
        stats: Stats {
            bytes: 1000,
            blocks: 2,
            retransmissions: 0,
        },
        duration_secs: 0.5,
        bytes_per_sec: 2000.0,
        outcome: outcome.clone(),
    };
    if outcome == Outcome::Done {
        Event::TftpDone(e)
    } else {
        Event::TftpAborted(e)
    }
}

/// The DHCP server acknowledging the 7961 `00:11:22:AA:BB:CC` at `addr`
/// for an hour, with `tftp` as its TFTP server.
pub fn dhcp_ack(addr: Ipv4Addr, tftp: Ipv4Addr) -> Event {
    Event::Dhcp(DhcpEvent {
        mac: "001122AABBCC".into(),
        device: "SEP001122AABBCC".into(),
        model: Some("7961".into()),
        step: DhcpStep::Ack {
            addr,
            lease_secs: 3600,
            tftp: vec![tftp],
        },
    })
}

/// One event of every kind about registration and simulated phones (whom a
/// served configuration registers as, a simulation's start, each verdict
/// outcome, its end), about `client`, for tests of their wire form.
pub fn registration_events(client: SocketAddr) -> Vec<Event> {
    let mut out = Vec::new();
    use crate::config::registers::Registers;
    use crate::events::{
        ConfigServed, Simulated, SimulatedOutcome, SimulatedPhone, SimulationFinished,
        SimulationStarted, SimulationVerdict,
    };
    for (registers, transport) in [
        (
            Registers::Sip {
                user: "1001".into(),
                auth_name: "1001".into(),
                proxy: "10.0.0.5".into(),
                port: 5060,
            },
            crate::events::Transport::Tftp,
        ),
        (Registers::Sccp, crate::events::Transport::Http),
        (Registers::NoLine, crate::events::Transport::Tftp),
        (
            Registers::Unreadable {
                error: "it is not well-formed XML: “x”".into(),
            },
            crate::events::Transport::Tftp,
        ),
    ] {
        out.push(Event::ConfigServed(ConfigServed {
            client,
            transport,
            file: "SEP001122AABBCC.cnf.xml".into(),
            own: true,
            registers,
        }));
    }
    out.push(Event::SimulationStarted(SimulationStarted {
        phones: vec![SimulatedPhone {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: Ipv4Addr::new(127, 0, 100, 2),
        }],
        time_limit_secs: 180,
        left_out: 4,
    }));
    for (outcome, code, registered) in [
        (
            SimulatedOutcome::Registered,
            None,
            Some("1001 at 127.0.0.1:5070"),
        ),
        (SimulatedOutcome::NothingToRegister, None, None),
        (SimulatedOutcome::Stuck, Some("sip-no-answer"), None),
        (SimulatedOutcome::CouldNotRun, None, None),
        (SimulatedOutcome::Running, None, None),
    ] {
        out.push(Event::SimulationVerdict(SimulationVerdict {
            mac: "001122AABBCC".into(),
            model: "7961".into(),
            source: Ipv4Addr::new(127, 0, 100, 2),
            result: Simulated {
                outcome,
                sentence: "would register as 1001 at 127.0.0.1:5070".into(),
                code: code.map(str::to_string),
                registered: registered.map(str::to_string),
            },
        }));
    }
    out.push(Event::SimulationFinished(SimulationFinished {
        phones: 3,
        registered: 1,
        nothing_to_register: 1,
        failed: 1,
    }));
    out
}

/// One event of every TFTP kind a helper publishes, about `client` (an
/// aliased request with an option, progress, a finished and a timed-out
/// transfer, a refusal, a duplicate request, requests shed), for tests of
/// their wire form.
pub fn tftp_events(client: SocketAddr) -> Vec<Event> {
    // A new event fails to compile here until it is added to the list below.
    let _every_variant_listed = |e: &Event| match e {
        Event::TftpRequest(_)
        | Event::TftpProgress(_)
        | Event::TftpDone(_)
        | Event::TftpAborted(_)
        | Event::TftpRefused(_)
        | Event::TftpShed(_)
        | Event::TftpDuplicate { .. }
        | Event::Dhcp(_)
        | Event::Neighbour(_)
        | Event::Unknown => {}
        // In `registration_events`.
        Event::ConfigServed(_)
        | Event::Walk(_)
        | Event::SimulationStarted(_)
        | Event::SimulationVerdict(_)
        | Event::SimulationFinished(_) => {}
    };
    let stats = Stats {
        bytes: 1024,
        blocks: 3,
        retransmissions: 1,
    };
    let end = |outcome| TftpEnd {
        transfer: 3,
        client,
        transport: crate::events::Transport::Tftp,
        file: "term61.default.loads".into(),
        stats,
        duration_secs: 0.5,
        bytes_per_sec: 2048.0,
        outcome,
    };
    vec![
        Event::TftpRequest(TftpRequest {
            transfer: 1,
            client,
            transport: crate::events::Transport::Tftp,
            file: "Jar41sccp.8-3-2-27.sbn".into(),
            mode: "octet".into(),
            options: vec![OptionPair {
                name: "blksize".into(),
                value: "1428".into(),
            }],
            resolution: Resolution::Alias,
            served: Some("jar41sccp.8-3-2-27.sbn".into()),
            size: Some(642),
            accepted: vec![],
            detail: None,
        }),
        Event::TftpProgress(TftpProgress {
            transfer: 1,
            client,
            transport: crate::events::Transport::Tftp,
            file: "f".into(),
            size: None,
            stats,
        }),
        Event::TftpDone(end(Outcome::Done)),
        Event::TftpAborted(end(Outcome::TimedOut { retries: 5 })),
        Event::TftpRefused(TftpRefused {
            client,
            file: "x".into(),
            code: 2,
            reason: "write requests are refused".into(),
        }),
        Event::TftpDuplicate {
            client,
            file: "f".into(),
        },
        Event::TftpShed(TftpShed {
            reason: ShedReason::ClientCap,
            count: 12,
            client,
            message: "12 read requests refused".into(),
        }),
    ]
}

/// A helper's status: `interfaces` as (name, address, prefix),
/// TFTP on 0.0.0.0:69, DHCP off, and `bundle` being served.
pub fn status_with(
    interfaces: &[(&str, [u8; 4], u8)],
    bundle: Option<CurrentBundle>,
) -> protocol::Status {
    protocol::Status {
        helper: "lifeline 0.1.0".into(),
        interfaces: interfaces
            .iter()
            .map(|(name, address, prefix)| Interface {
                name: name.to_string(),
                addresses: vec![InterfaceAddress {
                    address: Ipv4Addr::from(*address),
                    prefix: *prefix,
                }],
            })
            .collect(),
        tftp: Service::listening(Some("0.0.0.0:69".into())),
        dhcp: Service::off("off (start …)"),
        provision: Some(Service::listening(Some("0.0.0.0:6970".into()))),
        bundle,
    }
}

/// Loopback and eth0 192.168.10.105/24.
pub const LO_ETH0: [(&str, [u8; 4], u8); 2] =
    [("lo", [127, 0, 0, 1], 8), ("eth0", [192, 168, 10, 105], 24)];

/// A phone with MAC `mac` (12 hex digits) announcing, over CDPv2, that it is
/// a `model` running `load`.
pub fn neighbour_heard(mac: &str, model: &str, load: &str) -> crate::events::Event {
    use crate::events::{Announced, Event, NeighbourHeard};
    Event::Neighbour(NeighbourHeard {
        mac: mac.to_string(),
        model: Some(model.to_string()),
        address: None,
        announced: Announced {
            via: "CDPv2".into(),
            name: Some(format!("SEP{mac}")),
            platform: Some(format!("Cisco IP Phone {model}")),
            load: Some(load.to_string()),
            version: crate::firmware::version::Version::from_load_name(load).map(|v| v.to_string()),
            port: Some("Port 1".into()),
            native_vlan: None,
            voice_vlan: Some(110),
            power_mw: Some(6300),
            ttl: 180,
            heard_ms: 0,
            note: None,
        },
    })
}
