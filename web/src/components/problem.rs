//! Why nothing could be inspected: the cause, the fix, and the browser's own words.

use yew::prelude::*;

use super::rich;
use crate::intake::Unusable;

/// The inputs of [`problem_panel`].
pub struct ProblemPanelProps {
    pub problem: Unusable,
    /// Receives focus when the problem appears.
    pub node_ref: NodeRef,
}

/// The problem panel.
pub fn problem_panel(props: &ProblemPanelProps) -> Html {
    let p = &props.problem;
    html! {
        <section class="panel problem" id="firmware-problem" ref={props.node_ref.clone()} tabindex="-1"
            data-testid="problem" aria-labelledby="problem-title">
            <h2 id="problem-title" class="verdict is-error">
                <span class="verdict-icon" aria-hidden="true">{ "✗" }</span>
                <span>{ rich(&p.title) }</span>
            </h2>
            <p class="problem-detail">{ rich(&p.detail) }</p>
            <p class="fix"><strong>{ "How to fix it: " }</strong>{ rich(&p.fix) }</p>
            if let Some(raw) = &p.raw {
                <p class="raw"><span class="raw-label">{ "The browser said: " }</span><code>{ raw.clone() }</code></p>
            }
        </section>
    }
}
