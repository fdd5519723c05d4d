//! `set NAME NETNSID` (spec §2.5), `list-id` (§2.2), the global `-n NAME` (§2.7) and `monitor`
//! (§2.11), against `ip netns`.

use super::*;

const INVALID: &str = "Error: Peer netns reference is invalid.\n";

fn three() -> netnest_testkit::Scenario {
    sc().setup("ip netns add a; ip netns add b; ip netns add c")
}

#[test]
fn set_numbers_auto_and_listing() {
    for (id, shown) in [("5", "5"), ("0x10", "16"), ("010", "8"), (" 7", "7")] {
        three()
            .args(["set", "a", id])
            .after("ip netns list | grep '^a'")
            .expect(Expect::ok().after(format!("a (id: {shown})\n")));
    }
    three()
        .setup("ip netns set b 0")
        .args(["se", "a", "auto"])
        .after("ip netns list")
        .expect(Expect::ok().after("c\nb (id: 0)\na (id: 1)\n"));
}

#[test]
fn set_argument_errors() {
    three()
        .arg("set")
        .expect(Expect::code(1).stderr("No netns name specified\n"));
    three()
        .args(["set", "a"])
        .expect(Expect::code(1).stderr("No nsid specified\n"));
    for bad in [
        "abc",
        "AUTO",
        "2147483648",
        "99999999999999999999",
        "7 ",
        "",
    ] {
        three()
            .args(["set", "a", bad])
            .expect(Expect::code(255).stderr(format!(
                "Error: argument \"{bad}\" is wrong: Invalid \"netnsid\" value\n"
            )));
    }
    three().args(["set", "a", "-1"]).expect(
        Expect::code(255)
            .stderr("Error: argument \"-1\" is wrong: \"netnsid\" value should be >= 0\n"),
    );
    three().args(["set", "nope", "1"]).expect(
        Expect::code(1)
            .stderr("Cannot open network namespace \"nope\": No such file or directory\n"),
    );
}

#[test]
fn set_kernel_refusals_are_rc_2() {
    three()
        .setup("ip netns set a 5")
        .args(["set", "a", "6"])
        .expect(Expect::code(2).stderr("Error: Peer netns already has a nsid assigned.\n"));
    three()
        .setup("ip netns set a 5")
        .args(["set", "b", "5"])
        .expect(Expect::code(2).stderr("Error: The specified nsid is already used.\n"));
    three()
        .setup("touch /run/netns/stale")
        .args(["set", "stale", "3"])
        .expect(Expect::code(2).stderr(INVALID));
}

#[test]
fn list_id_plain_and_json() {
    let ids = three().setup("ip netns set a 5; ip netns set b 0; touch /run/netns/stale");
    ids.clone().arg("list-id").expect(
        Expect::ok()
            .stdout("nsid 0 (iproute2 netns name: b)\nnsid 5 (iproute2 netns name: a)\n")
            .stderr(INVALID),
    );
    ids.clone().opt("-j").arg("list-id").expect(
        Expect::ok()
            .stdout("[{\"nsid\":0,\"name\":\"b\"},{\"nsid\":5,\"name\":\"a\"}]\n")
            .stderr(INVALID),
    );
    ids.clone().opts(["-j", "-p"]).arg("list-i").check();
    ids.clone().args(["list-id", "nsid", "5"]).expect(
        Expect::ok()
            .stdout("nsid 5 (iproute2 netns name: a)\n")
            .stderr(INVALID),
    );
    ids.args(["list-id", "nsid", "7"])
        .expect(Expect::code(2).stderr(INVALID.repeat(2)));
}

#[test]
fn list_id_of_an_unnamed_peer_has_a_trailing_space() {
    // x has an nsid here but no name (its file was removed while a process keeps it alive).
    sc().setup("nn_sleeper P; ip netns attach x $P; ip netns set x 42; ip netns del x")
        .arg("list-id")
        .expect(Expect::ok().stdout("nsid 42 \n"));
}

#[test]
fn list_id_with_targets() {
    let peers = three().setup("ip netns set a 5; ip netns set b 6; ip -n a netns set b 7");
    peers
        .clone()
        .args(["list-id", "target-nsid", "5"])
        .expect(Expect::ok().stdout("nsid 7 current-nsid 6 (iproute2 netns name: b)\n"));
    peers
        .clone()
        .args(["list-id", "target-nsid", "5", "nsid", "6"])
        .expect(Expect::ok().stdout("nsid 7 current-nsid 6 (iproute2 netns name: b)\n"));
    peers
        .clone()
        .opt("-j")
        .args(["list-id", "target-nsid", "5"])
        .check();
    peers.clone().args(["list-id", "target-nsid", "99"]).expect(
        Expect::code(1).stderr("Error: Invalid target network namespace id.\nDump terminated\n"),
    );
    peers
        .opt("-j")
        .args(["list-id", "target-nsid", "99"])
        .expect(
            Expect::code(1)
                .stdout("[]\n")
                .stderr("Error: Invalid target network namespace id.\nDump terminated\n"),
        );
}

#[test]
fn list_id_argument_errors() {
    three()
        .args(["list-id", "target-nsid", "1", "target-nsid", "2"])
        .expect(
            Expect::code(255)
                .stderr("Error: duplicate \"target-nsid\": \"target-nsid\" is the second value.\n"),
        );
    three().args(["list-id", "nsid", "1", "nsid", "2"]).expect(
        Expect::code(255).stderr("Error: duplicate \"nsid\": \"nsid\" is the second value.\n"),
    );
    three().args(["list-id", "nsid", "x"]).expect(
        Expect::code(255).stderr("Error: argument \"x\" is wrong: \"nsid\" value is invalid\n"),
    );
    three().args(["list-id", "target-nsid", "x"]).expect(
        Expect::code(255)
            .stderr("Error: argument \"x\" is wrong: \"target-nsid\" value is invalid\n"),
    );
    three()
        .args(["list-id", "nsid"])
        .expect(Expect::code(255).stderr("Command line is not complete. Try option \"help\"\n"));
    three()
        .args(["list-id", "foo"])
        .expect(Expect::code(255).stderr(USAGE));
}

#[test]
fn netns_option_runs_inside() {
    let peers = three().setup("ip netns set a 5; ip -n a netns set b 3");
    peers
        .clone()
        .opts(["-n", "a"])
        .arg("list")
        .expect(Expect::ok().stdout("c\nb (id: 3)\na\n"));
    peers
        .clone()
        .opts(["-netns", "a"])
        .arg("list-id")
        .expect(Expect::ok().stdout("nsid 3 (iproute2 netns name: b)\n"));
    peers
        .clone()
        .opts(["-n", "a"])
        .args(["set", "c", "4"])
        .after("ip -n a netns list-id")
        .expect(
            Expect::ok()
                .after("nsid 3 (iproute2 netns name: b)\nnsid 4 (iproute2 netns name: c)\n"),
        );
    peers.clone().opts(["-n", "nope"]).arg("list").expect(
        Expect::code(255)
            .stderr("Cannot open network namespace \"nope\": No such file or directory\n"),
    );
    peers.clone().opts(["-n", ""]).arg("list").expect(
        Expect::code(255).stderr("setting the network namespace \"\" failed: Invalid argument\n"),
    );
    // The last -n wins.
    peers
        .opts(["-n", "b", "-n", "a"])
        .arg("list")
        .expect(Expect::ok().stdout("c\nb (id: 3)\na\n"));
}

#[test]
fn batch_set_and_list_id_as_iproute2s_testsuite() {
    // iproute2's own tests/ip/netns/set_nsid_batch.t.
    sc().file(
        "/tmp/batch",
        "netns add testnsid\nnetns set testnsid 99\nnetns list-id\nnetns del testnsid\n",
    )
    .opts(["-batch", "/tmp/batch"])
    .expect(Expect::ok().stdout("nsid 99 (iproute2 netns name: testnsid)\n"));
}

/// `monitor` on a terminal (where ip's stdout is line-buffered): the same lines as ip, in the same
/// order, for names added by `ip netns add`, plain files, directories and removals.
#[test]
fn monitor_under_a_pseudo_terminal() {
    let events = "mkdir -p /run/netns; (sleep 0.3; ip netns add m1; ip netns add m2; \
                  touch /run/netns/t; mkdir /run/netns/d; rmdir /run/netns/d; rm /run/netns/t; \
                  ip netns del m1; ip netns del m2) &";
    let under_pty = |command: &str| {
        netnest_testkit::Sandbox::new().setup(events).run(&[
            "script".into(),
            "-qfec".into(),
            command.into(),
            "/dev/null".into(),
        ])
    };
    let ip = under_pty("timeout 1 /usr/sbin/ip netns monitor");
    let expected =
        "add m1\r\nadd m2\r\nadd t\r\nadd d\r\ndelete d\r\ndelete t\r\ndelete m1\r\ndelete m2\r\n";
    assert_eq!(String::from_utf8_lossy(&ip.stdout), expected);
    if netnest_testkit::selftest() {
        return;
    }
    let netnest = under_pty(&format!(
        "timeout 1 {} monitor",
        env!("CARGO_BIN_EXE_netnest")
    ));
    assert_eq!(String::from_utf8_lossy(&netnest.stdout), expected);
    assert_eq!(ip.code, netnest.code);
}
