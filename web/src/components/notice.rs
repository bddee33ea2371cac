//! What the link the page was opened with held: restored settings, or why they
//! could not be read (the page still opens, with empty fields).

use yew::prelude::*;

use crate::permalink::Notice;
use crate::state::Action;

/// The inputs of [`link_notice`].
pub struct LinkNoticeProps {
    pub notice: Notice,
    pub dispatch: Callback<Action>,
}

pub fn link_notice(props: &LinkNoticeProps) -> Html {
    let close = props.dispatch.reform(|_: MouseEvent| Action::DismissNotice);
    let (class, testid, icon, title, text) = match &props.notice {
        Notice::Restored => (
            "is-info",
            "link-restored",
            "ℹ",
            "Settings restored from the link.".to_string(),
            "Links carry no firmware and no passwords: choose the firmware zip below, then check the steps.".to_string(),
        ),
        Notice::Damaged(why) => (
            "is-warning",
            "link-notice",
            "⚠",
            format!("The settings in this link could not be read: {why}."),
            "Lifeline opened with empty fields. Ask for the link again, or fill them in.".to_string(),
        ),
    };
    html! {
        <section class={classes!("notice", class)} data-testid={testid}
            role={if matches!(props.notice, Notice::Damaged(_)) { "alert" } else { "status" }}>
            <span class="notice-icon" aria-hidden="true">{ icon }</span>
            <div class="notice-text">
                <p><strong>{ title }</strong></p>
                <p>{ text }</p>
            </div>
            <button type="button" class="button quiet" onclick={close}>{ "Dismiss" }</button>
        </section>
    }
}
