//! Where firmware comes in: a drop target and a keyboard-accessible "Choose file".
//!
//! The drop itself is handled by the whole page ([`super::app::App`]); this zone
//! shows where to drop and reacts while something is dragged over the page.

use web_sys::{Event, File};
use yew::prelude::*;

use crate::browser;

/// The inputs of [`drop_zone`].
pub struct DropZoneProps {
    /// Something is being dragged over the page.
    pub dragging: bool,
    /// A report is on screen: show the zone as one line.
    pub compact: bool,
    /// A job is under way.
    pub busy: bool,
    /// The file input, to give it focus.
    pub input_ref: NodeRef,
    /// Files were chosen.
    pub on_files: Callback<Vec<File>>,
}

/// The drop zone.
pub fn drop_zone(props: &DropZoneProps) -> Html {
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let Some(input) = browser::input_of(&e) else {
                return;
            };
            let files = browser::files_of(input.files());
            // Cleared, so choosing the same file again is a change too.
            input.set_value("");
            // Cancelling the picker chooses nothing: keep what is on screen.
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let class = classes!(
        "dropzone",
        props.dragging.then_some("is-over"),
        props.compact.then_some("is-compact"),
        props.busy.then_some("is-busy"),
    );
    let (title, hint) = if props.dragging {
        (
            "Release to inspect",
            "Lifeline reads it here; nothing is uploaded.",
        )
    } else if props.compact {
        (
            "Inspect another firmware",
            "Drop a zip, a .cop.sgn or the loose files here, or",
        )
    } else {
        (
            "Drop the firmware zip here",
            "or a Call Manager package (.cop.sgn, .tar.gz), or several loose files: the .loads manifests and their .sbn images. Several packages dropped together make an upgrade plan.",
        )
    };
    html! {
        <section class={class} data-testid="dropzone" aria-labelledby="dropzone-title">
            <svg class="dz-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
                <path d="M8 30v8a2 2 0 0 0 2 2h28a2 2 0 0 0 2-2v-8" fill="none" stroke="currentColor"
                    stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
                <path d="M24 30V8m-9 9 9-9 9 9" fill="none" stroke="currentColor" stroke-width="3"
                    stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <div class="dz-text">
                <p class="dz-title" id="dropzone-title">{ title }</p>
                <p class="dz-hint" id="dropzone-hint">{ hint }</p>
            </div>
            <div class="dz-action">
                <input
                    id="file-input"
                    ref={props.input_ref.clone()}
                    class="visually-hidden"
                    type="file"
                    multiple=true
                    data-testid="file-input"
                    aria-describedby="dropzone-hint"
                    {onchange}
                />
                <label for="file-input" class="button primary">
                    { "Choose file…" }
                </label>
            </div>
        </section>
    }
}
