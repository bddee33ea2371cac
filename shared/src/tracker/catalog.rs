//! What the tracker knows of the bundle being served: its manifests' image
//! lists, its file sizes and names, the loads its configurations name, and
//! the load it brings each family (against which a phone's announced load is
//! judged).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use crate::config::{cnf_xml, sip79};
use crate::events::{LoopCause, NamedLoad};
use crate::firmware::manifest::ImageLine;
use crate::firmware::upgrade;
use crate::firmware::version::Version;
use crate::models::{self, FamilyId};

/// What the tracker needs to know of the bundle being served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Each `.loads` manifest (lower-case name) and the images it lists, in order.
    pub manifests: BTreeMap<String, Vec<String>>,
    /// File sizes by lower-case name.
    pub sizes: BTreeMap<String, u64>,
    /// Every file name in the bundle, as stored.
    pub names: Vec<String>,
    /// Each configuration (`.cnf.xml`, a 7940/7960's `.cnf`; lower-case name) and
    /// the loads it names: device id (`None` for a bare `loadInformation` or an
    /// `image_version`) and load.
    #[serde(default)]
    pub configs: BTreeMap<String, Vec<(Option<u16>, String)>>,
    /// Images a manifest lists as optional (792x `#+` lines), lower-case: a
    /// phone goes on without them when they are not served.
    #[serde(default)]
    pub optional: BTreeSet<String>,
}

impl Catalog {
    /// The catalog of a bundle manifest: every `.loads` file's image list comes
    /// from `read_manifest(name)`, which returns its parsed lines, if any.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, u64)>,
        mut read_manifest: impl FnMut(&str) -> Option<Vec<ImageLine>>,
    ) -> Catalog {
        let mut c = Catalog::default();
        for (name, size) in files {
            c.names.push(name.to_string());
            c.sizes.insert(name.to_ascii_lowercase(), size);
            if name.to_ascii_lowercase().ends_with(".loads")
                && let Some(lines) = read_manifest(name)
            {
                for l in lines.iter().filter(|l| l.optional) {
                    c.optional.insert(l.name.to_ascii_lowercase());
                }
                let images = lines.into_iter().map(|l| l.name).collect();
                c.manifests.insert(name.to_ascii_lowercase(), images);
            }
        }
        c
    }

    /// Whether a manifest lists `name` as optional (`#+`).
    pub fn is_optional(&self, name: &str) -> bool {
        self.optional.contains(&name.to_ascii_lowercase())
    }

    /// Whether a phone following a manifest is to fetch `image`: every listed
    /// image but an optional one the bundle does not have.
    pub(super) fn expects(&self, image: &str) -> bool {
        !self.is_optional(image) || self.has(image)
    }

    /// Adds the configuration `name` with its text: the loads it names. A
    /// text that does not parse names none.
    pub fn add_config(&mut self, name: &str, text: &str) {
        if name.to_ascii_lowercase().ends_with(".cnf") {
            // A 7940/7960 SIP file: the image its image_version names, for any model.
            let loads = sip79::parse(text)
                .map(|entries| {
                    entries
                        .into_iter()
                        .filter(|e| e.key == "image_version" && !e.value.trim().is_empty())
                        .map(|e| (None, e.value.trim().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            self.configs.insert(name.to_ascii_lowercase(), loads);
            return;
        }
        let loads = cnf_xml::parse(text)
            .map(|c| {
                c.loads
                    .into_iter()
                    .map(|l| (l.device_id, l.load.trim().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        self.configs.insert(name.to_ascii_lowercase(), loads);
    }

    /// The load this bundle brings phones of `family`: its `<LOAD>.loads`
    /// manifest (not a `termNN.default.loads`), as the file is named.
    pub fn load_for(&self, family: FamilyId) -> Option<&str> {
        self.names.iter().find_map(|n| {
            let load = n
                .strip_suffix(".loads")
                .or_else(|| n.strip_suffix(".LOADS"))?;
            (!n.to_ascii_lowercase().starts_with("term")
                && models::family_of_name(load) == Some(family))
            .then_some(load)
        })
    }

    /// What a phone of `family` announcing `running` should know before it is
    /// reset onto this bundle: it already runs this load, it needs a hop Cisco
    /// requires first, or which load it will move to.
    pub(super) fn load_note(&self, family: FamilyId, running: &str) -> Option<String> {
        let target = self.load_for(family)?;
        if target.eq_ignore_ascii_case(running) {
            return Some(format!(
                "It already runs {running}, the load this bundle serves."
            ));
        }
        let (from, to) = (
            Version::from_load_name(running)?,
            Version::from_load_name(target)?,
        );
        Some(match upgrade::hop_before(family, &from, &to) {
            Some(hop) => format!(
                "It runs {running}: it needs an {hop} load first, then this bundle's {target} (Cisco: from earlier than 8.3(3) to 8.5(3) or later, through 8.5(2))."
            ),
            None => format!("It runs {running}; recovered from this bundle it will run {target}."),
        })
    }

    /// Whether the bundle has `name`, in any case.
    pub fn has(&self, name: &str) -> bool {
        self.sizes.contains_key(&name.to_ascii_lowercase())
    }

    /// Why a phone of `model` (if known) that fetched `config` asks for no
    /// firmware: what the configuration names for it, and whether it is here.
    pub(super) fn loop_cause(&self, config: &str, model: Option<&str>) -> LoopCause {
        let loads = self
            .configs
            .get(&config.to_ascii_lowercase())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let default = config.eq_ignore_ascii_case("XMLDefault.cnf.xml");
        let judged = |load: &str| {
            if self.has(&format!("{load}.loads")) {
                LoopCause::AlreadyRuns {
                    load: load.to_string(),
                }
            } else {
                LoopCause::NotInBundle {
                    load: load.to_string(),
                }
            }
        };
        match model.and_then(models::model) {
            Some(m) => loads
                .iter()
                .find(|(id, _)| *id == Some(m.device_id) || (!default && id.is_none()))
                .map(|(_, load)| judged(load))
                .unwrap_or_else(|| LoopCause::NoLoadForModel {
                    model: m.name.to_string(),
                    device_id: m.device_id,
                }),
            None => {
                let mut named: Vec<NamedLoad> = Vec::new();
                for (_, load) in loads {
                    if !named.iter().any(|n| n.load == *load) {
                        named.push(NamedLoad {
                            load: load.clone(),
                            in_bundle: self.has(&format!("{load}.loads")),
                        });
                    }
                }
                LoopCause::Unknown { loads: named }
            }
        }
    }
}
