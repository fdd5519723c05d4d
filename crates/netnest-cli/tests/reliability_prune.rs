// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest prune`: removing the stale entries that an interrupted `add`, `attach` or `delete`
//! leaves in `/run/netns`, through `Registry::prune()` (docs/compatibility.md, `prune`):
//!
//! * `netnest prune` removes exactly the stale mode-0 empty regular files: not live namespaces
//!   (bound or attached), not directories, not symlinks (to a live name or dangling), not files
//!   with data or permission bits, not a mode-0 file with something else mounted on it;
//! * it prints each removed name on a line of its own, in directory order (`-j`:
//!   `[{"name":…},…]`), nothing when nothing is stale, and exits 0;
//! * a missing run directory has nothing to prune: rc 0, and the directory is not created;
//! * a run directory that cannot be read fails as `-all delete` does: `Failed to open directory
//!   /run/netns: %s`, rc 1; a stale file that cannot be removed fails with rc 1 and changes
//!   nothing — with `delete`'s text, `Cannot remove namespace file "/run/netns/NAME": %s` (test
//!   `prune_names_the_file_it_cannot_remove`);
//! * its keyword comes after every keyword of `ip netns` in the prefix table: `p`, `pi`, `pid` are
//!   still `pids`; `pr`, `pru`, `prun`, `prune` are `prune` (words `ip` rejects as unknown, so no
//!   working `ip` command line changes meaning). Every abbreviation of every `ip netns` keyword
//!   resolves in netnest as in `ip` (checked against the real `ip`).

#[allow(dead_code)]
mod common;

use common::{sc, USAGE};
use netnest_testkit::{Expect, Sandbox};

const NETNEST: &str = env!("CARGO_BIN_EXE_netnest");

/// Everything in `/run/netns` (name, type, mode, size), the nsfs mounts, whether the live names
/// still work, and what is mounted on `bound`.
const AFTER: &str = r#"
find /run/netns -mindepth 1 -maxdepth 1 -printf '%f %y %m %s\n' | LC_ALL=C sort
echo "nsfs mounts: $(grep -c ' - nsfs ' /proc/self/mountinfo)"
for n in live attached; do ip netns exec "$n" true && echo "$n works"; done
grep -c ' /run/netns/bound ' /proc/self/mountinfo
"#;

/// A run directory holding one of each kind of entry.
const EVERY_KIND: &str = r#"
ip netns add live
nn_sleeper PID
ip netns attach attached "$PID"
for n in stale1 stale2; do : >/run/netns/$n; chmod 0 /run/netns/$n; done
ln -s live /run/netns/link-to-live
ln -s /nonexistent /run/netns/dangling
mkdir /run/netns/dir
: >/run/netns/empty-0644; chmod 0644 /run/netns/empty-0644
printf x >/run/netns/mode0-with-data; chmod 0 /run/netns/mode0-with-data
: >/run/bound-source
: >/run/netns/bound; chmod 0 /run/netns/bound; mount --bind /run/bound-source /run/netns/bound
"#;

fn netnest(args: &[&str]) -> Vec<netnest_testkit::Arg> {
    std::iter::once(NETNEST)
        .chain(args.iter().copied())
        .map(Into::into)
        .collect()
}

#[test]
fn prune_removes_exactly_the_stale_files() {
    let out = Sandbox::new()
        .setup(EVERY_KIND)
        .after(AFTER)
        .run(&netnest(&["prune"]));
    // `bound` is a bind mount of a regular file (mode 644 seen through the mount): not stale.
    out.assert(&Expect::ok().stdout("stale2\nstale1\n").after(
        "attached f 444 0\n\
         bound f 644 0\n\
         dangling l 777 12\n\
         dir d 755 40\n\
         empty-0644 f 644 0\n\
         link-to-live l 777 4\n\
         live f 444 0\n\
         mode0-with-data f 0 1\n\
         nsfs mounts: 2\n\
         live works\n\
         attached works\n\
         1\n",
    ));
}

#[test]
fn prune_of_a_clean_directory_changes_nothing() {
    let out = Sandbox::new()
        .setup("ip netns add a; ip netns add b")
        .after("nn_state")
        .run(&netnest(&["prune"]));
    out.assert(&Expect::ok().after("a f 444\nb f 444\n/run/netns: shared mount\nnsfs mounts: 2\n"));
}

#[test]
fn prune_of_a_missing_directory_makes_nothing() {
    let out = Sandbox::new()
        .after("nn_state; ls -A /run")
        .run(&netnest(&["prune"]));
    out.assert(&Expect::ok().after("/run/netns: absent\nnsfs mounts: 0\n"));
}

#[test]
fn prune_of_a_run_directory_that_is_a_file() {
    let out = Sandbox::new()
        .setup("echo data >/run/netns")
        .after("cat /run/netns")
        .run(&netnest(&["prune"]));
    out.assert(
        &Expect::code(1)
            .stderr("Failed to open directory /run/netns: Not a directory\n")
            .after("data\n"),
    );
}

/// A stale file that cannot be removed: on a read-only `/run`, and as an unprivileged user in
/// root's run directory. `(setup, wrapper, errno text)`.
const CANNOT_REMOVE: [(&str, bool, &str); 2] = [
    (
        "ip netns add a; : >/run/netns/stale; chmod 0 /run/netns/stale; mount -o remount,ro /run",
        false,
        "Read-only file system",
    ),
    (
        "ip netns add a; : >/run/netns/stale; chmod 0 /run/netns/stale",
        true,
        "Permission denied",
    ),
];

/// The unprivileged user, with no capability left anywhere.
const NOBODY: [&str; 5] = [
    "setpriv",
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    "--inh-caps=-all",
];

fn prune_cannot_remove(setup: &str, as_nobody: bool) -> netnest_testkit::Output {
    let mut argv: Vec<netnest_testkit::Arg> = Vec::new();
    if as_nobody {
        argv.extend(NOBODY.iter().map(Into::into));
    }
    argv.extend(netnest(&["prune"]));
    Sandbox::new().setup(setup).after("nn_state").run(&argv)
}

#[test]
fn prune_that_cannot_remove_changes_nothing() {
    for (setup, as_nobody, _) in CANNOT_REMOVE {
        let out = prune_cannot_remove(setup, as_nobody);
        assert_eq!((out.code, &out.stdout[..]), (1, &b""[..]), "{out:?}");
        assert_eq!(
            out.after, b"a f 444\nstale f 0\n/run/netns: shared mount\nnsfs mounts: 1\n",
            "{out:?}"
        );
    }
}

/// The text when the stale file cannot be removed: `delete`'s, naming the file (not `-all
/// delete`'s text for an unreadable directory, which would name the wrong step). A missing
/// permission (not a read-only file system) is followed by what to do about it, as on netnest's
/// other extensions.
#[test]
fn prune_names_the_file_it_cannot_remove() {
    for (setup, as_nobody, why) in CANNOT_REMOVE {
        let out = prune_cannot_remove(setup, as_nobody);
        let hint = if why == "Permission denied" {
            "netnest prune needs write access to /run/netns (CAP_DAC_OVERRIDE, or root)\n"
        } else {
            ""
        };
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("Cannot remove namespace file \"/run/netns/stale\": {why}\n{hint}"),
            "{out:?}"
        );
    }
}

/// As an unprivileged user with nothing stale: reading the directory is all it takes.
#[test]
fn prune_as_an_unprivileged_user() {
    let mut argv: Vec<netnest_testkit::Arg> = NOBODY.iter().map(Into::into).collect();
    argv.extend(netnest(&["prune"]));
    Sandbox::new()
        .setup("ip netns add a")
        .after("nn_state")
        .run(&argv)
        .assert(&Expect::ok().after("a f 444\n/run/netns: shared mount\nnsfs mounts: 1\n"));
}

/// `-j`: the removed names as iproute2's JSON list.
#[test]
fn prune_json() {
    Sandbox::new()
        .setup("mkdir /run/netns; for n in s1 's \"2'; do : >\"/run/netns/$n\"; chmod 0 \"/run/netns/$n\"; done")
        .run(&netnest(&["-j", "prune"]))
        .assert(&Expect::ok().stdout("[{\"name\":\"s \\\"2\"},{\"name\":\"s1\"}]\n"));
    Sandbox::new()
        .setup("mkdir /run/netns")
        .run(&netnest(&["-j", "prune"]))
        .assert(&Expect::ok().stdout("[]\n"));
}

/// `pr`… abbreviate `prune`; `p`… are still `pids`.
#[test]
fn prune_abbreviations() {
    for word in ["pr", "pru", "prun", "prune"] {
        Sandbox::new()
            .setup("mkdir /run/netns; : >/run/netns/s; chmod 0 /run/netns/s")
            .after("ls -A /run/netns")
            .run(&netnest(&[word]))
            .assert(&Expect::ok().stdout("s\n"));
    }
    for word in ["p", "pi", "pid", "pids"] {
        Sandbox::new()
            .run(&netnest(&[word]))
            .assert(&Expect::code(1).stderr("No netns name specified\n"));
    }
}

/// Every abbreviation of every `ip netns` keyword does in netnest what it does in `ip` (the
/// keyword's behaviour without arguments, which tells them apart), with a namespace `a` present.
/// It must stay true when `prune` (or anything else) joins the table.
#[test]
fn every_abbreviation_of_ip_keywords_resolves_as_in_ip() {
    let keywords = [
        "list", "show", "lst", "help", "add", "delete", "identify", "pids", "exec", "attach",
    ];
    let mut words: Vec<String> = Vec::new();
    for k in keywords {
        for end in 1..=k.len() {
            let w = k[..end].to_owned();
            if !words.contains(&w) {
                words.push(w);
            }
        }
    }
    // (The prefixes that name list-id, set or monitor are in the test below.)
    for w in &words {
        sc().setup("ip netns add a").arg(w.as_str()).check();
    }
    // And a few words that are no keyword's prefix.
    for w in ["lists", "x", "pids-"] {
        sc().arg(w).expect(Expect::code(255).stderr(format!(
            "Command \"{w}\" is unknown, try \"ip netns help\".\n"
        )));
    }
    sc().arg("h").expect(Expect::code(255).stderr(USAGE));
}

/// The abbreviations that name `list-id`, `set` and `monitor` (the last under a time limit).
#[test]
fn abbreviations_of_list_id_set_and_monitor_resolve_as_in_ip() {
    for w in ["list-", "list-i", "list-id", "se", "set"] {
        sc().setup("ip netns add a").arg(w).check();
    }
    for w in ["m", "mo", "monitor"] {
        sc().wrap(["timeout", "0.3"]).arg(w).check();
    }
}
