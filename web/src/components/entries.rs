//! Every file of the input: size, storage, CRC-32, role, and the name in its header.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::{EntryReport, Report};
use yew::prelude::*;

use crate::format;

/// The inputs of [`entries_table`].
pub struct EntriesTableProps {
    pub report: Rc<Report>,
}

/// The files table.
pub fn entries_table(props: &EntriesTableProps) -> Html {
    let r = &props.report;
    let from_zip = r.entries.iter().any(|e| e.method != "file");
    let title = format!(
        "Files {} ({})",
        if from_zip { "in the zip" } else { "chosen" },
        r.entries.len()
    );
    html! {
        <section class="panel entries" aria-labelledby="entries-title">
            <h2 id="entries-title">{ title }</h2>
            if r.entries.is_empty() {
                <p class="muted">{ "There are no files in it." }</p>
            } else {
                <div class="table-wrap">
                    <table class="table stack" data-testid="entries" aria-labelledby="entries-title">
                        <thead>
                            <tr>
                                <th scope="col">{ "Name" }</th>
                                <th scope="col" class="num">{ "Size (bytes)" }</th>
                                <th scope="col">{ "Stored" }</th>
                                <th scope="col">{ "CRC-32" }</th>
                                <th scope="col">{ "CRC" }</th>
                                <th scope="col">{ "Role" }</th>
                                <th scope="col">{ "Name in header" }</th>
                            </tr>
                        </thead>
                        <tbody>{ for r.entries.iter().map(row) }</tbody>
                    </table>
                </div>
            }
        </section>
    }
}

fn row(e: &EntryReport) -> Html {
    let crc = match e.crc_ok {
        Some(true) => html! { <span class="tone-ok" title="The data matches its CRC-32">
        <span aria-hidden="true">{ "✓" }</span><span class="visually-hidden">{ "matches" }</span></span> },
        Some(false) => html! { <span class="tone-error" title="The data does not match its CRC-32">
        <span aria-hidden="true">{ "✗ " }</span>{ "bad" }</span> },
        None if e.method == "file" => {
            html! { <span class="muted" title="A loose file has no recorded CRC to check">{ "n/a" }</span> }
        }
        None => {
            html! { <span class="muted" title="Not read: see the findings">{ "not checked" }</span> }
        }
    };
    let embedded = match &e.embedded_name {
        Some(n) if *n == e.name => html! { <code>{ n.clone() }</code> },
        Some(n) => {
            html! { <span class="tone-error"><span aria-hidden="true">{ "✗ " }</span><code>{ n.clone() }</code></span> }
        }
        None => html! { <span class="muted">{ "—" }</span> },
    };
    let folder =
        (e.path != e.name).then(|| html! { <span class="path muted">{ e.path.clone() }</span> });
    let stored = if e.method == "file" || e.compressed_size == e.size || e.size == 0 {
        e.method.clone()
    } else {
        format!(
            "{} ({}%)",
            e.method,
            (e.compressed_size.saturating_mul(100) / e.size).min(999)
        )
    };
    html! {
        <tr data-testid="entry" data-name={e.name.clone()}>
            <th scope="row" data-label="Name"><code>{ e.name.clone() }</code>{ folder }</th>
            <td data-label="Size (bytes)" class="num" title={format::size(e.size)}>{ format::bytes(e.size) }</td>
            <td data-label="Stored">{ stored }</td>
            <td data-label="CRC-32"><code>{ e.crc32.clone() }</code></td>
            <td data-label="CRC">{ crc }</td>
            <td data-label="Role">{ format::role(e.role) }</td>
            <td data-label="Name in header" class="wide">{ embedded }</td>
        </tr>
    }
}
