//! The top bar: the name, the offline promise, the helper pill and the
//! worst-issue bullet, which opens the Problems list.

use lifeline_shared::finding::Severity;
use yew::prelude::*;

use crate::format;
use crate::problems::Count;

/// The inputs of [`header`].
pub struct HeaderProps {
    /// How many problems there are now, across the app.
    pub count: Count,
    /// Whether the Problems list is open.
    pub open: bool,
    /// Opens or closes the Problems list.
    pub on_toggle: Callback<MouseEvent>,
    /// The bullet, which gets the focus back when the list closes.
    pub bullet_ref: NodeRef,
    /// The helper pill.
    pub pill: Html,
}

/// The top bar.
pub fn header(props: &HeaderProps) -> Html {
    let c = props.count;
    let (tone, symbol) = match c.worst() {
        Some(s @ Severity::Error) => ("error", format::severity_symbol(s)),
        Some(s) => ("warning", format::severity_symbol(s)),
        None => ("ok", "✓"),
    };
    let long = c.long();
    let bullet = html! {
        <button type="button" class={classes!("worst", format!("tone-{tone}"))}
            data-testid="worst" data-worst={tone} ref={props.bullet_ref.clone()}
            aria-expanded={if props.open { "true" } else { "false" }} aria-controls="problems"
            aria-label={format!("Problems: {long}. {} the list.", if props.open { "Close" } else { "Open" })}
            onclick={props.on_toggle.clone()}>
            <span class="worst-dot" aria-hidden="true">{ symbol }</span>
            <span>{ c.short() }</span>
        </button>
    };
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
                // Changes to the count are announced; the first paint is not.
                <span class="visually-hidden" role="status" data-testid="worst-status">{ format!("Problems: {long}.") }</span>
            </div>
        </header>
    }
}
