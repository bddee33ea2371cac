//! A labelled text field with its hint, its inline error and its warnings: the one
//! way every setting is typed, so an invalid value is always shown next to its
//! field.

use yew::prelude::*;

use super::rich;
use crate::browser;

/// Props of [`TextField`].
#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// The element id (the hint and error ids derive from it).
    pub id: AttrValue,
    pub label: AttrValue,
    /// The label is for screen readers only (a table's column says it).
    #[prop_or_default]
    pub quiet_label: bool,
    /// What to type, in a sentence (names in backticks).
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// The text as typed.
    pub value: AttrValue,
    /// A sample value.
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    /// The test hook.
    pub testid: AttrValue,
    /// Why the value is refused (names in backticks).
    #[prop_or_default]
    pub error: Option<String>,
    /// Odd but accepted (names in backticks).
    #[prop_or_default]
    pub warnings: Vec<String>,
    /// A textarea of this many rows instead of one line.
    #[prop_or_default]
    pub rows: Option<u32>,
    /// A password field.
    #[prop_or_default]
    pub password: bool,
    /// The new text, on every keystroke.
    pub oninput: Callback<String>,
}

#[function_component]
pub fn TextField(props: &TextFieldProps) -> Html {
    let id = &props.id;
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let warn_id = format!("{id}-warn");
    let mut described = Vec::new();
    if props.hint.is_some() {
        described.push(hint_id.as_str());
    }
    if props.error.is_some() {
        described.push(error_id.as_str());
    }
    if !props.warnings.is_empty() {
        described.push(warn_id.as_str());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = props.error.as_ref().map(|_| "true");
    let oninput = {
        let cb = props.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let value = match browser::input_of(&e) {
                Some(input) => input.value(),
                None => browser::textarea_of(&e)
                    .map(|t| t.value())
                    .unwrap_or_default(),
            };
            cb.emit(value);
        })
    };
    let control = match props.rows {
        Some(rows) => html! {
            <textarea id={id.clone()} rows={rows.to_string()} value={props.value.clone()}
                placeholder={props.placeholder.clone()} data-testid={props.testid.clone()}
                aria-describedby={described} aria-invalid={invalid}
                spellcheck="false" autocomplete="off" {oninput} />
        },
        None => html! {
            <input id={id.clone()} type={if props.password { "password" } else { "text" }}
                value={props.value.clone()} placeholder={props.placeholder.clone()}
                data-testid={props.testid.clone()} aria-describedby={described}
                aria-invalid={invalid} spellcheck="false"
                autocomplete={if props.password { "new-password" } else { "off" }} {oninput} />
        },
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("is-invalid"))}>
            <label for={id.clone()} class={classes!(props.quiet_label.then_some("visually-hidden"))}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id}>{ rich(hint) }</p>
            }
            { control }
            if let Some(error) = &props.error {
                <p class="field-error" id={error_id} data-testid={format!("{}-error", props.testid)}>
                    <span aria-hidden="true">{ "✗ " }</span>{ rich(error) }
                </p>
            }
            if !props.warnings.is_empty() {
                <ul class="field-warnings" id={warn_id} data-testid={format!("{}-warnings", props.testid)}>
                    { for props.warnings.iter().map(|w| html! {
                        <li><span aria-hidden="true">{ "⚠ " }</span>{ rich(w) }</li>
                    }) }
                </ul>
            }
        </div>
    }
}
