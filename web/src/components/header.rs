//! The top bar: the name, the offline promise, the helper pill and the
//! worst-issue bullet.

use lifeline_shared::finding::{Severity, Tally};
use yew::prelude::*;

use crate::format;

/// Props of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// The worst severity in the current report, if any.
    pub worst: Option<Severity>,
    /// The current report's counts, if any.
    pub tally: Option<Tally>,
    /// Opens the findings.
    pub on_show_findings: Callback<MouseEvent>,
    /// The helper pill.
    #[prop_or_default]
    pub pill: Html,
}

/// The top bar.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let bullet = props.tally.map(|t| {
        let (tone, text) = match props.worst {
            Some(Severity::Error) => ("error", format::count(t.errors, "error", "errors")),
            Some(Severity::Warning) => {
                ("warning", format::count(t.warnings, "warning", "warnings"))
            }
            _ => ("ok", "No problems".to_string()),
        };
        let symbol = match props.worst {
            Some(s @ (Severity::Error | Severity::Warning)) => format::severity_symbol(s),
            _ => "✓",
        };
        html! {
            <button type="button" class={classes!("worst", format!("tone-{tone}"))}
                data-testid="worst" onclick={props.on_show_findings.clone()}
                aria-label={format!("Firmware check: {text}. Show the findings.")}>
                <span class="worst-dot" aria-hidden="true">{ symbol }</span>
                <span>{ text }</span>
            </button>
        }
    });
    html! {
        <header class="topbar">
            <div class="brand">
                <svg class="brand-mark" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
                    <rect x="1.5" y="1.5" width="21" height="21" rx="5" fill="currentColor" />
                    <path d="M4 13h4l2-5 3 9 2.5-6 1.5 2H20" fill="none" stroke="#fff"
                        stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                <span class="brand-name">{ "Lifeline" }</span>
            </div>
            <p class="offline">
                <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">
                    <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="none"
                        stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                    <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="currentColor" stroke-width="2"
                        stroke-linecap="round" stroke-linejoin="round" />
                </svg>
                { "Works offline — nothing leaves this computer" }
            </p>
            <div class="topbar-end">
                { props.pill.clone() }
                { bullet }
            </div>
        </header>
    }
}
