//! The models a load serves, with device ids and their recovery manifests.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::{ModelReport, Report};
use yew::prelude::*;

/// The inputs of [`model_table`].
pub struct ModelTableProps {
    pub report: Rc<Report>,
}

/// The models table.
pub fn model_table(props: &ModelTableProps) -> Html {
    let models = &props.report.models;
    if models.is_empty() {
        return html! {
            <p class="muted models-none">
                { "No phone model is known for this input, so there is no model list." }
            </p>
        };
    }
    html! {
        <div class="models">
            <h3 id="models-title">{ "Phone models this load serves" }</h3>
            <table class="table" aria-labelledby="models-title" data-testid="models">
                <thead>
                    <tr>
                        <th scope="col">{ "Model" }</th>
                        <th scope="col" class="col-product">{ "Name in XMLDefault" }</th>
                        <th scope="col" class="num">{ "Device id" }</th>
                        <th scope="col" class="col-recovery">{ "Recovery manifest" }</th>
                    </tr>
                </thead>
                <tbody>{ for models.iter().map(row) }</tbody>
            </table>
        </div>
    }
}

fn row(m: &ModelReport) -> Html {
    let recovery = match (&m.recovery_manifest, m.recovery_manifest_present) {
        (Some(name), true) => html! {
            <span class="tone-ok">
                <span aria-hidden="true">{ "✓ " }</span><code>{ name.clone() }</code>
                <span class="visually-hidden">{ " (present)" }</span>
            </span>
        },
        (Some(name), false) => html! {
            <span class="tone-error">
                <span aria-hidden="true">{ "✗ " }</span><code>{ name.clone() }</code>{ " missing" }
            </span>
        },
        (None, _) => html! { <span class="muted">{ "none needed" }</span> },
    };
    html! {
        <tr data-testid="model-row" data-model={m.model.clone()} data-device-id={m.device_id.to_string()}>
            <th scope="row">{ m.model.clone() }</th>
            <td class="col-product">{ m.product.clone() }</td>
            <td class="num" data-label="Device id"><code>{ m.device_id }</code></td>
            <td class="col-recovery" data-label="Recovery manifest">{ recovery }</td>
        </tr>
    }
}
