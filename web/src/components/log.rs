//! The log drawer of the frame: every network event in plain words with the
//! raw line on request, filtered by phone, followed as it grows, and saved as
//! text. It has no cap: nothing seen is dropped.

use yew::prelude::*;

use super::rich;
use crate::browser;
use crate::format;
use crate::live::Live;
use crate::state::Action;

/// Lines drawn at most (the download has them all).
const SHOWN: usize = 500;

/// Props of [`LogDrawer`].
#[derive(Properties, PartialEq)]
pub struct LogDrawerProps {
    /// The phones and the log.
    pub live: Live,
    pub dispatch: Callback<Action>,
}

#[function_component]
pub fn LogDrawer(props: &LogDrawerProps) -> Html {
    let list_ref = use_node_ref();
    let live = &props.live;
    let lines: Vec<_> = live.lines().collect();
    {
        let list_ref = list_ref.clone();
        use_effect_with((lines.len(), live.follow), move |(_, follow)| {
            if *follow {
                browser::scroll_to_end(&list_ref);
            }
        });
    }
    let onchange_filter = props.dispatch.reform(|e: Event| {
        let value = e
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .map(|s| s.value())
            .unwrap_or_default();
        Action::FilterLog((!value.is_empty()).then_some(value))
    });
    let onchange_follow = props
        .dispatch
        .reform(|e: Event| Action::FollowLog(browser::input_of(&e).is_some_and(|i| i.checked())));
    let onchange_raw = props
        .dispatch
        .reform(|e: Event| Action::ShowRaw(browser::input_of(&e).is_some_and(|i| i.checked())));
    let save_status = use_state_eq(String::new);
    let on_save = {
        let live = live.clone();
        let save_status = save_status.clone();
        Callback::from(move |_: MouseEvent| {
            let text = live.log_text();
            let result = browser::download("lifeline-log.txt", text.as_bytes(), "text/plain");
            save_status.set(match result {
                Ok(()) => "✓ lifeline-log.txt is in your downloads.".to_string(),
                Err(why) => format::sentence(&format!("The log could not be saved: {why}")),
            });
        })
    };
    let skipped = lines.len().saturating_sub(SHOWN);
    let mut ids: Vec<String> = live.phones.iter().map(|p| p.id.clone()).collect();
    if let Some(f) = &live.filter
        && !ids.contains(f)
    {
        ids.push(f.clone());
    }
    html! {
        <details class="panel log" data-testid="log">
            <summary><h2>{ format!("Log ({})", format::count(live.log.len(), "line", "lines")) }</h2></summary>
            <div class="log-controls">
                <label for="log-filter">{ "Show" }</label>
                <select id="log-filter" data-testid="log-filter" onchange={onchange_filter}>
                    <option value="" selected={live.filter.is_none()}>{ "every phone" }</option>
                    { for ids.iter().map(|id| html! {
                        <option value={id.clone()} selected={live.filter.as_ref() == Some(id)}>{ id.clone() }</option>
                    }) }
                </select>
                <label class="check">
                    <input type="checkbox" checked={live.follow} onchange={onchange_follow} />
                    { "Keep the newest line in view" }
                </label>
                <label class="check">
                    <input type="checkbox" checked={live.raw} onchange={onchange_raw} data-testid="log-raw" />
                    { "Show the helper's raw messages" }
                </label>
                <button type="button" class="button" data-testid="log-download" onclick={on_save}>{ "Download log (.txt)" }</button>
                <span class="muted" role="status">{ (*save_status).clone() }</span>
            </div>
            if skipped > 0 {
                <p class="muted">{ format!("Showing the newest {SHOWN} of {} lines; the download has them all.", lines.len()) }</p>
            }
            <ol class="log-lines" ref={list_ref} tabindex="0" aria-label="Log lines" data-testid="log-lines">
                { for lines.iter().skip(skipped).map(|l| html! {
                    <li class={classes!("log-line", format!("tone-{}", l.tone.word()))}>
                        <span class="log-time">{ format::clock(l.at) }</span>
                        <span class="log-phone">{ l.phone.clone().unwrap_or_default() }</span>
                        <span class="log-text">{ rich(&l.text) }</span>
                        if live.raw {
                            if let Some(raw) = &l.raw {
                                <code class="log-raw">{ raw.to_string() }</code>
                            }
                        }
                    </li>
                }) }
            </ol>
        </details>
    }
}
