//! The helper pill in the top bar: always visible, it says whether a helper is
//! connected and where; opened, it shows what the helper runs, or how to start
//! one.

use std::net::Ipv4Addr;

use yew::prelude::*;

use super::{fixed, rich};
use crate::bundle::short_id;
use crate::format;
use crate::interfaces;
use crate::pairing::{self, Link};
use crate::pill::HelperFacts;

/// The pill: the connection `link`, the helper's `facts`, the first TFTP address
/// of step 2, the page's address (without its fragment) and "Try now".
pub fn helper_pill(
    link: &Link,
    facts: &HelperFacts,
    tftp: Option<Ipv4Addr>,
    page: &str,
    on_retry: &Callback<()>,
) -> Html {
    let (tone, text) = &facts.pill;
    let start = fixed(
        "<p>Start it on a computer on the phones' network with <code>lifeline serve</code>, then open the address it prints (it ends in <code>#token=…</code>, which pairs this page with it).</p>",
    );
    let retry = {
        let cb = on_retry.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let body = match link {
        Link::Unpaired => html! {
            <>
                <p><strong>{ format!("{}.", pairing::unpaired_why(page)) }</strong>
                    { " Until it is paired, this page cannot send the bundle to the helper or show the phones. Steps 1 to 4 work anyway: download the bundle in step 4 for your own TFTP server." }</p>
                <p>{ rich(&pairing::unpaired_fix(page)) }</p>
            </>
        },
        Link::Connecting { attempt: 1 } => {
            html! { <p>{ "Connecting to the helper that served this page…" }</p> }
        }
        Link::Connecting { .. } | Link::Retrying { .. } => {
            let (lost, next) = match link {
                Link::Retrying {
                    lost_at,
                    retry_in_ms,
                    ..
                } => (*lost_at, Some(*retry_in_ms)),
                _ => (None, None),
            };
            html! {
                <>
                    <p><strong>{ match lost {
                        Some(t) => format!("The connection was lost at {}.", format::clock(t)),
                        None => "The helper that served this page does not answer.".to_string(),
                    } }</strong>
                    { match next {
                        Some(ms) => format!(" Trying again by itself (next in {}).", format::duration(ms.div_ceil(1000))),
                        None => " Trying again…".to_string(),
                    } }</p>
                    { fixed("<p>If the helper stopped, start it again with <code>lifeline serve</code>: it keeps its pairing token, so this page reconnects by itself.</p>") }
                    <p><button type="button" class="button" data-testid="helper-retry" onclick={retry}>{ "Try now" }</button></p>
                </>
            }
        }
        Link::NewToken => html! {
            <>
                <p><strong>{ format!("{}.", pairing::new_token_why(page)) }</strong></p>
                <p>{ rich(&pairing::new_token_fix(page)) }</p>
            </>
        },
        Link::Refused(why) => html! {
            <>
                <p><strong>{ "The helper refused this page." }</strong>{ " " }{ rich(why) }</p>
                { start }
            </>
        },
        Link::Connected => {
            let status = facts.status.as_ref();
            let tftp = status.map(|s| match interfaces::tftp_where(&s.tftp, tftp) {
                Some(at) => format!("TFTP: serving on {at}."),
                None => format!(
                    "TFTP: not running. {}",
                    format::sentence(
                        s.tftp
                            .reason
                            .as_deref()
                            .unwrap_or("the helper gave no reason")
                    )
                ),
            });
            let dhcp = status.map(|s| match interfaces::dhcp_short(&s.dhcp) {
                "off" => "DHCP: off (the phones need option 150 from your DHCP server, step 2)."
                    .to_string(),
                "failed" => format!(
                    "DHCP: failed. {}",
                    format::sentence(
                        s.dhcp
                            .reason
                            .as_deref()
                            .unwrap_or("the helper gave no reason")
                    )
                ),
                on => format!("DHCP: {on}."),
            });
            let bundle = status.map(|s| match &s.bundle {
                Some(b) => format!(
                    "Bundle: `{}` from {} ({}, {}).",
                    short_id(&b.id),
                    b.source,
                    format::count(b.files, "file", "files"),
                    format::size(b.bytes)
                ),
                None => "Bundle: none yet. Send one in step 4.".to_string(),
            });
            html! {
                <>
                    <p><strong>{ facts.name.clone().unwrap_or_else(|| "The helper".into()) }</strong>
                        { " is connected; it serves the phones from this computer." }</p>
                    <ul class="pill-facts">
                        if let Some(t) = tftp { <li>{ rich(&t) }</li> }
                        if let Some(d) = dhcp { <li>{ d }</li> }
                        if let Some(b) = bundle { <li>{ rich(&b) }</li> }
                    </ul>
                </>
            }
        }
    };
    html! {
        <div class="pill-wrap">
            <details class={classes!("pill", format!("tone-{tone}"))} data-testid="helper-pill" id="helper-pill">
                <summary id="helper-pill-summary">
                    <span class="pill-dot" aria-hidden="true"></span>
                    <span class="pill-text" data-testid="helper-pill-text">{ text.clone() }</span>
                </summary>
                <div class="pill-panel" data-testid="helper-panel">{ body }</div>
            </details>
            <span class="visually-hidden" role="status">{ text.clone() }</span>
        </div>
    }
}
