//! Step 2, Network: the TFTP address list, option 150 for it, and the decode box.

use lifeline_shared::dhcp::option150::Server;
use yew::prelude::*;

use super::decode::{DecodeBoxProps, decode_box};
use super::field::TextField;
use super::option150::Option150Panel;
use crate::copy::CopyNote;
use crate::settings::Check;
use crate::state::Action;

/// Props of [`NetworkStep`].
#[derive(Properties, PartialEq)]
pub struct NetworkStepProps {
    /// The TFTP list as typed.
    pub tftp: AttrValue,
    /// It, checked.
    pub check: Check<lifeline_shared::dhcp::option150::ServerList>,
    /// The snippet tab shown.
    pub server: Server,
    /// The decode box's value.
    pub decode: AttrValue,
    /// The last copy.
    pub copy: Option<CopyNote>,
    /// Why phones given this list would not reach the helper's TFTP server
    /// (from its last status), each with the fix.
    #[prop_or_default]
    pub reach: Vec<String>,
    /// The helper's part (its addresses and DHCP server), under the field.
    #[prop_or_default]
    pub helper: Html,
    /// The step heading, focused when the step opens.
    pub heading: NodeRef,
    pub dispatch: Callback<Action>,
}

/// The network step.
#[function_component]
pub fn NetworkStep(props: &NetworkStepProps) -> Html {
    let (error, warnings) = match &props.check {
        Check::Bad(why) => (Some(why.clone()), Vec::new()),
        Check::Good(list) => (
            None,
            list.warnings
                .iter()
                .map(|w| format!("`{}`: {}.", w.address, w.message))
                .collect(),
        ),
        Check::Empty => (None, Vec::new()),
    };
    let warnings: Vec<String> = warnings
        .into_iter()
        .chain(props.reach.iter().cloned())
        .collect();
    html! {
        <>
            <div class="step-intro">
                <h1 ref={props.heading.clone()} tabindex="-1">{ "Network" }</h1>
                <p>
                    { "A phone learns where its TFTP server is from DHCP option 150. Give the address the phones reach the TFTP server at; Lifeline writes the option for your DHCP server." }
                </p>
            </div>
            <section class="panel" aria-label="TFTP server">
                <TextField
                    id="tftp"
                    label="TFTP server address"
                    hint="Usually this computer's address on the phones' network (LAN), for example `192.168.10.105`. Several servers: separate them with commas, the preferred one first. Option 150 carries no port: phones always ask port 69."
                    value={props.tftp.clone()}
                    placeholder="192.168.10.105"
                    testid="tftp-input"
                    {error}
                    {warnings}
                    oninput={props.dispatch.reform(Action::SetTftp)}
                />
            </section>
            { props.helper.clone() }
            if let Check::Good(list) = &props.check {
                <Option150Panel
                    addresses={list.addresses.clone()}
                    server={props.server}
                    copy={props.copy}
                    dispatch={props.dispatch.clone()}
                />
            }
            { decode_box(&DecodeBoxProps { value: props.decode.clone(), dispatch: props.dispatch.clone() }) }
        </>
    }
}
