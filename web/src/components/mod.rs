//! Small function components: each takes props and callbacks and renders; the
//! decisions live in [`crate::state`], [`crate::settings`], [`crate::intake`],
//! [`crate::permalink`] and [`crate::format`].

mod app;
mod config;
mod decode;
mod deliver;
mod dropzone;
mod entries;
mod field;
mod files;
mod findings;
mod header;
mod manifests;
mod models;
mod network;
mod notice;
mod option150;
mod problem;
mod report;
mod share;
mod sip;
mod status;
mod stepnav;
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
