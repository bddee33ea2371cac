//! Step 5, Recover: how to reset the phones of this firmware's models (keys,
//! LEDs, how long it may look dead, the power brick, the upgrade path), then
//! the live view: one card per phone, with a checklist when nothing comes,
//! [Recover another] once a phone is back (its card stays, folded, as done),
//! and the opt-in sound or notification when a phone finishes.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use lifeline_shared::finding::{Code, Finding};
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models;
use lifeline_shared::protocol::{CurrentBundle, Status};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use super::phone::{OnStart, phone_card};
use super::{fixed, rich};
use crate::browser;
use crate::bundle::{BundleJob, short_id};
use crate::checks;
use crate::format;
use crate::helper_link::HelperLink;
use crate::interfaces;
use crate::live::{Finish, Live, PhoneView};
use crate::pairing::{self, Link};
use crate::prefs::{Permission, Prefs};
use crate::state::{Action, State};
use crate::step::StepId;

/// This page's own bundle, as step 5 compares it with the one the helper serves.
#[derive(Clone, Debug, PartialEq)]
pub enum PageBundle {
    /// Built: its manifest id.
    Built(AttrValue),
    /// Being built from this page's firmware and settings.
    Building,
    /// None, and why (no firmware, settings missing, or it could not be made).
    Missing(AttrValue),
}

impl PageBundle {
    /// The bundle of `state`.
    pub fn of(state: &State) -> PageBundle {
        match &state.bundle {
            BundleJob::Ready { bundle, .. } => {
                PageBundle::Built(AttrValue::from(bundle.manifest.id.clone()))
            }
            BundleJob::Failed(..) => PageBundle::Missing(AttrValue::Static(
                "this page's bundle could not be made (step 4 says why)",
            )),
            _ if state.wants_bundle() => PageBundle::Building,
            _ => {
                let report = state.report().map(|r| &**r);
                let why = checks::gate(StepId::Deliver, report, &state.form, None).err();
                PageBundle::Missing(AttrValue::Static(why.unwrap_or("Inspect a firmware first")))
            }
        }
    }
}

/// Props of [`RecoverStep`].
#[derive(Properties, PartialEq)]
pub struct RecoverStepProps {
    /// The firmware's report, when this page has the firmware.
    pub report: Option<Rc<Report>>,
    /// This page's bundle.
    pub page: PageBundle,
    pub link: Link,
    /// The helper's last status.
    pub status: Option<Status>,
    /// The phones and the watch.
    pub live: Live,
    /// Reset steps ticked.
    pub resets: Vec<usize>,
    /// What to do when a phone finishes.
    pub prefs: Prefs,
    /// Whether the browser lets this page notify.
    pub permission: Permission,
    /// The browser is asking whether this page may notify.
    pub notify_asking: bool,
    /// The page's clock at the last tick (monotonic ms).
    pub now: u64,
    /// The TFTP address of step 2.
    pub tftp: Option<std::net::Ipv4Addr>,
    /// How the helper walks phones through this page's upgrade plan (`from
    /// 8.0(4), the helper takes each phone through 8.5(2) first, then
    /// 9.4(2)SR3, a reboot at a time`), when there is a walk to tell.
    pub walk: Option<String>,
    pub on_retry: Callback<()>,
    /// The link, to ask the helper to start failed phones over.
    pub helper: HelperLink,
    /// The step heading, focused when the step opens.
    pub heading: NodeRef,
    pub dispatch: Callback<Action>,
}

/// The recover step.
#[function_component]
pub fn RecoverStep(props: &RecoverStepProps) -> Html {
    // A clock for the elapsed time and the "nothing yet" checklist.
    {
        let dispatch = props.dispatch.clone();
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            let running = alive.clone();
            spawn_local(async move {
                while running.get() {
                    dispatch.emit(Action::Tick(browser::clock()));
                    sleep(Duration::from_secs(1)).await;
                }
            });
            move || alive.set(false)
        });
    }
    html! {
        <>
            <div class="step-intro">
                <h1 ref={props.heading.clone()} tabindex="-1">{ "Recover" }</h1>
                <p>{ "Reset each phone so it asks the network for its firmware, then watch it fetch every file." }</p>
            </div>
            { reset_panel(&Phones::of(props), walk_served(props), &props.resets, &props.live, &props.dispatch) }
            { watch(props) }
        </>
    }
}

/// The sound and notification when a phone finishes: off until
/// turned on here; the choice is kept in this browser.
fn finish_options(props: &RecoverStepProps) -> Html {
    let prefs = props.prefs;
    let on_sound = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let on = browser::input_of(&e).is_some_and(|i| i.checked());
            dispatch.emit(Action::SetSound(on));
            // A sample now, from the click, also lets the browser play it later.
            if on {
                browser::chime(Finish::Recovered);
            }
        })
    };
    let on_notify = {
        let dispatch = props.dispatch.clone();
        let permission = props.permission;
        Callback::from(move |e: Event| {
            let on = browser::input_of(&e).is_some_and(|i| i.checked());
            dispatch.emit(Action::SetNotify(on));
            if on && permission != Permission::Granted {
                browser::ask_notify(dispatch.clone());
            }
        })
    };
    let unsupported = props.permission == Permission::Unsupported;
    html! {
        <fieldset class="finish-options" data-testid="finish-options">
            <legend>{ "When a phone finishes (recovered, or failed)" }</legend>
            <label>
                <input type="checkbox" checked={prefs.sound} onchange={on_sound} data-testid="finish-sound" />
                <span>{ "Play a sound" }</span>
                <span class="muted">{ " (made in this page, no download)" }</span>
            </label>
            <label>
                <input type="checkbox" checked={prefs.notify || props.notify_asking} disabled={unsupported}
                    aria-describedby={props.permission.blocked().map(|_| "finish-notify-why")}
                    onchange={on_notify} data-testid="finish-notify" />
                <span>{ "Show a notification" }</span>
                if props.notify_asking {
                    <span class="muted">{ " (the browser asks whether to allow it)" }</span>
                }
            </label>
            if let Some(why) = props.permission.blocked() {
                <p class="hint" id="finish-notify-why" data-testid="finish-notify-why">{ why }</p>
            }
        </fieldset>
    }
}

/// The phones step 5 is about: those of this page's firmware, or, without it,
/// those of the bundle the helper serves.
struct Phones<'a> {
    family: Option<&'static models::Family>,
    models: Vec<&'a str>,
    load: Option<&'a str>,
    /// Cisco's upgrade-path warning (only the firmware's report knows it).
    upgrade: Option<&'a Finding>,
}

impl<'a> Phones<'a> {
    fn of(props: &'a RecoverStepProps) -> Phones<'a> {
        let served = props.status.as_ref().and_then(|s| s.bundle.as_ref());
        match (&props.report, served) {
            (Some(r), _) => Phones {
                family: r.family.map(models::family),
                models: r.models.iter().map(|m| m.model.as_str()).collect(),
                load: r.load.as_deref(),
                upgrade: r.findings.iter().find(|f| f.code == Code::UpgradePath),
            },
            (None, Some(b)) => Phones {
                family: b.family.map(models::family),
                models: b.models.iter().map(String::as_str).collect(),
                load: b.load.as_deref(),
                upgrade: None,
            },
            (None, None) => Phones {
                family: None,
                models: Vec::new(),
                load: None,
                upgrade: None,
            },
        }
    }
}

/// The plan's way for the phones, only while the helper serves this page's
/// bundle: a plan chosen here but not sent is not what the phones are walked by
/// (the served note says to send it).
fn walk_served(props: &RecoverStepProps) -> Option<&str> {
    let served = props.status.as_ref().and_then(|s| s.bundle.as_ref());
    match (&props.page, served) {
        (PageBundle::Built(id), Some(b)) if b.id == id.as_str() => props.walk.as_deref(),
        _ => None,
    }
}

fn reset_panel(
    p: &Phones<'_>,
    walk: Option<&str>,
    resets: &[usize],
    live: &Live,
    dispatch: &Callback<Action>,
) -> Html {
    let family = p.family;
    let steps = family.map(|f| f.reset_steps).unwrap_or_default();
    let models_text = p.models.join(", ");
    let upgrade = p.upgrade;
    // Phones that said (over DHCP) they are a model this firmware is not for.
    let strangers: Vec<String> = live
        .phones
        .iter()
        .filter_map(|phone| {
            let name = phone.model.as_deref()?;
            let m = models::model(name)?;
            let ours = family?;
            (m.family != ours.id).then(|| {
                format!(
                    "{} is a {}, but this firmware is for the {}: it needs the firmware for the {}.",
                    crate::live::label(phone),
                    m.name,
                    ours.name,
                    models::family(m.family).name
                )
            })
        })
        .collect();
    let items = steps.iter().enumerate().map(|(i, text)| {
        let ticked = resets.contains(&i);
        let onchange = dispatch.reform(move |_: Event| Action::ToggleReset(i));
        html! {
            <li class={classes!(ticked.then_some("is-done"))}>
                <label>
                    <input type="checkbox" checked={ticked} {onchange} data-testid={format!("reset-{i}")} />
                    <span>{ *text }</span>
                </label>
            </li>
        }
    });
    html! {
        <section class="panel reset" aria-labelledby="reset-title" data-testid="reset">
            <h2 id="reset-title" tabindex="-1">{ "Reset the phones" }</h2>
            <p data-testid="reset-models">
                { match (&family, models_text.is_empty()) {
                    (Some(f), false) => format!("For the {models_text} ({} family), load {}. Tick each step as you do it.", f.name, p.load.unwrap_or_default()),
                    (Some(f), true) => format!("For the {} family. Tick each step as you do it.", f.name),
                    (None, _) if p.load.is_none() => "Lifeline does not know which phones this bundle is for.".to_string(),
                    (None, _) => "Lifeline does not know this firmware's phone family.".to_string(),
                } }
            </p>
            if let Some(note) = family.and_then(|f| f.power_note) {
                <p class="note tone-warning" data-testid="power-note"><span aria-hidden="true">{ "⚠ " }</span><strong>{ "Power: " }</strong>{ note }</p>
            }
            if let Some(w) = walk {
                <p class="note" data-testid="upgrade-walk"><strong>{ "Upgrade plan: " }</strong>{ format!("{w}; reset them all the same way, and each card shows where its phone is.") }</p>
            } else if let Some(f) = upgrade {
                <div class="note tone-warning" data-testid="upgrade-path">
                    <p><span aria-hidden="true">{ "⚠ " }</span><strong>{ "Upgrade path: " }</strong>{ rich(&f.message) }</p>
                    <p class="fix">{ rich(&f.fix) }</p>
                </div>
            }
            { for strangers.iter().map(|s| html! {
                <p class="field-warnings" data-testid="other-model"><span aria-hidden="true">{ "⚠ " }</span>{ s.clone() }</p>
            }) }
            if !steps.is_empty() {
                <ol class="reset-steps">{ for items }</ol>
            }
            { fixed(r#"<p class="muted">Expect the first DHCP request within about 30 s of the reset, and the first TFTP request soon after.</p>"#) }
        </section>
    }
}

/// Which bundle the phones get: this page's, another one (with the way to
/// send this one), or, without one here, the helper's own, named.
fn served_note(
    page: &PageBundle,
    served: Option<&CurrentBundle>,
    to_deliver: Callback<MouseEvent>,
) -> Html {
    let named = |b: &CurrentBundle| {
        let load = b
            .load
            .as_deref()
            .map(|l| format!(", load {l}"))
            .unwrap_or_default();
        html! { <><code>{ short_id(&b.id).to_string() }</code>{ format!(", from {}{load}", b.source) }</> }
    };
    match (page, served) {
        (PageBundle::Built(id), Some(b)) if b.id == id.as_str() => html! {},
        (PageBundle::Building, _) => html! {},
        (PageBundle::Built(_), _) => html! {
            <p class="field-warnings" data-testid="watch-not-served">
                <span aria-hidden="true">{ "⚠ " }</span>
                { match served {
                    Some(b) => html! { <>{ "The helper serves another bundle (" }{ named(b) }{ "), not this one. " }</> },
                    None => html! { { "The helper serves no bundle yet. " } },
                } }
                <button type="button" class="button quiet" onclick={to_deliver}>{ "Send this one (step 4)" }</button>
            </p>
        },
        (PageBundle::Missing(_), Some(b)) => html! {
            <p data-testid="watch-served">
                { "Watching the phones of the bundle the helper serves (" }{ named(b) }{ "). " }
                <span class="muted">{ "To send another, choose its firmware in step 1." }</span>
            </p>
        },
        (PageBundle::Missing(why), None) => html! {
            <p class="field-warnings" data-testid="watch-not-served">
                <span aria-hidden="true">{ "⚠ " }</span>
                { format!("The helper serves no bundle, so no phone can recover from it. {why}, then send the bundle in step 4.") }
            </p>
        },
    }
}

fn watch(props: &RecoverStepProps) -> Html {
    let live = &props.live;
    let retry = {
        let cb = props.on_retry.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let to_deliver = props
        .dispatch
        .reform(|_: MouseEvent| Action::GoTo(StepId::Deliver));
    let served = props.status.as_ref().and_then(|s| s.bundle.as_ref());
    let head = match &props.link {
        Link::Unpaired => {
            let page = browser::page_address();
            html! {
                <p data-testid="watch-unpaired">
                    { format!("{}, so it cannot see the phones: watch each phone's screen and your TFTP server's log. To watch them here, pair it and send the bundle in step 4. ", pairing::unpaired_why(&page)) }
                    { rich(&pairing::unpaired_fix(&page)) }
                </p>
            }
        }
        Link::Refused(why) => html! { <p class="field-warnings">{ rich(why) }</p> },
        Link::NewToken => super::send::new_token("watch-new-token"),
        Link::Connecting { .. } | Link::Retrying { .. } if props.status.is_none() => html! {
            <p class="field-warnings" data-testid="watch-offline">
                { "The helper does not answer; this page reconnects by itself. " }
                <button type="button" class="button quiet" onclick={retry.clone()}>{ "Reconnect now" }</button>
            </p>
        },
        _ => {
            let status = props.status.as_ref();
            let tftp = status.and_then(|s| interfaces::tftp_where(&s.tftp, props.tftp));
            let dhcp = status.map(|s| interfaces::dhcp_short(&s.dhcp));
            let http =
                status.and_then(|s| interfaces::http_where(s.provision.as_ref(), props.tftp));
            html! {
                <>
                    if let Some(lost) = live.stale_since {
                        <p class="field-warnings" data-testid="watch-stale">
                            <span aria-hidden="true">{ "⚠ " }</span>
                            { format!("The connection to the helper was lost at {}: the cards below are as of then. This page reconnects by itself. ", format::clock(lost)) }
                            <button type="button" class="button quiet" onclick={retry.clone()}>{ "Reconnect now" }</button>
                        </p>
                    }
                    { served_note(&props.page, served, to_deliver) }
                    <p data-testid="watch-listening">
                        { match tftp {
                            Some(at) => format!("Listening: TFTP on {at}"),
                            None => "The helper's TFTP server is not running".to_string(),
                        } }
                        { http.unwrap_or_default() }
                        { dhcp.map(|d| format!("; DHCP {d}.")).unwrap_or_else(|| ".".into()) }
                    </p>
                </>
            }
        }
    };
    let tftp_down = props
        .status
        .as_ref()
        .filter(|s| !s.tftp.listening && props.link.is_connected())
        .map(|s| s.tftp.reason.clone().unwrap_or_default());
    let waiting = match live.watching(props.now) {
        // No phone can fetch a file, so none would show: say so instead of waiting.
        _ if live.is_waiting() && tftp_down.is_some() => html! {
            <p class="field-warnings" data-testid="watch-tftp-down" role="status">
                <span aria-hidden="true">{ "⚠ " }</span>
                <strong>{ "No phone can show up here until the helper's TFTP server runs: " }</strong>
                { rich(&format::sentence(tftp_down.as_deref().filter(|r| !r.is_empty()).unwrap_or("it gave no reason. Restart it and read what it prints"))) }
            </p>
        },
        Some((secs, checklist)) if live.is_waiting() => html! {
            <>
                <p class="status is-working" data-testid="watch-waiting">
                    <span class="spinner" aria-hidden="true"></span>
                    <span>{ format!("Waiting for {}: {}",
                        if live.done.is_empty() { "a phone" } else { "the next phone" },
                        format::stopwatch(secs)) }</span>
                </p>
                if checklist {
                    { fixed(r#"<div class="checklist" data-testid="watch-checklist"><p><strong>Nothing yet after a minute. Check:</strong></p><ul><li>Power: the phone's screen or keys light up (PoE switch port on, or its power brick; a 7970/7971/7975 needs the brick).</li><li>The phone is on the same network (VLAN) as this computer, or your DHCP server gives it option 150 with this computer's address (step 2).</li><li>Your DHCP server has free addresses in the phones' scope.</li><li>No firewall on this computer blocks UDP port 69 and the ports above 1024.</li><li>The reset took: the phone shows or flashes as step 3 of the reset says.</li></ul></div>"#) }
                }
            </>
        },
        _ => html! {},
    };
    let (recovered, working, attention) = live.tally();
    let n = live.phones.len();
    // Cards only a simulation gave are no phones seen.
    let seen = recovered + working + attention;
    let heard = |id: &str| live.heard_secs(id, props.now);
    let on_start: OnStart = {
        let (link, dispatch) = (props.helper.clone(), props.dispatch.clone());
        Callback::from(move |(card, phone, text): (String, String, String)| {
            if link.phone_start(&phone, &text) {
                dispatch.emit(Action::StartAsked {
                    card,
                    text,
                    at: browser::clock(),
                });
            }
        })
    };
    let refused = |id: &str| {
        live.start
            .as_ref()
            .filter(|s| s.card == id)
            .and_then(|s| s.refused.as_deref())
    };
    let cards = live.active().map(|p| {
        phone_card(
            &p.id,
            &PhoneView::of(p),
            heard(&p.id),
            &on_start,
            refused(&p.id),
        )
    });
    let done = live.set_aside().map(|p| {
        let v = PhoneView::of(p);
        // The MAC, or the address when the title does not say it already.
        let name = v
            .mac
            .clone()
            .or_else(|| v.address.clone())
            .filter(|n| !v.title.contains(n.as_str()))
            .map(|n| format!(" · {n}"))
            .unwrap_or_default();
        html! {
            <li>
                <details class="phone-done" data-testid={format!("done-{}", p.id)}>
                    <summary>
                        <span class="tone-ok" aria-hidden="true">{ "✓ " }</span>
                        <strong>{ v.title.clone() }</strong>
                        <span class="muted">{ name }</span>
                        { format!(" · Done: {}", v.headline) }
                    </summary>
                    { phone_card(&p.id, &v, heard(&p.id), &on_start, refused(&p.id)) }
                </details>
            </li>
        }
    });
    let another = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::RecoverAnother(browser::clock()));
            // The next thing to do is to reset the next phone.
            browser::focus_id("reset-title");
        })
    };
    let to_retry = live.to_retry();
    let retry_failed = (!to_retry.is_empty()).then(|| {
        let connected = props.link.is_connected();
        let count = to_retry.len();
        let onclick = {
            let (link, dispatch) = (props.helper.clone(), props.dispatch.clone());
            Callback::from(move |_: MouseEvent| {
                if link.retry_phones(&to_retry) {
                    dispatch.emit(Action::RetryFailed {
                        phones: to_retry.clone(),
                        at: browser::clock(),
                    });
                    // The next thing to do is to reset those phones again.
                    browser::focus_id("reset-title");
                }
            })
        };
        html! {
            <div class="deliver-actions retry-failed">
                <button type="button" class="button" data-testid="retry-failed" {onclick}
                    disabled={!connected} aria-describedby="retry-failed-why">
                    { if count == 1 { "Retry the failed phone".to_string() } else { format!("Retry the {count} failed phones") } }
                </button>
                <span class="muted" id="retry-failed-why">{
                    if connected {
                        "First fix what the card says (for example, send a corrected bundle in step 4). Then the card starts over, and you reset the phone again."
                    } else {
                        "Needs the helper, which is not connected."
                    }
                }</span>
            </div>
        }
    });
    let simulate = simulate_box(props, served.is_some());
    html! {
        <section class="panel watch" aria-labelledby="watch-title" data-testid="watch">
            <h2 id="watch-title">{ "Watch the phones" }</h2>
            { head }
            { waiting }
            { simulate }
            if n > 0 {
                if seen > 0 {
                    <p class="watch-tally" data-testid="watch-tally">
                        { format!("{}: {recovered} recovered, {working} in progress, {attention} to look at.",
                            format::count(seen, "phone", "phones")) }
                    </p>
                }
                if live.can_recover_another() {
                    <div class="deliver-actions recover-another">
                        <button type="button" class="button primary" data-testid="recover-another" onclick={another}>
                            { "Recover another phone" }
                        </button>
                        <span class="muted">{ "The bundle stays as it is; finished cards stay below, marked done." }</span>
                    </div>
                }
                { retry_failed }
                <div class="phone-grid">{ for cards }</div>
                if !live.done.is_empty() {
                    <h3 class="done-title">{ format!("Done ({})", live.done.len()) }</h3>
                    <ul class="done-list" data-testid="done-list">{ for done }</ul>
                }
            }
            { finish_options(props) }
            <p class="visually-hidden" role="status" aria-live="polite">{ live.announce.clone() }</p>
        </section>
    }
}

/// [Try with simulated phones]: the helper boots the bundle's phones as
/// simulations against its own TFTP server, and each card says whether that
/// phone would register. Waits, saying why, without a connected helper, a
/// served bundle, or while a run goes on.
fn simulate_box(props: &RecoverStepProps, served: bool) -> Html {
    let run = &props.live.simulation;
    let connected = props.link.is_connected();
    let why = if !connected {
        "Needs the helper, which is not connected."
    } else if !served {
        "Needs a bundle the helper serves: send it in step 4."
    } else if run.busy() {
        "A simulation is running; each card gets its verdict as it comes."
    } else {
        "The helper boots the bundle's phones (up to 8) as simulations on its own computer, from 127.0.100.x; each card then says whether that phone would register. No real phone is touched."
    };
    let onclick = {
        let (link, dispatch) = (props.helper.clone(), props.dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            if link.simulate_phones() {
                dispatch.emit(Action::SimulateAsked(browser::clock()));
            }
        })
    };
    html! {
        <div class="deliver-actions simulate" data-testid="simulate">
            <button type="button" class="button" data-testid="simulate-phones" {onclick}
                disabled={!connected || !served || run.busy()} aria-describedby="simulate-why">
                { "Try with simulated phones" }
            </button>
            <span class="muted" id="simulate-why">{ why }</span>
            if let Some((tone, words)) = run.words() {
                <p class="status" data-testid="simulate-status" data-tone={tone} role="status">{ words }</p>
            }
        </div>
    }
}
