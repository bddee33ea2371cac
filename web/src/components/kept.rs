//! Step 1's line about the firmware kept in this browser, with [Forget it].

use yew::prelude::*;

use crate::keep::Kept;

/// The line under the report: kept (with Forget), forgotten, or refused.
pub fn kept_note(kept: &Kept, on_forget: Callback<MouseEvent>) -> Html {
    match kept {
        Kept::No => html! {},
        Kept::Yes => html! {
            <p class="kept muted" data-testid="firmware-kept">
                { "This firmware is kept in this browser, so a reload or your next visit opens it again. " }
                <button type="button" class="button quiet" data-testid="firmware-forget" onclick={on_forget}>
                    { "Forget it" }
                </button>
            </p>
        },
        Kept::Forgotten => html! {
            <p class="kept muted" role="status" data-testid="firmware-forgotten">
                { "Forgotten: this browser no longer keeps the firmware; a reload asks for it again." }
            </p>
        },
        Kept::Refused(why) => html! {
            <p class="kept muted" data-testid="firmware-not-kept">
                { format!("This firmware is not kept for a reload: {why}. Choose it again after one.") }
            </p>
        },
    }
}
