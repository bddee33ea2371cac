//! Listening for what phones announce about themselves (CDP and LLDP-MED):
//! name, model, running load, VLANs, switch port, power. The frames are read
//! by `lifeline_proto::neighbour`; this module owns the socket.
//!
//! Linux only: a packet socket needs `CAP_NET_RAW` (root, `setcap
//! cap_net_raw+ep`, or a systemd unit's `AmbientCapabilities`). The kernel
//! filter ([`filter`]) lets nothing but CDP and LLDP through, so no other
//! traffic is ever read; nothing is stored but the last announcement of each
//! phone ([`Heard`], bounded).

pub mod cmd;
pub mod filter;

use std::collections::BTreeMap;
use std::io;
use std::time::{Duration, Instant};

use lifeline_proto::neighbour::{Announcement, MAX_FRAME, NeighbourError};
use lifeline_shared::config::mac::Mac;
use lifeline_shared::events::{Announced, Event, NeighbourHeard};
use lifeline_shared::firmware::version::Version;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

use crate::events::Events;

/// The most phones remembered; the one heard longest ago goes first.
pub const MAX_PHONES: usize = 4096;

/// Why the listener cannot run, in words with the fix.
#[derive(Debug, Error)]
pub enum OpenError {
    #[error(
        "listening for CDP and LLDP needs the CAP_NET_RAW capability: run as root, or once `sudo setcap cap_net_raw+ep {0}`"
    )]
    NoPrivilege(String),
    #[error("there is no network interface named `{0}`: `ip link` lists them")]
    NoInterface(String),
    #[error("listening for CDP and LLDP is not available on this platform yet (Linux only)")]
    Unsupported,
    #[error("cannot listen for CDP and LLDP: {0}")]
    Io(#[from] io::Error),
}

/// A packet socket that receives CDP and LLDP frames only.
#[derive(Debug)]
pub struct Listener {
    #[cfg(target_os = "linux")]
    socket: socket2::Socket,
}

impl Listener {
    /// Opens the socket on interface `interface`, or on all of them.
    #[cfg(target_os = "linux")]
    pub fn open(interface: Option<&str>) -> Result<Listener, OpenError> {
        use socket2::{Domain, Protocol, SockFilter, Socket, Type};
        let ifindex = match interface {
            Some(name) => Some(ifindex(name)?),
            None => None,
        };
        // ETH_P_ALL, in network order.
        let all = i32::from(0x0003u16.to_be());
        let socket = Socket::new(Domain::PACKET, Type::RAW, Some(Protocol::from(all))).map_err(
            |e| match e.kind() {
                io::ErrorKind::PermissionDenied => OpenError::NoPrivilege(own_path()),
                _ => OpenError::Io(e),
            },
        )?;
        let program: Vec<SockFilter> = filter::program(ifindex)
            .into_iter()
            .map(|(code, jt, jf, k)| SockFilter::new(code, jt, jf, k))
            .collect();
        socket.attach_filter(&program)?;
        // Frames queued before the filter was attached are not ours to read.
        socket.set_nonblocking(true)?;
        let mut buf = [0u8; 64];
        while (&socket).read_frame(&mut buf).is_ok() {}
        socket.set_nonblocking(false)?;
        Ok(Listener { socket })
    }

    /// Not on this platform.
    #[cfg(not(target_os = "linux"))]
    pub fn open(_interface: Option<&str>) -> Result<Listener, OpenError> {
        Err(OpenError::Unsupported)
    }

    /// The next announcement within `wait`: `Ok(None)` when none came, an
    /// inner error for a frame that was not a good one.
    pub fn next(&self, wait: Duration) -> io::Result<Option<Result<Announcement, NeighbourError>>> {
        #[cfg(target_os = "linux")]
        {
            self.socket
                .set_read_timeout(Some(wait.max(Duration::from_millis(1))))?;
            let mut buf = vec![0u8; MAX_FRAME + 1];
            match (&self.socket).read_frame(&mut buf) {
                Ok(n) => Ok(Some(Announcement::parse(&buf[..n]))),
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    Ok(None)
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
                Err(e) => Err(e),
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (wait, MAX_FRAME);
            Ok(None)
        }
    }
}

#[cfg(target_os = "linux")]
trait ReadFrame {
    fn read_frame(self, buf: &mut [u8]) -> io::Result<usize>;
}

#[cfg(target_os = "linux")]
impl ReadFrame for &socket2::Socket {
    fn read_frame(mut self, buf: &mut [u8]) -> io::Result<usize> {
        io::Read::read(&mut self, buf)
    }
}

/// The index of interface `name`, from sysfs.
#[cfg(target_os = "linux")]
fn ifindex(name: &str) -> Result<u32, OpenError> {
    let bad = || OpenError::NoInterface(name.to_string());
    if name.is_empty() || name.contains(['/', '\0']) || name == "." || name == ".." {
        return Err(bad());
    }
    let text =
        std::fs::read_to_string(format!("/sys/class/net/{name}/ifindex")).map_err(|_| bad())?;
    text.trim().parse().map_err(|_| bad())
}

/// This program's path, for the `setcap` line of the privilege message.
#[cfg(target_os = "linux")]
fn own_path() -> String {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "lifeline".into())
}

/// The listener of `lifeline serve`: on its own thread, each announcement
/// (merged with the phone's earlier ones, see [`Neighbours`]) is published as
/// an [`Event::Neighbour`]; with `terminal`, a line for each phone heard the
/// first time. When the socket cannot be opened, one line says why and how to
/// fix it, and everything else runs on. Stops within a second of `shutdown`.
pub fn spawn(
    interface: Option<String>,
    events: Events,
    shutdown: CancellationToken,
    terminal: bool,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let listener = match Listener::open(interface.as_deref()) {
            Ok(l) => l,
            Err(e) => {
                crate::terminal::err_line(&format!(
                    "lifeline: warning: {e}. Phones show up when they ask for an address or a file instead (--neighbours off hides this line)."
                ));
                return;
            }
        };
        let mut heard = Neighbours::default();
        while !shutdown.is_cancelled() {
            match listener.next(Duration::from_secs(1)) {
                Ok(Some(Ok(a))) => {
                    let new = heard.record(a.clone(), Instant::now());
                    let Some(h) = heard.get(&a.mac()) else {
                        continue;
                    };
                    let event = heard_event(&h.announcement);
                    if new && terminal {
                        crate::terminal::out_line(&human_line(&event));
                    }
                    events.publish(Event::Neighbour(event));
                }
                Ok(Some(Err(e))) => tracing::debug!(error = %e, "neighbour frame skipped"),
                Ok(None) => {}
                Err(e) => {
                    tracing::error!(error = %e, "cannot read CDP/LLDP frames; the listener stops");
                    return;
                }
            }
        }
    })
}

/// An announcement as the tracker and the page take it.
pub fn heard_event(a: &Announcement) -> NeighbourHeard {
    let load = a.load().map(str::to_string);
    NeighbourHeard {
        mac: a.mac().to_string(),
        model: a.model().map(|m| m.name.to_string()),
        address: a.address,
        announced: Announced {
            via: a.via.map(|v| v.to_string()).unwrap_or_default(),
            name: a.name.clone(),
            platform: a.platform.clone(),
            version: load
                .as_deref()
                .and_then(Version::from_load_name)
                .map(|v| v.to_string()),
            load,
            port: a.port.clone(),
            native_vlan: a.native_vlan,
            voice_vlan: a.voice_vlan,
            power_mw: a.power_mw,
            ttl: a.ttl,
            heard_ms: 0,
            note: None,
        },
    }
}

/// One line for a person at the terminal, when a phone is first heard.
pub fn human_line(h: &NeighbourHeard) -> String {
    let a = &h.announced;
    let what = h
        .model
        .as_deref()
        .map(|m| format!("a {m}"))
        .or_else(|| a.platform.clone())
        .unwrap_or_else(|| "a device".into());
    let runs = match (&a.load, &a.version) {
        (Some(l), Some(v)) => format!(", running {l} ({v})"),
        (Some(l), None) => format!(", running {l}"),
        _ => String::new(),
    };
    let port = a
        .port
        .as_deref()
        .map(|p| format!(" on {p}"))
        .unwrap_or_default();
    format!("{} {}: {what}{runs}{port}", a.via, h.mac)
}

/// A phone's last announcement, and when it came.
#[derive(Clone, Debug)]
pub struct Heard {
    pub announcement: Announcement,
    pub at: Instant,
    /// How many announcements it sent.
    pub count: u64,
}

/// What a phone said last, field by field: a phone announces over CDP and
/// LLDP-MED in turn, and each carries fields the other lacks (CDP no voice
/// VLAN from some loads, LLDP no platform), so a field the new announcement
/// leaves out keeps its last value.
fn merged(old: &Announcement, new: Announcement) -> Announcement {
    let keep = |n: Option<String>, o: &Option<String>| n.or_else(|| o.clone());
    Announcement {
        name: keep(new.name, &old.name),
        platform: keep(new.platform, &old.platform),
        software: keep(new.software, &old.software),
        firmware: keep(new.firmware, &old.firmware),
        hardware: keep(new.hardware, &old.hardware),
        description: keep(new.description, &old.description),
        port: keep(new.port, &old.port),
        native_vlan: new.native_vlan.or(old.native_vlan),
        voice_vlan: new.voice_vlan.or(old.voice_vlan),
        power_mw: new.power_mw.or(old.power_mw),
        address: new.address.or(old.address),
        ..new
    }
}

/// The last announcement of each phone, by MAC, at most [`MAX_PHONES`].
#[derive(Debug, Default)]
pub struct Neighbours {
    by_mac: BTreeMap<Mac, Heard>,
}

impl Neighbours {
    /// Records `a`, heard at `at`; true when the phone is new.
    pub fn record(&mut self, a: Announcement, at: Instant) -> bool {
        let mac = a.mac();
        if let Some(h) = self.by_mac.get_mut(&mac) {
            h.announcement = merged(&h.announcement, a);
            h.at = at;
            h.count += 1;
            return false;
        }
        if self.by_mac.len() >= MAX_PHONES
            && let Some(oldest) = self
                .by_mac
                .iter()
                .min_by_key(|(_, h)| h.at)
                .map(|(m, _)| *m)
        {
            self.by_mac.remove(&oldest);
        }
        self.by_mac.insert(
            mac,
            Heard {
                announcement: a,
                at,
                count: 1,
            },
        );
        true
    }

    /// What phone `mac` said, merged.
    pub fn get(&self, mac: &Mac) -> Option<&Heard> {
        self.by_mac.get(mac)
    }

    /// The phones heard, by MAC.
    pub fn iter(&self) -> impl Iterator<Item = (&Mac, &Heard)> {
        self.by_mac.iter()
    }

    /// How many phones.
    pub fn len(&self) -> usize {
        self.by_mac.len()
    }

    /// Whether none was heard.
    pub fn is_empty(&self) -> bool {
        self.by_mac.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_proto::testkit::announcements;

    #[test]
    fn one_entry_per_phone_the_last_announcement_wins_and_the_table_is_bounded() {
        let mut n = Neighbours::default();
        let t0 = Instant::now();
        let mut a = announcements().remove(0);
        assert!(n.record(a.clone(), t0));
        a.software = Some("SCCP41.8-5-2S".into());
        assert!(!n.record(a.clone(), t0 + Duration::from_secs(60)));
        assert_eq!(n.len(), 1);
        let (_, h) = n.iter().next().unwrap();
        assert_eq!((h.announcement.load(), h.count), (Some("SCCP41.8-5-2S"), 2));
        // An LLDP announcement without a platform keeps the one CDP gave.
        let lldp = Announcement {
            platform: None,
            voice_vlan: Some(120),
            ..a.clone()
        };
        n.record(lldp, t0 + Duration::from_secs(61));
        let (_, h) = n.iter().next().unwrap();
        assert_eq!(h.announcement.platform, a.platform);
        assert_eq!(h.announcement.voice_vlan, Some(120));
        for i in 0..MAX_PHONES as u32 + 5 {
            let mut b = a.clone();
            b.name = None;
            b.source = Mac([2, 0, 0, (i >> 16) as u8, (i >> 8) as u8, i as u8]);
            n.record(b, t0 + Duration::from_secs(61 + u64::from(i)));
        }
        assert_eq!(n.len(), MAX_PHONES);
        // The first phone, heard longest ago, made room.
        assert!(n.iter().all(|(m, _)| *m != a.mac()));
    }

    #[test]
    fn an_announcement_becomes_the_event_and_the_terminal_line() {
        let frame = lifeline_proto::neighbour::cdp::emit(&announcements()[0], 2);
        let e = heard_event(&Announcement::parse(&frame).unwrap());
        assert_eq!(
            (e.mac.as_str(), e.model.as_deref()),
            ("001F9EAB59F1", Some("7941"))
        );
        assert_eq!(e.announced.version.as_deref(), Some("8.2(1)"));
        assert_eq!(
            human_line(&e),
            "CDPv2 001F9EAB59F1: a 7941, running SCCP41.8-2-1S (8.2(1)) on Port 1"
        );
    }

    #[test]
    fn a_missing_interface_is_named() {
        #[cfg(target_os = "linux")]
        for name in ["no-such-if0", "../etc", ""] {
            let e = ifindex(name).unwrap_err();
            assert!(e.to_string().contains("no network interface named"), "{e}");
        }
    }
}
