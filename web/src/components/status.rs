//! The status line: an aria-live region that announces each phase and result.
//!
//! It shows while a job is under way; afterwards the summary or the problem says
//! the same on screen, so the line stays only for screen readers.

use yew::prelude::*;

/// The inputs of [`status_line`].
pub struct StatusLineProps {
    /// What to say (empty: nothing).
    pub text: String,
    /// Show the spinner.
    pub working: bool,
}

/// The status line. It is always in the page, so screen readers announce changes.
pub fn status_line(props: &StatusLineProps) -> Html {
    html! {
        <p class={classes!("status", if props.working { "is-working" } else { "visually-hidden" })}
            role="status" aria-live="polite" data-testid="status">
            if props.working {
                <span class="spinner" aria-hidden="true"></span>
            }
            <span class="status-text">{ props.text.clone() }</span>
        </p>
    }
}
