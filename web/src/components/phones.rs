//! Step 3's phone list: a table, one row a phone and an input a column, each bad
//! row flagged on the row and the field with its reason; a paste box and a file
//! picker that add rows; an export of the table as CSV; and, on a SIP load,
//! where the passwords go.

use std::rc::Rc;

use lifeline_shared::config::phones::Column;
use lifeline_shared::firmware::inspect::Report;
use lifeline_shared::models::{self, Protocol};
use yew::prelude::*;

use super::field::TextField;
use super::{fixed, rich};
use crate::browser;
use crate::format;
use crate::settings::import::ImportNote;
use crate::settings::phones::{self, RowCheck};
use crate::settings::{self, PhoneRow};
use crate::state::Action;

/// The inputs of [`phone_table`].
pub struct PhoneTableProps {
    /// The firmware's report (without errors).
    pub report: Rc<Report>,
    /// The rows as typed.
    pub rows: Vec<PhoneRow>,
    /// The call-control list, when accepted (the default proxy).
    pub call_managers: Option<Vec<String>>,
    /// The paste box's text.
    pub paste: String,
    /// What the last import did.
    pub import: Option<ImportNote>,
    /// Why the last export could not be saved.
    pub export_failed: Option<String>,
    /// Whether passwords are remembered on this computer.
    pub remember: bool,
    pub dispatch: Callback<Action>,
}

const SIP_COLUMNS: [Column; 6] = [
    Column::User,
    Column::AuthName,
    Column::Password,
    Column::DisplayName,
    Column::Proxy,
    Column::Port,
];

/// The phone list section.
pub fn phone_table(props: &PhoneTableProps) -> Html {
    let r = &props.report;
    let table = settings::table(&props.rows, r);
    let sip = settings::protocol(r) == Protocol::Sip;
    // Columns the firmware decides are shown only when a row has something in
    // them to fix.
    let typed = |c: Column| props.rows.iter().any(|row| !row.get(c).trim().is_empty());
    let mut columns = vec![Column::Mac, Column::Model];
    if r.protocol.is_none() || typed(Column::Protocol) {
        columns.push(Column::Protocol);
    }
    if sip || SIP_COLUMNS.iter().any(|c| typed(*c)) {
        columns.extend(SIP_COLUMNS);
    }
    columns.push(Column::Label);
    let own_auth = r
        .family
        .map(models::family)
        .filter(|f| f.needs_auth_name())
        .is_some();
    let proxy = props
        .call_managers
        .as_ref()
        .and_then(|c| c.first().cloned())
        .unwrap_or_else(|| "call control".into());
    let placeholder = |c: Column| -> Option<String> {
        Some(match c {
            Column::Mac => "00:11:22:AA:BB:CC".into(),
            Column::User => "201".into(),
            Column::AuthName if own_auth => "required".into(),
            Column::AuthName | Column::DisplayName => "as the user".into(),
            Column::Proxy => proxy.clone(),
            Column::Port => "5060".into(),
            Column::Protocol => settings::protocol(r).as_str().into(),
            _ => return None,
        })
    };
    let bad = table.bad();
    let phones = table.phones().count();
    let summary = match (phones, bad) {
        (0, 0) => String::new(),
        (n, 0) => format!("{}, all fine.", format::count(n, "phone", "phones")),
        (_, b) => format!(
            "{} to fix: each is marked in the table, with the reason next to the field.",
            format::count(b, "row", "rows")
        ),
    };
    let rows = props.rows.iter().zip(&table.rows).enumerate().map(|(i, (row, check))| {
        let status = if !check.problems.is_empty() {
            "error"
        } else if check.entry.is_some() {
            "ok"
        } else {
            "empty"
        };
        let cells = columns.iter().map(|&c| {
            cell(i, c, row, check, placeholder(c), &props.dispatch)
        });
        let remove = props.dispatch.reform(move |_: MouseEvent| Action::RemoveRow(i));
        html! {
            <tr data-testid="phone-row" data-row={i.to_string()} data-status={status}
                class={classes!((status == "error").then_some("is-invalid"))}>
                <th scope="row" data-label="Row">{ i + 1 }</th>
                { for cells }
                <td data-label="Status" data-testid="row-status">
                    { row_status(check) }
                </td>
                <td>
                    <button type="button" class="button quiet" data-testid="row-remove" onclick={remove}>
                        { "Remove" }<span class="visually-hidden">{ format!(" row {}", i + 1) }</span>
                    </button>
                </td>
            </tr>
        }
    });
    let onpaste = props.dispatch.reform(|e: InputEvent| {
        Action::SetPaste(
            browser::textarea_of(&e)
                .map(|t| t.value())
                .unwrap_or_default(),
        )
    });
    let onfile = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = browser::input_of(&e) else {
                return;
            };
            if let Some(file) = browser::files_of(input.files()).into_iter().next() {
                browser::import_phones(file, dispatch.clone());
            }
            // The same file may be chosen again after it is fixed.
            input.set_value("");
        })
    };
    let onexport = {
        let rows = props.rows.clone();
        props.dispatch.reform(move |_: MouseEvent| {
            let csv = phones::export(&rows);
            Action::PhonesExported(
                browser::download("phones.csv", csv.as_bytes(), "text/csv").err(),
            )
        })
    };
    let any = !props.rows.is_empty();
    html! {
        <section class="panel phones" data-testid="phones" aria-labelledby="phones-title">
            <h2 id="phones-title">{ "Phones " }<span class="muted">{ "(optional)" }</span></h2>
            { fixed(r#"<p class="hint">Each phone listed gets its own file, by MAC; phones not listed use XMLDefault.cnf.xml. Type into the table, or paste a list below. Empty fields take the value shown in grey.</p>"#) }
            <div class="field">
                { fixed(r#"<label for="phones-paste">Paste MAC addresses or a CSV</label><p class="hint" id="phones-paste-hint">MACs one a line or separated by commas, in any usual notation (<code>00:11:22:AA:BB:CC</code>, <code>0011.22aa.bbcc</code>, <code>SEP001122AABBCC</code>), <code>=MODEL</code> after one to check it runs this firmware; or a CSV whose first line names its columns in any order: <code>mac,model,protocol,user,auth_name,password,display_name,proxy,port,label</code> (<code>mac</code> is the one needed; <code>extension</code> is <code>user</code>). Bad rows are added too, marked, to fix in the table.</p>"#) }
                <textarea id="phones-paste" rows="4" value={props.paste.clone()}
                    placeholder={"00:11:22:AA:BB:CC=7961\n0011.22aa.bbcd"} data-testid="phones-paste"
                    aria-describedby="phones-paste-hint" spellcheck="false" autocomplete="off" oninput={onpaste} />
            </div>
            <div class="phone-actions">
                <button type="button" class="button" data-testid="phones-import"
                    onclick={props.dispatch.reform(|_: MouseEvent| Action::ImportPaste)}>{ "Add to the list" }</button>
                <label class="button quiet file-button">
                    { "Import a CSV file…" }
                    <input type="file" accept=".csv,.txt,text/csv,text/plain" class="visually-hidden"
                        data-testid="phones-file" onchange={onfile} />
                </label>
            </div>
            { import_note(props.import.as_ref()) }
            <p class="phones-summary muted" role="status" data-testid="phones-summary">{ summary }</p>
            if any {
                <div class="table-wrap">
                    <table class="table stack phone-table" data-testid="phone-table" aria-labelledby="phones-title">
                        <thead>
                            <tr>
                                <th scope="col">{ "Row" }</th>
                                { for columns.iter().map(|c| html! { <th scope="col">{ phones::label(*c) }</th> }) }
                                <th scope="col">{ "Status" }</th>
                                <th scope="col"><span class="visually-hidden">{ "Remove" }</span></th>
                            </tr>
                        </thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                </div>
            }
            <div class="phone-actions">
                <button type="button" class="button quiet" data-testid="phones-add"
                    onclick={props.dispatch.reform(|_: MouseEvent| Action::AddRow)}>{ "Add a phone" }</button>
                if any {
                    <button type="button" class="button quiet" data-testid="phones-export" onclick={onexport}>{ "Export CSV" }</button>
                    <button type="button" class="button quiet" data-testid="phones-clear"
                        onclick={props.dispatch.reform(|_: MouseEvent| Action::ClearRows)}>{ "Clear the list" }</button>
                }
            </div>
            if any {
                { fixed(r#"<p class="hint" data-testid="phones-export-note">The exported file holds the passwords as typed: keep it as you would keep them. <code>lifeline config --phones</code> reads it back.</p>"#) }
            }
            if let Some(why) = &props.export_failed {
                <p class="field-error" role="alert">{ format::sentence(&format!("The list could not be saved: {why}")) }</p>
            }
            if !table.notes.is_empty() {
                <ul class="notes" data-testid="phones-notes">
                    { for table.notes.iter().map(|n| html! { <li><span aria-hidden="true">{ "ℹ " }</span>{ rich(&format::sentence(n)) }</li> }) }
                </ul>
            }
            if sip {
                { fixed(r#"<p class="hint" data-testid="phones-passwords">Where the passwords go: into each phone's configuration file in the TFTP root, which anyone on the LAN can read. That is how these phones get them, so give them passwords of their own. They are never put in the page's link.</p>"#) }
                <label class="check" data-testid="sip-remember">
                    <input type="checkbox" checked={props.remember}
                        onchange={props.dispatch.reform(|e: Event| Action::SetRemember(e.target_unchecked_into::<web_sys::HtmlInputElement>().checked()))} />
                    { " Remember the passwords on this computer (kept unencrypted in this browser's storage; otherwise a reload asks for them again)" }
                </label>
            }
        </section>
    }
}

/// One cell: its field, and under it the field's reason or warning.
fn cell(
    i: usize,
    c: Column,
    row: &PhoneRow,
    check: &RowCheck,
    placeholder: Option<String>,
    dispatch: &Callback<Action>,
) -> Html {
    let warnings: Vec<String> = check
        .warnings
        .iter()
        .filter(|(k, _)| *k == c)
        .map(|(_, w)| format::sentence(w))
        .collect();
    html! {
        <td data-label={phones::label(c)}>
            <TextField
                id={phones::cell_id(i, c)}
                label={format!("{}, row {}", phones::label(c), i + 1)}
                quiet_label=true
                value={row.get(c).to_string()}
                placeholder={placeholder.map(AttrValue::from)}
                testid={format!("cell-{}", c.name())}
                password={c == Column::Password}
                error={check.problem(c).map(format::sentence)}
                {warnings}
                oninput={dispatch.reform(move |value| Action::SetCell { row: i, column: c, value })}
            />
        </td>
    }
}

/// A row's verdict: its file, what to fix, or nothing typed.
fn row_status(check: &RowCheck) -> Html {
    if let Some(e) = &check.entry {
        return html! {
            <span class="tone-ok"><span aria-hidden="true">{ "✓ " }</span>
                <strong data-testid="sep-name">{ e.mac.sep_name() }</strong></span>
        };
    }
    if check.problems.is_empty() {
        return html! { <span class="muted">{ "empty" }</span> };
    }
    let whole: Vec<&str> = check
        .problems
        .iter()
        .filter(|(c, _)| c.is_none())
        .map(|(_, w)| w.as_str())
        .collect();
    html! {
        <span class="tone-error">
            <span aria-hidden="true">{ "✗ " }</span>
            { format!("{} to fix", format::count(check.problems.len(), "problem", "problems")) }
            { for whole.iter().map(|w| html! { <span class="field-error" data-testid="row-error">{ rich(&format::sentence(w)) }</span> }) }
        </span>
    }
}

/// What the last import did.
fn import_note(note: Option<&ImportNote>) -> Html {
    match note {
        None => Html::default(),
        Some(ImportNote::Added { rows, notes }) => html! {
            <div class="import-note" role="status" data-testid="phones-import-result">
                <p>{ format!("Added {} to the list.", format::count(*rows, "row", "rows")) }</p>
                { for notes.iter().map(|n| html! { <p class="muted"><span aria-hidden="true">{ "ℹ " }</span>{ rich(&format::sentence(n)) }</p> }) }
            </div>
        },
        Some(ImportNote::Refused(why)) => html! {
            <p class="field-error" role="alert" data-testid="phones-import-error">
                <span aria-hidden="true">{ "✗ " }</span>{ rich(&format::sentence(&format!("Nothing was added: {why}"))) }
            </p>
        },
    }
}
