//! Bytes offered as a download.

use std::time::Duration;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlElement, Url};
use yew::platform::{spawn_local, time::sleep};

/// Offers `data` as a download named `name`: a Blob, an object URL and a
/// temporary `<a download>`; the URL is revoked once the browser has taken it.
pub fn download(name: &str, data: &[u8], mime: &str) -> Result<(), String> {
    let fail = |what: &str, e: JsValue| {
        let detail = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_default();
        format!("the browser could not {what} ({detail})")
    };
    let window = web_sys::window().ok_or("there is no browser window")?;
    let document = window.document().ok_or("there is no document")?;
    let parts = Array::of1(&Uint8Array::from(data));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|e| fail("hold the file", e))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|e| fail("hold the file", e))?;
    let link = document
        .create_element("a")
        .map_err(|e| fail("make the link", e))?;
    let clicked = link
        .set_attribute("href", &url)
        .and_then(|()| link.set_attribute("download", name))
        .map_err(|e| fail("make the link", e))
        .and_then(|()| {
            let body = document.body().ok_or("there is no page body")?;
            body.append_child(&link)
                .map_err(|e| fail("make the link", e))?;
            link.dyn_ref::<HtmlElement>()
                .ok_or("the link is not an element")?
                .click();
            link.remove();
            Ok(())
        });
    // The download has started; the URL may go once the browser has read it.
    spawn_local(async move {
        sleep(Duration::from_secs(30)).await;
        let _ = Url::revoke_object_url(&url);
    });
    clicked
}
