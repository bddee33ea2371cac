//! Turning `serve` flags into a file source and a bound socket, with errors a
//! person can act on.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use lifeline_shared::bundle::{self, Settings};
use lifeline_shared::firmware::inspect::{Report, inspect_archive};

use crate::plan_cmd::{self, Given};

use crate::files::{FileSource, MemoryFiles, RootDir};

/// The files under `root` (a bundle folder's aliases included).
pub fn root_source(root: &Path) -> anyhow::Result<Arc<dyn FileSource>> {
    let dir =
        RootDir::new(root).map_err(|e| anyhow::anyhow!("cannot serve {}: {e}", root.display()))?;
    Ok(Arc::new(dir))
}

/// The upgrade plan's flags, for several packages.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlanArgs<'a> {
    /// The load to end on (default the newest).
    pub target: Option<&'a str>,
    /// Where the phones start (`None` or `unknown`: not known).
    pub start: Option<&'a str>,
}

fn read_package(path: &Path) -> anyhow::Result<(String, Vec<u8>, Report)> {
    let data = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let report =
        inspect_archive(&name, &data).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    if report.has_errors() {
        anyhow::bail!(
            "{}: the firmware has errors; run `lifeline inspect {}` to see them",
            path.display(),
            path.display()
        );
    }
    Ok((name, data, report))
}

/// An ad-hoc bundle of the firmware zips or Call Manager packages at `paths`, in
/// memory; several make an upgrade plan the phones are walked through. Its
/// configuration names `tftp_server` (the address phones reach this computer at)
/// as TFTP server and call manager.
pub fn firmware_source(
    paths: &[std::path::PathBuf],
    tftp_server: Ipv4Addr,
    options: bundle::Options,
    plan_args: PlanArgs<'_>,
) -> anyhow::Result<(Arc<dyn FileSource>, String)> {
    plan_cmd::start_is_whole(plan_args.start)
        .and_then(|()| plan_cmd::args_readable(plan_args.start, plan_args.target))
        .map_err(anyhow::Error::msg)?;
    let mut given = Vec::new();
    let mut bytes = Vec::new();
    for path in paths {
        let (name, data, report) = read_package(path)?;
        given.push(Given {
            path: path.clone(),
            report,
        });
        bytes.push((name, data));
    }
    let firmware = |i: usize| {
        let (name, data) = &bytes[i];
        bundle::firmware_from_archive(name, data, &given[i].report)
    };
    let planned = plan_cmd::for_bundle(&given, plan_args.target, plan_args.start)
        .map_err(anyhow::Error::msg)?;
    let target = planned.as_ref().map_or(0, |p| p.target);
    let report = &given[target].report;
    let settings = Settings {
        tftp_servers: vec![tftp_server],
        call_managers: vec![tftp_server.to_string()],
        phones: Vec::new(),
    };
    let mut bundle =
        bundle::build_with_options(report, firmware(target)?, &settings, &[], options)?;
    if let Some(p) = &planned {
        for line in plan_cmd::render(&p.plan, p.start.as_ref()).lines() {
            crate::terminal::out_line(line);
        }
        let files = |i: usize| firmware(i).map_err(|e| e.to_string());
        bundle = plan_cmd::bundle_of(bundle, &given, p, files).map_err(anyhow::Error::msg)?;
    }
    for f in &bundle.findings {
        crate::terminal::err_line(&format!("lifeline: warning: {}: {}", f.subject, f.message));
    }
    let summary = format!(
        "load {}, {} files",
        bundle.manifest.load.as_deref().unwrap_or("-"),
        bundle.manifest.files.len()
    );
    Ok((Arc::new(MemoryFiles::from_bundle(&bundle)), summary))
}

/// The address to write into an ad-hoc bundle's configuration: the one given,
/// else the listening address when it is a specific IPv4 address.
pub fn bundle_address(given: Option<Ipv4Addr>, listen: SocketAddr) -> anyhow::Result<Ipv4Addr> {
    match (given, listen.ip()) {
        (Some(ip), _) => Ok(ip),
        (None, IpAddr::V4(ip)) if !ip.is_unspecified() => Ok(ip),
        _ => anyhow::bail!(
            "--firmware needs the address phones reach this computer at, to write into \
             XMLDefault.cnf.xml: give --tftp-server IP, or listen on it with --tftp-listen IP:69"
        ),
    }
}

/// A bind error with the fixes a person can apply.
pub fn bind_error(addr: SocketAddr, error: &io::Error) -> String {
    let hint = match error.kind() {
        io::ErrorKind::PermissionDenied => format!(
            "permission denied: port {} is privileged. Fixes: run with sudo; or allow this binary once \
             with `sudo setcap cap_net_bind_service=+ep $(command -v lifeline)`; or, for testing, use \
             another port: --tftp-listen {}:6969",
            addr.port(),
            addr.ip()
        ),
        io::ErrorKind::AddrInUse => format!(
            "the port is in use: another TFTP server (tftpd-hpa, dnsmasq, atftpd) is running? Stop it \
             (e.g. `sudo systemctl stop tftpd-hpa`), or use another port: --tftp-listen {}:6969",
            addr.ip()
        ),
        io::ErrorKind::AddrNotAvailable => {
            "this machine has no such address (see `ip addr`; 0.0.0.0 listens on all)".to_owned()
        }
        _ => error.to_string(),
    };
    format!("cannot listen for TFTP on {addr}: {hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_errors_say_how_to_fix_them() {
        let addr: SocketAddr = "0.0.0.0:69".parse().unwrap();
        let denied = bind_error(addr, &io::Error::from(io::ErrorKind::PermissionDenied));
        for fix in [
            "sudo",
            "setcap cap_net_bind_service=+ep",
            "--tftp-listen 0.0.0.0:6969",
        ] {
            assert!(denied.contains(fix), "{denied}");
        }
        let in_use = bind_error(addr, &io::Error::from(io::ErrorKind::AddrInUse));
        assert!(in_use.contains("in use"), "{in_use}");
    }

    #[test]
    fn the_bundle_address_is_given_or_the_listening_one() {
        let any: SocketAddr = "0.0.0.0:69".parse().unwrap();
        let one: SocketAddr = "192.0.2.5:69".parse().unwrap();
        assert!(bundle_address(None, any).is_err());
        assert_eq!(
            bundle_address(None, one).unwrap(),
            Ipv4Addr::new(192, 0, 2, 5)
        );
        assert_eq!(
            bundle_address(Some(Ipv4Addr::new(192, 0, 2, 9)), any).unwrap(),
            Ipv4Addr::new(192, 0, 2, 9)
        );
    }
}
