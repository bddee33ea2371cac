//! Step 4's box for firmware without the recovery manifests its phones ask
//! for first (a Call Manager package often lacks them): serve copies of the
//! load manifest under their names, said plainly to be unverified.

use lifeline_shared::bundle::missing_recovery_manifests;
use lifeline_shared::firmware::inspect::Report;
use yew::prelude::*;

use crate::browser;
use crate::state::Action;

/// The box, or nothing when the firmware has every recovery manifest.
pub fn recovery_box(report: &Report, on: bool, dispatch: &Callback<Action>) -> Html {
    let missing = missing_recovery_manifests(report);
    let Some(load) = report.load_manifest().filter(|_| !missing.is_empty()) else {
        return html! {};
    };
    let names = missing.join(" and ");
    let onchange = dispatch.reform(|e: Event| {
        Action::SetRecoveryCopies(browser::input_of(&e).is_some_and(|i| i.checked()))
    });
    html! {
        <div class="note tone-warning" data-testid="recovery-copies">
            <p>
                <strong>{ format!("This firmware has no {names}. ") }</strong>
                { "A phone wiped by a factory reset asks for the one of its model first, so it cannot recover from this bundle as it is." }
            </p>
            <label class="check">
                <input type="checkbox" checked={on} {onchange} data-testid="recovery-copies-box" />
                { format!(" Add copies of {} under those names", load.name) }
            </label>
            <p class="muted">
                { "They list the same images. Unverified: each copy's signed header still names the load manifest, and whether a wiped phone accepts it has not been tested; Cisco's cmterm zip of the same load carries signed ones." }
            </p>
        </div>
    }
}
