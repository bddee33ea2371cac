//! The frame and the firmware step: owns the reducer, starts jobs, moves focus.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::{DragEvent, File};
use yew::prelude::*;

use super::dropzone::DropZone;
use super::header::Header;
use super::problem::ProblemPanel;
use super::report::ReportView;
use super::status::StatusLine;
use super::stepper::Stepper;
use crate::browser;
use crate::intake::ReadFailure;
use crate::state::{Action, Phase, State, worst};

/// The whole app.
#[function_component]
pub fn App() -> Html {
    let state = use_reducer(State::default);
    // The job the page waits for; a running job stops once it changes.
    let current = use_memo((), |_| Rc::new(Cell::new(0_u64)));
    let dragging = use_state_eq(|| false);
    let drag_depth = use_mut_ref(|| 0_i32);
    let summary_ref = use_node_ref();
    let findings_ref = use_node_ref();
    let problem_ref = use_node_ref();
    let input_ref = use_node_ref();

    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };

    let start: Callback<Result<Vec<File>, ReadFailure>> = {
        let current = (*current).clone();
        let dispatch = dispatch.clone();
        let last = state.ticket;
        Callback::from(move |files| {
            let ticket = current.get().max(last) + 1;
            browser::start_job(files, ticket, current.clone(), dispatch.clone());
        })
    };
    let on_files: Callback<Vec<File>> = start.reform(Ok);

    let on_reset = {
        let current = (*current).clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            // Stop a job under way; the reducer ignores its late actions too.
            current.set(current.get() + 1);
            dispatch.emit(Action::Reset);
        })
    };

    let show_findings = {
        let findings_ref = findings_ref.clone();
        Callback::from(move |_: MouseEvent| browser::focus(&findings_ref))
    };

    // Focus follows the outcome: the summary after an inspection, the problem
    // after a failure (UX §2: focus moved to each new step or error).
    {
        let kind = match &state.phase {
            Phase::Idle => 0,
            Phase::Reading { .. } | Phase::Checking { .. } => 1,
            Phase::Inspected { .. } => 2,
            Phase::Failed(_) => 3,
        };
        let summary_ref = summary_ref.clone();
        let problem_ref = problem_ref.clone();
        let input_ref = input_ref.clone();
        use_effect_with((state.ticket, kind), move |&(ticket, kind)| match kind {
            // Started over: back to the file picker (not on first load).
            0 if ticket > 0 => browser::focus(&input_ref),
            2 => browser::focus(&summary_ref),
            3 => browser::focus(&problem_ref),
            _ => {}
        });
    }

    // The whole page takes drops, so a file dropped beside the zone is inspected
    // instead of replacing the app.
    let ondragenter = {
        let dragging = dragging.clone();
        let depth = drag_depth.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            *depth.borrow_mut() += 1;
            dragging.set(true);
        })
    };
    let ondragover = Callback::from(|e: DragEvent| {
        e.prevent_default();
        if let Some(dt) = e.data_transfer() {
            dt.set_drop_effect("copy");
        }
    });
    let ondragleave = {
        let dragging = dragging.clone();
        let depth = drag_depth.clone();
        Callback::from(move |_: DragEvent| {
            let mut d = depth.borrow_mut();
            *d -= 1;
            if *d <= 0 {
                *d = 0;
                dragging.set(false);
            }
        })
    };
    let ondrop = {
        let dragging = dragging.clone();
        let depth = drag_depth.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            *depth.borrow_mut() = 0;
            dragging.set(false);
            start.emit(browser::dropped(e.data_transfer()));
        })
    };

    let report = state.report().cloned();
    let worst_now = report.as_deref().and_then(worst);
    let body = match &state.phase {
        Phase::Failed(problem) => html! {
            <ProblemPanel problem={problem.clone()} node_ref={problem_ref.clone()} />
        },
        Phase::Inspected { report, millis } => html! {
            <ReportView
                report={report.clone()}
                millis={*millis}
                summary_ref={summary_ref.clone()}
                findings_ref={findings_ref.clone()}
                on_show_findings={show_findings.clone()}
                on_reset={on_reset.clone()}
            />
        },
        _ => html! {},
    };

    html! {
        <div class={classes!("app", (*dragging).then_some("is-dragging"))}
            {ondragenter} {ondragover} {ondragleave} {ondrop}>
            <Header
                worst={worst_now}
                tally={report.as_ref().map(|r| r.tally)}
                on_show_findings={show_findings}
            />
            <Stepper steps={state.steps()} />
            <main id="main" class="content">
                <div class="step-intro">
                    <h1>{ "Firmware" }</h1>
                    <p>
                        { "Choose the firmware zip for your phones, for example " }
                        <code>{ "cmterm-7941_7961-sccp.8-3-3.zip" }</code>
                        { ". Lifeline checks every file in it, here in your browser." }
                    </p>
                </div>
                <DropZone
                    dragging={*dragging}
                    compact={report.is_some()}
                    busy={state.is_working()}
                    input_ref={input_ref}
                    {on_files}
                />
                <StatusLine text={state.status_text()} working={state.is_working()} />
                { body }
            </main>
        </div>
    }
}
