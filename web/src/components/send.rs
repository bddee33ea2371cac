//! Step 4 with a helper: send the bundle, watch it go (bytes, rate, time left,
//! never backwards), resume after a dropped connection, and the helper's
//! confirmation, or the refusal named with its file and fix.

use yew::prelude::*;

use super::{fixed, rich};
use crate::browser;
use crate::bundle::short_id;
use crate::format;
use crate::pairing::{self, Link};
use crate::upload::{Progress, SendState};

/// Props of [`SendPanel`].
#[derive(Properties, PartialEq)]
pub struct SendPanelProps {
    /// The bundle's manifest id.
    pub id: AttrValue,
    /// Its files, as the helper counts them.
    pub files: usize,
    pub bytes: u64,
    pub send: SendState,
    pub link: Link,
    /// Whether the helper serves it already.
    pub serves: bool,
    /// Where the helper's TFTP server is reached, if it runs.
    pub tftp_at: Option<String>,
    /// Why it does not run.
    pub tftp_down: Option<String>,
    /// Sends (or sends again).
    pub on_send: Callback<()>,
    pub on_stop: Callback<()>,
    pub on_retry: Callback<()>,
    /// Opens step 5.
    pub on_next: Callback<()>,
}

fn click(cb: &Callback<()>) -> Callback<MouseEvent> {
    let cb = cb.clone();
    Callback::from(move |_: MouseEvent| cb.emit(()))
}

/// The bar with its figures.
fn bar(p: &Progress, label: &str) -> Html {
    let pct = p.percent();
    let mut figures = format!("{} of {}", format::size(p.shown), format::size(p.total));
    if let Some(rate) = p.rate() {
        figures.push_str(&format!(" · {}", format::rate(rate)));
    }
    if let Some(left) = p.secs_left().filter(|_| p.received < p.total) {
        figures.push_str(&format!(" · about {} left", format::duration(left.max(1))));
    }
    html! {
        <div class="send-progress">
            <div class="bar" role="progressbar" aria-label={label.to_string()}
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={pct.to_string()}
                aria-valuetext={format!("{pct} %")} data-testid="send-bar" data-percent={pct.to_string()}>
                <span class="bar-fill" style={format!("width: {pct}%")}></span>
            </div>
            <p class="bar-figures" data-testid="send-figures">
                <strong>{ format!("{pct} %") }</strong>{ " · " }{ figures }
            </p>
        </div>
    }
}

#[function_component]
pub fn SendPanel(props: &SendPanelProps) -> Html {
    let done_ref = use_node_ref();
    let problem_ref = use_node_ref();
    // Focus follows the outcome: the confirmation, or the problem.
    {
        let kind = match &props.send {
            SendState::Switched { .. } => 1,
            SendState::Failed { .. } => 2,
            _ => 0,
        };
        let done_ref = done_ref.clone();
        let problem_ref = problem_ref.clone();
        use_effect_with(kind, move |kind| match kind {
            1 => browser::focus(&done_ref),
            2 => browser::focus(&problem_ref),
            _ => {}
        });
    }
    let connected = props.link.is_connected();
    let where_ = props
        .tftp_at
        .clone()
        .unwrap_or_else(|| "the helper's TFTP server".into());
    let tftp_warning = props.tftp_down.as_ref().map(|why| {
        html! {
            <p class="field-warnings" data-testid="tftp-down">
                <span aria-hidden="true">{ "⚠ " }</span>
                <strong>{ "The helper's TFTP server is not running: " }</strong>
                { rich(&format::sentence(why)) }
                { " Phones cannot fetch the bundle until it runs." }
            </p>
        }
    });
    // The helper holds the bundle either way; it serves it only while its
    // TFTP server runs, and the verdict says which.
    let down = props.tftp_down.is_some();
    let served = |files: usize, id: &str, title: &str| {
        let (tone, icon, title, detail) = if down {
            (
                "verdict is-warning",
                "⚠",
                "The helper holds this bundle, but phones cannot fetch it yet",
                format!(
                    ": {} checked against their SHA-256 and written to disk, not served: the helper's TFTP server is not running (above says why and how to start it).",
                    format::count(files, "file", "files")
                ),
            )
        } else {
            (
                "verdict is-ok",
                "✓",
                title,
                format!(
                    ": serving {} on {where_} (the firmware and configuration files, each checked against its SHA-256 and written to disk).",
                    format::count(files, "file", "files")
                ),
            )
        };
        html! {
            <div class="send-done" data-testid="send-switched" data-served={(!down).to_string()} tabindex="-1" ref={done_ref.clone()} role="status">
                <h3 class={tone}>
                    <span class="verdict-icon" aria-hidden="true">{ icon }</span>
                    <span>{ title.to_string() }</span>
                </h3>
                <p data-testid="send-switched-detail">
                    { "Bundle " }<code>{ short_id(id).to_string() }</code>
                    { detail }
                </p>
                <p>
                    <button type="button" class="button primary" data-testid="to-recover" onclick={click(&props.on_next)}>
                        { "Next: reset the phones →" }
                    </button>
                </p>
            </div>
        }
    };
    let keep_open = fixed(
        r#"<p class="muted">Keep this tab open until the helper confirms; if the connection drops, sending resumes where it stopped.</p>"#,
    );
    let body = match &props.send {
        SendState::Switched { id, files, .. } => {
            served(*files, id, "The helper switched to this bundle")
        }
        SendState::Idle if props.serves => served(
            props.files,
            &props.id,
            "The helper already serves this bundle",
        ),
        SendState::Idle | SendState::Failed { .. } if connected => {
            let failed = match &props.send {
                SendState::Failed { refusal, .. } => Some(html! {
                    <div class="problem-inline" data-testid="send-problem" id="send-problem" tabindex="-1" ref={problem_ref.clone()} role="alert">
                        <h3 class="verdict is-error">
                            <span class="verdict-icon" aria-hidden="true">{ "✗" }</span>
                            <span>{ rich(&refusal.title) }</span>
                        </h3>
                        if let Some(file) = &refusal.file {
                            <p>{ "File: " }<code data-testid="send-problem-file">{ file.clone() }</code></p>
                        }
                        <p class="raw">{ format!("The helper said: {}", refusal.message) }</p>
                        <p class="fix"><strong>{ "How to fix it: " }</strong>{ rich(refusal.fix) }</p>
                    </div>
                }),
                _ => None,
            };
            let again = failed.is_some();
            html! {
                <>
                    { failed }
                    <p>{ format!("{}, {}, to the helper; phones then fetch them from {where_}.",
                        format::count(props.files, "file", "files"), format::size(props.bytes)) }</p>
                    <div class="deliver-actions">
                        <button type="button" class="button primary" data-testid="send-bundle" onclick={click(&props.on_send)}>
                            { if again { "Try again" } else { "Send to the helper" } }
                        </button>
                        if again {
                            <span class="muted">{ "Only what the helper does not have yet is sent." }</span>
                        }
                    </div>
                </>
            }
        }
        SendState::Starting { .. } if connected => html! {
            <p class="status is-working" data-testid="send-status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ "Asking the helper what it already has…" }</span>
            </p>
        },
        SendState::Sending(p) => html! {
            <>
                { bar(p, "Sending the bundle to the helper") }
                if let Some(kept) = p.resumed.filter(|_| p.again.is_none()) {
                    <p class="note tone-info" data-testid="send-resumed">
                        { format!("Resumed: the helper already had {}; only the rest is sent.", format::size(kept)) }
                    </p>
                }
                if let Some(again) = &p.again {
                    <p class="field-warnings" data-testid="send-again">
                        <span aria-hidden="true">{ "⚠ " }</span>{ rich(&again.title) }{ ": sending it again." }
                    </p>
                }
                { keep_open }
                <p><button type="button" class="button quiet" data-testid="send-stop" onclick={click(&props.on_stop)}>{ "Stop sending" }</button></p>
            </>
        },
        SendState::Verifying(p) => html! {
            <>
                { bar(p, "Sending the bundle to the helper") }
                <p class="status is-working" data-testid="send-status">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{ "All sent. The helper checks every file's SHA-256 and writes it to disk…" }</span>
                </p>
            </>
        },
        SendState::Interrupted(p) => html! {
            <>
                { bar(p, "Sending the bundle to the helper (paused)") }
                <p class="field-warnings" data-testid="send-interrupted">
                    <span aria-hidden="true">{ "⚠ " }</span>
                    { format!("The connection to the helper dropped after {}. Sending resumes by itself where it stopped as soon as the helper is back.", format::size(p.shown)) }
                </p>
                <p><button type="button" class="button" onclick={click(&props.on_retry)}>{ "Reconnect now" }</button></p>
            </>
        },
        _ => match &props.link {
            Link::Unpaired => {
                let page = browser::page_address();
                html! {
                    <>
                        <p id="send-reason" data-testid="send-unpaired">
                            { format!("{}, so it cannot send the bundle there. ", pairing::unpaired_why(&page)) }
                            { rich(&pairing::unpaired_fix(&page)) }
                            { " This page then sends the bundle straight to the helper, and step 5 shows each phone live." }
                        </p>
                        <div class="deliver-actions">
                            <button type="button" class="button" disabled=true aria-describedby="send-reason">{ "Send to the helper" }</button>
                        </div>
                    </>
                }
            }
            Link::Refused(why) => html! { <p class="field-warnings">{ rich(why) }</p> },
            Link::NewToken => new_token("send-new-token"),
            _ => html! {
                <>
                    { fixed(r#"<p id="send-reason" data-testid="send-offline">The helper does not answer. This page reconnects by itself; if the helper stopped, start it again with <code>lifeline serve</code> (it keeps its pairing token).</p>"#) }
                    <div class="deliver-actions">
                        <button type="button" class="button" disabled=true aria-describedby="send-reason">{ "Send to the helper" }</button>
                        <button type="button" class="button quiet" onclick={click(&props.on_retry)}>{ "Reconnect now" }</button>
                    </div>
                </>
            },
        },
    };
    // Screen readers hear the quarters, not every chunk.
    let milestone = match &props.send {
        SendState::Sending(p) => format!("Sending: {} %", p.percent() / 25 * 25),
        SendState::Verifying(_) => "All sent; the helper is checking the files.".to_string(),
        SendState::Interrupted(_) => "Sending paused: the connection dropped.".to_string(),
        _ => String::new(),
    };
    html! {
        <section class="send" aria-labelledby="send-title" data-testid="send">
            <h2 id="send-title">{ "Send it to the helper" }</h2>
            { tftp_warning }
            { body }
            <p class="visually-hidden" role="status">{ milestone }</p>
        </section>
    }
}

/// The helper was restarted with a new pairing token: why nothing reaches it,
/// and how to pair this tab again.
pub(super) fn new_token(testid: &'static str) -> Html {
    let page = browser::page_address();
    html! {
        <p class="field-warnings" data-testid={testid}>
            <span aria-hidden="true">{ "⚠ " }</span>
            { format!("{}. ", pairing::new_token_why(&page)) }
            { rich(&pairing::new_token_fix(&page)) }
        </p>
    }
}
