//! SIP lines for a SIP load: per listed phone, the proxy, port, names and password.

use lifeline_shared::config::mac::Mac;
use yew::prelude::*;

use super::field::TextField;
use crate::settings::{self, Form, SipField};
use crate::state::Action;

/// The inputs of [`sip_lines`].
pub struct SipLinesProps {
    /// The accepted phones.
    pub phones: Vec<Mac>,
    /// The settings as typed.
    pub form: Form,
    /// The call-control list, when accepted (the default proxy).
    pub call_managers: Option<Vec<String>>,
    /// Whether the passwords are remembered on this computer.
    pub remember: bool,
    /// The family, when each line needs its own auth name (7800/8800 series).
    pub own_auth: Option<&'static str>,
    pub dispatch: Callback<Action>,
}

/// The SIP lines section.
pub fn sip_lines(props: &SipLinesProps) -> Html {
    let default_proxy = props
        .call_managers
        .as_ref()
        .and_then(|c| c.first().cloned())
        .unwrap_or_else(|| "the call-control address".into());
    html! {
        <section class="panel sip" data-testid="sip" aria-labelledby="sip-title">
            <h2 id="sip-title">{ "SIP lines " }<span class="muted">{ "(optional)" }</span></h2>
            <p class="hint">
                { "This is a SIP load: each listed phone can register line 1 on its own. Left empty, a phone gets no SIP profile and registers nowhere until you configure it. Passwords go into the phone's file and the bundle, never into a link." }
            </p>
            if props.phones.is_empty() {
                <p class="muted">{ "List phones above to give each its line." }</p>
            } else {
                <label class="check" data-testid="sip-remember">
                    <input type="checkbox" checked={props.remember}
                        onchange={props.dispatch.reform(|e: Event| Action::SetRemember(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
                    { " Remember the passwords on this computer (kept unencrypted in this browser's storage; otherwise a reload asks for them again)" }
                </label>
            }
            { for props.phones.iter().map(|mac| {
                let empty = settings::SipForm::new(*mac);
                let line = settings::sip_form(&props.form, mac).unwrap_or(&empty);
                let check = settings::sip(line, props.call_managers.as_deref(), props.own_auth);
                let sep = mac.sep_name();
                let fields = SipField::ALL.iter().map(|&field| {
                    let error = check.errors.iter().find(|(f, _)| *f == field).map(|(_, why)| why.clone());
                    let warnings = match field {
                        SipField::Password => check.password_warning.clone().into_iter().collect(),
                        _ => Vec::new(),
                    };
                    let placeholder = match field {
                        SipField::Proxy => Some(default_proxy.clone()),
                        SipField::Port => Some("5060".to_string()),
                        SipField::AuthName if props.own_auth.is_some() => Some("required".to_string()),
                        SipField::DisplayName | SipField::AuthName => Some("as the user".to_string()),
                        SipField::User => Some("201".to_string()),
                        SipField::Password => None,
                    };
                    let mac = *mac;
                    html! {
                        <TextField
                            id={format!("sip-{sep}-{}", field.id())}
                            label={field.label()}
                            value={line.get(field).to_string()}
                            placeholder={placeholder.map(AttrValue::from)}
                            testid={format!("sip-{}", field.id())}
                            password={field == SipField::Password}
                            {error}
                            {warnings}
                            oninput={props.dispatch.reform(move |value| Action::SetSip { mac, field, value })}
                        />
                    }
                });
                html! {
                    <fieldset class="sip-line" data-testid="sip-line" data-mac={sep.clone()}>
                        <legend><code>{ sep.clone() }</code>{ ", line 1" }</legend>
                        <div class="field-grid">{ for fields }</div>
                    </fieldset>
                }
            }) }
        </section>
    }
}
