//! Option 150 for an address list: its bytes, the tftpd32 value, and a tab per
//! DHCP server with the snippet to paste and a Copy button.

use std::net::Ipv4Addr;

use lifeline_shared::dhcp::option150::{self, Server};
use yew::prelude::*;

use super::rich;
use crate::browser;
use crate::copy::{CopyNote, CopyOutcome, CopyTarget};
use crate::state::Action;

/// Props of [`Option150Panel`].
#[derive(Properties, PartialEq)]
pub struct Option150PanelProps {
    /// The TFTP servers, in priority order.
    pub addresses: Vec<Ipv4Addr>,
    /// The tab shown.
    pub server: Server,
    /// The last copy.
    pub copy: Option<CopyNote>,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn Option150Panel(props: &Option150PanelProps) -> Html {
    let code_ref = use_node_ref();
    let enc = option150::encode(&props.addresses);
    let snippet = option150::snippet(props.server, &props.addresses);
    let list = props
        .addresses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");

    let onkeydown = {
        let dispatch = props.dispatch.clone();
        let current = props.server;
        Callback::from(move |e: KeyboardEvent| {
            let all = Server::ALL;
            let at = all.iter().position(|s| *s == current).unwrap_or(0);
            let to = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => (at + 1) % all.len(),
                "ArrowLeft" | "ArrowUp" => (at + all.len() - 1) % all.len(),
                "Home" => 0,
                "End" => all.len() - 1,
                _ => return,
            };
            e.prevent_default();
            dispatch.emit(Action::ChooseServer(all[to]));
            browser::focus_id(&format!("tab-{}", all[to].id()));
        })
    };
    let tabs = Server::ALL.iter().map(|&s| {
        let selected = s == props.server;
        html! {
            <button type="button" role="tab" id={format!("tab-{}", s.id())}
                class={classes!("tab", selected.then_some("is-selected"))}
                aria-selected={if selected { "true" } else { "false" }}
                aria-controls="snippet-panel" tabindex={if selected { "0" } else { "-1" }}
                data-testid={format!("tab-{}", s.id())}
                onclick={props.dispatch.reform(move |_: MouseEvent| Action::ChooseServer(s))}>
                { s.title() }
            </button>
        }
    });

    let on_copy = {
        let dispatch = props.dispatch.clone();
        let text = snippet.text.clone();
        let server = props.server;
        let code_ref = code_ref.clone();
        Callback::from(move |_: MouseEvent| {
            browser::copy(
                text.clone(),
                CopyTarget::Snippet(server),
                code_ref.clone(),
                dispatch.clone(),
            );
        })
    };
    let copy_note = props
        .copy
        .filter(|c| c.target == CopyTarget::Snippet(props.server));

    html! {
        <section class="panel option150" data-testid="option150" aria-labelledby="option150-title">
            <h2 id="option150-title">{ format!("Option 150 for {list}") }</h2>
            <dl class="facts">
                <div class="fact">
                    <dt>{ "On the wire" }</dt>
                    <dd><code data-testid="wire-hex">{ enc.wire_hex.clone() }</code></dd>
                </div>
                <div class="fact">
                    <dt>{ "Hex, network order" }</dt>
                    <dd><code data-testid="network-hex">{ enc.network_hex.clone() }</code></dd>
                </div>
                <div class="fact">
                    <dt>{ "tftpd32 x/i value" }</dt>
                    <dd data-testid="le-value">
                        { for enc.little_endian.iter().map(|le| html! {
                            <span class="le">
                                <code>{ le.hex.clone() }</code>
                                <span class="muted">{ format!(" = {}", le.decimal) }</span>
                            </span>
                        }) }
                    </dd>
                </div>
            </dl>
            <p class="explain">
                { "Option 150 is Cisco's list of TFTP server addresses, which phones prefer; option 66 is the standard single TFTP server, as text, which some phones fall back to. Each snippet sets both." }
            </p>
            <div class="tabs" role="tablist" aria-label="DHCP server" {onkeydown}>
                { for tabs }
            </div>
            <div class="tab-panel" role="tabpanel" id="snippet-panel"
                aria-labelledby={format!("tab-{}", props.server.id())} data-testid="snippet"
                data-server={props.server.id()}>
                <div class="snippet-head">
                    <p class="where">
                        <span class="muted">{ "Paste into: " }</span>
                        <span data-testid="snippet-where">{ rich(&snippet.where_) }</span>
                    </p>
                    <button type="button" class="button copy" data-testid="copy-snippet" onclick={on_copy}>
                        { "Copy" }
                        <span class="visually-hidden">{ format!(" the {} snippet", snippet.title) }</span>
                    </button>
                </div>
                <pre class="snippet-text" ref={code_ref} data-testid="snippet-text"><code>{ snippet.text.clone() }</code></pre>
                <p class={classes!("copy-note", copy_note.map(|c| if c.outcome == CopyOutcome::Copied { "tone-ok" } else { "tone-warning" }))}
                    role="status" data-testid="copy-status">
                    { copy_note.map(|c| c.text()).unwrap_or_default() }
                </p>
                if !snippet.notes.is_empty() {
                    <ul class="notes">
                        { for snippet.notes.iter().map(|n| html! { <li>{ rich(n) }</li> }) }
                    </ul>
                }
            </div>
        </section>
    }
}
