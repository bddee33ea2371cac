//! Step 2 with a helper: the TFTP address it filled in and why, its other
//! addresses to choose from, and its DHCP server in plain words.

use std::net::Ipv4Addr;

use lifeline_shared::protocol::Status;
use yew::prelude::*;

use super::{fixed, rich};
use crate::browser;
use crate::interfaces::{self, Choice};
use crate::pairing::{self, Link};
use crate::state::Action;

/// The panel: what the helper said last (`status`), the interface the address
/// was filled in from (while it is in the field), the field's first address, and
/// the phones' addresses.
pub fn helper_network(
    link: &Link,
    status: Option<&Status>,
    prefill: Option<&Choice>,
    tftp: Option<Ipv4Addr>,
    phones: &[Ipv4Addr],
    dispatch: &Callback<Action>,
) -> Html {
    let Some(status) = status else {
        return match link {
            Link::Unpaired => {
                let page = browser::page_address();
                html! {
                    <p class="muted helper-hint" data-testid="helper-network-hint">
                        { format!("{}. Paired, it fills this in for you, and can give the phones option 150 itself. ", pairing::unpaired_why(&page)) }
                        { rich(&pairing::unpaired_fix(&page)) }
                    </p>
                }
            }
            _ => html! {},
        };
    };
    let choices = interfaces::addresses(status);
    let chosen = interfaces::choose_interface(status, phones);
    let buttons = choices.iter().map(|c| {
        let current = tftp == Some(c.address);
        let address = c.address;
        let onclick = dispatch.reform(move |_: MouseEvent| Action::SetTftp(address.to_string()));
        html! {
            <li>
                <button type="button" class={classes!("button", "choice", current.then_some("is-current"))}
                    aria-pressed={if current { "true" } else { "false" }}
                    data-testid={format!("use-{}", c.address)} {onclick}>
                    <span class="choice-address">{ c.address.to_string() }</span>
                    <span class="muted">{ format!("{} · {}", c.name, c.subnet()) }</span>
                </button>
            </li>
        }
    });
    let dhcp = interfaces::dhcp_view(&status.dhcp, chosen.as_ref().map(|c| c.name.as_str()));
    html! {
        <section class="panel helper-net" aria-labelledby="helper-net-title" data-testid="helper-network">
            <h2 id="helper-net-title">{ "From the helper" }</h2>
            if let Some(p) = prefill {
                <p class="note tone-info" data-testid="tftp-prefill">
                    <span aria-hidden="true">{ "ℹ " }</span>
                    { "Filled in from the helper: " }{ rich(&p.reason()) }
                </p>
            }
            if choices.is_empty() {
                { fixed(r#"<p class="field-warnings" data-testid="helper-no-network"><span aria-hidden="true">⚠ </span>The helper's computer has no network address but its own (127.0.0.1): connect it to the phones' network, then reload this page.</p>"#) }
            } else {
                { fixed(r#"<p class="hint" id="helper-addresses-hint">The phones must reach the TFTP server at one of this computer's addresses: the one on their network.</p>"#) }
                <ul class="choices" aria-describedby="helper-addresses-hint">{ for buttons }</ul>
            }
            <h3>{ "DHCP" }</h3>
            <p class={classes!("dhcp-state", format!("tone-{}", dhcp.tone))} data-testid="helper-dhcp">
                <strong>{ dhcp.title.clone() }</strong>
            </p>
            <p class="explain" data-testid="helper-dhcp-detail">{ rich(&dhcp.detail) }</p>
        </section>
    }
}
