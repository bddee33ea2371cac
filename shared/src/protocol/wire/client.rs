//! Writing the page's messages: [`hello`], [`upload_begin`], … each a
//! compact JSON object through the shared [`Writer`].

use crate::bundle::Manifest;
use crate::manifest_json;
use crate::protocol::VERSION;
use crate::protocol::json::Writer;

/// Who the page says it is in `hello`: the browser app and the version every
/// crate of the workspace shares.
const CLIENT: &str = concat!("lifeline-web ", env!("CARGO_PKG_VERSION"));

/// A compact message of type `kind`, open for its other members.
fn message(kind: &str, capacity: usize) -> Writer {
    let mut w = Writer::compact(capacity);
    w.open('{');
    w.key("type");
    w.string(kind);
    w
}

fn finish(mut w: Writer) -> String {
    w.close('}');
    w.finish()
}

fn with_id(kind: &str, id: &str) -> String {
    let mut w = message(kind, 32 + id.len());
    w.key("id");
    w.string(id);
    finish(w)
}

/// `hello`, naming this page.
pub fn hello() -> String {
    let mut w = message("hello", 64);
    w.key("version");
    w.raw(&VERSION.to_string());
    w.key("client");
    w.string(CLIENT);
    finish(w)
}

/// `upload-begin` with the bundle's manifest.
pub fn upload_begin(manifest: &Manifest) -> String {
    let mut w = message("upload-begin", 256 + manifest.files.len() * 128);
    w.key("manifest");
    manifest_json::write_into(&mut w, manifest);
    finish(w)
}

/// `upload-commit`: every chunk was sent.
pub fn upload_commit(id: &str) -> String {
    with_id("upload-commit", id)
}

/// `upload-cancel`: drop what was sent.
pub fn upload_cancel(id: &str) -> String {
    with_id("upload-cancel", id)
}

/// `retry-phones`: start these phones (card ids) over.
pub fn retry_phones(ids: &[String]) -> String {
    let mut w = message("retry-phones", 48 + ids.len() * 24);
    w.key("phones");
    w.open('[');
    for id in ids {
        w.item();
        w.string(id);
    }
    w.close(']');
    finish(w)
}

/// `phone-start`: the load one phone (MAC or address) runs; `None` forgets it.
pub fn phone_start(phone: &str, start: Option<&str>) -> String {
    let mut w = message("phone-start", 64 + phone.len());
    w.key("phone");
    w.string(phone);
    w.key("start");
    w.opt_string(start);
    finish(w)
}

/// `simulate-phones`: boot the bundle's phones as simulations.
pub fn simulate_phones() -> String {
    finish(message("simulate-phones", 32))
}
