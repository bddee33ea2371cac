//! The report as JSON, for `--json`: one phone's run, and the whole run with its
//! summary and exit status.

use std::time::Duration;

use serde_json::json;

use super::{PhoneReport, Run, Verdict, exit_code, tally};
use crate::simulate::dhcp_client::hex;

impl PhoneReport {
    /// For `--json`.
    pub fn to_json(&self) -> serde_json::Value {
        let verdict = match &self.verdict {
            Verdict::WouldRecover {
                manifest,
                load,
                images,
                bytes,
                registered,
            } => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "manifest": manifest,
                "load": load,
                "images": images,
                "bytes": bytes,
                "registered": registered,
            }),
            Verdict::WouldBeStuck(stuck) => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "code": stuck.problem.code(),
                "diagnosis": stuck.diagnosis(),
                "fix": stuck.advice().map(|a| a.fix),
                "step": stuck.step,
                "step_words": stuck.step.words(),
                "file": stuck.file,
            }),
            Verdict::CouldNotRun { reason } => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "reason": reason,
            }),
            Verdict::Upgrade(u) => json!({
                "status": self.verdict.status(),
                "message": self.verdict.sentence(),
                "ran": u.ran,
                "now_on": u.now_on,
                "now_on_load": u.now_on_load,
                "refused": u.refused,
                "boots": u.boots,
                "end": u.end,
                "bytes": u.bytes,
                "registered": u.registered,
            }),
        };
        let dhcp = self.lease.as_ref().map(|l| {
            json!({
                "address": l.address,
                "server": l.server,
                "subnet_mask": l.subnet_mask,
                "lease_time": l.lease_time,
                "siaddr": l.siaddr,
                "option_150": l.option150.as_deref().map(hex),
                "option_66": l.option66.as_deref().map(|d| String::from_utf8_lossy(d).trim_end_matches('\0').to_owned()),
                "offers_from": l.offers_from,
            })
        });
        let mut v = json!({
            "phone": self.mac.sep_name(),
            "mac": self.mac.to_string(),
            "model": self.model.name,
            "device_id": self.model.device_id,
            "mode": self.mode,
            "verdict": verdict,
            "dhcp": dhcp,
            "tftp_server": self.tftp_server.map(|(a, s)| json!({"address": a, "source": s})),
            "tftp_options": self.options,
            "files": self.files.iter().map(|f| {
                let mut v = serde_json::to_value(&f.outcome).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("name".into(), json!(f.name));
                    o.insert("step".into(), json!(f.step.words()));
                    o.insert("retransmissions".into(), json!(f.retransmissions));
                    o.insert("elapsed_ms".into(), json!(millis(f.elapsed)));
                    o.insert("transport".into(), json!(f.transport));
                }
                v
            }).collect::<Vec<_>>(),
            "notes": self.notes,
            "elapsed_ms": millis(self.elapsed),
        });
        if let (Some(o), Some(last)) = (v.as_object_mut(), self.ran.last()) {
            o.insert("ran".into(), json!(self.ran));
            o.insert("now_on".into(), json!(last));
        }
        v
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// For `--json`: the run, every phone, a summary.
pub fn to_json(run: &Run, reports: &[PhoneReport]) -> serde_json::Value {
    let (recover, stuck, could_not) = tally(reports);
    json!({
        "model": run.model.name,
        "mode": run.mode,
        "network": run.network,
        "tftp_options": run.options,
        "exit_code": exit_code(reports),
        "summary": {
            "phones": reports.len(),
            "would_recover": recover,
            "would_be_stuck": stuck,
            "could_not_run": could_not,
        },
        "phones": reports.iter().map(PhoneReport::to_json).collect::<Vec<_>>(),
    })
}
