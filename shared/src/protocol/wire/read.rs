//! The reader's primitives: one named field of a JSON object as text, an
//! integer, a flag, a list, an address, … Each missing or mistyped field is a
//! [`WireError::Field`] naming it, never a default.

use std::net::{Ipv4Addr, SocketAddr};

use crate::protocol::json::{Json, WireError};

/// What every reader returns.
pub(super) type Result<T> = std::result::Result<T, WireError>;

pub(super) fn field<'a>(v: &'a Json, name: &'static str) -> Result<&'a Json> {
    v.get(name).ok_or(WireError::Field(name))
}

pub(super) fn text(v: &Json, name: &'static str) -> Result<String> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or(WireError::Field(name))
}

/// A string that may be missing or `null`.
pub(super) fn opt_text(v: &Json, name: &'static str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s.clone())),
        Some(_) => Err(WireError::Field(name)),
    }
}

pub(super) fn int(v: &Json, name: &'static str) -> Result<u64> {
    field(v, name)?.as_u64().ok_or(WireError::Field(name))
}

pub(super) fn opt_int(v: &Json, name: &'static str) -> Result<Option<u64>> {
    match v.get(name) {
        None | Some(Json::Null) => Ok(None),
        Some(n) => n.as_u64().map(Some).ok_or(WireError::Field(name)),
    }
}

pub(super) fn small<T: TryFrom<u64>>(v: &Json, name: &'static str) -> Result<T> {
    T::try_from(int(v, name)?).map_err(|_| WireError::Field(name))
}

pub(super) fn float(v: &Json, name: &'static str) -> Result<f64> {
    field(v, name)?.as_f64().ok_or(WireError::Field(name))
}

pub(super) fn flag(v: &Json, name: &'static str) -> Result<bool> {
    match field(v, name)? {
        Json::Bool(b) => Ok(*b),
        _ => Err(WireError::Field(name)),
    }
}

fn list<'a>(v: &'a Json, name: &'static str) -> Result<&'a [Json]> {
    field(v, name)?.as_arr().ok_or(WireError::Field(name))
}

pub(super) fn each<T>(
    v: &Json,
    name: &'static str,
    read: impl Fn(&Json) -> Result<T>,
) -> Result<Vec<T>> {
    let items = list(v, name)?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(read(item)?);
    }
    Ok(out)
}

pub(super) fn strings(v: &Json, name: &'static str) -> Result<Vec<String>> {
    each(v, name, |s| {
        s.as_str().map(str::to_string).ok_or(WireError::Field(name))
    })
}

pub(super) fn ipv4(v: &Json, name: &'static str) -> Result<Ipv4Addr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}

pub(super) fn opt_ipv4(v: &Json, name: &'static str) -> Result<Option<Ipv4Addr>> {
    match opt_text(v, name)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| WireError::Field(name)),
    }
}

pub(super) fn ipv4s(v: &Json, name: &'static str) -> Result<Vec<Ipv4Addr>> {
    each(v, name, |a| {
        a.as_str()
            .and_then(|s| s.parse().ok())
            .ok_or(WireError::Field(name))
    })
}

pub(super) fn socket(v: &Json, name: &'static str) -> Result<SocketAddr> {
    field(v, name)?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(WireError::Field(name))
}
