//! Small function components: each takes props and callbacks and renders; the
//! decisions live in [`crate::state`], [`crate::intake`] and [`crate::format`].

mod app;
mod dropzone;
mod entries;
mod findings;
mod header;
mod manifests;
mod models;
mod problem;
mod report;
mod status;
mod stepper;
mod summary;

pub use app::App;

use yew::prelude::*;

use crate::format;

/// Text with its backtick-quoted names shown as code.
pub(crate) fn rich(text: &str) -> Html {
    format::spans(text)
        .into_iter()
        .map(|span| {
            let text = span.text.to_string();
            if span.code {
                html! { <code>{ text }</code> }
            } else {
                html! { { text } }
            }
        })
        .collect()
}
