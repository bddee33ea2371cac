//! The report a person reads: one phone's files, notes and verdict, or for many
//! phones a summary that says each problem once, with who.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{FileOutcome, PhoneReport, Run, Verdict, exit_code, tally, upgrade};
use crate::simulate::spec::Transport;

/// The report a person reads.
pub fn to_text(run: &Run, reports: &[PhoneReport]) -> String {
    let mut t = String::new();
    let options = if run.options {
        ", TFTP options on"
    } else {
        ", plain TFTP"
    };
    match reports {
        [one] => {
            let _ = writeln!(
                t,
                "Simulated a {} ({}) in {} mode, {}{options}.",
                one.model.name,
                one.mac.sep_name(),
                one.mode.as_str(),
                run.network
            );
            phone_details(&mut t, one);
            let _ = writeln!(t, "\nVerdict: the phone {}", one.sentence());
        }
        many => {
            let _ = writeln!(
                t,
                "Simulated {} {} phones in {} mode at once, {}{options}.",
                many.len(),
                run.model.name,
                run.mode.as_str(),
                run.network
            );
            summary(&mut t, many);
        }
    }
    t
}

fn phone_details(t: &mut String, r: &PhoneReport) {
    if let Some(l) = &r.lease {
        let _ = writeln!(t, "  DHCP: got {} from {}", l.address, l.server);
    }
    if let Some((server, source)) = r.tftp_server {
        let _ = writeln!(t, "  TFTP server: {server} (from {})", source.words());
    }
    for f in &r.files {
        let what = match &f.outcome {
            FileOutcome::Received {
                size, signed_as, ..
            } => match signed_as {
                Some(n) => format!("{size} bytes, signed as {n}"),
                None => format!("{size} bytes"),
            },
            FileOutcome::NotFound => "not found".into(),
            FileOutcome::Failed { why } => why.clone(),
        };
        let again = if f.retransmissions > 0 {
            format!(", {} packets sent again", f.retransmissions)
        } else {
            String::new()
        };
        let over = match f.transport {
            Transport::Http => ", over HTTP",
            Transport::Tftp => "",
        };
        let _ = writeln!(t, "  {}: {what} ({}{again}{over})", f.name, f.step.words());
    }
    if !r.ran.is_empty() {
        let _ = writeln!(t, "  ran: {}", upgrade::chain(&r.ran));
    }
    for n in &r.notes {
        let _ = writeln!(t, "  note: {n}");
    }
    let _ = writeln!(t, "  time: {:.1} s", r.elapsed.as_secs_f64());
}

fn summary(t: &mut String, reports: &[PhoneReport]) {
    let (recover, stuck, could_not) = tally(reports);
    let slowest = reports.iter().map(|r| r.elapsed).max().unwrap_or_default();
    // Phones given their running load settle, or refuse a load, or keep upgrading.
    let loads = reports
        .iter()
        .any(|r| matches!(r.verdict, Verdict::Upgrade(_)));
    let (good, bad) = if loads {
        (
            "settled with nothing refused",
            "refused a load, were still upgrading or would be stuck",
        )
    } else {
        ("would recover", "would be stuck")
    };
    let _ = writeln!(
        t,
        "  {recover} {good}, {stuck} {bad}, {could_not} could not run (the slowest took {:.1} s).",
        slowest.as_secs_f64()
    );
    // The same problem on many phones is said once, with who.
    let mut by_reason: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in reports {
        if !matches!(r.verdict, Verdict::WouldRecover { .. }) {
            by_reason
                .entry(r.sentence())
                .or_default()
                .push(r.mac.sep_name());
        }
    }
    for (sentence, phones) in &by_reason {
        let _ = writeln!(t, "  {} phone(s) {sentence}", phones.len());
        let _ = writeln!(t, "    {}", first_few(phones));
    }
    let mut notes: BTreeMap<&str, usize> = BTreeMap::new();
    for n in reports.iter().flat_map(|r| &r.notes) {
        *notes.entry(n).or_default() += 1;
    }
    for (n, count) in notes {
        let _ = writeln!(t, "  note ({count} phone(s)): {n}");
    }
    let verdict = match exit_code(reports) {
        0 => format!("all {} phones {good}", reports.len()),
        1 => format!("{stuck} of {} phones {bad}", reports.len()),
        _ => format!(
            "{could_not} of {} phones could not be simulated",
            reports.len()
        ),
    };
    let _ = writeln!(t, "\nVerdict: {verdict}.");
}

fn first_few(names: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        let _ = write!(s, " and {} more", names.len() - SHOWN);
    }
    s
}
