//! JSON text without serde: a bounded reader ([`Json::parse`]) and a writer
//! ([`Writer`]) that lays text out as serde_json does, compact or pretty.
//!
//! serde_json and its derives would add about a sixth to the browser app's
//! gzipped WebAssembly, for a dozen message shapes and one file. So the page
//! reads and writes JSON with this, and the native side keeps serde; tests
//! hold the two together ([`super::wire`], [`crate::manifest_json`]).
//!
//! Invariants:
//! - Reading never panics, whatever the text: the length ([`MAX_TEXT`]) and
//!   the nesting depth are bounded.
//! - Numbers keep their text; [`Json::as_f64`] reads a fraction or exponent to
//!   the microsecond without float parsing code.
//! - The writer escapes strings as serde_json does, so [`Writer::pretty`]
//!   writes serde_json's `to_string_pretty` byte for byte.

use std::fmt::Write as _;

use super::MAX_TEXT;

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

/// Why a text frame could not be read.
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

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A number that is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Num(n) => n.parse().ok(),
            _ => None,
        }
    }

    /// The items of an array.
    pub fn as_arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    /// A number with a fraction or exponent, to the microsecond (no float
    /// parsing code).
    pub fn as_f64(&self) -> Option<f64> {
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

/// Writes JSON text as serde_json lays it out: compact (`{"a":1,"b":[]}`), or
/// pretty with two spaces a level, `"key": value`, and empty arrays and
/// objects as `[]` and `{}`.
///
/// The caller writes the structure: [`Writer::open`] and [`Writer::close`]
/// around each array or object, [`Writer::item`] before each array element,
/// [`Writer::key`] before each member's value.
#[derive(Debug)]
pub struct Writer {
    out: String,
    pretty: bool,
    depth: usize,
    /// Nothing written yet in the innermost array or object.
    first: bool,
}

impl Writer {
    /// A writer of compact text, with room for `capacity` bytes.
    pub fn compact(capacity: usize) -> Writer {
        Writer::new(capacity, false)
    }

    /// A writer of serde_json's pretty text, with room for `capacity` bytes.
    pub fn pretty(capacity: usize) -> Writer {
        Writer::new(capacity, true)
    }

    fn new(capacity: usize, pretty: bool) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
            pretty,
            depth: 0,
            first: true,
        }
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
    }

    /// Opens an array (`[`) or an object (`{`).
    pub fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.first = true;
    }

    /// Closes the innermost array (`]`) or object (`}`).
    pub fn close(&mut self, bracket: char) {
        self.depth -= 1;
        if !self.first {
            self.newline();
        }
        self.out.push(bracket);
        self.first = false;
    }

    fn newline(&mut self) {
        if self.pretty {
            self.out.push('\n');
            for _ in 0..self.depth {
                self.out.push_str("  ");
            }
        }
    }

    /// Starts an array element.
    pub fn item(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.newline();
    }

    /// Starts an object member.
    pub fn key(&mut self, key: &str) {
        self.item();
        self.string(key);
        self.out.push_str(if self.pretty { ": " } else { ":" });
    }

    /// A value written as it is: a number, `true`, `null`.
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
        self.first = false;
    }

    /// A string, or `null` for `None`.
    pub fn opt_string(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.string(text),
            None => self.raw("null"),
        }
    }

    /// A string, escaped as serde_json does: `"` and `\`, and control
    /// characters as `\n`-style escapes or `\u00XX`.
    pub fn string(&mut self, text: &str) {
        self.out.push('"');
        for c in text.chars() {
            match c {
                '"' => self.out.push_str("\\\""),
                '\\' => self.out.push_str("\\\\"),
                '\n' => self.out.push_str("\\n"),
                '\r' => self.out.push_str("\\r"),
                '\t' => self.out.push_str("\\t"),
                '\u{8}' => self.out.push_str("\\b"),
                '\u{c}' => self.out.push_str("\\f"),
                c if c < ' ' => {
                    let _ = write!(self.out, "\\u{:04x}", u32::from(c));
                }
                c => self.out.push(c),
            }
        }
        self.out.push('"');
        self.first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
