//! The firmware kept in this browser (IndexedDB), so a reload reads it back
//! instead of asking for it again.
//!
//! The files are stored as the browser gave them (`File` objects, which
//! IndexedDB copies whole), under one key: there is at most one kept
//! firmware, the last one that was inspected. [`forget`] deletes it. Every
//! failure is a value (a browser without IndexedDB, a private window that
//! refuses it, a full disk); nothing here panics.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, File, IdbDatabase, IdbRequest, IdbTransaction, IdbTransactionMode};

const DB: &str = "lifeline";
const STORE: &str = "firmware";
const KEY: &str = "current";

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

/// Waits until `set` has had one of its two handlers (success, failure)
/// called; a failure is `error()`.
async fn settle(
    set: impl FnOnce(&Function, &Function),
    error: impl FnOnce() -> JsValue + 'static,
) -> Result<(), JsValue> {
    let mut parts = Some((set, error));
    let promise = Promise::new(&mut |resolve, reject| {
        let Some((set, error)) = parts.take() else {
            return;
        };
        let ok = Closure::once_into_js(move |_: Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let fail = Closure::once_into_js(move |_: Event| {
            let _ = reject.call1(&JsValue::NULL, &error());
        });
        set(ok.unchecked_ref(), fail.unchecked_ref());
    });
    JsFuture::from(promise).await.map(|_| ())
}

async fn request(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let failed = req.clone();
    settle(
        |ok, fail| {
            req.set_onsuccess(Some(ok));
            req.set_onerror(Some(fail));
        },
        move || {
            failed
                .error()
                .ok()
                .flatten()
                .map(Into::into)
                .unwrap_or(JsValue::NULL)
        },
    )
    .await?;
    req.result()
}

/// Waits for a transaction to be written (or to fail: a full disk shows here).
async fn finished(tx: &IdbTransaction) -> Result<(), JsValue> {
    let failed = tx.clone();
    settle(
        |ok, fail| {
            tx.set_oncomplete(Some(ok));
            // A failed request, or a full disk at commit, aborts the transaction.
            tx.set_onabort(Some(fail));
        },
        move || failed.error().map(Into::into).unwrap_or(JsValue::NULL),
    )
    .await
}

async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or(JsValue::NULL)?
        .indexed_db()?
        .ok_or(JsValue::NULL)?;
    let req = factory.open_with_u32(DB, 1)?;
    let upgrading = req.clone();
    let upgrade = Closure::once_into_js(move |_: Event| {
        if let Ok(db) = upgrading
            .result()
            .and_then(|r| r.dyn_into::<IdbDatabase>().map_err(Into::into))
        {
            let _ = db.create_object_store(STORE);
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    Ok(request(&req).await?.unchecked_into())
}

fn transaction(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<IdbTransaction, JsValue> {
    db.transaction_with_str_and_mode(STORE, mode)
}

/// Keeps `files` as the firmware to read back, replacing any kept before.
pub async fn save(files: &[File]) -> Result<(), String> {
    let run = async {
        let db = open().await?;
        let tx = transaction(&db, IdbTransactionMode::Readwrite)?;
        let list: Array = files.iter().collect();
        tx.object_store(STORE)?
            .put_with_key(&list, &JsValue::from_str(KEY))?;
        let done = finished(&tx).await;
        db.close();
        done
    };
    run.await.map_err(|e| why(&e))
}

/// The kept firmware's files; empty when none is kept or it cannot be read.
pub async fn load() -> Vec<File> {
    let run = async {
        let db = open().await?;
        let tx = transaction(&db, IdbTransactionMode::Readonly)?;
        let value = request(&tx.object_store(STORE)?.get(&JsValue::from_str(KEY))?).await;
        db.close();
        value
    };
    match run.await {
        Ok(value) if Array::is_array(&value) => Array::from(&value)
            .iter()
            .filter_map(|f| f.dyn_into::<File>().ok())
            .collect(),
        _ => Vec::new(),
    }
}

/// Deletes the kept firmware. `Err`: why it could not be.
pub async fn forget() -> Result<(), String> {
    let run = async {
        let db = open().await?;
        let tx = transaction(&db, IdbTransactionMode::Readwrite)?;
        tx.object_store(STORE)?.delete(&JsValue::from_str(KEY))?;
        let done = finished(&tx).await;
        db.close();
        done
    };
    run.await.map_err(|e| why(&e))
}
