//! One phone's card: model, MAC, address, whom it registers as, the files in
//! manifest order with a bar each, what it announced over CDP or LLDP-MED, the
//! verdict or the diagnosis with its fix, and what a simulated phone of its
//! MAC did, marked as a simulation.

use yew::prelude::*;

use super::rich;
use crate::browser;
use crate::checks::card_id;
use crate::format;
use crate::live::PhoneView;

/// What a card's "This phone runs" form sends: the card's id, the phone (its MAC
/// or address) and the text typed.
pub type OnStart = Callback<(String, String, String)>;

/// The card of phone `id` (`SEP…` or an address); `heard_secs`: how long
/// ago it last announced itself, when it did; `on_start`: the person says what
/// it runs (its walk waits for that), and `refused`: why the helper could not
/// read the last thing said.
pub fn phone_card(
    id: &str,
    v: &PhoneView,
    heard_secs: Option<u64>,
    on_start: &OnStart,
    refused: Option<&str>,
) -> Html {
    let title_id = format!("phone-{id}-title");
    let walk = v.walk.as_ref().map(|w| {
        let form = w.ask.clone().map(|phone| {
            let input = format!("walk-start-{id}");
            let onsubmit = {
                let (on_start, card, input) = (on_start.clone(), id.to_string(), input.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    on_start.emit((card.clone(), phone.clone(), browser::input_value(&input)));
                })
            };
            html! {
                <form class="walk-start" data-testid="walk-start" {onsubmit}>
                    <label for={input.clone()}>{ "This phone runs: " }</label>
                    <input id={input} type="text" data-testid="walk-start-input" placeholder={w.said.clone().unwrap_or_else(|| "8.0(4)".into())}
                        spellcheck="false" autocomplete="off" required=true aria-invalid={refused.is_some().to_string()} />
                    { " " }
                    <button type="submit" class="button" data-testid="walk-start-set">{ if w.said.is_some() { "Change" } else { "Set" } }</button>
                    if let Some(why) = refused {
                        <span class="field-error" data-testid="walk-start-error" role="alert">{ " " }{ rich(why) }</span>
                    }
                </form>
            }
        });
        html! {
            <div class={classes!("phone-walk", format!("tone-{}", w.tone))} data-testid="phone-walk" data-walk={w.state}>
                <p data-testid="phone-walk-line"><strong>{ "Upgrade: " }</strong>{ w.line.clone() }</p>
                if !w.steps.is_empty() {
                    <ol class="walk-steps">{ for w.steps.iter().map(|s| html! { <li data-testid="walk-step">{ s.clone() }</li> }) }</ol>
                }
                if let Some(known) = &w.known {
                    <p data-testid="walk-known">{ known.clone() }</p>
                }
                { form.unwrap_or_default() }
            </div>
        }
    });
    let rows = v.files.iter().map(|f| {
        let pct = f.percent.unwrap_or(0);
        html! {
            <li class={classes!("phone-file", format!("tone-{}", f.tone))} data-testid="phone-file" data-state={f.state}>
                <span class="phone-file-name"><code>{ f.name.clone() }</code></span>
                <span class="bar small" role="progressbar" aria-label={f.name.clone()}
                    aria-valuemin="0" aria-valuemax="100" aria-valuenow={pct.to_string()}>
                    <span class="bar-fill" style={format!("width: {pct}%")}></span>
                </span>
                <span class="phone-file-state">
                    <span class="visually-hidden">{ ": " }</span>
                    { f.state }
                    <span class="muted">{ format!(" · {}", f.bytes) }</span>
                    if let Some(r) = &f.resends {
                        <span class="muted">{ format!(" · {r}") }</span>
                    }
                </span>
            </li>
        }
    });
    let (done, expected) = v.done;
    html! {
        <article class={classes!("phone-card", format!("tone-{}", v.tone))} aria-labelledby={title_id.clone()}
            id={card_id(id)} tabindex="-1"
            data-testid={format!("phone-{id}")} data-tone={v.tone}>
            <header class="phone-head">
                <h3 id={title_id}>{ v.title.clone() }</h3>
                <span class={classes!("badge", format!("tone-{}", v.tone))}>
                    { match v.tone { "ok" => "✓", "error" => "✗", "warning" => "⚠", "working" => "↓", _ => "…" } }
                    <span class="visually-hidden">{ format!(" {}", v.tone) }</span>
                </span>
            </header>
            <dl class="phone-meta">
                <div><dt>{ "MAC" }</dt><dd data-testid="phone-mac">
                    { match &v.mac {
                        Some(mac) => html! { <code>{ mac.clone() }</code> },
                        None => html! { <span class="muted">{ "not seen (no DHCP through the helper)" }</span> },
                    } }
                </dd></div>
                <div><dt>{ "Address" }</dt><dd data-testid="phone-address"><code>{ v.address.clone().unwrap_or_else(|| "—".into()) }</code></dd></div>
                if let Some(n) = v.attempt {
                    <div><dt>{ "Try" }</dt><dd data-testid="phone-attempt">{ format!("{n} (started over by Retry failed)") }</dd></div>
                }
                if expected > 0 {
                    <div><dt>{ "Files" }</dt><dd data-testid="phone-count">{ format!("{done} of {expected}") }</dd></div>
                }
            </dl>
            if let Some(who) = &v.registers {
                <p data-testid="phone-registers">{ who.clone() }</p>
            }
            if let Some(a) = &v.announced {
                <div class="phone-announced" data-testid="phone-announced">
                    <p>
                        <span class="muted">{ format!("Announced over {}: ", a.via) }</span>
                        { a.what.clone() }
                        if !a.facts.is_empty() {
                            <span class="muted">{ format!(" · {}", a.facts) }</span>
                        }
                        if let Some(secs) = heard_secs {
                            <span class="muted" data-testid="phone-heard">{ format!(" · last heard {} ago", format::duration(secs)) }</span>
                        }
                    </p>
                    if let Some(note) = &a.note {
                        <p class={classes!(a.hop.then_some("field-warnings"))} data-testid="phone-load-note">
                            if a.hop { <span aria-hidden="true">{ "⚠ " }</span> }
                            { note.clone() }
                        </p>
                    }
                </div>
            }
            if let Some(note) = v.switched {
                <p class="phone-switched muted" data-testid="phone-switched">{ note }</p>
            }
            <div class="phone-verdict" data-testid="phone-verdict">
                <p class="phone-headline"><strong>{ rich(&v.headline) }</strong></p>
                if !v.detail.is_empty() {
                    <p>{ rich(&v.detail) }</p>
                }
                if let Some(fix) = &v.fix {
                    <p class="fix" data-testid="phone-fix"><strong>{ "What to do: " }</strong>{ rich(fix) }</p>
                }
            </div>
            { walk.unwrap_or_default() }
            if !v.files.is_empty() {
                <ol class="phone-files" aria-label="Files, in the order the phone asks for them">{ for rows }</ol>
            }
            if let Some(normal) = &v.normal {
                <p class="phone-normal muted" data-testid="phone-normal">{ rich(normal) }</p>
            }
            if let Some(sim) = &v.simulation {
                <p class={classes!("phone-simulated", format!("tone-{}", sim.tone))} data-testid="phone-simulated" data-tone={sim.tone}>
                    { rich(&sim.text) }
                    <span class="muted">{ " (a simulated phone with this MAC, run by the helper: not this phone's doing)" }</span>
                </p>
            }
        </article>
    }
}
