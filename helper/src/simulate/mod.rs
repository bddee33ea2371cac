//! `lifeline simulate`: a Cisco phone on the wire, to prove a recovery setup
//! (any DHCP and TFTP server) before a real phone is touched.
//!
//! The phone itself (its DHCP and TFTP clients, the files it checks, the
//! verdict and the report) is `lifeline_proto::simulate`, a state machine
//! handed the time; this module holds the flags (`args`, checked into a plan
//! by `plan`), the sockets (`sockets`, `http`) and the thin loop around each
//! phone (`drive`), and here every phone of a run is started and its report
//! collected.
//!
//! # The loop
//!
//! Each phone is a task. Its sockets are opened when the phone first sends
//! through them: port 68 on `--dhcp-interface` (`SO_BINDTODEVICE`,
//! `SO_REUSEADDR` so that many phones share it, `SO_BROADCAST`), and one
//! socket per TFTP transfer (a fresh port, as a TID), bound to the
//! interface's own IPv4 address: the simulated phones share one interface, so
//! they fetch files from its address, not from the addresses DHCP leased
//! them. A reader task per socket forwards datagrams to the phone's task;
//! a socket is closed as soon as the phone no longer needs it. Every wait is
//! bounded by the phone (its retries and `--time-limit`), so every task ends.
//!
//! A phone with `--transport http` (a 78xx/88xx by default) asks each file over HTTP first, on
//! `--http-port` of its TFTP server: one TCP connection per file (`http`),
//! TFTP when nothing answers there.
//!
//! In boot mode a phone whose configuration has a SIP line then registers it:
//! one more UDP socket, bound like a TFTP one, sends the REGISTERs to the
//! proxy; a proxy given as a name is looked up here (`lookup`) first.
//!
//! A datagram the system refuses to send (a firewall's drop answers EPERM) is
//! treated as lost on the wire: the phone's retransmission deals with it, and
//! the error is noted in the report.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

use lifeline_proto::simulate::phone::Phone;
use lifeline_proto::simulate::report::{self, PhoneReport};
use lifeline_proto::simulate::spec::{Network, PhoneSpec};
use tokio::task::JoinSet;

use crate::tftp::clock;
use drive::drive;
use plan::{Net, Plan, plan};

mod args;
mod drive;
mod http;
mod lookup;
pub mod page;
mod plan;
mod sockets;

pub use args::{MAX_PHONES, SimulateArgs};

/// `lifeline simulate`.
pub fn run(args: &SimulateArgs) -> ExitCode {
    let plan = match plan(args) {
        Ok(plan) => plan,
        Err(why) => return could_not_run(args, &why),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return could_not_run(args, &format!("cannot start the async runtime: {e}")),
    };
    let run = plan.run();
    let reports = runtime.block_on(simulate(plan));
    let text = if args.json {
        let mut s =
            serde_json::to_string_pretty(&report::to_json(&run, &reports)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        report::to_text(&run, &reports)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    ExitCode::from(report::exit_code(&reports))
}

fn could_not_run(args: &SimulateArgs, why: &str) -> ExitCode {
    if args.json {
        let v = serde_json::json!({
            "model": args.model,
            "exit_code": 2,
            "could_not_run": why,
            "phones": [],
        });
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        eprintln!("lifeline simulate: could not run: {why}");
    }
    ExitCode::from(2)
}

/// Runs every phone at once; reports in MAC order.
async fn simulate(plan: Plan) -> Vec<PhoneReport> {
    let net = Arc::new(plan.net.clone());
    let loud = plan.macs.len() == 1;
    let mut set = JoinSet::new();
    for (i, (mac, source)) in plan.macs.iter().zip(plan.sources.clone()).enumerate() {
        let running =
            (!plan.running.is_empty()).then(|| plan.running[i % plan.running.len()].clone());
        let spec = PhoneSpec {
            model: plan.model,
            mac: *mac,
            mode: plan.mode,
            tftp_options: plan.options,
            time_limit: plan.time_limit,
            runs: running.as_ref().map_or(plan.runs, |r| r.protocol),
            transport: plan.transport,
            http_port: plan.http_port,
            register: plan.register,
            running,
        };
        let network = match &plan.net {
            Net::Dhcp { .. } => {
                let mut xid = [0u8; 4];
                // Without randomness the MAC still tells phones apart.
                if getrandom::fill(&mut xid).is_err() {
                    xid = mac.0[2..].try_into().unwrap_or_default();
                }
                Network::Dhcp {
                    xid: u32::from_be_bytes(xid),
                }
            }
            Net::Server(server) => Network::Server(*server),
        };
        let net = net.clone();
        set.spawn(async move {
            let phone = Phone::new(clock::now(), spec, network);
            (i, drive(phone, net, source, loud).await)
        });
    }
    let mut reports: BTreeMap<usize, PhoneReport> = BTreeMap::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok((i, report)) => {
                reports.insert(i, report);
            }
            Err(e) => tracing::error!("a simulated phone's task failed: {e}"),
        }
    }
    reports.into_values().collect()
}
