//! Step 3 for a 7940/7960 firmware: how these phones choose their image and protocol
//! (`OS79XX.TXT`), what they read next, and Cisco's rules for moving between protocols.

use lifeline_shared::config::sip79;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::Protocol;
use yew::prelude::*;

use super::fixed;

/// The panel, or nothing for another family.
pub(super) fn os79_panel(report: &Report) -> Html {
    let Some(image) = sip79::image_name(report) else {
        return Html::default();
    };
    let next = match report.protocol {
        Some(Protocol::Sip) => fixed(
            "<p>Then, on SIP, it reads <code>SIP&lt;MAC&gt;.cnf</code> and <code>SIPDefault.cnf</code> (<code>key: value</code> text): its registrar, lines and, in <code>image_version</code>, its image.</p>",
        ),
        _ => fixed(
            "<p>Then, on SCCP, it reads <code>SEP&lt;MAC&gt;.cnf.xml</code> or <code>XMLDefault.cnf.xml</code>: <code>loadInformation7</code> (7960) and <code>loadInformation8</code> (7940) name the load.</p>",
        ),
    };
    html! {
        <section class="panel" data-testid="os79" aria-labelledby="os79-title">
            <h2 id="os79-title">{ "How a 7940/7960 picks its image" }</h2>
            <p>
                { "After a factory reset it asks for " }<code>{ "OS79XX.TXT" }</code>
                { " before anything else. Lifeline writes it with one image name: " }
                <code data-testid="os79-image">{ image }</code>{ "." }
            </p>
            { fixed("<p>The phone compares the name's third letter, the protocol (<code>0</code> SCCP, <code>S</code> SIP), with the image it runs. If they differ, it loads the image named at once: that is how it moves between SCCP and SIP.</p>") }
            { next }
            { fixed("<p class=\"muted\">Cisco's rules: SCCP to SIP only from SCCP 5.x or later; back to SCCP only from SIP 7.x or later; a signed SIP image (5.x on) never goes back to an unsigned one.</p>") }
        </section>
    }
}
