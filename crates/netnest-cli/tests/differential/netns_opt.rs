// SPDX-License-Identifier: MIT OR Apache-2.0
//! The global `-n NAME` / `-netns NAME` (docs/ip-netns-behaviour.md, "-netns NAME"): the command runs inside NAME's namespace
//! (nsids are NAME's), with `ip`'s errors and rc 255 when the switch fails.

use super::*;

/// a, b and c; b has id 3 in a's table and id 8 here.
const SETUP: &str = "ip netns add a; ip netns add b; ip netns add c; \
                     ip -n a netns set b 3; ip netns set b 8";

#[test]
fn list_shows_ids_relative_to_the_namespace() {
    sc().setup(SETUP)
        .opts(["-n", "a"])
        .arg("list")
        .expect(Expect::ok().stdout("c\nb (id: 3)\na\n"));
    sc().setup(SETUP).opts(["-n", "a", "-j"]).expect(
        Expect::ok().stdout("[{\"name\":\"c\"},{\"name\":\"b\",\"id\":3},{\"name\":\"a\"}]\n"),
    );
}

#[test]
fn every_spelling() {
    for opt in ["-n", "-ne", "-net", "-netn", "-netns", "--netns", "--n"] {
        sc().setup(SETUP)
            .opts([opt, "a"])
            .arg("list-id")
            .expect(Expect::ok().stdout("nsid 3 (iproute2 netns name: b)\n"));
    }
}

#[test]
fn the_last_one_wins() {
    sc().setup(&format!("{SETUP}; ip -n c netns set a 1"))
        .opts(["-n", "a", "-n", "c"])
        .arg("list")
        .expect(Expect::ok().stdout("c\nb\na (id: 1)\n"));
}

#[test]
fn set_in_the_namespace() {
    sc().setup(SETUP)
        .opts(["-n", "a"])
        .args(["set", "c", "auto"])
        .after("ip -n a netns list-id; ip netns list-id")
        .expect(Expect::ok().after(
            "nsid 0 (iproute2 netns name: c)\nnsid 3 (iproute2 netns name: b)\n\
             nsid 8 (iproute2 netns name: b)\n",
        ));
}

#[test]
fn identify_inside() {
    sc().setup(SETUP)
        .opts(["-n", "b"])
        .arg("identify")
        .expect(Expect::ok().stdout("b\n"));
}

#[test]
fn batch_inside() {
    sc().setup(SETUP)
        .file("/tmp/batch", "netns list-id\nnetns set c 5\nnetns list\n")
        .opts(["-n", "a", "-batch", "/tmp/batch"])
        .expect(Expect::ok().stdout("nsid 3 (iproute2 netns name: b)\nc (id: 5)\nb (id: 3)\na\n"));
}

#[test]
fn missing_namespace() {
    let missing = Expect::code(255)
        .stderr("Cannot open network namespace \"missing\": No such file or directory\n");
    sc().setup(SETUP)
        .opts(["-n", "missing"])
        .arg("list")
        .expect(missing.clone());
    // No run directory at all.
    sc().opts(["-n", "missing"]).expect(missing.clone());
    // The switch happens where the option is: before a wrong option after it…
    sc().opts(["-n", "missing", "-x"]).expect(missing);
    // …and not at all after a wrong option before it.
    sc().opts(["-x", "-n", "missing"])
        .expect(Expect::code(255).stderr("Option \"-x\" is unknown, try \"ip -help\".\n"));
}

#[test]
fn names_are_not_checked() {
    let invalid = |name: &str| {
        Expect::code(255).stderr(format!(
            "setting the network namespace \"{name}\" failed: Invalid argument\n"
        ))
    };
    for name in ["", ".", "..", "d", "s", "m"] {
        sc().setup(&format!(
            "{SETUP}; mkdir /run/netns/d; touch /run/netns/s; ln -s /proc/self/ns/mnt /run/netns/m"
        ))
        .opts(["-n", name])
        .arg("list")
        .expect(invalid(name));
    }
    sc().setup(SETUP).opts(["-n", "a/b"]).expect(
        Expect::code(255).stderr("Cannot open network namespace \"a/b\": Not a directory\n"),
    );
    sc().setup(SETUP).opts(["-n", "x/b"]).expect(
        Expect::code(255)
            .stderr("Cannot open network namespace \"x/b\": No such file or directory\n"),
    );
    let long = "n".repeat(256);
    sc().setup(SETUP)
        .opts(["-n", long.as_str()])
        .expect(Expect::code(255).stderr(format!(
            "Cannot open network namespace \"{long}\": File name too long\n"
        )));
}

#[test]
fn a_namespace_in_a_subdirectory() {
    sc().setup(&format!(
        "{SETUP}; mkdir /run/netns/sub; touch /run/netns/sub/b; \
         mount --bind /run/netns/a /run/netns/sub/b"
    ))
    .opts(["-n", "sub/b", "-j"])
    .arg("list")
    .expect(Expect::ok().stdout(
        "[{\"name\":\"sub\"},{\"name\":\"c\"},{\"name\":\"b\",\"id\":3},{\"name\":\"a\"}]\n",
    ).stderr("Error: Peer netns reference is invalid.\n".repeat(2)));
}

#[test]
fn etc_files_are_bound() {
    sc().setup(SETUP)
        .etc_netns()
        .file("/etc/netns/a/hosts", "127.0.0.1 inside\n")
        .file("/etc/netns/a/no-such-file", "x\n")
        .opts(["-n", "a"])
        .arg("list-id")
        .expect(
            Expect::ok()
                .stdout("nsid 3 (iproute2 netns name: b)\n")
                .stderr("Bind /etc/netns/a/no-such-file -> /etc/no-such-file failed: No such file or directory\n"),
        );
}

/// The gotcha of docs/ip-netns-behaviour.md, "-netns NAME": the switch makes a mount namespace whose mounts do not propagate
/// back, so `-n a add y` leaves y as a stale (mode 0) file for the caller. netnest does the same.
#[test]
fn add_inside_leaves_a_stale_file_outside() {
    sc().setup("ip netns add a")
        .opts(["-n", "a"])
        .args(["add", "y"])
        .after("nn_state; ip netns list")
        .expect(Expect::ok().after(
            "a f 444\ny f 0\n/run/netns: shared mount\nnsfs mounts: 1\n\
             Error: Peer netns reference is invalid.\nError: Peer netns reference is invalid.\ny\na\n",
        ));
}

// ---- Deliberate difference (docs/compatibility.md) ----

/// `-n` as the last word: ip passes a NULL name on and prints `(null)`; netnest says the
/// command line is not complete.
#[test]
fn missing_name() {
    // `ip -n` alone: the wrapper drops the `netns` word the harness adds after the options.
    sc().wrap(["sh", "-c", "exec \"$0\" -n"]).differs(
        Expect::code(255)
            .stderr("Cannot open network namespace \"(null)\": No such file or directory\n"),
        Expect::code(255).stderr("Command line is not complete. Try option \"help\"\n"),
    );
}
