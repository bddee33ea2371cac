//! The inspection report: summary, findings, a package's own facts, manifests and files.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::Report;
use yew::prelude::*;

use super::entries::{EntriesTableProps, entries_table};
use super::findings::{FindingsProps, findings};
use super::manifests::{ManifestsProps, manifests};
use super::package::{PackageProps, package};
use super::summary::{SummaryProps, summary};
use crate::format;

/// The inputs of [`report_view`].
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
pub fn report_view(props: &ReportViewProps) -> Html {
    let r = &props.report;
    html! {
        <div class="report" data-testid="report" data-inspect-ms={format::millis_attr(props.millis)}>
            { summary(&SummaryProps {
                report: r.clone(),
                millis: props.millis,
                node_ref: props.summary_ref.clone(),
                on_show_findings: props.on_show_findings.clone(),
                on_reset: props.on_reset.clone(),
            }) }
            { findings(&FindingsProps { report: r.clone(), node_ref: props.findings_ref.clone() }) }
            { package(&PackageProps { report: r.clone() }) }
            { manifests(&ManifestsProps { report: r.clone() }) }
            { entries_table(&EntriesTableProps { report: r.clone() }) }
        </div>
    }
}
