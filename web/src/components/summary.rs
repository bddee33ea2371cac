//! The verdict and the facts: load, family, protocol, build, models.

use std::rc::Rc;

use lifeline_shared::finding::Severity;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models;
use yew::prelude::*;

use super::models::{ModelTableProps, model_table};
use crate::format;
use crate::stepper::{headline, worst};

/// The inputs of [`summary`].
pub struct SummaryProps {
    pub report: Rc<Report>,
    /// How long the inspection took.
    pub millis: f64,
    /// Receives focus when the report appears.
    pub node_ref: NodeRef,
    /// Opens the findings.
    pub on_show_findings: Callback<MouseEvent>,
    /// Clears the screen.
    pub on_reset: Callback<MouseEvent>,
}

/// The summary panel.
pub fn summary(props: &SummaryProps) -> Html {
    let r = &props.report;
    let h = headline(r);
    let icon = match h.tone {
        "error" => "✗",
        "warning" => "⚠",
        _ => "✓",
    };
    let unknown = || html! { <span class="muted">{ "not known" }</span> };
    let fact = |label: &str, testid: &str, value: Option<String>| {
        html! {
            <div class="fact">
                <dt>{ label.to_string() }</dt>
                <dd data-testid={testid.to_string()}>
                    { value.map(|v| html! { { v } }).unwrap_or_else(unknown) }
                </dd>
            </div>
        }
    };
    let power_note = r.family.and_then(|f| models::family(f).power_note);
    let t = r.tally;
    let worst_tone = match worst(r) {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        _ => "ok",
    };
    html! {
        <section class={classes!("panel", "summary", format!("is-{}", h.tone))} data-testid="summary"
            ref={props.node_ref.clone()} tabindex="-1" aria-labelledby="summary-title">
            <h2 id="summary-title" class={classes!("verdict", format!("is-{}", h.tone))}>
                <span class="verdict-icon" aria-hidden="true">{ icon }</span>
                <span>{ h.title.clone() }</span>
            </h2>
            <p class="verdict-detail">
                <span class="source">{ r.source.clone() }</span>{ " · " }{ h.detail.clone() }
            </p>
            <div class="tally">
                <button type="button" class={classes!("tally-button", format!("is-{worst_tone}"))}
                    onclick={props.on_show_findings.clone()}>
                    <span class={classes!("count", (t.errors > 0).then_some("tone-error"))}>
                        <span aria-hidden="true">{ "✗ " }</span>
                        <span data-testid="error-count">{ t.errors }</span>
                        { if t.errors == 1 { " error" } else { " errors" } }
                    </span>
                    <span class={classes!("count", (t.warnings > 0).then_some("tone-warning"))}>
                        <span aria-hidden="true">{ "⚠ " }</span>
                        <span data-testid="warning-count">{ t.warnings }</span>
                        { if t.warnings == 1 { " warning" } else { " warnings" } }
                    </span>
                    <span class="count">
                        <span aria-hidden="true">{ "ℹ " }</span>
                        <span data-testid="info-count">{ t.infos }</span>
                        { if t.infos == 1 { " note" } else { " notes" } }
                    </span>
                    <span class="visually-hidden">{ ": show the findings" }</span>
                </button>
            </div>
            <dl class="facts">
                { fact("Load", "load-name", r.load.clone()) }
                { fact("Phones", "family", r.family_name.clone()) }
                { fact("Protocol", "protocol", r.protocol.map(|p| p.as_str().to_string())) }
                { fact("Build", "build", r.build.clone()) }
                { fact("Files", "file-count", Some(format!(
                    "{}, {}",
                    format::count(r.entries.len(), "file", "files"),
                    format::size(r.total_size)
                ))) }
            </dl>
            if let Some(note) = power_note {
                <p class="note"><strong>{ "Power: " }</strong>{ note }</p>
            }
            { model_table(&ModelTableProps { report: r.clone() }) }
            <div class="summary-foot">
                <span class="timing muted" title="Measured with performance.now() around the inspection">
                    { format!("Inspected in {}, in this browser", format::millis(props.millis)) }
                </span>
                <button type="button" class="button quiet" onclick={props.on_reset.clone()}>
                    { "Start over" }
                </button>
            </div>
        </section>
    }
}
