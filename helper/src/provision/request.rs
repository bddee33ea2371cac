//! A request head, read from bytes: bounded, never panicking, every refusal a
//! status and a reason. Pure: the connection loop hands it what it has read.

use std::fmt;

/// The most headers a request may have.
pub const MAX_HEADERS: usize = 48;

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub method: Method,
    /// The path, percent-decoded, without query or fragment (`/SEP….cnf.xml`).
    pub path: String,
    /// The `Range` header's value, when there is one.
    pub range: Option<String>,
    /// Whether the connection stays open after the answer.
    pub keep_alive: bool,
    /// The request has a body (`Content-Length` > 0 or `Transfer-Encoding`):
    /// it is not read, so the connection closes after the answer.
    pub has_body: bool,
}

/// The request's method, as far as this server cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    Get,
    Head,
    /// Anything else (answered 405).
    Other(String),
}

/// Why a head is refused; each is answered with its status and closes the
/// connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadError {
    /// Not HTTP/1.x, or a malformed head (400).
    Malformed(&'static str),
    /// Longer than the limit, or too many headers (431).
    TooLarge,
    /// A target that is not a path (400).
    BadTarget(&'static str),
}

impl HeadError {
    /// The status line's code and words.
    pub fn status(&self) -> (u16, &'static str) {
        match self {
            HeadError::TooLarge => (431, "Request Header Fields Too Large"),
            HeadError::Malformed(_) | HeadError::BadTarget(_) => (400, "Bad Request"),
        }
    }
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::Malformed(why) => write!(f, "malformed request: {why}"),
            HeadError::TooLarge => f.write_str("the request head is too large"),
            HeadError::BadTarget(why) => write!(f, "bad request target: {why}"),
        }
    }
}

/// Parses the head at the start of `bytes`: `Ok(None)` while it is
/// incomplete (and still within `max_len`), else the head and its length.
pub fn parse(bytes: &[u8], max_len: usize) -> Result<Option<(Head, usize)>, HeadError> {
    // Blank lines before a request are allowed (RFC 9112 §2.2).
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let len = match request.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if bytes.len() > max_len => return Err(HeadError::TooLarge),
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(httparse::Error::Version) => return Err(HeadError::Malformed("not HTTP/1.x")),
        Err(_) => return Err(HeadError::Malformed("not an HTTP/1.x request head")),
    };
    if len > max_len {
        return Err(HeadError::TooLarge);
    }
    let method = match request.method {
        Some("GET") => Method::Get,
        Some("HEAD") => Method::Head,
        Some(other) => Method::Other(other.to_owned()),
        None => return Err(HeadError::Malformed("no method")),
    };
    let target = request.path.ok_or(HeadError::Malformed("no target"))?;
    let path = path_of(target)?;
    let http11 = request.version == Some(1);
    let mut keep_alive = http11;
    let mut range = None;
    let mut has_body = false;
    for h in request.headers.iter() {
        let value = std::str::from_utf8(h.value).unwrap_or("").trim();
        if h.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") && !http11 {
                    keep_alive = true;
                }
            }
        } else if h.name.eq_ignore_ascii_case("range") {
            if range.is_some() {
                return Err(HeadError::Malformed("more than one Range header"));
            }
            range = Some(value.to_owned());
        } else if h.name.eq_ignore_ascii_case("transfer-encoding")
            || (h.name.eq_ignore_ascii_case("content-length") && value != "0")
        {
            has_body = true;
        }
    }
    Ok(Some((
        Head {
            method,
            path,
            range,
            keep_alive: keep_alive && !has_body,
            has_body,
        },
        len,
    )))
}

/// The decoded path of a request target: origin form (`/a?b`) or absolute
/// form (`http://host/a`); `*` and authority forms are refused.
pub fn path_of(target: &str) -> Result<String, HeadError> {
    let rest = if target.starts_with('/') {
        target
    } else if let Some(after) = strip_scheme(target) {
        // `http://host:6970/file`: the path starts at the first `/` after the
        // authority; none means `/`.
        match after.find('/') {
            Some(i) => &after[i..],
            None => "/",
        }
    } else {
        return Err(HeadError::BadTarget(
            "a path starting with `/` was expected",
        ));
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    percent_decode(&rest[..end])
}

fn strip_scheme(target: &str) -> Option<&str> {
    let lower = target.get(..8)?.to_ascii_lowercase();
    if lower.starts_with("http://") {
        Some(&target[7..])
    } else if lower == "https://" {
        Some(&target[8..])
    } else {
        None
    }
}

/// `%XX` to bytes; the result must be UTF-8. `+` stays `+` (it is a space only
/// in query strings).
pub fn percent_decode(text: &str) -> Result<String, HeadError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or(HeadError::BadTarget("`%` without two hex digits"))?;
            let value = std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or(HeadError::BadTarget("`%` without two hex digits"))?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| HeadError::BadTarget("the path is not UTF-8"))
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsk {
    /// The whole file (no header, several ranges, or a header this server
    /// does not read: RFC 9110 §14.2 lets it be ignored).
    Whole,
    /// Bytes `start..=end` (206).
    Part { start: u64, end: u64 },
    /// No byte of it is in the file (416).
    Unsatisfiable,
}

/// Reads a single byte range: `bytes=a-b`, `bytes=a-`, `bytes=-n`.
pub fn range(header: Option<&str>, size: u64) -> RangeAsk {
    let Some(header) = header else {
        return RangeAsk::Whole;
    };
    let Some((unit, spec)) = header.split_once('=') else {
        return RangeAsk::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return RangeAsk::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsk::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        // Too many digits for u64: larger than any file.
        Some(s.parse().unwrap_or(u64::MAX))
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // `-n`: the last n bytes.
        (true, _, Some(n)) => {
            if n == 0 || size == 0 {
                RangeAsk::Unsatisfiable
            } else {
                RangeAsk::Part {
                    start: size.saturating_sub(n),
                    end: size - 1,
                }
            }
        }
        (false, Some(start), None) if last.trim().is_empty() => {
            if start >= size {
                RangeAsk::Unsatisfiable
            } else {
                RangeAsk::Part {
                    start,
                    end: size - 1,
                }
            }
        }
        (false, Some(start), Some(end)) if start <= end => {
            if start >= size {
                RangeAsk::Unsatisfiable
            } else {
                RangeAsk::Part {
                    start,
                    end: end.min(size - 1),
                }
            }
        }
        _ => RangeAsk::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Head {
        parse(text.as_bytes(), 8192).unwrap().unwrap().0
    }

    #[test]
    fn a_phone_s_request_reads() {
        let h = head("GET /SEP001122AABBCC.cnf.xml HTTP/1.1\r\nHost: 10.0.0.1:6970\r\n\r\n");
        assert_eq!(h.method, Method::Get);
        assert_eq!(h.path, "/SEP001122AABBCC.cnf.xml");
        assert!(h.keep_alive && !h.has_body && h.range.is_none());
        let h = head("HEAD /a%20b.bin?x=1#f HTTP/1.0\r\nRange: bytes=1-2\r\n\r\n");
        assert_eq!(
            (h.method, h.path.as_str(), h.range.as_deref(), h.keep_alive),
            (Method::Head, "/a b.bin", Some("bytes=1-2"), false)
        );
        let h = head("GET http://10.0.0.1:6970/dir/f HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert_eq!((h.path.as_str(), h.keep_alive), ("/dir/f", false));
        let h = head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assert!(h.keep_alive);
        let h = head("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        assert_eq!(h.method, Method::Other("POST".into()));
        assert!(h.has_body && !h.keep_alive);
    }

    #[test]
    fn traversal_decodes_to_what_the_name_check_refuses() {
        assert_eq!(
            path_of("/%2e%2e/%2E%2e/etc/passwd").unwrap(),
            "/../../etc/passwd"
        );
        assert_eq!(path_of("/..%5c..%5cwin.ini").unwrap(), "/..\\..\\win.ini");
        assert_eq!(path_of("/a%00b").unwrap(), "/a\0b");
        for bad in ["/%zz", "/%4", "/%ff%fe", "*", "example.com:80", "../x"] {
            assert!(path_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn heads_are_bounded_and_garbage_is_an_error() {
        assert_eq!(parse(b"GET /a HTTP/1.1\r\nHost: x\r\n", 8192), Ok(None));
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(9000));
        assert_eq!(parse(long.as_bytes(), 8192), Err(HeadError::TooLarge));
        let many: String = (0..MAX_HEADERS + 1)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect();
        let text = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert_eq!(parse(text.as_bytes(), 8192), Err(HeadError::TooLarge));
        for garbage in [
            &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..],
            b"GET /a HTTP/2.0\r\n\r\n",
            b"SSH-2.0-OpenSSH_9.2\r\n",
            b"GET /a\r\n\r\n",
        ] {
            assert!(
                matches!(parse(garbage, 8192), Err(HeadError::Malformed(_))),
                "{garbage:?}"
            );
        }
        assert!(matches!(
            parse(
                b"GET /a HTTP/1.1\r\nRange: bytes=1-2\r\nRange: bytes=3-4\r\n\r\n",
                8192
            ),
            Err(HeadError::Malformed(_))
        ));
    }

    #[test]
    fn ranges_read_as_rfc_9110_says() {
        use RangeAsk::*;
        let r = |h: &str| range(Some(h), 1000);
        assert_eq!(range(None, 1000), Whole);
        assert_eq!(r("bytes=0-99"), Part { start: 0, end: 99 });
        assert_eq!(
            r("bytes=990-5000"),
            Part {
                start: 990,
                end: 999
            }
        );
        assert_eq!(
            r("bytes=500-"),
            Part {
                start: 500,
                end: 999
            }
        );
        assert_eq!(
            r("bytes=-100"),
            Part {
                start: 900,
                end: 999
            }
        );
        assert_eq!(r("bytes=-5000"), Part { start: 0, end: 999 });
        assert_eq!(r("BYTES = 1-1"), Part { start: 1, end: 1 });
        assert_eq!(r("bytes=1000-"), Unsatisfiable);
        assert_eq!(r("bytes=1000-2000"), Unsatisfiable);
        assert_eq!(r("bytes=-0"), Unsatisfiable);
        assert_eq!(r("bytes=99999999999999999999999-"), Unsatisfiable);
        assert_eq!(range(Some("bytes=0-0"), 0), Unsatisfiable);
        // Ignored: several ranges, other units, nonsense.
        for whole in [
            "bytes=0-1,5-6",
            "items=0-1",
            "bytes=5-1",
            "bytes=a-b",
            "bytes",
            "bytes=-",
        ] {
            assert_eq!(r(whole), Whole, "{whole}");
        }
    }
}
