//! The firmware kept in this browser (IndexedDB), so a reload reads it back
//! instead of asking for it again.
//!
//! The files are stored as the browser gave them (`File` objects, which
//! IndexedDB copies whole), under one key: there is at most one kept
//! firmware, the last one that was inspected. [`forget`] deletes it. Every
//! failure is a value (a browser without IndexedDB, a private window that
//! refuses it, a full disk); nothing here panics.
//!
//! IndexedDB's callbacks are turned into promises by a few lines of
//! JavaScript beside the app: written in Rust through `web-sys`, the same
//! glue costs the download several times as much.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

#[wasm_bindgen(inline_js = r#"
function db() {
  return new Promise((ok, fail) => {
    const r = indexedDB.open('lifeline', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('firmware');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
}
export async function kept_run(op, files) {
  const d = await db();
  try {
    return await new Promise((ok, fail) => {
      const t = d.transaction('firmware', op === 'get' ? 'readonly' : 'readwrite');
      const s = t.objectStore('firmware');
      const r = op === 'put' ? s.put(files, 'current') : op === 'get' ? s.get('current') : s.delete('current');
      t.oncomplete = () => ok(r.result);
      t.onabort = () => fail(t.error || r.error);
    });
  } finally {
    d.close();
  }
}
"#)]
extern "C" {
    /// `op`: `put` (with `files`), `get` or `delete`; resolves with what was
    /// read, rejects with the browser's error.
    #[wasm_bindgen(catch)]
    fn kept_run(op: &str, files: &JsValue) -> Result<Promise, JsValue>;
}

/// Runs `op` on the kept firmware.
async fn run(op: &str, files: &JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(kept_run(op, files)?).await
}

/// Why the browser would not keep or give back the firmware, in words.
fn why(error: &JsValue) -> String {
    let name = js_sys::Reflect::get(error, &JsValue::from_str("name"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "QuotaExceededError" => "the browser has no room left for it".into(),
        "" => "the browser refused its storage to this page".into(),
        other => format!("the browser refused ({other})"),
    }
}

/// Keeps `files` as the firmware to read back, replacing any kept before.
pub async fn save(files: &[File]) -> Result<(), String> {
    let list: Array = files.iter().collect();
    run("put", &list).await.map(drop).map_err(|e| why(&e))
}

/// The kept firmware's files; empty when none is kept or it cannot be read.
pub async fn load() -> Vec<File> {
    match run("get", &JsValue::UNDEFINED).await {
        Ok(value) if Array::is_array(&value) => Array::from(&value)
            .iter()
            .filter_map(|f| f.dyn_into::<File>().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// Deletes the kept firmware. `Err`: why it could not be.
pub async fn forget() -> Result<(), String> {
    run("delete", &JsValue::UNDEFINED)
        .await
        .map(drop)
        .map_err(|e| why(&e))
}
