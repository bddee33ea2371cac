//! The helper's websocket messages, read and written without serde_json.
//!
//! serde_json's reader would add tens of kilobytes of WebAssembly for the dozen
//! message shapes the page needs, so this module has a small JSON reader
//! ([`Json::parse`]) and decoders into the shared protocol types
//! ([`server_message`]); the few client messages are written by hand
//! ([`hello`], [`upload_begin`], …). Pure, with native tests that hold both
//! directions to serde_json.
//!
//! Invariants:
//! - Reading never panics, whatever the text: bounded depth and length, and
//!   every missing or mistyped field is an [`WireError`], never a default that
//!   could show something that was not said.
//! - Unknown message types, events, diagnoses and DHCP steps are reported as
//!   such ([`WireError::Unknown`], [`Event::Unknown`], …) so a newer helper does
//!   not break an older page.
//! - Numbers are read as integers; the two float fields of a finished transfer
//!   (seconds, bytes per second) are read to the microsecond, without float
//!   parsing code.

use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};

use lifeline_shared::bundle::Manifest;
use lifeline_shared::events::{
    DhcpEvent, DhcpStep, Diagnosis, Event, FileState, OptionPair, Outcome, PhoneFile, PhoneState,
    PhoneSummary, Resolution, Stats, TftpEnd, TftpProgress, TftpRefused, TftpRequest,
};
use lifeline_shared::manifest_json;
use lifeline_shared::protocol::{
    CurrentBundle, ErrorCode, FileChunks, Interface, InterfaceAddress, MAX_TEXT, ServerMessage,
    Service, Status, VERSION,
};

/// The deepest nesting read (the messages need five levels).
const MAX_DEPTH: usize = 32;

/// A JSON value. Numbers keep their text; objects keep their order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Num(String),
    /// A string, unescaped.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object.
    Obj(Vec<(String, Json)>),
}

/// Why a message could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WireError {
    /// Not JSON (what, and where).
    Syntax(&'static str, usize),
    /// Longer than the protocol allows.
    TooLong,
    /// A field is missing or of the wrong type.
    Field(&'static str),
    /// A message or value this page does not know (a newer helper).
    Unknown(String),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Syntax(what, at) => write!(f, "not JSON: {what} at byte {at}"),
            WireError::TooLong => write!(f, "longer than {MAX_TEXT} bytes"),
            WireError::Field(name) => write!(f, "the field `{name}` is missing or not valid"),
            WireError::Unknown(what) => write!(f, "`{what}` is not known to this page"),
        }
    }
}

type Result<T> = std::result::Result<T, WireError>;

impl Json {
    /// Reads one JSON text.
    pub fn parse(text: &str) -> Result<Json> {
        if text.len() > MAX_TEXT {
            return Err(WireError::TooLong);
        }
        let mut p = Parser {
            b: text.as_bytes(),
            at: 0,
        };
        let v = p.value(0)?;
        p.space();
        if p.at != p.b.len() {
            return Err(WireError::Syntax("text after the value", p.at));
        }
        Ok(v)
    }

    /// A member of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(n) => n.parse().ok(),
            _ => None,
        }
    }

    fn as_arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// A number with a fraction or exponent, to the microsecond (no float
    /// parsing code).
    fn as_f64(&self) -> Option<f64> {
        let Json::Num(n) = self else { return None };
        let (mantissa, exp) = match n.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().ok()?),
            None => (n.as_str(), 0),
        };
        let (neg, mantissa) = match mantissa.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mantissa),
        };
        let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let mut digits: u64 = 0;
        let mut scale: i32 = exp;
        for c in whole.bytes().chain(frac.bytes()) {
            if digits < u64::MAX / 100 {
                digits = digits * 10 + u64::from(c - b'0');
            } else {
                scale += 1;
            }
        }
        scale -= frac.len() as i32;
        // One multiplication or division by an exact power of ten (up to 1e22),
        // so short decimals come out as the nearest double.
        let mut power = 1.0_f64;
        for _ in 0..scale.unsigned_abs().min(400) {
            power *= 10.0;
        }
        let v = if scale >= 0 {
            digits as f64 * power
        } else {
            digits as f64 / power
        };
        Some(if neg { -v } else { v })
    }
}

struct Parser<'a> {
    b: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.at) {
            self.at += 1;
        }
    }

    fn fail<T>(&self, what: &'static str) -> Result<T> {
        Err(WireError::Syntax(what, self.at))
    }

    fn eat(&mut self, word: &str) -> Result<()> {
        if self.b[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            self.fail("an unknown word")
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json> {
        if depth > MAX_DEPTH {
            return self.fail("nested too deeply");
        }
        self.space();
        match self.b.get(self.at) {
            None => self.fail("the end of the text"),
            Some(b'n') => self.eat("null").map(|()| Json::Null),
            Some(b't') => self.eat("true").map(|()| Json::Bool(true)),
            Some(b'f') => self.eat("false").map(|()| Json::Bool(false)),
            Some(b'"') => self.string().map(Json::Str),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.b.get(self.at) == Some(&b']') {
                    self.at += 1;
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Arr(items));
                        }
                        _ => return self.fail("an array without `]`"),
                    }
                }
            }
            Some(b'{') => {
                self.at += 1;
                let mut members = Vec::new();
                self.space();
                if self.b.get(self.at) == Some(&b'}') {
                    self.at += 1;
                    return Ok(Json::Obj(members));
                }
                loop {
                    self.space();
                    if self.b.get(self.at) != Some(&b'"') {
                        return self.fail("a member without a name");
                    }
                    let key = self.string()?;
                    self.space();
                    if self.b.get(self.at) != Some(&b':') {
                        return self.fail("a member without `:`");
                    }
                    self.at += 1;
                    members.push((key, self.value(depth + 1)?));
                    self.space();
                    match self.b.get(self.at) {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Obj(members));
                        }
                        _ => return self.fail("an object without `}`"),
                    }
                }
            }
            Some(_) => self.fail("an unexpected character"),
        }
    }

    fn number(&mut self) -> Result<Json> {
        let start = self.at;
        if self.b.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.at;
            while p.b.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at > s
        };
        if !digits(self) {
            return self.fail("a number without digits");
        }
        if self.b.get(self.at) == Some(&b'.') {
            self.at += 1;
            if !digits(self) {
                return self.fail("a number without digits after `.`");
            }
        }
        if let Some(b'e' | b'E') = self.b.get(self.at) {
            self.at += 1;
            if let Some(b'+' | b'-') = self.b.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return self.fail("a number without an exponent");
            }
        }
        // Only ASCII was consumed, so this is a char boundary.
        let text = String::from_utf8_lossy(&self.b[start..self.at]).into_owned();
        Ok(Json::Num(text))
    }

    fn hex4(&mut self) -> Result<u32> {
        let Some(h) = self.b.get(self.at..self.at + 4) else {
            return self.fail("a short `\\u` escape");
        };
        let mut v = 0;
        for &c in h {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return self.fail("a bad `\\u` escape"),
            };
            v = v * 16 + u32::from(d);
        }
        self.at += 4;
        Ok(v)
    }

    fn string(&mut self) -> Result<String> {
        self.at += 1; // the opening quote
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.at) else {
                return self.fail("a string without its closing quote");
            };
            self.at += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.b.get(self.at) else {
                        return self.fail("a string without its closing quote");
                    };
                    self.at += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.b[self.at..].starts_with(b"\\u") {
                                    return self.fail("half a surrogate pair");
                                }
                                self.at += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return self.fail("half a surrogate pair");
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(ch) => ch,
                                None => return self.fail("half a surrogate pair"),
                            }
                        }
                        _ => return self.fail("an unknown escape"),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return self.fail("a control character in a string"),
                _ => out.push(c),
            }
        }
        // The input was a &str and escapes were encoded as UTF-8: still UTF-8.
        String::from_utf8(out).or_else(|_| self.fail("a string that is not UTF-8"))
    }
}

// ---- reading the helper's messages ---------------------------------------------

fn field<'a>(v: &'a Json, name: &'static str) -> Result<&'a Json> {
    v.get(name).ok_or(WireError::Field(name))
}

fn text(v: &Json, name: &'static str) -> Result<String> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or(WireError::Field(name))
}

/// A string that may be missing or `null`.
fn opt_text(v: &Json, name: &'static str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(WireError::Field(name)),
    }
}

fn int(v: &Json, name: &'static str) -> Result<u64> {
    field(v, name)?.as_u64().ok_or(WireError::Field(name))
}

fn opt_int(v: &Json, name: &'static str) -> Result<Option<u64>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(n) => n.as_u64().map(Some).ok_or(WireError::Field(name)),
    }
}

fn small<T: TryFrom<u64>>(v: &Json, name: &'static str) -> Result<T> {
    T::try_from(int(v, name)?).map_err(|_| WireError::Field(name))
}

fn float(v: &Json, name: &'static str) -> Result<f64> {
    field(v, name)?.as_f64().ok_or(WireError::Field(name))
}

fn flag(v: &Json, name: &'static str) -> Result<bool> {
    match field(v, name)? {
        Json::Bool(b) => Ok(*b),
        _ => Err(WireError::Field(name)),
    }
}

fn list<'a>(v: &'a Json, name: &'static str) -> Result<&'a [Json]> {
    field(v, name)?.as_arr().ok_or(WireError::Field(name))
}

fn each<T>(v: &Json, name: &'static str, read: impl Fn(&Json) -> Result<T>) -> Result<Vec<T>> {
    let items = list(v, name)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(read(item)?);
    }
    Ok(out)
}

fn strings(v: &Json, name: &'static str) -> Result<Vec<String>> {
    each(v, name, |s| {
        s.as_str().map(str::to_string).ok_or(WireError::Field(name))
    })
}

fn ipv4(v: &Json, name: &'static str) -> Result<Ipv4Addr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}

fn opt_ipv4(v: &Json, name: &'static str) -> Result<Option<Ipv4Addr>> {
    match opt_text(v, name)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| WireError::Field(name)),
    }
}

fn ipv4s(v: &Json, name: &'static str) -> Result<Vec<Ipv4Addr>> {
    each(v, name, |a| {
        a.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or(WireError::Field(name))
    })
}

fn socket(v: &Json, name: &'static str) -> Result<SocketAddr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}

/// Reads one text frame from the helper.
pub fn server_message(text_frame: &str) -> Result<ServerMessage> {
    let v = Json::parse(text_frame)?;
    let kind = text(&v, "type")?;
    Ok(match kind.as_str() {
        "hello" => ServerMessage::Hello {
            version: small(&v, "version")?,
            helper: text(&v, "helper")?,
        },
        "error" => ServerMessage::Error {
            code: error_code(&text(&v, "code")?),
            message: text(&v, "message")?,
            file: opt_text(&v, "file")?,
        },
        "status" => ServerMessage::Status(status(&v)?),
        "upload-ready" => ServerMessage::UploadReady {
            id: text(&v, "id")?,
            chunk_size: small(&v, "chunk_size")?,
            have: each(&v, "have", |h| {
                Ok(FileChunks {
                    file: small(h, "file")?,
                    ranges: each(h, "ranges", |r| match r.as_arr() {
                        Some([a, b]) => match (a.as_u64(), b.as_u64()) {
                            (Some(a), Some(b)) => Ok([
                                u32::try_from(a).map_err(|_| WireError::Field("ranges"))?,
                                u32::try_from(b).map_err(|_| WireError::Field("ranges"))?,
                            ]),
                            _ => Err(WireError::Field("ranges")),
                        },
                        _ => Err(WireError::Field("ranges")),
                    })?,
                })
            })?,
            received: int(&v, "received")?,
            total: int(&v, "total")?,
        },
        "upload-progress" => ServerMessage::UploadProgress {
            id: text(&v, "id")?,
            received: int(&v, "received")?,
            total: int(&v, "total")?,
        },
        "upload-verifying" => ServerMessage::UploadVerifying {
            id: text(&v, "id")?,
        },
        "upload-switched" => ServerMessage::UploadSwitched {
            id: text(&v, "id")?,
            files: small(&v, "files")?,
            bytes: int(&v, "bytes")?,
        },
        "event" => ServerMessage::Event(event(&v)?),
        "phone" => ServerMessage::Phone(phone(&v)?),
        "phones" => ServerMessage::Phones {
            phones: each(&v, "phones", phone)?,
        },
        _ => return Err(WireError::Unknown(kind)),
    })
}

fn error_code(code: &str) -> ErrorCode {
    match code {
        "version-mismatch" => ErrorCode::VersionMismatch,
        "out-of-order" => ErrorCode::OutOfOrder,
        "bad-manifest" => ErrorCode::BadManifest,
        "bad-chunk" => ErrorCode::BadChunk,
        "hash-mismatch" => ErrorCode::HashMismatch,
        "incomplete" => ErrorCode::Incomplete,
        "storage" => ErrorCode::Storage,
        // A newer helper's code: its message still says what to do.
        _ => ErrorCode::BadMessage,
    }
}

fn service(v: &Json) -> Result<Service> {
    Ok(Service {
        listening: flag(v, "listening")?,
        address: opt_text(v, "address")?,
        reason: opt_text(v, "reason")?,
    })
}

fn status(v: &Json) -> Result<Status> {
    Ok(Status {
        helper: text(v, "helper")?,
        interfaces: each(v, "interfaces", |i| {
            Ok(Interface {
                name: text(i, "name")?,
                addresses: each(i, "addresses", |a| {
                    Ok(InterfaceAddress {
                        address: ipv4(a, "address")?,
                        prefix: small(a, "prefix")?,
                    })
                })?,
            })
        })?,
        tftp: service(field(v, "tftp")?)?,
        dhcp: service(field(v, "dhcp")?)?,
        bundle: match v.get("bundle") {
            None | Some(Json::Null) => None,
            Some(b) => Some(CurrentBundle {
                id: text(b, "id")?,
                source: text(b, "source")?,
                load: opt_text(b, "load")?,
                files: small(b, "files")?,
                bytes: int(b, "bytes")?,
            }),
        },
    })
}

fn phone(v: &Json) -> Result<PhoneSummary> {
    Ok(PhoneSummary {
        id: text(v, "id")?,
        mac: opt_text(v, "mac")?,
        model: opt_text(v, "model")?,
        address: opt_ipv4(v, "address")?,
        state: match text(v, "state")?.as_str() {
            "waiting" => PhoneState::Waiting,
            "downloading" => PhoneState::Downloading,
            "done" => PhoneState::Done,
            "stuck" => PhoneState::Stuck,
            "failed" => PhoneState::Failed,
            other => return Err(WireError::Unknown(other.to_string())),
        },
        reason: opt_text(v, "reason")?,
        diagnosis: match v.get("diagnosis") {
            None | Some(Json::Null) => None,
            Some(d) => Some(diagnosis(d)?),
        },
        current_file: opt_text(v, "current_file")?,
        files: each(v, "files", |f| {
            Ok(PhoneFile {
                name: text(f, "name")?,
                size: opt_int(f, "size")?,
                bytes: int(f, "bytes")?,
                state: match text(f, "state")?.as_str() {
                    "pending" => FileState::Pending,
                    "downloading" => FileState::Downloading,
                    "done" => FileState::Done,
                    "not-found" => FileState::NotFound,
                    "failed" => FileState::Failed,
                    other => return Err(WireError::Unknown(other.to_string())),
                },
                retransmissions: int(f, "retransmissions")?,
            })
        })?,
        files_done: small(v, "files_done")?,
        files_expected: small(v, "files_expected")?,
        normal_misses: strings(v, "normal_misses")?,
        recovered: match v.get("recovered") {
            None | Some(Json::Null) => false,
            Some(Json::Bool(b)) => *b,
            Some(_) => return Err(WireError::Field("recovered")),
        },
        retries: match opt_int(v, "retries")? {
            None => 0,
            Some(n) => u32::try_from(n).map_err(|_| WireError::Field("retries"))?,
        },
        first_seen_ms: int(v, "first_seen_ms")?,
        last_seen_ms: int(v, "last_seen_ms")?,
    })
}

fn diagnosis(v: &Json) -> Result<Diagnosis> {
    Ok(match text(v, "kind")?.as_str() {
        "not-found" => Diagnosis::NotFound {
            file: text(v, "file")?,
            closest: opt_text(v, "closest")?,
        },
        "manifest-repeated" => Diagnosis::ManifestRepeated {
            file: text(v, "file")?,
            times: small(v, "times")?,
            recovery: flag(v, "recovery")?,
        },
        "quiet" => Diagnosis::Quiet {
            minutes: int(v, "minutes")?,
            last: opt_text(v, "last")?,
        },
        "timed-out" => Diagnosis::TimedOut {
            file: text(v, "file")?,
            times: small(v, "times")?,
        },
        "phone-error" => Diagnosis::PhoneError {
            file: text(v, "file")?,
            message: text(v, "message")?,
        },
        "read-error" => Diagnosis::ReadError {
            file: text(v, "file")?,
            message: text(v, "message")?,
        },
        "no-free-address" => Diagnosis::NoFreeAddress,
        _ => Diagnosis::Other,
    })
}

fn options(v: &Json, name: &'static str) -> Result<Vec<OptionPair>> {
    each(v, name, |o| {
        Ok(OptionPair {
            name: text(o, "name")?,
            value: text(o, "value")?,
        })
    })
}

fn stats(v: &Json) -> Result<Stats> {
    Ok(Stats {
        bytes: int(v, "bytes")?,
        blocks: int(v, "blocks")?,
        retransmissions: int(v, "retransmissions")?,
    })
}

fn end(v: &Json) -> Result<TftpEnd> {
    let o = field(v, "outcome")?;
    Ok(TftpEnd {
        transfer: int(v, "transfer")?,
        client: socket(v, "client")?,
        file: text(v, "file")?,
        stats: stats(v)?,
        duration_secs: float(v, "duration_secs")?,
        bytes_per_sec: float(v, "bytes_per_sec")?,
        outcome: match text(o, "reason")?.as_str() {
            "done" => Outcome::Done,
            "peer-error" => Outcome::PeerError {
                code: small(o, "code")?,
                message: text(o, "message")?,
            },
            "timed-out" => Outcome::TimedOut {
                retries: small(o, "retries")?,
            },
            "read-error" => Outcome::ReadError {
                message: text(o, "message")?,
            },
            "cancelled" => Outcome::Cancelled,
            other => return Err(WireError::Unknown(other.to_string())),
        },
    })
}

fn event(v: &Json) -> Result<Event> {
    Ok(match text(v, "event")?.as_str() {
        "tftp-request" => Event::TftpRequest(TftpRequest {
            transfer: int(v, "transfer")?,
            client: socket(v, "client")?,
            file: text(v, "file")?,
            mode: text(v, "mode")?,
            options: options(v, "options")?,
            resolution: match text(v, "resolution")?.as_str() {
                "exact" => Resolution::Exact,
                "case" => Resolution::Case,
                "alias" => Resolution::Alias,
                "not-found" => Resolution::NotFound,
                "denied" => Resolution::Denied,
                other => return Err(WireError::Unknown(other.to_string())),
            },
            served: opt_text(v, "served")?,
            size: opt_int(v, "size")?,
            accepted: options(v, "accepted")?,
            detail: opt_text(v, "detail")?,
        }),
        "tftp-progress" => Event::TftpProgress(TftpProgress {
            transfer: int(v, "transfer")?,
            client: socket(v, "client")?,
            file: text(v, "file")?,
            size: opt_int(v, "size")?,
            stats: stats(v)?,
        }),
        "tftp-done" => Event::TftpDone(end(v)?),
        "tftp-aborted" => Event::TftpAborted(end(v)?),
        "tftp-refused" => Event::TftpRefused(TftpRefused {
            client: socket(v, "client")?,
            file: text(v, "file")?,
            code: small(v, "code")?,
            reason: text(v, "reason")?,
        }),
        "tftp-duplicate" => Event::TftpDuplicate {
            client: socket(v, "client")?,
            file: text(v, "file")?,
        },
        "dhcp" => Event::Dhcp(DhcpEvent {
            mac: text(v, "mac")?,
            device: text(v, "device")?,
            model: opt_text(v, "model")?,
            step: match text(v, "step")?.as_str() {
                "discover" => DhcpStep::Discover {
                    requested: opt_ipv4(v, "requested")?,
                },
                "offer" => DhcpStep::Offer {
                    addr: ipv4(v, "addr")?,
                    tftp: ipv4s(v, "tftp")?,
                },
                "ack" => DhcpStep::Ack {
                    addr: ipv4(v, "addr")?,
                    lease_secs: small(v, "lease_secs")?,
                    tftp: ipv4s(v, "tftp")?,
                },
                "nak" => DhcpStep::Nak {
                    addr: opt_ipv4(v, "addr")?,
                    reason: text(v, "reason")?,
                },
                "decline" => DhcpStep::Decline {
                    addr: ipv4(v, "addr")?,
                },
                "release" => DhcpStep::Release {
                    addr: ipv4(v, "addr")?,
                },
                "inform" => DhcpStep::Inform {
                    addr: ipv4(v, "addr")?,
                },
                "address-in-use" => DhcpStep::AddressInUse {
                    addr: ipv4(v, "addr")?,
                },
                "pool-exhausted" => DhcpStep::PoolExhausted,
                _ => DhcpStep::Other,
            },
        }),
        _ => Event::Unknown,
    })
}

// ---- writing the page's messages -----------------------------------------------

/// A JSON string literal.
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn with_id(kind: &str, id: &str) -> String {
    let mut out = format!("{{\"type\":\"{kind}\",\"id\":");
    quote(id, &mut out);
    out.push('}');
    out
}

/// `hello`, naming this page.
pub fn hello() -> String {
    let mut out = format!("{{\"type\":\"hello\",\"version\":{VERSION},\"client\":");
    quote(
        concat!("lifeline-web ", env!("CARGO_PKG_VERSION")),
        &mut out,
    );
    out.push('}');
    out
}

/// `upload-begin` with the bundle's manifest.
pub fn upload_begin(manifest: &Manifest) -> String {
    let json = manifest_json::write(manifest);
    let mut out = String::with_capacity(json.len() + 40);
    out.push_str("{\"type\":\"upload-begin\",\"manifest\":");
    out.push_str(json.trim_end());
    out.push('}');
    out
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
    let mut out = String::from("{\"type\":\"retry-phones\",\"phones\":[");
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        quote(id, &mut out);
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use lifeline_shared::protocol::ClientMessage;
    use proptest::prelude::*;

    fn round_trip(m: &ServerMessage) {
        let text = serde_json::to_string(m).unwrap();
        assert_eq!(&server_message(&text).unwrap(), m, "{text}");
        // Pretty-printed too: whitespace anywhere.
        let text = serde_json::to_string_pretty(m).unwrap();
        assert_eq!(&server_message(&text).unwrap(), m, "{text}");
    }

    /// A helper's status for tests: `interfaces` as (name, address, prefix),
    /// TFTP on 0.0.0.0:69, DHCP off, and `bundle` being served.
    pub(crate) fn status_with(
        interfaces: &[(&str, [u8; 4], u8)],
        bundle: Option<CurrentBundle>,
    ) -> Status {
        Status {
            helper: "lifeline 0.1.0".into(),
            interfaces: interfaces
                .iter()
                .map(|(name, address, prefix)| Interface {
                    name: name.to_string(),
                    addresses: vec![InterfaceAddress {
                        address: Ipv4Addr::from(*address),
                        prefix: *prefix,
                    }],
                })
                .collect(),
            tftp: Service {
                listening: true,
                address: Some("0.0.0.0:69".into()),
                reason: None,
            },
            dhcp: Service {
                listening: false,
                address: None,
                reason: Some("off (start …)".into()),
            },
            bundle,
        }
    }

    /// Loopback and eth0 192.168.10.105/24.
    pub(crate) const LO_ETH0: [(&str, [u8; 4], u8); 2] =
        [("lo", [127, 0, 0, 1], 8), ("eth0", [192, 168, 10, 105], 24)];

    fn status_sample() -> Status {
        status_with(
            &LO_ETH0,
            Some(CurrentBundle {
                id: "ab".repeat(32),
                source: "seed.zip".into(),
                load: Some("SCCP41.8-3-3S".into()),
                files: 11,
                bytes: 6_300_000,
            }),
        )
    }

    pub(crate) fn summary_sample() -> PhoneSummary {
        PhoneSummary {
            id: "SEP001122AABBCC".into(),
            mac: Some("001122AABBCC".into()),
            model: Some("7961".into()),
            address: Some(Ipv4Addr::new(10, 0, 0, 50)),
            state: PhoneState::Failed,
            reason: Some("It asked for \"x\" — ünïcode ✓".into()),
            diagnosis: Some(Diagnosis::NotFound {
                file: "x.sbn".into(),
                closest: Some("X.sbn".into()),
            }),
            current_file: None,
            files: vec![
                PhoneFile {
                    name: "term41.default.loads".into(),
                    size: Some(642),
                    bytes: 642,
                    state: FileState::Done,
                    retransmissions: 0,
                },
                PhoneFile {
                    name: "x.sbn".into(),
                    size: None,
                    bytes: 0,
                    state: FileState::NotFound,
                    retransmissions: 2,
                },
            ],
            files_done: 1,
            files_expected: 2,
            normal_misses: vec!["ITLFile.tlv".into()],
            recovered: true,
            retries: 2,
            first_seen_ms: 1,
            last_seen_ms: 123_456_789,
        }
    }

    fn end_sample(outcome: Outcome) -> TftpEnd {
        TftpEnd {
            transfer: 7,
            client: "10.0.0.50:50000".parse().unwrap(),
            file: "apps41.8-3-2-27.sbn".into(),
            stats: Stats {
                bytes: 2_494_499,
                blocks: 4873,
                retransmissions: 3,
            },
            duration_secs: 1.25,
            bytes_per_sec: 1_995_599.5,
            outcome,
        }
    }

    #[test]
    fn every_server_message_reads_as_serde_json_writes_it() {
        let messages = vec![
            ServerMessage::Hello {
                version: 1,
                helper: "lifeline 0.1.0".into(),
            },
            ServerMessage::Error {
                code: ErrorCode::HashMismatch,
                message: "apps.sbn does not match".into(),
                file: Some("apps.sbn".into()),
            },
            ServerMessage::Error {
                code: ErrorCode::Storage,
                message: "disk full".into(),
                file: None,
            },
            ServerMessage::Status(status_sample()),
            ServerMessage::Status(Status {
                bundle: None,
                interfaces: vec![],
                ..status_sample()
            }),
            ServerMessage::UploadReady {
                id: "id".into(),
                chunk_size: 262_144,
                have: vec![
                    FileChunks {
                        file: 0,
                        ranges: vec![[0, 3], [5, 7]],
                    },
                    FileChunks {
                        file: 2,
                        ranges: vec![],
                    },
                ],
                received: 1,
                total: 2,
            },
            ServerMessage::UploadProgress {
                id: "id".into(),
                received: 4_000_000_000,
                total: 4_000_000_001,
            },
            ServerMessage::UploadVerifying { id: "id".into() },
            ServerMessage::UploadSwitched {
                id: "id".into(),
                files: 11,
                bytes: 6_300_000,
            },
            ServerMessage::Phone(summary_sample()),
            ServerMessage::Phone(PhoneSummary {
                diagnosis: None,
                mac: None,
                address: None,
                recovered: false,
                retries: 0,
                ..summary_sample()
            }),
            ServerMessage::Phones {
                phones: vec![summary_sample(), summary_sample()],
            },
            ServerMessage::Phones { phones: vec![] },
        ];
        for m in &messages {
            round_trip(m);
        }
        for d in [
            Diagnosis::ManifestRepeated {
                file: "term41.default.loads".into(),
                times: 3,
                recovery: true,
            },
            Diagnosis::Quiet {
                minutes: 5,
                last: Some("a".into()),
            },
            Diagnosis::Quiet {
                minutes: 5,
                last: None,
            },
            Diagnosis::TimedOut {
                file: "a".into(),
                times: 3,
            },
            Diagnosis::PhoneError {
                file: "a".into(),
                message: "m".into(),
            },
            Diagnosis::ReadError {
                file: "a".into(),
                message: "m".into(),
            },
            Diagnosis::NoFreeAddress,
        ] {
            round_trip(&ServerMessage::Phone(PhoneSummary {
                diagnosis: Some(d),
                ..summary_sample()
            }));
        }
    }

    #[test]
    fn every_event_reads_as_serde_json_writes_it() {
        let client: SocketAddr = "10.0.0.50:50000".parse().unwrap();
        let events = vec![
            Event::TftpRequest(TftpRequest {
                transfer: 1,
                client,
                file: "/Term41.default.loads".into(),
                mode: "octet".into(),
                options: vec![OptionPair {
                    name: "blksize".into(),
                    value: "1468".into(),
                }],
                resolution: Resolution::Case,
                served: Some("term41.default.loads".into()),
                size: Some(642),
                accepted: vec![],
                detail: None,
            }),
            Event::TftpRequest(TftpRequest {
                transfer: 2,
                client: "[::ffff:10.0.0.50]:1".parse().unwrap(),
                file: "../x".into(),
                mode: "netascii".into(),
                options: vec![],
                resolution: Resolution::Denied,
                served: None,
                size: None,
                accepted: vec![],
                detail: Some("leaves the root".into()),
            }),
            Event::TftpProgress(TftpProgress {
                transfer: 1,
                client,
                file: "a".into(),
                size: None,
                stats: Stats {
                    bytes: 512,
                    blocks: 1,
                    retransmissions: 0,
                },
            }),
            Event::TftpDone(end_sample(Outcome::Done)),
            Event::TftpAborted(end_sample(Outcome::TimedOut { retries: 5 })),
            Event::TftpAborted(end_sample(Outcome::PeerError {
                code: 2,
                message: "Access violation".into(),
            })),
            Event::TftpAborted(end_sample(Outcome::ReadError {
                message: "gone".into(),
            })),
            Event::TftpAborted(end_sample(Outcome::Cancelled)),
            Event::TftpRefused(TftpRefused {
                client,
                file: "x".into(),
                code: 2,
                reason: "write requests are refused".into(),
            }),
            Event::TftpDuplicate {
                client,
                file: "x".into(),
            },
            Event::Unknown,
        ];
        let dhcp = |step| {
            Event::Dhcp(DhcpEvent {
                mac: "001122AABBCC".into(),
                device: "SEP001122AABBCC".into(),
                model: Some("7961".into()),
                step,
            })
        };
        let a = Ipv4Addr::new(10, 0, 0, 50);
        let mut steps = lifeline_shared::testkit::dhcp_steps(a);
        steps.push(DhcpStep::Other);
        for e in events.into_iter().chain(steps.into_iter().map(dhcp)) {
            round_trip(&ServerMessage::Event(e));
        }
    }

    #[test]
    fn newer_messages_are_reported_not_misread() {
        assert_eq!(
            server_message(r#"{"type":"from-the-future","x":1}"#),
            Err(WireError::Unknown("from-the-future".into()))
        );
        assert_eq!(
            server_message(r#"{"type":"event","event":"tftp-teleport"}"#),
            Ok(ServerMessage::Event(Event::Unknown))
        );
        assert_eq!(
            server_message(
                r#"{"type":"event","event":"dhcp","mac":"A","device":"SEPA","model":null,"step":"teleport"}"#
            ),
            Ok(ServerMessage::Event(Event::Dhcp(DhcpEvent {
                mac: "A".into(),
                device: "SEPA".into(),
                model: None,
                step: DhcpStep::Other
            })))
        );
        assert_eq!(
            server_message(r#"{"type":"error","code":"new-code","message":"m"}"#),
            Ok(ServerMessage::Error {
                code: ErrorCode::BadMessage,
                message: "m".into(),
                file: None
            })
        );
        let mut j: serde_json::Value =
            serde_json::to_value(ServerMessage::Phone(summary_sample())).unwrap();
        j["diagnosis"] = serde_json::json!({"kind": "teleported", "to": "mars"});
        let ServerMessage::Phone(p) = server_message(&j.to_string()).unwrap() else {
            panic!()
        };
        assert_eq!(p.diagnosis, Some(Diagnosis::Other));
    }

    #[test]
    fn broken_messages_are_errors() {
        for bad in [
            "",
            "{",
            "[1,]",
            r#"{"type":"hello"}"#,
            r#"{"type":"hello","version":"1","helper":"x"}"#,
            r#"{"type":"hello","version":-1,"helper":"x"}"#,
            r#"{"type":"hello","version":1,"helper":"x"} x"#,
            r#"{"type":"upload-ready","id":"i","chunk_size":1,"have":[{"file":0,"ranges":[[1]]}],"received":0,"total":0}"#,
            r#""\ud800""#,
            "\"a\u{1}\"",
            r#"{"a":01x}"#,
            "nul",
            "1.",
            "-",
            "1e",
        ] {
            assert!(server_message(bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert!(matches!(Json::parse(&deep), Err(WireError::Syntax(..))));
        assert_eq!(
            Json::parse(&" ".repeat(MAX_TEXT + 1)),
            Err(WireError::TooLong)
        );
    }

    #[test]
    fn json_values_read_as_written() {
        assert_eq!(
            Json::parse(
                r#" {"a" : [true, false, null, -1.5e3, "é\n\u00e9\ud83d\ude00\/"], "b":{}} "#
            )
            .unwrap(),
            Json::Obj(vec![
                (
                    "a".into(),
                    Json::Arr(vec![
                        Json::Bool(true),
                        Json::Bool(false),
                        Json::Null,
                        Json::Num("-1.5e3".into()),
                        Json::Str("é\né😀/".into()),
                    ])
                ),
                ("b".into(), Json::Obj(vec![])),
            ])
        );
        let f = |s: &str| Json::Num(s.into()).as_f64().unwrap();
        assert_eq!(f("-1.5e3"), -1500.0);
        assert_eq!(f("0.25"), 0.25);
        assert_eq!(f("12"), 12.0);
        assert_eq!(f("1E+2"), 100.0);
        assert!((f("1.2345e-3") - 0.0012345).abs() < 1e-12);
    }

    #[test]
    fn client_messages_read_back_with_serde() {
        let read = |s: &str| serde_json::from_str::<ClientMessage>(s).unwrap();
        assert_eq!(
            read(&hello()),
            ClientMessage::Hello {
                version: VERSION,
                client: format!("lifeline-web {}", env!("CARGO_PKG_VERSION")),
            }
        );
        assert_eq!(
            read(&upload_commit("a\"b")),
            ClientMessage::UploadCommit { id: "a\"b".into() }
        );
        assert_eq!(
            read(&upload_cancel("id")),
            ClientMessage::UploadCancel { id: "id".into() }
        );
        for ids in [
            vec![],
            vec!["SEP001122AABBCC".to_string()],
            vec!["10.0.0.5".to_string(), "a\"b\\c\u{1}".to_string()],
        ] {
            assert_eq!(
                read(&retry_phones(&ids)),
                ClientMessage::RetryPhones { phones: ids }
            );
        }
        let zip = lifeline_shared::testkit::seed_zip();
        let report = lifeline_shared::firmware::inspect::inspect_zip("seed.zip", &zip).unwrap();
        let bundle = lifeline_shared::bundle::build(
            &report,
            lifeline_shared::bundle::firmware_from_zip(&zip, &report).unwrap(),
            &lifeline_shared::bundle::Settings {
                tftp_servers: vec![Ipv4Addr::new(10, 0, 0, 1)],
                call_managers: vec!["10.0.0.2".into()],
                phones: vec![],
            },
        )
        .unwrap();
        assert_eq!(
            read(&upload_begin(&bundle.manifest)),
            ClientMessage::UploadBegin {
                manifest: bundle.manifest.clone()
            }
        );
    }

    proptest! {
        #[test]
        fn any_text_survives(
            texts in proptest::collection::vec("\\PC{0,12}|[\\x00-\\x1f\"\\\\/]{0,6}", 4),
            n in any::<u64>(),
        ) {
            let m = ServerMessage::Error { code: ErrorCode::Incomplete, message: texts[0].clone(), file: Some(texts[1].clone()) };
            round_trip(&m);
            let p = PhoneSummary { id: texts[2].clone(), reason: Some(texts[3].clone()), last_seen_ms: n, ..summary_sample() };
            round_trip(&ServerMessage::Phone(p));
            let c = upload_commit(&texts[0]);
            prop_assert_eq!(serde_json::from_str::<ClientMessage>(&c).unwrap(), ClientMessage::UploadCommit { id: texts[0].clone() });
            let c = retry_phones(&texts);
            prop_assert_eq!(serde_json::from_str::<ClientMessage>(&c).unwrap(), ClientMessage::RetryPhones { phones: texts.clone() });
        }

        #[test]
        fn any_bytes_never_panic(s in "\\PC{0,40}|[\\[\\]{}\",:0-9eE.+\\-\\\\u ]{0,40}") {
            let _ = server_message(&s);
        }
    }
}
