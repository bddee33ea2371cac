//! A small file system of a test's own: a tmpfs of a given size mounted on a
//! fresh temporary folder, unmounted when dropped. Mounting needs root
//! (CAP_SYS_ADMIN); [`Tmpfs::mount_or_skip`] skips, or fails in CI, where it
//! cannot.

use std::path::Path;
use std::process::Command;

use crate::process::cannot_run;

/// A mounted tmpfs; unmounted (lazily, so an open file cannot keep it) on drop.
#[derive(Debug)]
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `bytes` (rounded up to pages by the kernel), or says
    /// why it cannot and returns `None`.
    pub fn mount_or_skip(bytes: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={bytes},mode=0700"))
            .arg("lifeline-test")
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir }),
            Ok(o) => {
                cannot_run(&format!(
                    "cannot mount a tmpfs (needs root): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                ));
                None
            }
            Err(e) => {
                cannot_run(&format!("cannot run `mount`: {e}"));
                None
            }
        }
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
