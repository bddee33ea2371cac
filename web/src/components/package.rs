//! A Call Manager package's own facts: its signed header (shown like a manifest's), where
//! its tar was found, its install script, and the `loadNNN.txt` lists of any input.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::{LoadListReport, Report};
use lifeline_shared::firmware::package::TarFound;
use yew::prelude::*;

use crate::format;

/// The inputs of [`package`].
pub struct PackageProps {
    pub report: Rc<Report>,
}

/// The package section (absent for a zip or loose files without load lists).
pub fn package(props: &PackageProps) -> Html {
    let r = &props.report;
    if r.package.is_none() && r.load_lists.is_empty() {
        return html! {};
    }
    let title = if r.package.is_some() {
        "Call Manager package"
    } else {
        "Load lists"
    };
    html! {
        <section class="panel manifests" aria-labelledby="package-title" data-testid="package">
            <h2 id="package-title">{ title }</h2>
            <p class="muted section-note">
                { "Lifeline serves the firmware inside; the package's own files are for Call Manager." }
            </p>
            <div class="manifest-grid">
                { header(r) }
                if !r.load_lists.is_empty() {
                    <article class="manifest" data-testid="load-lists">
                        <h3>{ "Load lists" }</h3>
                        <ol class="images">{ for r.load_lists.iter().map(load_list) }</ol>
                    </article>
                }
            </div>
        </section>
    }
}

fn header(r: &Report) -> Html {
    let Some(p) = &r.package else {
        return html! {};
    };
    let mut meta: Vec<(&str, String)> = vec![("Format", p.format.name().to_string())];
    if let Some(n) = &p.embedded_name {
        meta.push(("Name in header", n.clone()));
    }
    if let Some(s) = &p.signer {
        meta.push(("Signer", s.clone()));
    }
    if let Some(h) = p.hash_algorithm {
        meta.push(("Signed with", h.name()));
    }
    if let Some(n) = p.header_len {
        meta.push(("Header", format::count(n, "byte", "bytes")));
    }
    let found = match p.found {
        TarFound::HeaderLength => "where the header length points",
        TarFound::Search => "by searching: the header length does not point at it",
        TarFound::Start => "at the start",
    };
    meta.push(("Tar", format!("at byte {}, found {found}", p.tar_offset)));
    if let Some(s) = &p.install_script {
        meta.push(("Install script", s.clone()));
    }
    for n in &p.nested_archives {
        meta.push(("Nested archive", n.clone()));
    }
    html! {
        <article class="manifest" data-testid="package-header">
            <h3><code>{ r.source.clone() }</code></h3>
            <dl class="meta">
                { for meta.into_iter().map(|(k, v)| html! {
                    <div><dt>{ k }</dt><dd>{ v }</dd></div>
                }) }
            </dl>
        </article>
    }
}

fn load_list(l: &LoadListReport) -> Html {
    let (symbol, tone) = if l.agrees {
        ("✓", "ok")
    } else {
        ("✗", "error")
    };
    let model = l
        .model
        .as_deref()
        .map(|m| format!("{m}, "))
        .unwrap_or_default();
    html! {
        <li class={classes!("image", format!("tone-{tone}"))} data-testid="load-list">
            <span class="image-icon" aria-hidden="true">{ symbol }</span>
            <code class="image-name">{ l.name.clone() }</code>
            <span class="image-status">
                { format!("{model}device id {}: ", l.device_id) }<code>{ l.load.clone() }</code>
                if !l.agrees {
                    <span>{ " (disagrees; see findings)" }</span>
                }
            </span>
        </li>
    }
}
