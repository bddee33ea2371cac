//! Small components: each takes props and callbacks and renders; the
//! decisions live in the pure modules: [`crate::state`] and its selectors
//! ([`crate::stepper`], [`crate::problems`]), [`crate::settings`],
//! [`crate::intake`], [`crate::permalink`], [`crate::helper`], [`crate::live`]
//! and [`crate::format`].
//!
//! A view that keeps no state of its own (no hooks) and is rendered from one
//! place is a plain function from its inputs to `Html`, not a function
//! component: each component type compiles its own copy of Yew's lifecycle
//! (about 2.5 KiB of wasm), and a plain function renders the same markup.
//! `TextField` stays a component: it is rendered from five places, and as a
//! function it measured larger once compressed. The steps stay components too,
//! so that going to another step replaces the step's elements instead of
//! patching one step's fields into the next one's.

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
mod helper_net;
mod kept;
mod log;
mod manifests;
mod models;
mod network;
mod notice;
mod option150;
mod os79;
mod package;
mod phone;
mod phones;
mod pill;
mod plan;
mod problem;
mod problems;
mod recover;
mod recovery;
mod report;
mod send;
mod share;
mod status;
mod stepnav;
mod stepper;
mod summary;

pub use app::App;

use yew::prelude::*;

use crate::format;

/// Static markup written as HTML (never with text from elsewhere in it): one
/// node for a block of fixed text instead of a tree of elements built in code,
/// which keeps the WebAssembly small.
pub(crate) fn fixed(html: &'static str) -> Html {
    Html::from_html_unchecked(AttrValue::Static(html))
}

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
