//! What a phone checks in the files it fetched: the load its configuration
//! names, a manifest's signed header and image list, an image's signed
//! header and embedded name. The first problem found is the phone's verdict.

use lifeline_shared::config::cnf_xml::{self, LoadInformation};
use lifeline_shared::firmware::manifest::{self, ImageLine, Manifest};
use lifeline_shared::firmware::signed::SignedHeader;
use lifeline_shared::models::{self, Model};

use super::report::Problem;

/// The load a configuration names for `model`: in `XMLDefault.cnf.xml`
/// (`default`) only an entry for its device id, in `SEP<MAC>.cnf.xml` also
/// one without a device id.
pub fn config_load(model: &Model, bytes: &[u8], default: bool) -> Result<String, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|_| Problem::BadConfig {
        error: "it is not UTF-8 text".into(),
    })?;
    let summary = cnf_xml::parse(text).map_err(|e| Problem::BadConfig {
        error: e.to_string(),
    })?;
    let id = model.device_id;
    let found = summary.loads.iter().find(|l| {
        if default {
            l.device_id == Some(id)
        } else {
            l.device_id.is_none() || l.device_id == Some(id)
        }
    });
    let described: Vec<String> = summary.loads.iter().map(describe_load).collect();
    let Some(entry) = found else {
        return Err(if default {
            Problem::NoLoadForDevice {
                device_id: id,
                product: model.product.to_owned(),
                found: described,
            }
        } else {
            Problem::NoLoad { found: described }
        });
    };
    let load = entry.load.trim().to_owned();
    if load.is_empty() {
        return Err(Problem::NoLoad { found: described });
    }
    Ok(load)
}

/// Checks a manifest's signed header and reads its image list: each line
/// with the size and MD5 it states (792x, 78xx/88xx) and whether it is an
/// optional `#+` component. The manifest comes back with at least one image.
pub fn read_manifest(
    model: &Model,
    file: &str,
    bytes: &[u8],
    notes: &mut Vec<String>,
) -> Result<Manifest, Problem> {
    let body = check_signed(file, bytes, notes)?;
    // A 78xx/88xx header states its body's length; the manifest is kept whole.
    if let Ok((header, _)) = SignedHeader::parse(bytes)
        && let Some(stated) = header.body_len
        && stated != body.len() as u64
    {
        return Err(Problem::BadHeader {
            error: format!(
                "the header says the body is {stated} bytes, but {} arrived",
                body.len()
            ),
        });
    }
    let parsed = manifest::parse(body).map_err(|e| Problem::BadManifest {
        error: e.to_string(),
    })?;
    let images = &parsed.images;
    if images.is_empty() {
        return Err(Problem::NoImages);
    }
    let family = model.family;
    if let Some(image) = images
        .iter()
        .find(|i| models::family_of_name(&i.name).is_some_and(|f| f != family))
    {
        let other = models::family_of_name(&image.name).map(models::family);
        return Err(Problem::WrongFamily {
            image: image.name.clone(),
            family: other.map(|f| f.name.to_owned()).unwrap_or_default(),
            model: model.name.to_owned(),
        });
    }
    if parsed.style == models::ManifestStyle::Ini {
        notes.push(format!(
            "{file} lists the images of each hardware platform ([PLATFORM_n]); a real phone \
             fetches only its own platform's, the simulator fetched and checked them all"
        ));
    }
    Ok(parsed)
}

/// What a phone checks in an image besides its signed header: the size and
/// MD5 its manifest line states, if it states them.
pub fn image_against_line(line: &ImageLine, size: u64, md5: Option<&str>) -> Result<(), Problem> {
    if let Some(stated) = line.size
        && stated != size
    {
        return Err(Problem::ImageSize { stated, got: size });
    }
    if let (Some(stated), Some(got)) = (line.md5.as_deref(), md5)
        && !stated.eq_ignore_ascii_case(got)
    {
        return Err(Problem::ImageMd5 {
            stated: stated.to_owned(),
            got: got.to_owned(),
        });
    }
    Ok(())
}

/// Checks the signed header of `bytes` (the start of `file`): it must
/// parse and carry `file`'s name (a name differing only in case is noted
/// in `notes`). Returns what follows the header.
pub fn check_signed<'a>(
    file: &str,
    bytes: &'a [u8],
    notes: &mut Vec<String>,
) -> Result<&'a [u8], Problem> {
    let (header, body) = SignedHeader::parse(bytes).map_err(|e| Problem::BadHeader {
        error: e.to_string(),
    })?;
    let Some(embedded) = header.file_name else {
        return Err(Problem::NoEmbeddedName);
    };
    if embedded != file {
        if embedded.eq_ignore_ascii_case(file) {
            notes.push(format!(
                "asked for {file} and got a file signed as {embedded}: the names differ only \
                 in case, which the phone accepts (a case-sensitive TFTP server without an \
                 alias would have answered \"File not found\")"
            ));
        } else {
            return Err(Problem::WrongName { embedded });
        }
    }
    Ok(body)
}

fn describe_load(l: &LoadInformation) -> String {
    let tag = match l.device_id {
        Some(id) => format!("loadInformation{id}"),
        None => "loadInformation".to_owned(),
    };
    match &l.model {
        Some(m) => format!("{tag} model=\"{m}\" ({})", l.load),
        None => format!("{tag} ({})", l.load),
    }
}
