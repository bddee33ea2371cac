//! File trees copied and kept in step.

use std::path::Path;

use anyhow::Context as _;

/// Copies every file under `from` into `to`, keeping relative paths.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
    {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dest)?;
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), &dest)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Makes `to` hold exactly the files of `from`, rewriting only files whose
/// content differs.
pub(crate) fn sync_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(to)? {
        let entry = entry?;
        let source = from.join(entry.file_name());
        let is_dir = entry.file_type()?.is_dir();
        let keep = if is_dir {
            source.is_dir()
        } else {
            source.is_file()
        };
        if !keep {
            if is_dir {
                std::fs::remove_dir_all(entry.path())?;
            } else {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path(), &dest)?;
        } else {
            let content = std::fs::read(entry.path())?;
            if std::fs::read(&dest).ok().as_deref() != Some(content.as_slice()) {
                std::fs::write(&dest, &content)
                    .with_context(|| format!("cannot write {}", dest.display()))?;
            }
        }
    }
    Ok(())
}
