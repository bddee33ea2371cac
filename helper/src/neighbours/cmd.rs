//! `lifeline neighbours [--interface IF] [--seconds N] [--count N] [--json]`:
//! listens for CDP and LLDP announcements and lists the phones heard, one row
//! each (its last announcement): MAC, model, running load, protocol, switch
//! port, VLANs, power, address. Exit 0 listened (even if nothing came),
//! 1 cannot listen (no privilege, no such interface, not Linux).

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Heard, Listener, Neighbours};

/// Arguments of `lifeline neighbours`.
#[derive(Debug, clap::Args)]
pub struct NeighboursArgs {
    /// The interface the phones are on (`eth0`); all of them when absent.
    #[arg(long, value_name = "IF")]
    pub interface: Option<String>,
    /// How long to listen. Phones announce about once a minute.
    #[arg(long, value_name = "N", default_value_t = 65,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub seconds: u64,
    /// Stop as soon as this many phones were heard.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Print a JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One phone, as `--json` prints it.
#[derive(Debug, Serialize)]
pub struct Row {
    pub mac: String,
    pub name: Option<String>,
    /// The catalogue's model (`7961`), when the platform names one.
    pub model: Option<String>,
    pub platform: Option<String>,
    /// The running load, when the software field is a Cisco load name.
    pub load: Option<String>,
    /// Its version (`8.5(2)`).
    pub version: Option<String>,
    pub software: Option<String>,
    pub firmware: Option<String>,
    pub hardware: Option<String>,
    /// `CDPv2`, `LLDP-MED`, …
    pub via: String,
    pub port: Option<String>,
    pub native_vlan: Option<u16>,
    pub voice_vlan: Option<u16>,
    pub power_mw: Option<u32>,
    pub address: Option<String>,
    pub ttl: u16,
    /// Announcements heard.
    pub heard: u64,
    /// Seconds since the last one.
    pub last_heard_secs: u64,
}

impl Row {
    fn of(h: &Heard, now: Instant) -> Row {
        let e = super::heard_event(&h.announcement);
        let a = &h.announcement;
        Row {
            mac: e.mac,
            name: e.announced.name,
            model: e.model,
            platform: e.announced.platform,
            load: e.announced.load,
            version: e.announced.version,
            software: a.software.clone(),
            firmware: a.firmware.clone(),
            hardware: a.hardware.clone(),
            via: e.announced.via,
            port: e.announced.port,
            native_vlan: a.native_vlan,
            voice_vlan: a.voice_vlan,
            power_mw: a.power_mw,
            address: a.address.map(|ip| ip.to_string()),
            ttl: a.ttl,
            heard: h.count,
            last_heard_secs: now.saturating_duration_since(h.at).as_secs(),
        }
    }
}

/// Runs the command.
pub fn run(args: &NeighboursArgs) -> ExitCode {
    let listener = match Listener::open(args.interface.as_deref()) {
        Ok(l) => l,
        Err(e) => {
            crate::terminal::err_line(&format!("lifeline: error: {e}"));
            return ExitCode::from(1);
        }
    };
    let place = args
        .interface
        .as_deref()
        .map(|i| format!("on {i}"))
        .unwrap_or_else(|| "on every interface".into());
    crate::terminal::err_line(&format!(
        "Listening for CDP and LLDP {place} for {} s…",
        args.seconds
    ));
    let mut heard = Neighbours::default();
    let (start, limit) = (Instant::now(), Duration::from_secs(args.seconds));
    let mut malformed = 0u64;
    while let Some(left) = limit.checked_sub(start.elapsed()) {
        if args.count.is_some_and(|n| heard.len() as u64 >= n) {
            break;
        }
        match listener.next(left.min(Duration::from_secs(1))) {
            Ok(Some(Ok(a))) => {
                heard.record(a, Instant::now());
            }
            Ok(Some(Err(_))) => malformed += 1,
            Ok(None) => {}
            Err(e) => {
                crate::terminal::err_line(&format!("lifeline: error: cannot read frames: {e}"));
                return ExitCode::from(1);
            }
        }
    }
    let now = Instant::now();
    let rows: Vec<Row> = heard.iter().map(|(_, h)| Row::of(h, now)).collect();
    if args.json {
        let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
        s.push('\n');
        crate::terminal::out(&s);
    } else {
        crate::terminal::out(&table(&rows));
    }
    if malformed > 0 {
        crate::terminal::err_line(&format!(
            "lifeline: warning: {malformed} CDP or LLDP frame{} could not be read and {} skipped",
            if malformed == 1 { "" } else { "s" },
            if malformed == 1 { "was" } else { "were" },
        ));
    }
    ExitCode::SUCCESS
}

/// The rows as a table, or a sentence when there are none.
pub fn table(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "No phone announced itself. Phones send CDP or LLDP about once a minute: listen longer (--seconds), or check the interface (--interface).\n".into();
    }
    let cells: Vec<[String; 8]> =
        rows.iter()
            .map(|r| {
                let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
                [
                    r.mac.clone(),
                    or_dash(r.model.clone().or_else(|| r.platform.clone())),
                    or_dash(r.load.clone().or_else(|| r.software.clone()).map(
                        |l| match &r.version {
                            Some(v) => format!("{l} ({v})"),
                            None => l,
                        },
                    )),
                    r.via.clone(),
                    or_dash(r.port.clone()),
                    match (r.native_vlan, r.voice_vlan) {
                        (None, None) => "-".into(),
                        (n, v) => format!(
                            "{}/{}",
                            n.map(|n| n.to_string()).unwrap_or_else(|| "-".into()),
                            v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
                        ),
                    },
                    or_dash(
                        r.power_mw
                            .map(|p| format!("{:.1} W", f64::from(p) / 1000.0)),
                    ),
                    format!("{} s ago", r.last_heard_secs),
                ]
            })
            .collect();
    let head = [
        "MAC",
        "MODEL",
        "LOAD",
        "VIA",
        "PORT",
        "VLAN/VOICE",
        "POWER",
        "HEARD",
    ];
    let mut widths = head.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cols: &[&str]| {
        let mut l = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&head);
    for row in &cells {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lifeline_proto::neighbour::Announcement;
    use lifeline_proto::testkit::announcements;

    #[test]
    fn the_table_names_each_phone_its_model_load_and_version() {
        let mut n = Neighbours::default();
        let now = Instant::now();
        for a in announcements() {
            let frame = lifeline_proto::neighbour::cdp::emit(&a, 2);
            n.record(Announcement::parse(&frame).unwrap(), now);
        }
        let rows: Vec<Row> = n.iter().map(|(_, h)| Row::of(h, now)).collect();
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 4, "{t}");
        assert!(lines[0].starts_with("MAC"));
        let words: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(
            words.join(" "),
            "001F9EAB59F1 7941 SCCP41.8-2-1S (8.2(1)) CDPv2 Port 1 -/110 6.3 W 0 s ago",
            "{t}"
        );
        assert!(t.contains("SIP45.9-4-2SR3-1S"), "{t}");
        assert!(
            t.contains("-/110") && t.contains("6.3 W") && t.contains("0 s ago"),
            "{t}"
        );
        assert!(table(&[]).contains("No phone announced itself"));
        let json = serde_json::to_value(&rows[2]).unwrap();
        assert_eq!(json["model"], "7942");
        assert_eq!(json["version"], "8.4(2)");
        assert_eq!(json["via"], "CDPv2");
    }
}
