//! Every finding, grouped by severity, each with its code, subject, message and fix.

use std::rc::Rc;

use lifeline_shared::finding::{Finding, Severity};
use lifeline_shared::firmware::inspect::Report;
use yew::prelude::*;

use super::rich;
use crate::checks::finding_id;
use crate::format;

/// The inputs of [`findings`].
pub struct FindingsProps {
    pub report: Rc<Report>,
    /// Receives focus from the worst-issue bullet.
    pub node_ref: NodeRef,
}

/// The findings section.
pub fn findings(props: &FindingsProps) -> Html {
    let r = &props.report;
    let groups = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|severity| {
            let items: Vec<(usize, &Finding)> = r
                .findings
                .iter()
                .enumerate()
                .filter(|(_, f)| f.severity == severity)
                .collect();
            if items.is_empty() {
                return html! {};
            }
            let word = severity.as_str();
            html! {
                <section class={classes!("findings-group", format!("sev-{word}"))}
                    data-testid={format!("findings-{word}")} aria-labelledby={format!("findings-{word}-title")}>
                    <h3 id={format!("findings-{word}-title")}>
                        <span class="sev-icon" aria-hidden="true">{ format::severity_symbol(severity) }</span>
                        { format!("{} ({})", format::severity_heading(severity), items.len()) }
                    </h3>
                    <ul class="finding-list">{ for items.into_iter().map(finding) }</ul>
                </section>
            }
        });
    html! {
        <section class="panel findings" id="findings" ref={props.node_ref.clone()} tabindex="-1"
            aria-labelledby="findings-title">
            <h2 id="findings-title">{ "Findings" }</h2>
            if r.findings.is_empty() {
                <p class="all-clear" data-testid="findings-none">
                    <span class="tone-ok" aria-hidden="true">{ "✓ " }</span>
                    { "No problems found: every manifest, image and signed header checks out." }
                </p>
            } else {
                { for groups }
            }
        </section>
    }
}

fn finding((index, f): (usize, &Finding)) -> Html {
    let severity = f.severity.as_str();
    html! {
        <li class={classes!("finding", format!("sev-{severity}"))} data-testid="finding"
            id={finding_id(index)} tabindex="-1"
            data-code={f.code.as_str()} data-severity={severity}>
            <div class="finding-head">
                <span class="sev-icon" aria-hidden="true">{ format::severity_symbol(f.severity) }</span>
                <span class="visually-hidden">{ format!("{}: ", format::sentence(severity).trim_end_matches('.')) }</span>
                if !f.subject.is_empty() {
                    <code class="finding-subject">{ f.subject.clone() }</code>
                }
                <span class="finding-code" title="Finding code">{ f.code.as_str() }</span>
            </div>
            <p class="finding-message">{ rich(&f.message) }</p>
            <p class="fix"><strong>{ "Fix: " }</strong>{ rich(&f.fix) }</p>
        </li>
    }
}
