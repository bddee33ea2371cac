//! Step 1's line about the firmware kept in this browser, with [Forget it].

use yew::prelude::*;

use crate::keep::Kept;

/// The line above the report: kept (with Forget), forgotten, or refused.
pub fn kept_note(kept: &Kept, on_forget: Callback<MouseEvent>) -> Html {
    let (testid, text) = match kept {
        Kept::No => return html! {},
        Kept::Yes => (
            "firmware-kept",
            "This firmware is kept in this browser, so a reload or your next visit opens it again. ".into(),
        ),
        Kept::Forgotten => (
            "firmware-forgotten",
            "Forgotten: this browser no longer keeps the firmware; a reload asks for it again.".into(),
        ),
        Kept::Refused(why) => (
            "firmware-not-kept",
            format!("This firmware is not kept for a reload: {why}. Choose it again after one."),
        ),
    };
    html! {
        <p class="kept muted" role="status" data-testid={testid}>
            { text }
            if *kept == Kept::Yes {
                <button type="button" class="button quiet" data-testid="firmware-forget" onclick={on_forget}>
                    { "Forget it" }
                </button>
            }
        </p>
    }
}
