//! Step 3, Configuration: call control, the optional phone list (and SIP lines for
//! SIP loads), and a preview of every file written.

use std::rc::Rc;

use lifeline_shared::config::cnf_xml::{SCCP_PORT, SIP_PORT};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::Protocol;
use yew::prelude::*;

use super::field::TextField;
use super::files::FileList;
use super::rich;
use super::sip::{SipLinesProps, sip_lines};
use crate::format;
use crate::settings::{self, Check, Form, PhoneEntry};
use crate::state::Action;

/// Props of [`ConfigStep`].
#[derive(Properties, PartialEq)]
pub struct ConfigStepProps {
    /// The firmware's report (without errors).
    pub report: Rc<Report>,
    /// The settings as typed.
    pub form: Form,
    /// Whether SIP passwords are remembered on this computer.
    pub remember: bool,
    /// The step heading, focused when the step opens.
    pub heading: NodeRef,
    pub dispatch: Callback<Action>,
}

/// The configuration step.
#[function_component]
pub fn ConfigStep(props: &ConfigStepProps) -> Html {
    let r = &props.report;
    let form = &props.form;
    let protocol = settings::protocol(r);
    let port = match protocol {
        Protocol::Sccp => SCCP_PORT,
        Protocol::Sip => SIP_PORT,
    };
    let cms = settings::call_managers(form);
    let phones = settings::phones(form, Some(r));
    let bad = phones.iter().filter(|p| p.result.is_err()).count();
    // Each bad entry is flagged in the list; the field says how many there are.
    let phones_error = (bad > 0).then(|| {
        format!(
            "{} of {} to fix: each is marked in the list below.",
            bad,
            format::count(phones.len(), "entry", "entries")
        )
    });
    let phones_summary = match (phones.len(), bad) {
        (n, 0) if n > 0 => format!("{}, all fine.", format::count(n, "phone", "phones")),
        _ => String::new(),
    };
    html! {
        <>
            <div class="step-intro">
                <h1 ref={props.heading.clone()} tabindex="-1">{ "Configuration" }</h1>
                <p>
                    { "A phone reads a configuration file from the TFTP server before anything else: it names the call-control server and the firmware load to run. Lifeline writes these files for the firmware you chose." }
                </p>
            </div>
            <section class="panel" aria-labelledby="cc-title">
                <h2 id="cc-title">{ "Call control" }</h2>
                <dl class="facts">
                    <div class="fact">
                        <dt>{ "Load" }</dt>
                        <dd data-testid="config-load">{ r.load.clone().unwrap_or_default() }</dd>
                    </div>
                    <div class="fact">
                        <dt>{ "Protocol, from the load" }</dt>
                        <dd data-testid="config-protocol">{ format!("{} (port {port})", protocol.as_str()) }</dd>
                    </div>
                </dl>
                <TextField
                    id="call-managers"
                    label="Call-control address"
                    hint="The PBX or Call Manager the phones register with: up to five, the one to try first first, separated by commas. Only flashing firmware? Any address will do, for example the TFTP address."
                    value={form.call_managers.clone()}
                    placeholder="192.168.10.1"
                    testid="cm-input"
                    error={match &cms { Check::Bad(why) => Some(why.clone()), _ => None }}
                    oninput={props.dispatch.reform(Action::SetCallManagers)}
                />
                if let Check::Good(list) = &cms {
                    <ol class="priority-list" data-testid="cm-list" aria-label="Call control, in priority order">
                        { for list.iter().enumerate().map(|(i, cm)| html! {
                            <li>
                                <span class="badge">{ format!("priority {i}") }</span>
                                <code>{ cm.clone() }</code>
                                if i == 0 { <span class="muted">{ " tried first" }</span> }
                            </li>
                        }) }
                    </ol>
                }
            </section>
            <section class="panel" aria-labelledby="phones-title">
                <h2 id="phones-title">{ "Phones " }<span class="muted">{ "(optional)" }</span></h2>
                <TextField
                    id="phones"
                    label="MAC addresses"
                    hint="One per line or separated by commas, in any usual notation (`00:11:22:AA:BB:CC`, `0011.22aa.bbcc`, `SEP001122AABBCC`). Add `=MODEL` to check the phone runs this firmware: `0011.22aa.bbcc=7961`. Each phone gets its own file; phones not listed use XMLDefault.cnf.xml."
                    value={form.phones.clone()}
                    placeholder={"00:11:22:AA:BB:CC=7961\n0011.22aa.bbcd"}
                    testid="phones-input"
                    rows={4}
                    error={phones_error}
                    oninput={props.dispatch.reform(Action::SetPhones)}
                />
                <p class="phones-summary muted" role="status" data-testid="phones-summary">{ phones_summary }</p>
                if !phones.is_empty() {
                    <ul class="phone-list" data-testid="phone-list" aria-label="The phone list, checked">
                        { for phones.iter().map(entry) }
                    </ul>
                }
            </section>
            if protocol == Protocol::Sip {
                { sip_lines(&SipLinesProps {
                    phones: phones.iter().filter_map(|p| p.result.as_ref().ok().map(|p| p.mac)).collect(),
                    form: form.clone(),
                    call_managers: cms.good().cloned(),
                    remember: props.remember,
                    own_auth: settings::own_auth_name(Some(r)),
                    dispatch: props.dispatch.clone(),
                }) }
            }
            { super::os79::os79_panel(r) }
            <FileList report={r.clone()} form={form.clone()} />
        </>
    }
}

fn entry(p: &PhoneEntry) -> Html {
    match &p.result {
        Ok(phone) => html! {
            <li class="phone tone-ok" data-testid="phone-entry" data-status="ok">
                <span class="phone-icon" aria-hidden="true">{ "✓" }</span>
                <code class="phone-typed">{ p.text.clone() }</code>
                <span class="phone-result">
                    <span aria-hidden="true">{ "→ " }</span>
                    <strong data-testid="sep-name">{ phone.mac.sep_name() }</strong>
                    if let Some(model) = &phone.model {
                        <span class="muted">{ format!(" ({model})") }</span>
                    }
                </span>
            </li>
        },
        Err(why) => html! {
            <li class="phone tone-error" data-testid="phone-entry" data-status="error">
                <span class="phone-icon" aria-hidden="true">{ "✗" }</span>
                <code class="phone-typed">{ p.text.clone() }</code>
                <span class="phone-result" data-testid="phone-error">{ rich(&format::sentence(why)) }</span>
            </li>
        },
    }
}
