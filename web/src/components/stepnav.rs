//! Back (to the nearest open step) and Next at the foot of a step; a closed
//! next step says why.

use yew::prelude::*;

use crate::step::StepId;
use crate::stepper::Step;

/// The inputs of [`step_nav`].
pub struct StepNavProps {
    /// The five steps, from [`crate::stepper::steps`].
    pub steps: Vec<Step>,
    /// The step on screen.
    pub current: StepId,
    /// Opens a step.
    pub on_go: Callback<StepId>,
}

/// The navigation row.
pub fn step_nav(props: &StepNavProps) -> Html {
    let find = |id: Option<StepId>| id.and_then(|id| props.steps.iter().find(|s| s.id == id));
    // The nearest open step before this one (step 5 may be open while the
    // steps needing the firmware are not).
    let back = props
        .steps
        .iter()
        .rev()
        .find(|s| s.number < props.current.number() && s.enabled)
        .map(|s| {
            let id = s.id;
            html! {
                <button type="button" class="button quiet" data-testid="back"
                    onclick={props.on_go.reform(move |_: MouseEvent| id)}>
                    { format!("← Back: {}", s.label) }
                </button>
            }
        });
    let next = find(props.current.next()).map(|s| {
        let id = s.id;
        html! {
            <span class="next">
                if let Some(reason) = s.reason {
                    <span class="nav-reason" id="next-reason">{ format!("{reason}.") }</span>
                }
                <button type="button" class="button primary" data-testid="next"
                    disabled={!s.enabled} aria-describedby={s.reason.map(|_| "next-reason")}
                    onclick={props.on_go.reform(move |_: MouseEvent| id)}>
                    { format!("Next: {} →", s.label) }
                </button>
            </span>
        }
    });
    html! {
        <div class="step-nav">
            <span>{ back }</span>
            { next }
        </div>
    }
}
