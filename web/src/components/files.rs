//! The generated configuration files: a preview of each, when the phone reads it,
//! and a download button per file.

use std::rc::Rc;

use lifeline_shared::firmware::inspect::Report;
use yew::prelude::*;

use super::rich;
use crate::browser;
use crate::format;
use crate::settings::{self, Blocked, Form};

/// Props of [`FileList`].
#[derive(Properties, PartialEq)]
pub struct FileListProps {
    /// The firmware's report.
    pub report: Rc<Report>,
    /// The settings as typed.
    pub form: Form,
}

/// The files section.
#[function_component]
pub fn FileList(props: &FileListProps) -> Html {
    let failed = use_state_eq(|| None::<String>);
    let files = settings::files(Some(&props.report), &props.form);
    let body = match files {
        Err(Blocked::Firmware(why)) => html! { <p class="muted">{ format!("{why}.") }</p> },
        Err(Blocked::CallManagers) => html! {
            <p class="muted" data-testid="files-blocked">
                { "Enter a call-control address above to see the files." }
            </p>
        },
        Ok(files) => {
            let many = files.len() > 3;
            html! {
                <div class="file-list">
                    { for files.into_iter().enumerate().map(|(i, f)| {
                        let onclick = {
                            let failed = failed.clone();
                            let name = f.name.clone();
                            let text = f.text.clone();
                            Callback::from(move |_: MouseEvent| {
                                let kind = if name.ends_with(".xml") { "application/xml" } else { "text/plain" };
                                failed.set(browser::download(&name, text.as_bytes(), kind).err());
                            })
                        };
                        html! {
                            <details class="file" data-testid="file" data-name={f.name.clone()}
                                open={!many || i < 2}>
                                <summary>
                                    <code class="file-name">{ f.name.clone() }</code>
                                    <span class="muted">{ format!(" · {}", format::size(f.text.len() as u64)) }</span>
                                </summary>
                                <p class="file-note"><span aria-hidden="true">{ "ℹ " }</span>{ f.note.clone() }</p>
                                { for f.findings.iter().map(|x| html! {
                                    <p class="field-warnings"><span aria-hidden="true">{ "⚠ " }</span>{ rich(&x.message) }{ " " }{ rich(&x.fix) }</p>
                                }) }
                                <pre class="preview" data-testid="preview"><code>{ f.text.clone() }</code></pre>
                                <button type="button" class="button quiet" data-testid="download-file" {onclick}>
                                    { "Download" }<span class="visually-hidden">{ format!(" {}", f.name) }</span>
                                </button>
                            </details>
                        }
                    }) }
                </div>
            }
        }
    };
    html! {
        <section class="panel files" data-testid="files" aria-labelledby="files-title">
            <h2 id="files-title">{ "Files for the TFTP server" }</h2>
            { body }
            if let Some(why) = &*failed {
                <p class="field-error" role="alert">{ format::sentence(&format!("The file could not be saved: {why}")) }</p>
            }
        </section>
    }
}
