//! DHCP, for [`Phone`]: the client's datagrams out, and once it has a lease, the
//! TFTP server the lease names (option 150, then 66, then `siaddr`), or why the
//! phone would be stuck without one.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use super::{Phone, SocketId, Transmit};
use crate::simulate::dhcp_client::{self, TftpChoice};
use crate::simulate::report::{Problem, Step, Verdict};
use crate::tftp::time::Time;

impl Phone {
    pub(super) fn after_dhcp(&mut self, now: Time) {
        let Some(dhcp) = &mut self.dhcp else { return };
        while let Some(bytes) = dhcp.poll_transmit() {
            self.out.push_back(Transmit {
                socket: SocketId::Dhcp,
                to: SocketAddr::V4(SocketAddrV4::new(
                    Ipv4Addr::BROADCAST,
                    dhcp_client::SERVER_PORT,
                )),
                bytes,
            });
        }
        let Some(result) = dhcp.result().cloned() else {
            return;
        };
        self.notes.extend(dhcp.notes().iter().cloned());
        self.dhcp = None;
        let lease = match result {
            Ok(lease) => lease,
            Err(failure) => {
                self.stuck(now, Step::Dhcp, None, Problem::Dhcp(failure));
                return;
            }
        };
        if lease.offers_from.len() > 1 {
            self.notes.push(format!(
                "{} DHCP servers answered ({}); the phone took the first offer, from {}",
                lease.offers_from.len(),
                join(&lease.offers_from),
                lease.server
            ));
        }
        let choice = dhcp_client::choose_tftp(&lease);
        self.lease = Some(lease.clone());
        match choice {
            TftpChoice::Server {
                address,
                source,
                notes,
            } => {
                self.notes.extend(notes);
                self.server = Some(SocketAddr::V4(SocketAddrV4::new(address, 69)));
                self.source = Some(source);
                self.events.push_back(format!(
                    "DHCP: {} from {}; TFTP server {address} from {}",
                    lease.address,
                    lease.server,
                    source.words()
                ));
                self.begin(now);
            }
            TftpChoice::HostName(name) => {
                let reason = format!(
                    "option 66 from {} names the host `{name}`, and the simulator does not \
                     look names up; run it again with --server ADDRESS",
                    lease.server
                );
                self.events.push_back(format!("could not run: {reason}"));
                self.finish(now, Verdict::CouldNotRun { reason });
            }
            TftpChoice::Nothing(why) => self.stuck(
                now,
                Step::Dhcp,
                None,
                Problem::NoTftpServer {
                    server: lease.server,
                    why,
                },
            ),
        }
    }
}

fn join(addresses: &[Ipv4Addr]) -> String {
    addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
