//! Step 3, Configuration: call control, the optional phone list (a table, with
//! each phone's SIP line on a SIP load), and a preview of every file written.

use std::rc::Rc;

use lifeline_shared::config::cnf_xml::{SCCP_PORT, SIP_PORT};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::Protocol;
use yew::prelude::*;

use super::field::TextField;
use super::files::FileList;
use super::phones::{PhoneTableProps, phone_table};
use crate::settings::import::ImportNote;
use crate::settings::{self, Check, Form};
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
    /// The text in the phone list's paste box.
    pub paste: AttrValue,
    /// What the last import into the phone list did.
    pub import: Option<ImportNote>,
    /// Why the last export of the phone list could not be saved.
    pub export_failed: Option<String>,
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
            { phone_table(&PhoneTableProps {
                report: r.clone(),
                rows: form.rows.clone(),
                call_managers: cms.good().cloned(),
                paste: props.paste.to_string(),
                import: props.import.clone(),
                export_failed: props.export_failed.clone(),
                remember: props.remember,
                dispatch: props.dispatch.clone(),
            }) }
            { super::os79::os79_panel(r) }
            <FileList report={r.clone()} form={form.clone()} />
        </>
    }
}
