//! The plan as a bundle carries it: `lifeline-plan.json`.

use serde::{Deserialize, Serialize};

/// The plan as a bundle carries it (`lifeline-plan.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundlePlan {
    /// The target load's name.
    pub target: String,
    /// Every load the bundle holds, the target among them.
    pub loads: Vec<PlanLoad>,
    /// Where the phones start, as the person said it (`8.0(4)`, a load name); none
    /// when unknown.
    #[serde(default)]
    pub start: Option<String>,
}

/// One load of a bundle's plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanLoad {
    /// The load manifest's name without `.loads`.
    pub name: String,
    /// What a configuration names it by (the load name; a 7940/7960's image name).
    pub config_name: String,
    /// Its recovery manifests: the name a wiped phone asks for, and the bundle file
    /// that holds this load's copy.
    #[serde(default)]
    pub recovery: Vec<Recovery>,
}

/// A recovery manifest of one load of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// `term61.default.loads`.
    pub asked: String,
    /// The bundle file served for it (`SCCP41.8-5-2S.term61.default.loads` for a hop).
    pub file: String,
}

/// The bundle file name a hop's recovery manifest is kept under.
pub fn hop_recovery_file(load: &str, asked: &str) -> String {
    format!("{load}.{asked}")
}
