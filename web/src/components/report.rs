//! The inspection report: summary, findings, a package's own facts, manifests and files.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::Report;
use yew::prelude::*;

use super::entries::EntriesTable;
use super::findings::Findings;
use super::manifests::Manifests;
use super::package::Package;
use super::summary::Summary;
use crate::format;

/// Props of [`ReportView`].
#[derive(Properties, PartialEq)]
pub struct ReportViewProps {
    pub report: Rc<Report>,
    /// How long the inspection took.
    pub millis: f64,
    /// Receives focus when the report appears.
    pub summary_ref: NodeRef,
    /// The findings section, for the worst-issue bullet.
    pub findings_ref: NodeRef,
    /// Opens the findings.
    pub on_show_findings: Callback<MouseEvent>,
    /// Clears the screen.
    pub on_reset: Callback<MouseEvent>,
}

/// The report. `data-inspect-ms` carries the inspection time for benchmarks.
#[function_component]
pub fn ReportView(props: &ReportViewProps) -> Html {
    let r = &props.report;
    html! {
        <div class="report" data-testid="report" data-inspect-ms={format::millis_attr(props.millis)}>
            <Summary
                report={r.clone()}
                millis={props.millis}
                node_ref={props.summary_ref.clone()}
                on_show_findings={props.on_show_findings.clone()}
                on_reset={props.on_reset.clone()}
            />
            <Findings report={r.clone()} node_ref={props.findings_ref.clone()} />
            <Package report={r.clone()} />
            <Manifests report={r.clone()} />
            <EntriesTable report={r.clone()} />
        </div>
    }
}
