//! `lifeline manual --out DIR`: the man pages and shell completions, made
//! from the clap definition that parses the flags, so they cannot drift from
//! it. `cargo xtask release` runs it and ships the files (the .deb installs
//! them where man and the shells look). Hidden from `--help`: it is for
//! packagers.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use clap_complete::Shell;

/// The shells completions are written for, and their files' names.
pub const SHELLS: [(Shell, &str); 4] = [
    (Shell::Bash, "lifeline.bash"),
    (Shell::Zsh, "_lifeline"),
    (Shell::Fish, "lifeline.fish"),
    (Shell::PowerShell, "_lifeline.ps1"),
];

/// Writes `man/lifeline.1` and one `man/lifeline-SUBCOMMAND.1` a
/// subcommand, and `completions/` for each of [`SHELLS`], under `out`;
/// returns the files written.
pub fn write(command: clap::Command, out: &Path) -> io::Result<Vec<PathBuf>> {
    let mut command = command;
    command.build();
    let man = out.join("man");
    let completions = out.join("completions");
    fs::create_dir_all(&man)?;
    fs::create_dir_all(&completions)?;
    let mut written = Vec::new();

    let mut pages = vec![(command.get_name().to_owned(), command.clone())];
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{}-{}", command.get_name(), sub.get_name());
        pages.push((name.clone(), sub.clone().display_name(name)));
    }
    for (name, page) in pages {
        let path = man.join(format!("{name}.1"));
        let mut bytes = Vec::new();
        clap_mangen::Man::new(page).render(&mut bytes)?;
        fs::write(&path, bytes)?;
        written.push(path);
    }

    for (shell, file) in SHELLS {
        let mut bytes = Vec::new();
        let name = command.get_name().to_owned();
        clap_complete::generate(shell, &mut command, name, &mut bytes);
        let path = completions.join(file);
        fs::write(&path, bytes)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command() -> clap::Command {
        clap::Command::new("lifeline")
            .about("Lifeline: recover Cisco IP phones.")
            .subcommand(
                clap::Command::new("serve")
                    .about("Serve it")
                    .arg(clap::Arg::new("root").long("root").value_name("DIR")),
            )
            .subcommand(clap::Command::new("manual").hide(true))
    }

    #[test]
    fn pages_and_completions_name_every_visible_subcommand_and_flag() {
        let out = tempfile::tempdir().unwrap();
        let files = write(command(), out.path()).unwrap();
        assert_eq!(files.len(), 2 + SHELLS.len(), "{files:?}");
        let main = fs::read_to_string(out.path().join("man/lifeline.1")).unwrap();
        assert!(
            main.starts_with(".ie") || main.contains(".TH lifeline 1"),
            "{main}"
        );
        assert!(main.contains("serve"));
        assert!(!main.contains("manual"), "hidden subcommands stay out");
        let serve = fs::read_to_string(out.path().join("man/lifeline-serve.1")).unwrap();
        assert!(serve.contains(".TH lifeline-serve 1"), "{serve}");
        assert!(serve.contains("root"));
        let bash = fs::read_to_string(out.path().join("completions/lifeline.bash")).unwrap();
        assert!(
            bash.contains("--root") && bash.contains("complete -F"),
            "{bash}"
        );
        let zsh = fs::read_to_string(out.path().join("completions/_lifeline")).unwrap();
        assert!(zsh.starts_with("#compdef lifeline"), "{zsh}");
    }
}
