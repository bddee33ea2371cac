//! The 1–5 stepper: the current step, how each went (✓ ⚠ ✗), and why the closed
//! ones are closed. Open steps are buttons, so a person can go back (and on).

use yew::prelude::*;

use crate::step::StepId;
use crate::stepper::Step;

/// The inputs of [`stepper_bar`].
pub struct StepperProps {
    /// The five steps, from [`crate::stepper::steps`].
    pub steps: Vec<Step>,
    /// Opens a step.
    pub on_go: Callback<StepId>,
}

pub fn stepper_bar(props: &StepperProps) -> Html {
    // On narrow screens the per-step reasons give way to one line: the first.
    let shared_reason = props.steps.iter().find_map(|s| {
        s.reason
            .map(|r| format!("{}: {}.", s.label, r.to_ascii_lowercase()))
    });
    html! {
        <nav class="stepper" aria-label="Recovery steps">
            <ol>
                { for props.steps.iter().map(|s| step(s, &props.on_go)) }
            </ol>
            if let Some(reason) = shared_reason {
                <p class="stepper-reason" aria-hidden="true">{ reason }</p>
            }
        </nav>
    }
}

fn step(s: &Step, on_go: &Callback<StepId>) -> Html {
    let class = classes!(
        "step",
        s.current.then_some("is-current"),
        (!s.enabled).then_some("is-disabled"),
        s.mark.map(|m| format!("mark-{}", m.word())),
    );
    let badge = match s.mark {
        Some(m) => html! {
            <span class="step-num" aria-hidden="true">{ m.symbol() }</span>
        },
        None => html! { <span class="step-num" aria-hidden="true">{ s.number }</span> },
    };
    let status = match (s.mark, s.enabled) {
        (Some(m), _) => format!(" ({})", m.word()),
        (None, false) => " (not available)".to_string(),
        (None, true) => String::new(),
    };
    let text = html! {
        <span class="step-text">
            <span class="step-label">
                <span class="visually-hidden">{ format!("Step {}: ", s.number) }</span>
                if s.short == s.label {
                    { s.label }
                } else {
                    <span class="label-long">{ s.label }</span>
                    <span class="label-short" aria-hidden="true">{ s.short }</span>
                }
                <span class="visually-hidden">{ status }</span>
            </span>
            if let Some(reason) = s.reason {
                <span class="step-reason">{ reason }</span>
            }
        </span>
    };
    // The current step is not a button: there is nowhere to go.
    let body = if s.enabled && !s.current {
        let id = s.id;
        let onclick = on_go.reform(move |_: MouseEvent| id);
        html! {
            <button type="button" class="step-button" data-testid={format!("go-{}", s.number)} {onclick}>
                { badge }{ text }
            </button>
        }
    } else {
        html! { <div class="step-button">{ badge }{ text }</div> }
    };
    html! {
        <li class={class} aria-current={s.current.then_some("step")} aria-disabled={(!s.enabled).then_some("true")}
            data-testid={format!("step-{}", s.number)}>
            { body }
        </li>
    }
}
