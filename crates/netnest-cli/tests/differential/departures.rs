//! Where netnest departs from iproute2 6.1 on purpose (DESIGN.md); each test records what `ip`
//! does and asserts what netnest does instead.

use super::*;

/// ip 6.1 rolls a failed `-all add` back through `-all delete`: every namespace goes.
/// netnest rolls back only the one it was adding.
#[test]
fn failed_all_add_keeps_the_other_namespaces() {
    let message = "Failed to create a new network namespace \"x\": Operation not permitted\n";
    sc().setup("ip netns add keep1; ip netns add keep2")
        .wrap(common::inject("unshare", "EPERM"))
        .opt("-all")
        .args(["add", "x"])
        .after("nn_state")
        .differs(
            Expect::code(1)
                .stderr(message)
                .after("/run/netns: shared mount\nnsfs mounts: 0\n"),
            Expect::code(1)
                .stderr(message)
                .after("keep1 f 444\nkeep2 f 444\n/run/netns: shared mount\nnsfs mounts: 2\n"),
        );
}

/// ip 6.1 stops `-all delete` at the first entry it cannot remove and exits 0; netnest
/// goes on with the others and exits 1.
#[test]
fn all_delete_goes_on_and_reports_failure() {
    let message = "Cannot remove namespace file \"/run/netns/d\": Is a directory\n";
    // tmpfs lists newest first: b, d, a.
    sc().setup("ip netns add a; mkdir /run/netns/d; ip netns add b")
        .opt("-all")
        .arg("delete")
        .after("nn_state")
        .differs(
            Expect::ok()
                .stderr(message)
                .after("a f 444\nd d 755\n/run/netns: shared mount\nnsfs mounts: 1\n"),
            Expect::code(1)
                .stderr(message)
                .after("d d 755\n/run/netns: shared mount\nnsfs mounts: 0\n"),
        );
}

/// ip 6.1 calls umount2 without UMOUNT_NOFOLLOW, so deleting a symlink detaches whatever is
/// mounted where it points. netnest removes the link and leaves that mount alone.
#[test]
fn delete_does_not_follow_symlinks() {
    sc().setup(
        "mkdir /tmp/mnt; mount -t tmpfs netnest-test-victim /tmp/mnt; touch /tmp/mnt/file; \
         mkdir /run/netns; ln -s /tmp/mnt /run/netns/link",
    )
    .args(["delete", "link"])
    .after("nn_state; ls /tmp/mnt")
    .differs(
        Expect::ok().after("nsfs mounts: 0\n"),
        Expect::ok().after("nsfs mounts: 0\nfile\n"),
    );
}

/// ip 6.1's identify keeps the last of several names in directory order; netnest prints
/// the first, as list-id does.
#[test]
fn identify_prints_the_first_of_several_names() {
    // tmpfs lists newest first: two, one.
    sc().setup("nn_sleeper P; ip netns attach one $P; ip netns attach two $P")
        .args(["identify".into(), Arg::var("P")])
        .differs(Expect::ok().stdout("one\n"), Expect::ok().stdout("two\n"));
}

/// netnest's batch mode also takes lines without the `netns` object; ip reads `add x` as
/// `ip address add x`.
#[test]
fn batch_lines_without_netns() {
    sc().file("/tmp/batch", "add x\nlist\n")
        .opts(["-batch", "/tmp/batch"])
        .differs(
            // `ip address add x` exits 255 at once: no "Command failed".
            Expect::code(255).stderr("Command \"x\" is unknown, try \"ip address help\".\n"),
            Expect::ok().stdout("x\n"),
        );
}
