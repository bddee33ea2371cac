//! The bundle: built off the click, then zipped and offered as a download.

use std::rc::Rc;
use std::time::Duration;

use lifeline_shared::bundle::{self, Bundle};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::manifest_json;
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::Callback;

use super::download::download;
use crate::bundle::{BundleKey, Saved};
use crate::format;
use crate::intake::{Firmware, Packages};
use crate::settings::{self, Form};
use crate::state::Action;
use crate::upgrade::Choice;

/// Builds the bundle for `key` off the click, dispatching its start and result;
/// when the plan has a say (several packages, or a start given), its hops and
/// `lifeline-plan.json` go beside the target's files ([`crate::upgrade::with_plan`]).
pub fn build_bundle(
    report: Rc<Report>,
    firmware: Rc<Firmware>,
    plan: Option<(Rc<Packages>, Choice)>,
    form: Form,
    options: bundle::Options,
    key: BundleKey,
    dispatch: Callback<Action>,
) {
    dispatch.emit(Action::BundleStarted(key));
    spawn_local(async move {
        // Let "Preparing…" paint before the hashing holds the thread.
        sleep(Duration::from_millis(16)).await;
        let result = settings::bundle_inputs(Some(&report), &form)
            .map_err(str::to_string)
            .and_then(|(settings, sip)| {
                let files = firmware.bundle_files(&report).map_err(|e| e.to_string())?;
                let one = bundle::build_with_options(&report, files, &settings, &sip, options)
                    .map_err(|e| e.to_string())?;
                match &plan {
                    Some((packages, choice)) => {
                        crate::upgrade::with_plan(one, &report, packages, choice)
                    }
                    None => Ok(one),
                }
                .map(Rc::new)
            });
        dispatch.emit(Action::BundleBuilt { key, result });
    });
}

/// The file name a bundle is offered under.
pub fn bundle_name(bundle: &Bundle) -> String {
    let load = bundle.manifest.load.as_deref().unwrap_or("firmware");
    format!("lifeline-bundle-{load}.zip")
}

/// Zips the bundle and offers it as a download, dispatching how it went.
pub fn save_bundle(bundle: &Bundle, key: BundleKey, dispatch: &Callback<Action>) {
    let name = bundle_name(bundle);
    let result = manifest_json::zip(bundle)
        .map_err(|e| e.to_string())
        .and_then(|zip| {
            download(&name, &zip, "application/zip")?;
            Ok(Saved {
                name,
                size: zip.len() as u64,
            })
        })
        .map_err(|why| format::sentence(&format!("The zip could not be saved: {why}")));
    dispatch.emit(Action::BundleSaved { key, result });
}
