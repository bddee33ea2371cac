//! Step 4, Deliver: what the bundle holds, sent to the helper or downloaded as
//! one zip.

use std::rc::Rc;

use lifeline_shared::bundle::Kind;
use lifeline_shared::firmware::inspect::{Report, is_recovery_manifest};
use lifeline_shared::models;
use yew::prelude::*;

use super::recovery::recovery_box;
use super::rich;
use super::send::SendPanel;
use crate::browser;
use crate::bundle::{self, BundleJob};
use crate::checks::bundle_finding_id;
use crate::format;
use crate::helper_link::HelperLink;
use crate::pairing::Link;
use crate::state::Action;
use crate::step::StepId;
use crate::upload::SendState;

/// Props of [`DeliverStep`].
#[derive(Properties, PartialEq)]
pub struct DeliverStepProps {
    /// The firmware's report.
    pub report: Rc<Report>,
    /// The bundle for them.
    pub bundle: BundleJob,
    /// Sending it to the helper.
    pub send: SendState,
    /// The connection to the helper.
    pub link: Link,
    /// Whether the helper serves this bundle already.
    pub serves: bool,
    /// Where the helper's TFTP server is reached.
    pub tftp_at: Option<String>,
    /// Why the helper's TFTP server does not run.
    pub tftp_down: Option<String>,
    /// Whether missing recovery manifests are made from the load manifest.
    pub recovery_copies: bool,
    pub helper: HelperLink,
    /// The step heading, focused when the step opens.
    pub heading: NodeRef,
    pub dispatch: Callback<Action>,
}

/// The deliver step.
#[function_component]
pub fn DeliverStep(props: &DeliverStepProps) -> Html {
    let body = match &props.bundle {
        BundleJob::Idle | BundleJob::Preparing(_) => html! {
            <p class="status is-working" data-testid="bundle-status">
                <span class="spinner" aria-hidden="true"></span>
                <span>{ "Preparing the bundle: reading the firmware and hashing every file…" }</span>
            </p>
        },
        BundleJob::Failed(_, why) => html! {
            <div class="problem-inline" data-testid="bundle-problem" id="bundle-problem" tabindex="-1">
                <h2 class="verdict is-error">
                    <span class="verdict-icon" aria-hidden="true">{ "✗" }</span>
                    <span>{ "The bundle could not be made" }</span>
                </h2>
                <p>{ rich(&format::sentence(why)) }</p>
                <p class="fix"><strong>{ "How to fix it: " }</strong>
                    { "go back to the step it names and correct it, or choose the firmware again if it was moved or changed." }</p>
            </div>
        },
        BundleJob::Ready { bundle, saved, key } => {
            let m = &bundle.manifest;
            let json = lifeline_shared::manifest_json::write(m).len() as u64;
            let (files, total) = bundle::served(m);
            let phones = &m.settings.phones;
            let on_save = {
                let bundle = bundle.clone();
                let key = *key;
                let dispatch = props.dispatch.clone();
                Callback::from(move |_: MouseEvent| browser::save_bundle(&bundle, key, &dispatch))
            };
            let on_send = {
                let bundle = bundle.clone();
                let key = *key;
                let link = props.helper.clone();
                Callback::from(move |()| link.send_bundle(key, bundle.clone()))
            };
            let on_stop = {
                let key = *key;
                let link = props.helper.clone();
                Callback::from(move |()| link.stop(key))
            };
            let on_retry = {
                let link = props.helper.clone();
                Callback::from(move |()| link.retry_now())
            };
            let on_next = props.dispatch.reform(|()| Action::GoTo(StepId::Recover));
            let paired = props.link != Link::Unpaired;
            let send = html! {
                <SendPanel id={m.id.clone()} {files} bytes={total}
                    send={props.send.clone()} link={props.link.clone()} serves={props.serves}
                    tftp_at={props.tftp_at.clone()} tftp_down={props.tftp_down.clone()}
                    {on_send} {on_stop} {on_retry} {on_next} />
            };
            let reset = props
                .report
                .family
                .map(|f| models::family(f).reset_steps)
                .unwrap_or_default();
            let kind = |name: &str, k: Kind| match k {
                Kind::Firmware => "firmware",
                Kind::Config => "configuration",
                Kind::Alias if is_recovery_manifest(name) => {
                    "copy of the load manifest (unverified)"
                }
                Kind::Alias => "case alias",
            };
            html! {
                <>
                    <h2 class="verdict is-ok">
                        <span class="verdict-icon" aria-hidden="true">{ "✓" }</span>
                        <span>{ "The bundle is ready" }</span>
                    </h2>
                    <dl class="facts" data-testid="bundle-summary">
                        <div class="fact"><dt>{ "Files" }</dt>
                            <dd data-testid="bundle-files">{ format!("{}, {}", format::count(files, "file", "files"), format::size(total)) }</dd></div>
                        <div class="fact"><dt>{ "Load" }</dt>
                            <dd data-testid="bundle-load">{ m.load.clone().unwrap_or_default() }</dd></div>
                        <div class="fact"><dt>{ "TFTP server" }</dt>
                            <dd data-testid="bundle-tftp">{ m.settings.tftp_servers.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }</dd></div>
                        <div class="fact"><dt>{ "Call control" }</dt>
                            <dd>{ m.settings.call_managers.join(", ") }</dd></div>
                        <div class="fact"><dt>{ "Phones" }</dt>
                            <dd>{ if phones.is_empty() { "none listed (XMLDefault only)".to_string() } else { format::count(phones.len(), "phone", "phones") } }</dd></div>
                    </dl>
                    <p class="muted" data-testid="bundle-manifest-note">
                        { "The phones fetch these files. The download also holds " }
                        <code>{ lifeline_shared::bundle::MANIFEST_NAME }</code>
                        { ", the bundle's manifest with each file's SHA-256; it is not served to the phones." }
                    </p>
                    { recovery_box(&props.report, props.recovery_copies, &props.dispatch) }
                    { for bundle.findings.iter().enumerate().map(|(i, f)| html! {
                        <p class="field-warnings" id={bundle_finding_id(i)} tabindex="-1"><span aria-hidden="true">{ "⚠ " }</span>
                            <strong>{ f.subject.clone() }{ ": " }</strong>{ rich(&f.message) }{ " " }{ rich(&f.fix) }</p>
                    }) }
                    if paired { { send.clone() } }
                    <h2 class="download-title">{ if paired { "Or download it" } else { "Download it" } }</h2>
                    <div class="deliver-actions">
                        <button type="button" class={classes!("button", (!paired).then_some("primary"))} data-testid="download-bundle" onclick={on_save}>
                            { "Download bundle (.zip)" }
                        </button>
                        <span class="muted">{ browser::bundle_name(bundle) }</span>
                    </div>
                    <p role="status" data-testid="save-status" id="save-status" tabindex="-1"
                        class={classes!("save-status", saved.as_ref().map(|s| if s.is_ok() { "tone-ok" } else { "tone-error" }))}>
                        { match saved {
                            Some(Ok(s)) => format!("✓ {} ({}) is in your downloads.", s.name, format::size(s.size)),
                            Some(Err(why)) => format!("✗ {why}"),
                            None => String::new(),
                        } }
                    </p>
                    <h3>{ "Then" }</h3>
                    <ol class="then">
                        <li>{ "Unzip it into the root folder of your TFTP server: every file at the top level, names exactly as they are." }</li>
                        <li>{ "Set option 150 on your DHCP server to the TFTP address (the snippets are in step 2)." }</li>
                        if reset.is_empty() {
                            <li>{ "Reset the phone; it asks for its files within a minute or two." }</li>
                        } else {
                            <li>{ "Reset the phone:" }
                                <ol class="reset">{ for reset.iter().map(|s| html! { <li>{ *s }</li> }) }</ol>
                            </li>
                        }
                    </ol>
                    <details class="bundle-files">
                        <summary>{ format!("The files in it ({files}, and the manifest)") }</summary>
                        <div class="table-wrap">
                            <table class="table" data-testid="bundle-table">
                                <thead><tr>
                                    <th scope="col">{ "Name" }</th>
                                    <th scope="col" class="num">{ "Size (bytes)" }</th>
                                    <th scope="col">{ "What" }</th>
                                </tr></thead>
                                <tbody>
                                    { for m.files.iter().map(|f| html! {
                                        <tr>
                                            <th scope="row"><code>{ f.name.clone() }</code></th>
                                            <td class="num">{ format::bytes(f.size) }</td>
                                            <td>{ kind(&f.name, f.kind) }</td>
                                        </tr>
                                    }) }
                                    <tr>
                                        <th scope="row"><code>{ lifeline_shared::bundle::MANIFEST_NAME }</code></th>
                                        <td class="num">{ format::bytes(json) }</td>
                                        <td>{ "what the bundle holds, with SHA-256 hashes" }</td>
                                    </tr>
                                </tbody>
                            </table>
                        </div>
                    </details>
                    if !paired { { send } }
                </>
            }
        }
    };
    html! {
        <>
            <div class="step-intro">
                <h1 ref={props.heading.clone()} tabindex="-1">{ "Deliver" }</h1>
                <p>{ "Everything the phones ask the TFTP server for: the firmware, the configuration files and a manifest. Send it to the Lifeline helper, or download it as one zip for your own TFTP server." }</p>
            </div>
            <section class="panel deliver" data-testid="deliver" aria-label="Bundle">
                { body }
            </section>
        </>
    }
}
