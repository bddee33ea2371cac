//! Step 1's upgrade plan, when several packages were dropped together: each
//! package and its part, the target, each starting band's route, the loads not
//! used, and where the phones start. Nothing is sent before step 4.

use web_sys::{Event, HtmlSelectElement, InputEvent};
use yew::prelude::*;

use super::{fixed, rich};
use crate::browser;
use crate::intake::Packages;
use crate::state::Action;
use crate::upgrade::{self, Choice, Start};
use lifeline_shared::plan::route_words;

/// The plan panel of `packages` with the person's `choice`.
pub fn plan_panel(packages: &Packages, choice: &Choice, dispatch: &Callback<Action>) -> Html {
    let plan = upgrade::plan(packages, choice);
    let one = packages.list.len() == 1;
    // One package Lifeline makes no plan of (no load it can read): as before plans.
    if one && plan.is_err() {
        return Html::default();
    }
    let rows = upgrade::package_rows(packages, plan.as_ref().ok());
    // One text in each row (every element and attribute costs the wasm), names
    // in backticks as code, as everywhere else.
    let rows = rows.into_iter().map(|r| {
        let mut text = format!("{}: {} — {}", r.name, r.what, r.role);
        for f in &r.findings {
            // A role (`Target`) is no sentence: end it before the findings.
            if !text.ends_with('.') {
                text.push('.');
            }
            text.push(' ');
            text.push_str(f);
        }
        html! { <li class={format!("tone-{}", r.tone)} data-testid="plan-package">{ rich(&text) }</li> }
    });
    let body = match &plan {
        Err(e) => html! {
            <p class="field-error" data-testid="plan-error">{ rich(&upgrade::no_plan_words(e)) }</p>
        },
        Ok(plan) => {
            let on_target = dispatch.reform(|e: Event| Action::PlanTarget(select_value(&e)));
            let on_start = {
                let typed = match &choice.start {
                    Start::Typed(t) => t.clone(),
                    _ => String::new(),
                };
                dispatch.reform(move |e: Event| {
                    let v = select_value(&e);
                    Action::PlanStart(match v.strip_prefix("band-") {
                        Some(i) => Start::Band(i.parse().unwrap_or(0)),
                        None if v == "typed" => Start::Typed(typed.clone()),
                        None => Start::Unknown,
                    })
                })
            };
            let on_text = dispatch.reform(|e: InputEvent| {
                Action::PlanStart(Start::Typed(
                    browser::input_of(&e).map(|i| i.value()).unwrap_or_default(),
                ))
            });
            let chosen_band = match &choice.start {
                Start::Band(i) => Some(*i),
                _ => None,
            };
            let routes = plan.routes.iter().enumerate().map(|(i, (band, route))| {
                let way = matches!(route, lifeline_shared::plan::Route::Via(_));
                let chosen = if chosen_band == Some(i) {
                    " is-chosen"
                } else {
                    ""
                };
                let tone = if way { "tone-ok" } else { "tone-error" };
                html! {
                    <li data-testid="plan-route" class={[tone, chosen].concat()}>
                        { format!("From {}: {}", band.label, route_words(route)) }
                    </li>
                }
            });
            let unused = plan.unused().into_iter().map(|l| {
                html! { <li class="muted">{ format!("Not used: {} ({}); no phone needs it on the way.", l.label(), l.name) }</li> }
            });
            let start_error = upgrade::start(plan, &choice.start).err();
            let chosen = upgrade::chosen(plan, &choice.start);
            html! {
                <>
                    <p class="plan-field">
                        <label for="plan-target">{ "Target load " }</label>
                        <select id="plan-target" data-testid="plan-target" onchange={on_target}>
                            { for plan.loads.iter().rev().map(|l| html! {
                                <option value={l.name.clone()} selected={l.name == plan.target.name}>
                                    { format!("{} ({})", l.label(), l.name) }
                                </option>
                            }) }
                        </select>
                    </p>
                    <ul class="plan-routes" data-testid="plan-routes">{ for routes }{ for unused }</ul>
                    <p class="plan-field">
                        <label for="plan-start">{ "Where the phones start " }</label>
                        <select id="plan-start" data-testid="plan-start" onchange={on_start}>
                            <option value="unknown" selected={choice.start == Start::Unknown}>{ "Unknown" }</option>
                            { for plan.routes.iter().enumerate().map(|(i, (band, _))| html! {
                                <option selected={chosen_band == Some(i)} value={format!("band-{i}")}>{ format!("From {}", band.label) }</option>
                            }) }
                            <option value="typed" selected={matches!(choice.start, Start::Typed(_))}>{ "This release…" }</option>
                        </select>
                        if let Start::Typed(text) = &choice.start {
                            { " " }
                            <input id="plan-start-text" data-testid="plan-start-text" type="text" value={text.clone()}
                                placeholder="8.0(4)" aria-label="The release the phones run" spellcheck="false"
                                autocomplete="off" aria-invalid={start_error.is_some().to_string()} oninput={on_text} />
                        }
                    </p>
                    if let Some(why) = start_error {
                        <p class="field-error" data-testid="plan-start-error">{ rich(&why) }</p>
                    }
                    if let Some((words, way)) = chosen {
                        <p data-testid="plan-chosen" class={if way { "tone-ok" } else { "field-error" }}>{ words }</p>
                    }
                    if plan.hops().is_empty() {
                        <p class="muted plan-unknown">{ format!("Unknown: {}.", plan.no_hop_words()) }</p>
                    } else {
                        { fixed(r#"<p class="muted plan-unknown">Unknown: the helper asks for each phone before offering it any load, so each phone's card in step 5 asks which release it runs (the phone shows it under Settings → Status → Firmware Versions).</p>"#) }
                    }
                </>
            }
        }
    };
    html! {
        <section class="plan" id="plan" tabindex="-1" data-testid="plan" aria-labelledby="plan-title">
            <h2 id="plan-title">{ "Upgrade plan" }</h2>
            if one {
                { fixed(r#"<p class="muted">Where this load can be flashed from. Phones on an older load may need another load first: say where they start to check it, or drop that package with this one.</p>"#) }
            } else {
                { fixed(r#"<p class="muted">Several packages were dropped together: each is checked on its own, and phones reach the target through the hops below. Nothing is sent before step 4.</p>"#) }
                <ul class="plan-packages" id="plan-packages" tabindex="-1">{ for rows }</ul>
            }
            { body }
        </section>
    }
}

/// The value of the select an event came from.
fn select_value(e: &Event) -> String {
    e.target_dyn_into::<HtmlSelectElement>()
        .map(|s| s.value())
        .unwrap_or_default()
}
