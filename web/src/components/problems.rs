//! The Problems list the worst-issue bullet opens: every error and warning in
//! the app now, worst first, each in plain words with a button to where it is
//! fixed. Escape or Close shuts it.

use std::rc::Rc;

use yew::prelude::*;

use super::rich;
use crate::checks::{Place, Problem};
use crate::format;
use crate::problems::Count;

/// The inputs of [`problems_panel`].
pub struct ProblemsPanelProps {
    /// The problems, worst first.
    pub problems: Rc<Vec<Problem>>,
    /// Whether there is a firmware report (its notes are on step 1).
    pub has_report: bool,
    /// Receives the focus when the list opens.
    pub node_ref: NodeRef,
    /// Goes to where a problem is fixed.
    pub on_go: Callback<Place>,
    /// Shows the firmware's findings on step 1.
    pub on_findings: Callback<MouseEvent>,
    /// Closes the list.
    pub on_close: Callback<()>,
}

pub fn problems_panel(props: &ProblemsPanelProps) -> Html {
    let count = Count::of(&props.problems);
    let onkeydown = {
        let close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close.emit(());
            }
        })
    };
    let close = {
        let close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    let items = props.problems.iter().map(|i| {
        let severity = i.severity.as_str();
        let place = i.place.clone();
        let onclick = props.on_go.reform(move |_: MouseEvent| place.clone());
        html! {
            <li class={classes!("problem-item", format!("sev-{severity}"))} data-testid="problem-item"
                data-severity={severity}>
                <span class="sev-icon" aria-hidden="true">{ format::severity_symbol(i.severity) }</span>
                <span class="problem-text">
                    <span class="visually-hidden">{ format!("{}: ", format::sentence(severity).trim_end_matches('.')) }</span>
                    { rich(&i.text) }
                </span>
                <button type="button" class="link-button" data-testid="problem-go" {onclick}>
                    { i.place.link_text() }<span aria-hidden="true">{ " →" }</span>
                </button>
            </li>
        }
    });
    html! {
        <section id="problems" class="problems" data-testid="problems" aria-labelledby="problems-title"
            tabindex="-1" ref={props.node_ref.clone()} {onkeydown}>
            <div class="problems-head">
                <h2 id="problems-title">
                    { "Problems" }
                    <span class="muted">{ format!(" · {}", count.long()) }</span>
                </h2>
                <button type="button" class="button quiet" data-testid="problems-close" onclick={close}>
                    { "Close" }
                </button>
            </div>
            if props.problems.is_empty() {
                <p class="all-clear" data-testid="problems-none">
                    <span class="tone-ok" aria-hidden="true">{ "✓ " }</span>
                    { "Nothing to fix right now. Each step's mark (✓ ⚠ ✗) and the helper pill say how it stands." }
                </p>
            } else {
                <ol class="problem-list">{ for items }</ol>
            }
            if props.has_report {
                <p class="problems-foot">
                    <button type="button" class="link-button" data-testid="problems-findings" onclick={props.on_findings.clone()}>
                        { "Every finding of the firmware check, notes included (step 1)" }
                    </button>
                </p>
            }
        </section>
    }
}
