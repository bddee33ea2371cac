//! Serving the web app: the files of `dist/` (built by `cargo xtask dist`) are
//! embedded in the binary at compile time and served over plain HTTP.
//!
//! Invariants: `dist/X.br` and `dist/X.gz`, when present, hold `X` compressed; a
//! request for `X` gets one of them, with `Content-Encoding`, when its
//! `Accept-Encoding` allows (brotli first, then gzip), and `X` itself otherwise. The
//! compressed files are not served under their own names. Every file response
//! carries `Vary: Accept-Encoding` and the `Content-Type` of `X`.

use std::future::Future;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// The built web app. `allow_missing` lets the helper compile before the UI has
/// been built; it then answers `/` with 503 and an explanation.
#[derive(RustEmbed)]
#[folder = "../dist"]
#[allow_missing = true]
struct Assets;

/// The page served at `/` when the helper was built without the UI.
const NOT_BUILT_PAGE: &str = "<!doctype html>\n\
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lifeline: UI not built</title></head>\n\
<body><h1>The Lifeline UI was not built</h1>\n\
<p>This <code>lifeline</code> binary was compiled without the web app. \
Build it and start the helper again with <code>cargo xtask run</code>.</p>\n\
</body></html>\n";

/// Whether this binary carries the web app (`dist/index.html` was present at build time).
pub fn ui_is_embedded() -> bool {
    Assets::get("index.html").is_some()
}

/// The router serving the embedded web app.
pub fn router() -> Router {
    Router::new().fallback(handle)
}

/// Serves the web app on `listener` until `shutdown` completes, then finishes the
/// requests in flight and returns.
///
/// The listener is bound by the caller, so that it can report bind errors its own
/// way and tests can bind port 0.
pub async fn serve(
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_with(listener, Router::new(), shutdown).await
}

/// [`serve`], with more routes (the control plane's `/ws`) in front of the app.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    routes: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if !ui_is_embedded() {
        tracing::warn!("this binary was built without the web app; `/` answers 503");
    }
    axum::serve(listener, routes.merge(router()))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

async fn handle(method: Method, uri: Uri, request_headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n").into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }

    let path = match uri.path() {
        "/" => "index.html",
        other => other.trim_start_matches('/'),
    };
    tracing::debug!(%method, path, "request");

    if Coding::ALL.iter().any(|c| {
        path.strip_suffix(c.suffix())
            .is_some_and(|x| Assets::get(x).is_some())
    }) {
        return not_found();
    }
    let Some(identity) = Assets::get(path) else {
        if path == "index.html" {
            return with_common_headers(
                (StatusCode::SERVICE_UNAVAILABLE, NOT_BUILT_PAGE).into_response(),
                "text/html; charset=utf-8",
            );
        }
        return not_found();
    };
    let accept_encoding = request_headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let stored = choose_coding(accept_encoding, |c| {
        Assets::get(&format!("{path}{}", c.suffix()))
    });
    let coding = stored.as_ref().map(|(c, _)| *c);
    let file = stored.map_or(identity, |(_, file)| file);

    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    let not_modified = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag));

    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(file.data))
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(c) = coding {
        headers.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(c.token()),
        );
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    with_common_headers(response, content_type(path))
}

fn not_found() -> Response {
    with_common_headers(
        (StatusCode::NOT_FOUND, "Not found\n").into_response(),
        "text/plain; charset=utf-8",
    )
}

/// A content coding `dist/` holds precompressed files for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
}

impl Coding {
    /// Best first: brotli files are the smaller.
    const ALL: [Self; 2] = [Self::Brotli, Self::Gzip];

    /// The name in `Accept-Encoding` and `Content-Encoding`.
    fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }

    /// What `cargo xtask dist` appends to a file's name.
    fn suffix(self) -> &'static str {
        match self {
            Self::Brotli => ".br",
            Self::Gzip => ".gz",
        }
    }
}

/// The best coding that the request accepts and that `stored` finds, with what it
/// found; `None` means the file itself.
fn choose_coding<T>(
    accept_encoding: &str,
    stored: impl Fn(Coding) -> Option<T>,
) -> Option<(Coding, T)> {
    Coding::ALL
        .into_iter()
        .filter(|c| accepts(accept_encoding, c.token()))
        .find_map(|c| stored(c).map(|found| (c, found)))
}

/// Whether an `Accept-Encoding` value accepts `coding`: named, or matched by `*`,
/// with a weight above zero (`q=0` refuses). A coding named outright overrides `*`;
/// an absent or empty header accepts no coding.
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut wildcard = false;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let weight = parts.find_map(|p| {
            let (key, value) = p.split_once('=')?;
            key.trim().eq_ignore_ascii_case("q").then(|| value.trim())
        });
        let accepted = weight.is_none_or(|q| q.parse::<f32>().is_ok_and(|q| q > 0.0));
        if name.eq_ignore_ascii_case(coding) {
            return accepted;
        }
        if name == "*" {
            wildcard = accepted;
        }
    }
    wildcard
}

fn with_common_headers(mut response: Response, content_type: &str) -> Response {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // Always revalidate: a rebuilt helper must never run a stale UI.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The `Content-Type` for a served path. The types browsers are strict about
/// (module scripts, streaming wasm compilation) are spelled out here rather than
/// left to the guessing table.
pub fn content_type(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => mime_guess::from_path(path)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn content_types_browsers_insist_on() {
        assert_eq!(content_type("lifeline_web_bg.wasm"), "application/wasm");
        assert!(content_type("lifeline_web.js").starts_with("text/javascript"));
        assert!(content_type("snippets/x/inline0.JS").starts_with("text/javascript"));
        assert!(content_type("index.html").starts_with("text/html"));
        assert!(content_type("style.css").starts_with("text/css"));
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }

    /// Every name is stored in every coding.
    fn all_stored(_: Coding) -> Option<()> {
        Some(())
    }

    /// The coding chosen, without what was found.
    fn chosen(accept: &str, stored: impl Fn(Coding) -> Option<()>) -> Option<Coding> {
        choose_coding(accept, stored).map(|(c, ())| c)
    }

    #[test]
    fn brotli_is_preferred_then_gzip_then_the_file_itself() {
        let chosen = |accept| chosen(accept, all_stored);
        assert_eq!(chosen("gzip, deflate, br, zstd"), Some(Coding::Brotli));
        assert_eq!(chosen("gzip"), Some(Coding::Gzip));
        assert_eq!(chosen("deflate"), None);
        assert_eq!(chosen("identity"), None);
        assert_eq!(chosen("BR"), Some(Coding::Brotli));
        // Weights above zero do not reorder: the smaller file wins.
        assert_eq!(chosen("br;q=0.1, gzip;q=1.0"), Some(Coding::Brotli));
    }

    #[test]
    fn no_header_or_an_empty_one_gets_the_file_itself() {
        assert_eq!(chosen("", all_stored), None);
        assert_eq!(chosen("  ", all_stored), None);
    }

    #[test]
    fn q_zero_refuses_a_coding() {
        let chosen = |accept| chosen(accept, all_stored);
        assert_eq!(chosen("br;q=0, gzip"), Some(Coding::Gzip));
        assert_eq!(chosen("br; q=0.000, gzip;q=0.5"), Some(Coding::Gzip));
        assert_eq!(chosen("br;q=0, gzip;Q=0"), None);
        assert_eq!(chosen("br;q=nonsense, gzip"), Some(Coding::Gzip));
    }

    #[test]
    fn the_wildcard_accepts_what_is_not_named() {
        let chosen = |accept| chosen(accept, all_stored);
        assert_eq!(chosen("*"), Some(Coding::Brotli));
        assert_eq!(chosen("br;q=0, *"), Some(Coding::Gzip));
        assert_eq!(chosen("*;q=0"), None);
        assert_eq!(chosen("*;q=0, gzip"), Some(Coding::Gzip));
    }

    #[test]
    fn a_coding_without_a_stored_file_is_skipped() {
        let gzip_only = |c| (c == Coding::Gzip).then_some(());
        assert_eq!(chosen("br, gzip", gzip_only), Some(Coding::Gzip));
        assert_eq!(chosen("br", gzip_only), None);
        assert_eq!(chosen("br, gzip", |_| None), None);
    }

    async fn get(addr: std::net::SocketAddr, method: &str, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.unwrap();
        String::from_utf8_lossy(&response).into_owned()
    }

    #[tokio::test]
    async fn serves_and_shuts_down() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, async move {
            let _ = stop_rx.await;
        }));

        let missing = get(addr, "GET", "/no/such/file.js").await;
        assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
        assert!(
            missing
                .to_ascii_lowercase()
                .contains("cache-control: no-cache")
        );

        let post = get(addr, "POST", "/").await;
        assert!(post.starts_with("HTTP/1.1 405"), "{post}");

        let root = get(addr, "GET", "/").await;
        if ui_is_embedded() {
            assert!(root.starts_with("HTTP/1.1 200"), "{root}");
        } else {
            assert!(root.starts_with("HTTP/1.1 503"), "{root}");
            assert!(root.contains("cargo xtask run"), "{root}");
        }
        assert!(
            root.to_ascii_lowercase()
                .contains("content-type: text/html; charset=utf-8")
        );

        stop_tx.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
