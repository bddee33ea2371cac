//! The link to these settings: TFTP, call control, phones and SIP lines, without
//! passwords or firmware.

use yew::prelude::*;

use crate::browser;
use crate::copy::{CopyNote, CopyOutcome, CopyTarget};
use crate::permalink;
use crate::settings::Form;
use crate::state::Action;

/// Props of [`SharePanel`].
#[derive(Properties, PartialEq)]
pub struct SharePanelProps {
    /// The settings as typed.
    pub form: Form,
    /// The last copy.
    pub copy: Option<CopyNote>,
    pub dispatch: Callback<Action>,
}

/// The share panel.
#[function_component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let input_ref = use_node_ref();
    let link = format!(
        "{}#{}",
        browser::page_address(),
        permalink::encode(&props.form)
    );
    let onclick = {
        let dispatch = props.dispatch.clone();
        let link = link.clone();
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            browser::copy(
                link.clone(),
                CopyTarget::Link,
                input_ref.clone(),
                dispatch.clone(),
            );
        })
    };
    let note = props.copy.filter(|c| c.target == CopyTarget::Link);
    html! {
        <section class="panel share" aria-labelledby="share-title">
            <h2 id="share-title">{ "Link to these settings" }</h2>
            <p class="hint" id="share-hint">
                { "Opens Lifeline with the same TFTP address, call control, phones and SIP lines. Passwords are never put in links, and neither is the firmware: whoever opens it chooses the firmware zip again." }
            </p>
            <div class="share-row">
                <label for="permalink" class="visually-hidden">{ "Link to these settings" }</label>
                <input id="permalink" ref={input_ref} type="text" readonly=true value={link}
                    data-testid="permalink" aria-describedby="share-hint" />
                <button type="button" class="button" data-testid="copy-link" {onclick}>{ "Copy link" }</button>
            </div>
            <p class={classes!("copy-note", note.map(|c| if c.outcome == CopyOutcome::Copied { "tone-ok" } else { "tone-warning" }))}
                role="status" data-testid="link-copy-status">
                { note.map(|c| c.text()).unwrap_or_default() }
            </p>
        </section>
    }
}
