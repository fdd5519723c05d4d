// SPDX-License-Identifier: MIT OR Apache-2.0
//! The product around the command: `--help`, `--version`, the completions (bash driven for real,
//! fish driven with `complete -C`, zsh syntax-checked), the man pages rendered without warnings,
//! and `scripts/install` into a temporary prefix and back out. None of it needs privileges or
//! touches `/run/netns`: the completions read a run directory made for the test
//! (`NETNEST_RUN_DIR`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn netnest(args: &[&str]) -> Output {
    Command::new(NETNEST).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Whether `tool` can be run; the reason to skip otherwise.
fn have(tool: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: {tool} is not installed (.ci/run installs it)");
    }
    found
}

/// A unique scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "netnest-product-{what}-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn help_is_on_stdout_with_rc_0_and_names_everything() {
    let out = netnest(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty());
    let help = text(&out.stdout);
    for word in [
        "list",
        "add",
        "attach",
        "set",
        "delete",
        "identify",
        "pids",
        "exec",
        "monitor",
        "list-id",
        "lab",
        "prune",
        "inspect",
        "container:ID",
        "completions",
        "-all",
        "-json",
        "-pretty",
        "-netns NAME",
        "-batch FILE",
        "-force",
        "-Version",
        "--version",
        "man netnest",
    ] {
        assert!(
            help.contains(word),
            "--help does not mention {word}:\n{help}"
        );
    }
}

#[test]
fn every_subcommand_has_help() {
    for words in [
        &["list", "--help"][..],
        &["add", "--help"],
        &["attach", "--help"],
        &["set", "--help"],
        &["delete", "--help"],
        &["identify", "--help"],
        &["pids", "--help"],
        &["exec", "--help"],
        &["monitor", "--help"],
        &["list-id", "--help"],
        &["lab", "--help"],
        &["lab", "up", "--help"],
        &["lab", "down", "--help"],
        &["lab", "status", "--help"],
        &["lab", "exec", "--help"],
        &["prune", "--help"],
        &["inspect", "--help"],
        &["completions", "--help"],
        &["netns", "add", "--help"],
        &["help", "add"],
        &["help", "lab", "up"],
    ] {
        let out = netnest(words);
        assert_eq!(out.status.code(), Some(0), "{words:?}");
        let help = text(&out.stdout);
        assert!(help.starts_with("Usage: netnest "), "{words:?}: {help}");
        assert!(out.stderr.is_empty(), "{words:?}");
    }
    // The lab's own subcommand, not the lab's overview.
    assert!(text(&netnest(&["lab", "up", "--help"]).stdout).starts_with("Usage: netnest lab up"));
}

#[test]
fn version_names_the_build() {
    for flag in ["--version", "-V", "-Version"] {
        let out = netnest(&[flag]);
        assert_eq!(out.status.code(), Some(0));
        let line = text(&out.stdout);
        assert!(
            line.starts_with(concat!(
                "netnest utility, netnest-",
                env!("CARGO_PKG_VERSION"),
                ", "
            )),
            "{line}"
        );
        assert!(line.contains("glibc") || line.contains("musl"), "{line}");
        assert!(line.trim_end().ends_with("static") || line.trim_end().ends_with("dynamic"));
    }
}

#[test]
fn completions_refuse_an_unknown_shell() {
    let out = netnest(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(255));
    assert_eq!(
        text(&out.stderr),
        "Usage: netnest completions { bash | zsh | fish }\n"
    );
}

/// A run directory with names, and a lab record with nodes, as `netnest lab up` writes it.
fn run_dir(scratch: &Scratch) -> PathBuf {
    let run = scratch.0.join("run/netns");
    std::fs::create_dir_all(&run).unwrap();
    for name in ["blue", "black", "red"] {
        std::fs::write(run.join(name), "").unwrap();
    }
    let labs = scratch.0.join("run/netnest/labs");
    std::fs::create_dir_all(&labs).unwrap();
    std::fs::write(
        labs.join("trio.toml"),
        "lab = \"trio\"\nstate = \"up\"\npid = 1\ncreated = 0\nregistry = \"/run/netns\"\n\
         host_netns = \"net:[1]\"\nhost_links = []\nhost_bridges = []\n\n\
         [[nodes]]\nname = \"h1\"\nnamespace = \"trio-h1\"\n\n\
         [[nodes]]\nname = \"r\"\nnamespace = \"trio-r\"\n",
    )
    .unwrap();
    let files = scratch.0.join("files");
    std::fs::create_dir_all(files.join("labs")).unwrap();
    std::fs::write(files.join("star.toml"), "").unwrap();
    std::fs::write(files.join("notes.txt"), "").unwrap();
    run
}

/// Runs bash's completion function on `line` (the cursor at its end) and returns the candidates,
/// sorted.
fn bash_complete(scratch: &Scratch, run: &Path, line: &str) -> Vec<String> {
    let script = scratch.0.join("netnest.bash");
    let mut words: Vec<&str> = line.split(' ').collect();
    if words.last() == Some(&"") {
        words.pop();
        words.push("");
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}' || exit 9\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_netnest\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env("NETNEST_RUN_DIR", run)
        .current_dir(scratch.0.join("files"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{line}: {}", text(&out.stderr));
    let mut found: Vec<String> = text(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    found.sort();
    found.dedup();
    found
}

#[test]
fn bash_completes_subcommands_options_names_labs_nodes_and_files() {
    if !have("bash") {
        return;
    }
    let scratch = Scratch::new("bash");
    let run = run_dir(&scratch);
    std::fs::write(
        scratch.0.join("netnest.bash"),
        netnest(&["completions", "bash"]).stdout,
    )
    .unwrap();
    let names = ["black", "blue", "red"];
    let cases: &[(&str, &[&str])] = &[
        ("netnest de", &["delete"]),
        ("netnest l", &["lab", "list", "list-id", "lst"]),
        ("netnest delete ", &names),
        ("netnest delete bl", &["black", "blue"]),
        ("netnest del r", &["red"]),
        ("netnest exec ", &names),
        ("netnest set ", &names),
        ("netnest set blue ", &["auto"]),
        ("netnest pids ", &names),
        ("netnest inspect ", &names),
        ("netnest -n ", &names),
        ("netnest -netns r", &["red"]),
        ("netnest -j -n blue pids ", &names),
        ("netnest netns delete ", &names),
        ("netnest add ", &[]),
        ("netnest -js", &["-json"]),
        ("netnest --v", &["--version"]),
        ("netnest add --h", &["--help"]),
        ("netnest completions ", &["bash", "fish", "zsh"]),
        ("netnest list-id ", &["nsid", "target-nsid"]),
        ("netnest help inspe", &["inspect"]),
        (
            "netnest lab ",
            &[
                "--help", "down", "exec", "generate", "graph", "help", "link", "logs", "pingall",
                "status", "test", "up",
            ],
        ),
        ("netnest lab st ", &["trio"]),
        ("netnest lab -j status ", &["trio"]),
        ("netnest lab down ", &["labs", "star.toml", "trio"]),
        ("netnest lab exec ", &["trio"]),
        ("netnest lab exec trio ", &["h1", "r"]),
        ("netnest lab up ", &["labs", "star.toml"]),
        ("netnest -batch not", &["notes.txt"]),
    ];
    let mut wrong = Vec::new();
    for (line, expected) in cases {
        let found = bash_complete(&scratch, &run, line);
        if found != *expected {
            wrong.push(format!("{line:?}: {found:?}, expected {expected:?}"));
        }
    }
    // A command after exec's name and after a lab node.
    for line in ["netnest exec blue l", "netnest lab exec trio h1 l"] {
        let found = bash_complete(&scratch, &run, line);
        if !found.iter().any(|c| c == "ls") {
            wrong.push(format!("{line:?}: no ls among {} commands", found.len()));
        }
    }
    assert!(wrong.is_empty(), "bash completion:\n{}", wrong.join("\n"));
}

#[test]
fn fish_completes_names_and_nodes() {
    if !have("fish") {
        return;
    }
    let scratch = Scratch::new("fish");
    let run = run_dir(&scratch);
    let script = scratch.0.join("netnest.fish");
    std::fs::write(&script, netnest(&["completions", "fish"]).stdout).unwrap();
    let check = Command::new("fish")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(check.status.success(), "fish -n: {}", text(&check.stderr));
    let cases: &[(&str, &[&str])] = &[
        ("netnest delete bl", &["black", "blue"]),
        ("netnest -n r", &["red"]),
        ("netnest lab exec trio ", &["h1", "r"]),
        ("netnest lab status ", &["trio"]),
        ("netnest completions ", &["bash", "fish", "zsh"]),
    ];
    let mut wrong = Vec::new();
    for (line, expected) in cases {
        let program = format!("source '{}'; complete -C '{line}'", script.display());
        let out = Command::new("fish")
            .args(["--no-config", "-c", &program])
            .env("NETNEST_RUN_DIR", &run)
            .output()
            .unwrap();
        let mut found: Vec<String> = text(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or("").to_owned())
            .collect();
        found.sort();
        if found != *expected {
            wrong.push(format!(
                "{line:?}: {found:?} (stderr {}), expected {expected:?}",
                text(&out.stderr)
            ));
        }
    }
    assert!(wrong.is_empty(), "fish completion:\n{}", wrong.join("\n"));
}

#[test]
fn zsh_script_parses() {
    if !have("zsh") {
        return;
    }
    let scratch = Scratch::new("zsh");
    let script = scratch.0.join("_netnest");
    std::fs::write(&script, netnest(&["completions", "zsh"]).stdout).unwrap();
    let out = Command::new("zsh").arg("-n").arg(&script).output().unwrap();
    assert!(out.status.success(), "zsh -n: {}", text(&out.stderr));
    // Its function, driven with the completion system's builtins replaced by ones that print
    // what they are given (zsh filters by the typed prefix itself, so every candidate shows).
    let scratch_run = run_dir(&scratch);
    let cases: &[(&[&str], &[&str])] = &[
        (&["netnest", "delete", "b"], &["black", "blue", "red"]),
        (&["netnest", "-n", ""], &["black", "blue", "red"]),
        (&["netnest", "set", "blue", ""], &["auto"]),
        (&["netnest", "lab", "exec", "trio", ""], &["h1", "r"]),
        (&["netnest", "lab", "status", ""], &["trio"]),
        (&["netnest", "lab", "up", ""], &["FILES"]),
        (&["netnest", "exec", "blue", ""], &["COMMANDS"]),
        (&["netnest", "completions", ""], &["bash", "fish", "zsh"]),
    ];
    let mut wrong = Vec::new();
    for (words, expected) in cases {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let program = format!(
            "compdef() {{ : }}\n\
             compadd() {{ if [[ $1 == -a ]]; then print -l -- ${{(P)2}}; else [[ $1 == -- ]] && shift; print -l -- \"$@\"; fi }}\n\
             _describe() {{ local n; for n in ${{(P)2}}; do print -r -- ${{n%%:*}}; done }}\n\
             _files() {{ print FILES }}\n_command_names() {{ print COMMANDS }}\n\
             source '{}'\nwords=({})\nCURRENT={}\n_netnest",
            script.display(),
            quoted.join(" "),
            words.len()
        );
        let out = Command::new("zsh")
            .args(["-f", "-c", &program])
            .env("NETNEST_RUN_DIR", &scratch_run)
            .current_dir(scratch.0.join("files"))
            .output()
            .unwrap();
        let mut found: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
        found.sort();
        if found != *expected {
            wrong.push(format!(
                "{words:?}: {found:?} (stderr {}), expected {expected:?}",
                text(&out.stderr)
            ));
        }
    }
    assert!(wrong.is_empty(), "zsh completion:\n{}", wrong.join("\n"));
    // And it loads in a shell with the completion system, defining its function.
    let program = format!(
        "autoload -U compinit && compinit -u -D && source '{}' && whence -w _netnest",
        script.display()
    );
    let out = Command::new("zsh")
        .args(["-f", "-c", &program])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("_netnest: function"),
        "zsh: {} {}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

#[test]
fn man_pages_render_without_warnings() {
    for page in ["docs/man/netnest.8", "docs/man/netnest-lab.5"] {
        let path = repo().join(page);
        assert!(path.is_file(), "{page} is missing");
        if have("groff") {
            let out = Command::new("groff")
                .args(["-man", "-ww", "-z"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "groff {page}: {}",
                text(&out.stderr)
            );
        }
        if have("mandoc") {
            let out = Command::new("mandoc")
                .args(["-T", "lint", "-W", "warning"])
                .arg(&path)
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
                "mandoc {page}: {}{}",
                text(&out.stdout),
                text(&out.stderr)
            );
        }
    }
}

#[test]
fn install_and_uninstall_under_a_prefix() {
    let scratch = Scratch::new("install");
    let prefix = scratch.0.join("prefix");
    let install = |extra: &[&str]| {
        let out = Command::new(repo().join("scripts/install"))
            .arg("--prefix")
            .arg(&prefix)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "scripts/install {extra:?}: {}",
            text(&out.stderr)
        );
    };
    install(&["--bin", NETNEST]);
    let files = [
        "bin/netnest",
        "share/man/man8/netnest.8",
        "share/man/man5/netnest-lab.5",
        "share/bash-completion/completions/netnest",
        "share/zsh/site-functions/_netnest",
        "share/fish/vendor_completions.d/netnest.fish",
    ];
    for f in files {
        let path = prefix.join(f);
        assert!(path.is_file(), "{f} was not installed");
        assert!(std::fs::metadata(&path).unwrap().len() > 0, "{f} is empty");
    }
    let out = Command::new(prefix.join("bin/netnest"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(text(&out.stdout).starts_with("netnest utility"));
    // man finds the installed page.
    if have("man") {
        let out = Command::new("man")
            .arg("-l")
            .arg(prefix.join("share/man/man8/netnest.8"))
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        assert!(text(&out.stdout).contains("DIFFERENCES FROM IP NETNS"));
    }
    install(&["--uninstall"]);
    for f in files {
        assert!(!prefix.join(f).exists(), "{f} was not removed");
    }
    // No file is left (directories stay, as they may be shared: /usr/local/bin).
    fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut left = Vec::new();
    files_under(&prefix, &mut left);
    assert!(left.is_empty(), "left behind: {left:?}");
}
