//! `--provision-listen`: where HTTP provisioning listens, or `off`, and bind
//! errors with the fix.

use std::io;
use std::net::SocketAddr;

/// Where HTTP provisioning listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// Not at all (`--provision-listen off`): phones fall back to TFTP.
    Off,
    At(SocketAddr),
}

/// A bind error with the fixes a person can apply.
pub fn bind_error(addr: SocketAddr, error: &io::Error) -> String {
    let hint = match error.kind() {
        io::ErrorKind::PermissionDenied => format!(
            "permission denied: port {} is not privileged, so something else forbids it (a \
             security policy, or on Windows a port reserved by the system: see `netsh int ipv4 \
             show excludedportrange protocol=tcp`). Use another address or port with \
             --provision-listen ADDR:PORT, or --provision-listen off (phones then use TFTP)",
            addr.port()
        ),
        io::ErrorKind::AddrInUse => format!(
            "the port is in use: another lifeline, or a Cisco TFTP/HTTP service, is running? \
             Stop it, or use another port (phones ask 6970 only, so only for testing): \
             --provision-listen {}:16970; or turn HTTP off with --provision-listen off \
             (phones then use TFTP)",
            addr.ip()
        ),
        io::ErrorKind::AddrNotAvailable => {
            "this machine has no such address (see `ip addr`; 0.0.0.0 listens on all)".to_owned()
        }
        _ => error.to_string(),
    };
    format!("cannot listen for HTTP provisioning on {addr}: {hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_errors_say_how_to_fix_them() {
        let addr: SocketAddr = "0.0.0.0:6970".parse().unwrap();
        let in_use = bind_error(addr, &io::Error::from(io::ErrorKind::AddrInUse));
        for fix in [
            "in use",
            "--provision-listen 0.0.0.0:16970",
            "--provision-listen off",
        ] {
            assert!(in_use.contains(fix), "{in_use}");
        }
        let denied = bind_error(addr, &io::Error::from(io::ErrorKind::PermissionDenied));
        assert!(denied.contains("not privileged"), "{denied}");
        assert!(denied.contains("--provision-listen off"), "{denied}");
        assert!(denied.starts_with("cannot listen for HTTP provisioning on 0.0.0.0:6970"));
    }
}
