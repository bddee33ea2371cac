//! Every `.loads` manifest: what its header says and the images it lists.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::{ImageReport, ManifestReport, Report};
use yew::prelude::*;

use crate::format;

/// The inputs of [`manifests`].
pub struct ManifestsProps {
    pub report: Rc<Report>,
}

/// The manifests section (absent when there are none; a finding says so).
pub fn manifests(props: &ManifestsProps) -> Html {
    let manifests = &props.report.manifests;
    if manifests.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel manifests" aria-labelledby="manifests-title" data-testid="manifests">
            <h2 id="manifests-title">{ format!("Manifests ({})", manifests.len()) }</h2>
            <p class="muted section-note">
                { "A phone reads a manifest first, then asks for each image it lists, by exactly that name." }
            </p>
            <div class="manifest-grid">{ for manifests.iter().map(manifest) }</div>
        </section>
    }
}

fn manifest(m: &ManifestReport) -> Html {
    let kind = if m.recovery {
        "recovery manifest"
    } else {
        "load manifest"
    };
    let mut meta: Vec<(&str, String)> = Vec::new();
    if let Some(b) = &m.build {
        meta.push(("Build", b.clone()));
    }
    if let Some(s) = m.style {
        meta.push(("Lists", format::style(s).to_string()));
    }
    if let Some(h) = m.hash_algorithm {
        meta.push(("Signed with", h.name()));
    }
    if let Some(n) = m.header_len {
        meta.push(("Header", format::count(n, "byte", "bytes")));
    }
    if let Some(c) = m.hardware_comp {
        meta.push(("HARDWARE_COMP_1", c.to_string()));
    }
    if let Some(la) = &m.la_version {
        meta.push(("LA_VERSION", la.clone()));
    }
    let embedded = match &m.embedded_name {
        Some(e) if *e == m.name => html! { <span class="tone-ok">{ "✓ same" }</span> },
        Some(e) => {
            html! { <span class="tone-error"><span aria-hidden="true">{ "✗ " }</span><code>{ e.clone() }</code></span> }
        }
        None => html! { <span class="muted">{ "none" }</span> },
    };
    html! {
        <article class="manifest" data-testid="manifest" data-name={m.name.clone()}>
            <h3>
                <code>{ m.name.clone() }</code>
                <span class={classes!("badge", m.recovery.then_some("badge-recovery"))}>{ kind }</span>
            </h3>
            <dl class="meta">
                { for meta.into_iter().map(|(k, v)| html! {
                    <div><dt>{ k }</dt><dd>{ v }</dd></div>
                }) }
                <div><dt>{ "Name in header" }</dt><dd>{ embedded }</dd></div>
            </dl>
            if m.images.is_empty() {
                <p class="muted">{ "It lists no images." }</p>
            } else {
                <ol class="images">{ for m.images.iter().map(image) }</ol>
            }
        </article>
    }
}

fn image(i: &ImageReport) -> Html {
    let (symbol, word, tone) = format::image_status(i.status);
    let size = i.size.map(format::size);
    let actual = match &i.entry {
        Some(entry) if *entry != i.name => {
            html! { <span class="image-actual">{ " stored as " }<code>{ entry.clone() }</code></span> }
        }
        _ => html! {},
    };
    html! {
        <li class={classes!("image", format!("tone-{tone}"))} data-testid="image" data-status={word.to_string()}>
            <span class="image-icon" aria-hidden="true">{ symbol }</span>
            <code class="image-name">{ i.name.clone() }</code>
            <span class="image-status">
                <span class="visually-hidden">{ format!("{word}; ") }</span>
                { size.unwrap_or_else(|| word.to_string()) }
            </span>
            { actual }
        </li>
    }
}
