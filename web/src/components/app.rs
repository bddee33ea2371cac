//! The frame and the firmware step: owns the reducer and the link to the
//! helper, starts jobs, moves focus, plays the finish sound or notification,
//! and shows the step on screen.

use std::cell::Cell;
use std::rc::Rc;

use web_sys::{DragEvent, File};
use yew::prelude::*;

use super::config::ConfigStep;
use super::deliver::DeliverStep;
use super::dropzone::{DropZoneProps, drop_zone};
use super::header::{HeaderProps, header};
use super::helper_net::helper_network;
use super::kept::kept_note;
use super::log::LogDrawer;
use super::network::NetworkStep;
use super::notice::{LinkNoticeProps, link_notice};
use super::pill::helper_pill;
use super::plan::plan_panel;
use super::problem::{ProblemPanelProps, problem_panel};
use super::problems::{ProblemsPanelProps, problems_panel};
use super::recover::{PageBundle, RecoverStep};
use super::report::{ReportViewProps, report_view};
use super::share::SharePanel;
use super::status::{StatusLineProps, status_line};
use super::stepnav::{StepNavProps, step_nav};
use super::stepper::{StepperProps, stepper_bar};
use crate::browser;
use crate::bundle::BundleJob;
use crate::checks::Place;
use crate::helper_link::HelperLink;
use crate::intake::Phase;
use crate::intake::ReadFailure;
use crate::interfaces;
use crate::pairing::Link;
use crate::permalink;
use crate::pill::HelperFacts;
use crate::problems::{self, Count};
use crate::settings;
use crate::state::{Action, State};
use crate::step::StepId;
use crate::stepper;

/// The whole app.
#[function_component]
pub fn App() -> Html {
    // The pairing token leaves the address bar before anything else reads it.
    let pairing = use_memo((), |_| browser::pairing());
    // What a reload brings back, or the settings of a link, before the first
    // paint (the kept firmware follows once the browser has read it).
    let state = use_reducer({
        let fragment = pairing.1.clone();
        move || {
            let fresh = State::with_prefs(browser::load_prefs(), browser::notify_permission());
            let restored = browser::load_restored(&fragment);
            fresh.next(Action::Restore(restored)).unwrap_or(fresh)
        }
    });
    // The job the page waits for; a running job stops once it changes.
    let current = use_memo((), |_| Rc::new(Cell::new(0_u64)));
    let dragging = use_state_eq(|| false);
    let drag_depth = use_mut_ref(|| 0_i32);
    let summary_ref = use_node_ref();
    let findings_ref = use_node_ref();
    let problems_ref = use_node_ref();
    let bullet_ref = use_node_ref();
    let problem_ref = use_node_ref();
    let input_ref = use_node_ref();
    let heading_ref = use_node_ref();

    let dispatch: Callback<Action> = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action| dispatcher.dispatch(action))
    };

    // The helper that served this page, when it was opened with its token.
    let link = (*use_memo((), {
        let token = pairing.0.clone();
        let dispatch = dispatch.clone();
        move |_| HelperLink::new(token.as_deref(), dispatch)
    }))
    .clone();
    // The settings are kept in this browser and in the address bar, so a
    // reload or a bookmark brings them back; the step for a reload of this tab
    // (not while a reload still brings the firmware back to its step); the
    // plan's choice only while the firmware is kept (forgetting it, or another
    // drop, removes the choice too).
    let fragment = use_mut_ref(String::new);
    {
        let fragment = fragment.clone();
        let settled = state.resume.is_none();
        let kept = state.kept == crate::keep::Kept::Yes;
        use_effect_with(
            (
                state.form.clone(),
                state.prefs.remember,
                state.view,
                state.choice.clone(),
                kept,
            ),
            move |(form, remember, view, choice, kept)| {
                *fragment.borrow_mut() = browser::save_settings(form, *remember);
                if settled {
                    browser::save_view(*view);
                }
                if *kept {
                    browser::save_choice(choice);
                }
            },
        );
    }
    // Once: connect, read the kept firmware back as a job of its own, and
    // follow addresses pasted into this tab: a new pairing token pairs again
    // at once; other settings are read as a link; the settings stay in the bar.
    {
        let link = link.clone();
        let current = (*current).clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            link.start();
            browser::restore_firmware(current, dispatch.clone());
            browser::on_hash_change(Callback::from(
                move |(token, rest): (Option<String>, String)| {
                    if let Some(token) = token {
                        link.repair(&token);
                    }
                    let ours = fragment.borrow().clone();
                    match permalink::read(&rest) {
                        Some(settings) if rest != ours => {
                            dispatch.emit(Action::LinkOpened(settings))
                        }
                        _ => browser::show_fragment(&ours),
                    }
                },
            ));
        });
    }
    // The bundle, built once per firmware and settings revision while step 4
    // shows it or step 5 compares it with what the helper serves (a reload
    // straight onto step 5 builds it there).
    {
        let job = match &state.phase {
            Phase::Inspected {
                report,
                firmware,
                packages,
                ..
            } if state.wants_bundle() => Some((
                report.clone(),
                firmware.clone(),
                packages.clone().map(|p| (p, state.choice.clone())),
            )),
            _ => None,
        };
        let (key, built_for) = (state.bundle_key(), state.bundle.key());
        let (form, dispatch) = (state.form.clone(), dispatch.clone());
        let options = lifeline_shared::bundle::Options {
            recovery_from_load: state.recovery_copies,
        };
        use_effect_with((key, job.is_some()), move |_| {
            if let Some((report, firmware, plan)) = job.filter(|_| built_for != Some(key)) {
                browser::build_bundle(report, firmware, plan, form, options, key, dispatch);
            }
        });
    }
    // The pill's panel never stays open over the steps.
    use_effect_with((), |_| browser::close_pill_when_leaving());
    // An upload stops when the bundle it is for goes (new firmware or settings).
    {
        let link = link.clone();
        let ready = match &state.bundle {
            BundleJob::Ready { key, .. } => Some(*key),
            _ => None,
        };
        use_effect_with(ready, move |key| link.keep_only(*key));
    }
    let on_retry = {
        let link = link.clone();
        Callback::from(move |()| link.retry_now())
    };

    let start: Callback<Result<Vec<File>, ReadFailure>> = {
        let current = (*current).clone();
        let dispatch = dispatch.clone();
        let last = state.ticket;
        Callback::from(move |files| {
            let ticket = current.get().max(last) + 1;
            browser::start_job(files, ticket, current.clone(), dispatch.clone(), true);
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
            // Starting over leaves no firmware behind in this browser.
            browser::forget_firmware(dispatch.clone());
        })
    };

    // Where a problem is fixed may be on another step: go there first and
    // focus it once it is on screen (the element's id).
    let focus_wanted = use_mut_ref(|| None::<String>);
    let go_to_place = {
        let wanted = focus_wanted.clone();
        let dispatch = dispatch.clone();
        let view = state.view;
        Callback::from(move |place: Place| match place.step {
            None => browser::open_pill(),
            Some(step) if step != view => {
                *wanted.borrow_mut() = Some(place.focus);
                dispatch.emit(Action::GoTo(step));
            }
            Some(_) => browser::focus_id(&place.focus),
        })
    };
    // The findings are on step 1.
    let show_findings = go_to_place.reform(|_: MouseEvent| Place {
        step: Some(StepId::Firmware),
        focus: "findings".into(),
    });

    // Focus follows the outcome: the summary after an inspection, the problem
    // after a failure. Every new step or error takes the focus, so a keyboard
    // or screen-reader user lands on what changed.
    {
        let kind = match &state.phase {
            Phase::Idle => 0,
            Phase::Reading { .. } | Phase::Checking { .. } => 1,
            Phase::Inspected { .. } => 2,
            Phase::Failed(_) => 3,
        };
        let on_firmware = state.view == StepId::Firmware;
        let summary_ref = summary_ref.clone();
        let problem_ref = problem_ref.clone();
        let input_ref = input_ref.clone();
        use_effect_with((state.ticket, kind), move |&(ticket, kind)| match kind {
            _ if !on_firmware => {}
            // Started over: back to the file picker (not on first load).
            0 if ticket > 0 => browser::focus(&input_ref),
            2 => browser::focus(&summary_ref),
            3 => browser::focus(&problem_ref),
            _ => {}
        });
    }
    // A step that opens takes the focus at its heading (not on first load), or
    // at the problem the Problems list asked for.
    {
        let heading_ref = heading_ref.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(state.view, move |_| {
            if let Some(id) = focus_wanted.borrow_mut().take() {
                browser::focus_id(&id);
            } else if !std::mem::replace(&mut *first.borrow_mut(), false) {
                browser::focus(&heading_ref);
            }
        });
    }
    // The Problems list takes the focus when it opens and gives it back to
    // the bullet when it closes.
    {
        let problems_ref = problems_ref.clone();
        let bullet_ref = bullet_ref.clone();
        let was_open = use_mut_ref(|| false);
        use_effect_with(state.problems_open, move |&open| {
            if open {
                browser::focus(&problems_ref);
            } else if std::mem::replace(&mut *was_open.borrow_mut(), false) {
                browser::focus(&bullet_ref);
            }
            *was_open.borrow_mut() = open;
        });
    }
    // A phone finished: the sound and the notification the person chose, once
    // per alert (the decision is the reducer's: crate::live::Live::alert).
    {
        let alert = state.helper.live.alert.clone();
        let prefs = state.prefs;
        use_effect_with(alert.as_ref().map(|a| a.seq), move |_| {
            if let Some(a) = alert {
                if prefs.sound {
                    browser::chime(a.finish);
                }
                if prefs.notify {
                    browser::notify("Lifeline", &a.text, &a.phone);
                }
            }
        });
    }
    use_effect_with(state.prefs, |&prefs| browser::save_prefs(prefs));
    let on_go = dispatch.reform(Action::GoTo);

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
    let problem_list = Rc::new(problems::collect(&state));
    let steps = stepper::steps(&state);
    let firmware_body = match &state.phase {
        Phase::Failed(problem) => html! {
            { problem_panel(&ProblemPanelProps { problem: problem.clone(), node_ref: problem_ref.clone() }) }
        },
        Phase::Inspected {
            report,
            millis,
            packages,
            ..
        } => html! {
            <>
                if let Some(packages) = packages {
                    { plan_panel(packages, &state.choice, &dispatch) }
                }
                { kept_note(&state.kept, {
                    let dispatch = dispatch.clone();
                    Callback::from(move |_: MouseEvent| browser::forget_firmware(dispatch.clone()))
                }) }
                { report_view(&ReportViewProps {
                    report: report.clone(),
                    millis: *millis,
                    summary_ref: summary_ref.clone(),
                    findings_ref: findings_ref.clone(),
                    on_show_findings: show_findings.clone(),
                    on_reset: on_reset.clone(),
                }) }
            </>
        },
        _ => html! {},
    };
    let tftp = settings::tftp(&state.form)
        .good()
        .and_then(|l| l.addresses.first().copied());
    let h = &state.helper;
    let view = match (state.view, &state.phase) {
        (StepId::Network, _) => html! {
            <NetworkStep
                tftp={state.form.tftp.clone()}
                check={settings::tftp(&state.form)}
                reach={match (settings::tftp(&state.form), h.status.as_ref()) { (settings::Check::Good(l), Some(s)) => interfaces::reach(&l.addresses, s), _ => Vec::new() }}
                server={state.server}
                decode={state.decode.clone()}
                copy={state.copy}
                helper={helper_network(&h.link, h.status.as_ref(), h.prefill_for(&state.form), tftp, &h.live.addresses(), &dispatch)}
                heading={heading_ref.clone()}
                dispatch={dispatch.clone()}
            />
        },
        (StepId::Config, Phase::Inspected { report, .. }) => html! {
            <ConfigStep
                report={report.clone()}
                form={state.form.clone()}
                remember={state.prefs.remember}
                paste={AttrValue::from(state.paste.clone())}
                import={state.import.clone()}
                export_failed={state.export_failed.clone()}
                heading={heading_ref.clone()}
                dispatch={dispatch.clone()}
            />
        },
        (StepId::Deliver, Phase::Inspected { report, .. }) => html! {
            <DeliverStep
                report={report.clone()}
                bundle={state.bundle.clone()}
                send={h.send.clone()}
                link={h.link.clone()}
                serves={h.serves_bundle(&state.bundle)}
                tftp_at={h.status.as_ref().and_then(|s| interfaces::tftp_where(&s.tftp, tftp))}
                tftp_down={h.status.as_ref().filter(|s| !s.tftp.listening).map(|s| s.tftp.reason.clone().unwrap_or_default())}
                recovery_copies={state.recovery_copies}
                helper={link.clone()}
                heading={heading_ref.clone()}
                dispatch={dispatch.clone()}
            />
        },
        (StepId::Recover, _) => html! {
            <RecoverStep
                report={state.report().cloned()}
                page={PageBundle::of(&state)}
                link={h.link.clone()}
                status={h.status.clone()}
                live={h.live.clone()}
                resets={state.resets.clone()}
                prefs={state.prefs}
                permission={state.permission}
                notify_asking={state.notify_asking}
                now={h.now}
                {tftp}
                walk={state.packages().and_then(|p| crate::upgrade::walk_words(p, &state.choice))}
                on_retry={on_retry.clone()}
                helper={link.clone()}
                heading={heading_ref.clone()}
                dispatch={dispatch.clone()}
            />
        },
        // Step 1 (and any step whose firmware went away).
        _ => html! {
            <>
                <div class="step-intro">
                    <h1 ref={heading_ref.clone()} tabindex="-1">{ "Firmware" }</h1>
                    <p>
                        { "Choose the firmware zip for your phones, for example " }
                        <code>{ "cmterm-7941_7961-sccp.8-3-3.zip" }</code>
                        { " (a Call Manager package, " }
                        <code>{ ".cop.sgn" }</code>
                        { ", works too). Lifeline checks every file in it, here in your browser." }
                    </p>
                </div>
                { drop_zone(&DropZoneProps {
                    dragging: *dragging,
                    compact: report.is_some(),
                    busy: state.is_working(),
                    input_ref,
                    on_files,
                }) }
                { status_line(&StatusLineProps { text: stepper::status_text(&state), working: state.is_working() }) }
                { firmware_body }
            </>
        },
    };
    let sharing = matches!(
        state.view,
        StepId::Network | StepId::Config | StepId::Deliver
    );
    let show_log = h.link != Link::Unpaired || !h.live.log.is_empty();
    let pill = helper_pill(
        &h.link,
        &HelperFacts::of(h, tftp),
        tftp,
        &browser::page_address(),
        &on_retry,
    );

    html! {
        <div class={classes!("app", (*dragging).then_some("is-dragging"))}
            {ondragenter} {ondragover} {ondragleave} {ondrop}>
            { header(&HeaderProps {
                count: Count::of(&problem_list),
                open: state.problems_open,
                on_toggle: dispatch.reform({
                    let open = state.problems_open;
                    move |_: MouseEvent| Action::ShowProblems(!open)
                }),
                bullet_ref,
                pill,
            }) }
            if state.problems_open {
                { problems_panel(&ProblemsPanelProps {
                    problems: problem_list,
                    has_report: report.is_some(),
                    node_ref: problems_ref,
                    on_go: go_to_place,
                    on_findings: show_findings.clone(),
                    on_close: dispatch.reform(|()| Action::ShowProblems(false)),
                }) }
            }
            { stepper_bar(&StepperProps { steps: steps.clone(), on_go: on_go.clone() }) }
            <main id="main" class="content">
                if let Some(notice) = &state.notice {
                    { link_notice(&LinkNoticeProps { notice: notice.clone(), dispatch: dispatch.clone() }) }
                }
                { view }
                { step_nav(&StepNavProps { steps, current: state.view, on_go }) }
                if sharing {
                    <SharePanel form={state.form.clone()} copy={state.copy} dispatch={dispatch.clone()} />
                }
                if show_log {
                    <LogDrawer live={h.live.clone()} dispatch={dispatch.clone()} />
                }
            </main>
        </div>
    }
}
