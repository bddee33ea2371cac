//! A served configuration made to name another load: the one step of a walk the
//! phone is on. Only the load is touched; every other byte stays, so a file that
//! already names the offered load comes back unchanged.

/// What a configuration should name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    /// This load (as configurations name it: `SCCP41.8-5-2S`, `P0S3-8-12-00`).
    Load(String),
    /// No load: the phone keeps what it runs.
    Keep,
}

/// Whether `name` can stand in a configuration unescaped.
pub fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml`, `SEPDefault.cnf.xml`: the text of every
/// `loadInformation…` element set to the offer (empty for [`Offer::Keep`]).
pub fn xml(bytes: &[u8], offer: &Offer) -> Vec<u8> {
    let new = match offer {
        Offer::Load(n) if safe_name(n) => n.as_bytes(),
        Offer::Load(_) => return bytes.to_vec(),
        Offer::Keep => b"",
    };
    const OPEN: &[u8] = b"<loadInformation";
    let mut out = Vec::with_capacity(bytes.len() + 64);
    let mut i = 0;
    while let Some(at) = find(&bytes[i..], OPEN).map(|p| p + i) {
        // The start tag's end; a self-closed tag has no text to change.
        let Some(gt) = find(&bytes[at..], b">").map(|p| p + at) else {
            break;
        };
        if bytes[gt - 1] == b'/' {
            out.extend_from_slice(&bytes[i..=gt]);
            i = gt + 1;
            continue;
        }
        let Some(close) = find(&bytes[gt..], b"</").map(|p| p + gt) else {
            break;
        };
        out.extend_from_slice(&bytes[i..=gt]);
        out.extend_from_slice(new);
        i = close;
    }
    out.extend_from_slice(&bytes[i..]);
    out
}

/// `SIPDefault.cnf`, `SIP<MAC>.cnf`: the `image_version` line set to the offer, in
/// the file's own quoting; for [`Offer::Keep`] the line is left out.
pub fn cnf(bytes: &[u8], offer: &Offer) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    if let Offer::Load(n) = offer
        && !safe_name(n)
    {
        return bytes.to_vec();
    }
    let mut out = String::with_capacity(text.len() + 32);
    for line in text.split_inclusive('\n') {
        let key = line.trim_start();
        let is_image = key
            .split_once(':')
            .is_some_and(|(k, _)| k.trim().eq_ignore_ascii_case("image_version"));
        if !is_image {
            out.push_str(line);
            continue;
        }
        let Offer::Load(n) = offer else { continue };
        let (head, value) = line.split_once(':').unwrap_or((line, ""));
        let eol = &value[value.trim_end_matches(['\r', '\n']).len()..];
        let quoted = value.trim().starts_with('"');
        out.push_str(head);
        if quoted {
            out.push_str(&format!(": \"{n}\"{eol}"));
        } else {
            out.push_str(&format!(": {n}{eol}"));
        }
    }
    out.into_bytes()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_load_element_names_the_offer() {
        let x = b"<device>\n  <loadInformation>SCCP41.9-4-2SR3-1S</loadInformation>\n  <loadInformation115 model=\"IP Phone 7941\">SCCP41.9-4-2SR3-1S</loadInformation115>\n  <loadInformation/>\n</device>\n";
        let out = xml(x, &Offer::Load("SCCP41.8-5-2S".into()));
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s.matches(">SCCP41.8-5-2S</loadInformation").count(),
            2,
            "{s}"
        );
        assert!(!s.contains("9-4-2"));
        assert!(s.contains("<loadInformation/>"));
        let keep = String::from_utf8(xml(x, &Offer::Keep)).unwrap();
        assert!(
            keep.contains("<loadInformation></loadInformation>"),
            "{keep}"
        );
        // Naming what it names already changes nothing.
        assert_eq!(
            xml(x, &Offer::Load("SCCP41.9-4-2SR3-1S".into())),
            x.to_vec()
        );
        // A name that would need escaping is never written.
        assert_eq!(xml(x, &Offer::Load("a<b".into())), x.to_vec());
        // Truncated or odd input neither panics nor grows without bound.
        for cut in 0..x.len() {
            let out = xml(&x[..cut], &Offer::Load("SCCP41.8-5-2S".into()));
            assert!(out.len() <= cut + 64);
        }
    }

    #[test]
    fn the_image_version_line_names_the_offer() {
        let c = b"# SIPDefault.cnf\nimage_version: \"P0S3-8-12-00\"\nproxy1_address: \"10.0.0.5\"\r\nimage_version:P0S3-8-12-00\r\n";
        let s = String::from_utf8(cnf(c, &Offer::Load("P0S3-07-5-00".into()))).unwrap();
        assert_eq!(
            s,
            "# SIPDefault.cnf\nimage_version: \"P0S3-07-5-00\"\nproxy1_address: \"10.0.0.5\"\r\nimage_version: P0S3-07-5-00\r\n"
        );
        let k = String::from_utf8(cnf(c, &Offer::Keep)).unwrap();
        assert_eq!(k, "# SIPDefault.cnf\nproxy1_address: \"10.0.0.5\"\r\n");
        let same = cnf(c, &Offer::Load("P0S3-8-12-00".into()));
        assert!(same.starts_with(b"# SIPDefault.cnf\nimage_version: \"P0S3-8-12-00\"\n"));
    }
}
