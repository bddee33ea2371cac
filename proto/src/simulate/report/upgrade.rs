//! The verdict of a phone given the load it runs (`simulate --running`): the loads it
//! ran, in order, where it ended, and the load it refused, if any. The words are meant
//! to be asserted on: "is now on 9.4(2)SR3 (SCCP41.9-4-2SR3-1S)", "refused … (Load
//! Authentication Failed: …)", "still upgrading after 16 boots".

use serde::Serialize;

/// What the phone's last offer became, when it could not take it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The load offered (its name as the configuration gave it).
    pub load: String,
    /// Why the rules forbid it from the load the phone runs.
    pub why: String,
    /// How many boots in a row it was offered and refused.
    pub times: u32,
}

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum End {
    /// The configuration named its own load or none, twice in a row: the phone stays.
    Settled,
    /// The phone was still moving (taking loads, or refusing one) at the most boots
    /// simulated.
    Bound,
}

/// Where a phone with a running load ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upgrade {
    /// Every load it ran, in order, the one it runs now last (`8.0(4)`, `8.5(2)`).
    pub ran: Vec<String>,
    /// What it runs now, with the load's name when known: `8.5(2) (SCCP41.8-5-2S)`.
    pub now_on: String,
    /// The name of the load it runs now, when known.
    pub now_on_load: Option<String>,
    /// The load refused at the last boots, when the last offer was refused.
    pub refused: Option<Refusal>,
    /// Boots simulated (the first power-on counts).
    pub boots: u32,
    pub end: End,
    /// Bytes received in all.
    pub bytes: u64,
    /// A SIP line registered: `1001 at 10.0.0.5:5060`.
    pub registered: Option<String>,
}

/// The loads a phone ran, in order: `8.0(4) → 8.5(2) → 9.4(2)SR3`.
pub fn chain(ran: &[String]) -> String {
    ran.join(" → ")
}

impl Upgrade {
    /// `now-on` (settled, nothing refused), `refused` (its last offer refused), or
    /// `still-upgrading` (still taking loads at the bound).
    pub fn status(&self) -> &'static str {
        match (&self.refused, self.end) {
            (Some(_), _) => "refused",
            (None, End::Settled) => "now-on",
            (None, End::Bound) => "still-upgrading",
        }
    }

    /// Whether the phone ended where the configuration wants it.
    pub fn settled(&self) -> bool {
        self.status() == "now-on"
    }

    /// The verdict in words, after "the phone".
    pub fn sentence(&self) -> String {
        let ran = chain(&self.ran);
        let register = match &self.registered {
            Some(r) => format!("; would register as {r}"),
            None => String::new(),
        };
        let boots = match self.boots {
            1 => "1 boot".to_owned(),
            n => format!("{n} boots"),
        };
        match (&self.refused, self.end) {
            (None, End::Settled) => {
                format!("is now on {}: ran {ran} in {boots}{register}", self.now_on)
            }
            (None, End::Bound) => format!(
                "is still upgrading after {boots}, now on {}: ran {ran}; the server kept \
                 offering another load at every boot",
                self.now_on
            ),
            (Some(r), End::Settled) => format!(
                "is on {}: refused {} (Load Authentication Failed: {}), and was then offered \
                 nothing else; ran {ran}{register}",
                self.now_on, r.load, r.why
            ),
            (Some(r), End::Bound) => format!(
                "is still on {} after {boots}: refused {} at the last {} (Load Authentication \
                 Failed: {}), the loop a real phone shows while the server keeps offering a \
                 load it may not take; ran {ran}",
                self.now_on,
                r.load,
                match r.times {
                    1 => "boot".to_owned(),
                    n => format!("{n} boots"),
                },
                r.why
            ),
        }
    }
}
