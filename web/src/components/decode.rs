//! The decode box: a hex or decimal value someone said to use, and the address it
//! really puts on the wire.

use lifeline_shared::dhcp::option150;
use yew::prelude::*;

use super::field::TextField;
use super::rich;
use crate::state::Action;

/// The inputs of [`decode_box`].
pub struct DecodeBoxProps {
    /// The value as typed.
    pub value: AttrValue,
    pub dispatch: Callback<Action>,
}

/// The decode box.
pub fn decode_box(props: &DecodeBoxProps) -> Html {
    let typed = props.value.trim();
    let (result, error) = match (typed.is_empty(), option150::decode(typed)) {
        (true, _) => (None, None),
        (false, Ok(d)) => (Some(d), None),
        (false, Err(e)) => (None, Some(e.to_string())),
    };
    html! {
        <section class="panel decode" data-testid="decode" aria-labelledby="decode-title">
            <h2 id="decode-title">{ "Check a value you were told to use" }</h2>
            <TextField
                id="decode"
                label="Hex or decimal value"
                hint="Guides often give option 150 as a number for tftpd32, such as `0x69AA8C0`. See which address it really sends. Option 150's bytes as shown above (`96 04 C0 A8 0A 69`) read back too."
                value={props.value.clone()}
                placeholder="0x69AA8C0"
                testid="decode-input"
                {error}
                oninput={props.dispatch.reform(Action::SetDecode)}
            />
            <div class="decode-result" role="status" data-testid="decode-result">
                if let Some(d) = result {
                    <p class={if d.likely.is_empty() { "verdict-line" } else { "verdict-line tone-warning" }}>
                        { rich(&format!("{}.", d.message)) }
                    </p>
                    if d.sends.is_empty() {
                        <dl class="meta">
                            <div><dt>{ "Sent as little-endian (tftpd32 x/i)" }</dt><dd><code>{ d.little_endian.to_string() }</code></dd></div>
                            <div><dt>{ "Read in network order" }</dt><dd><code>{ d.network_order.to_string() }</code></dd></div>
                        </dl>
                    } else {
                        <dl class="meta">
                            <div><dt>{ "Phones get these TFTP servers, in this order" }</dt>
                                <dd><code data-testid="decode-sends">{ d.sends.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }</code></dd></div>
                        </dl>
                    }
                }
            </div>
        </section>
    }
}
