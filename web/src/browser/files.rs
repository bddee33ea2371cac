//! The files a person hands the page, from the file input or a drop, and
//! their bytes.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DataTransfer, File, FileList};

use crate::intake::ReadFailure;

/// The files of a `FileList` (from the file input or a drop).
pub fn files_of(list: Option<FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// What a drop holds: its files, or why they are refused (a folder among them).
pub fn dropped(dt: Option<DataTransfer>) -> Result<Vec<File>, ReadFailure> {
    let Some(dt) = dt else { return Ok(Vec::new()) };
    let items = dt.items();
    for i in 0..items.length() {
        let entry = items
            .get(i)
            .filter(|item| item.kind() == "file")
            .and_then(|item| item.webkit_get_as_entry().ok().flatten());
        if let Some(entry) = entry.filter(|e| e.is_directory()) {
            return Err(ReadFailure::Folder { name: entry.name() });
        }
    }
    Ok(files_of(dt.files()))
}

/// A file's bytes, through `Blob.arrayBuffer()`.
pub(super) async fn read(file: &File) -> Result<Vec<u8>, ReadFailure> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| unreadable(file, &e))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn unreadable(file: &File, error: &JsValue) -> ReadFailure {
    let field = |name: &str| {
        Reflect::get(error, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (kind, message) = if error.is_object() {
        (field("name"), field("message"))
    } else {
        (String::new(), error.as_string().unwrap_or_default())
    };
    ReadFailure::Unreadable {
        name: file.name(),
        kind,
        message,
    }
}
