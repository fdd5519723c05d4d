// SPDX-License-Identifier: MIT OR Apache-2.0
//! The long texts of the subcommands: usage lines, what each does, examples, and what its
//! arguments are (for the completions). The one-line summaries are the grammar's
//! ([`crate::args::VERBS`]).

use super::Arg;

/// The order the reference presents the subcommands in (`ip netns`'s usage order, then
/// netnest's own); every keyword of `args::VERBS` that is not an alias is here.
pub const ORDER: &[&str] = &[
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
    "help",
    "lab",
    "prune",
    "inspect",
    "completions",
];

/// The long text of one subcommand.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    /// Its main keyword.
    pub keyword: &'static str,
    /// Its usage lines, after `netnest ` (options in front where they apply).
    pub usage: &'static [&'static str],
    /// What it does: paragraphs.
    pub about: &'static [&'static str],
    /// `(command line after "netnest ", what it does)`.
    pub examples: &'static [(&'static str, &'static str)],
    /// Whether it is netnest's own (not in `ip netns`).
    pub own: bool,
    /// Its arguments in order; the last one repeats.
    pub args: &'static [Arg],
}

/// The topic of `keyword` (a main keyword, as in [`ORDER`]).
pub fn topic(keyword: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|topic| topic.keyword == keyword)
}

/// Every topic, in [`ORDER`].
pub const TOPICS: &[Topic] = &[
    Topic {
        keyword: "list",
        usage: &["[-j [-p]] list"],
        about: &[
            "Lists the named network namespaces: the entries of the run directory (/run/netns), \
             newest first as the directory returns them, each with its nsid in the current \
             namespace when it has one: NAME (id: N). With -j, a JSON array of \
             {\"name\": NAME, \"id\": N}. An entry whose namespace is gone (a stale entry) \
             prints \"Error: Peer netns reference is invalid.\" as ip does; netnest prune \
             removes such entries.",
            "No subcommand at all is list. show and lst are the same.",
        ],
        examples: &[("list", "blue (id: 0)"), ("-j -p list", "the same, as JSON")],
        own: false,
        args: &[],
    },
    Topic {
        keyword: "add",
        usage: &["add NAME"],
        about: &[
            "Creates a new network namespace and names it: /run/netns/NAME, a bind mount of the \
             namespace on an empty file, the convention ip netns, pyroute2, Go and CNI share. \
             NAME is 1 to 255 bytes, not . or .., without /. The run directory is created and \
             made a shared mount the first time.",
            "Needs CAP_SYS_ADMIN (root). An interrupted add can leave an empty file behind \
             (\"File exists\" on the next add): netnest prune removes it.",
        ],
        examples: &[("add blue", "a namespace named blue")],
        own: false,
        args: &[Arg::NewName],
    },
    Topic {
        keyword: "attach",
        usage: &["attach NAME PID", "attach NAME container:ID"],
        about: &[
            "Names the network namespace of a running process: /run/netns/NAME becomes a bind \
             mount of /proc/PID/ns/net. PID is a number as C's strtol reads it (0x1f works).",
            "container:ID (netnest's own) names the namespace of a running container whose id \
             is ID or starts with ID: Docker (cgroupfs and systemd drivers), Podman, \
             containerd/CRI, CRI-O, nerdctl, found through /proc/*/cgroup. Several matches are \
             listed, so a longer prefix can be given.",
        ],
        examples: &[
            ("attach web 4242", "name the namespace of process 4242"),
            ("attach web container:3f2a", "name the namespace of container 3f2a..."),
        ],
        own: false,
        args: &[Arg::NewName, Arg::Pid],
    },
    Topic {
        keyword: "set",
        usage: &["set NAME NETNSID"],
        about: &[
            "Assigns an nsid to the named namespace in the current namespace: NETNSID is auto or \
             a number (0x10 and 010 read as C does). The kernel refuses a namespace that already \
             has one.",
        ],
        examples: &[("set blue 7", "blue is nsid 7 here"), ("set blue auto", "the kernel picks")],
        own: false,
        args: &[Arg::Namespace, Arg::Words(&["auto"])],
    },
    Topic {
        keyword: "delete",
        usage: &["delete NAME", "-all delete"],
        about: &[
            "Removes a name: the bind mount is detached and the file removed. The namespace \
             itself lives on while a process or a socket uses it. With -all, every name in the \
             run directory; netnest goes on after a name it cannot remove and then exits 1 \
             (ip stops and exits 0).",
            "A symbolic link in the run directory is removed, not followed. A name that cannot \
             be removed (a read-only run directory) is left intact.",
        ],
        examples: &[("delete blue", ""), ("-all delete", "every name")],
        own: false,
        args: &[Arg::Namespace],
    },
    Topic {
        keyword: "identify",
        usage: &["identify [PID]"],
        about: &[
            "Prints the name of the network namespace of process PID (this process without \
             PID), or an empty line when it has none. With several names for one namespace, the \
             first in directory order, as list-id prints.",
        ],
        examples: &[("identify 4242", "")],
        own: false,
        args: &[Arg::Pid],
    },
    Topic {
        keyword: "pids",
        usage: &["pids NAME"],
        about: &["Prints the processes (thread-group leaders) inside the named namespace, one pid a line."],
        examples: &[("pids blue", "")],
        own: false,
        args: &[Arg::Namespace],
    },
    Topic {
        keyword: "exec",
        usage: &["exec NAME COMMAND [ARGS]...", "-all exec COMMAND [ARGS]..."],
        about: &[
            "Runs COMMAND inside the named namespace, in ip netns exec's environment: a private \
             mount namespace, /sys remounted so /sys/class/net shows the namespace's links, each \
             file of /etc/netns/NAME/ bound over the one in /etc. The process is replaced (same \
             pid); the exit status is COMMAND's. Unlike ip, /sys/fs/cgroup stays visible inside.",
            "With -all, COMMAND runs in each named namespace in turn, after a line netns: NAME.",
        ],
        examples: &[
            ("exec blue ip addr", "the addresses inside blue"),
            ("-all exec ip link", "the links of every namespace"),
        ],
        own: false,
        args: &[Arg::Namespace, Arg::Command],
    },
    Topic {
        keyword: "monitor",
        usage: &["monitor"],
        about: &[
            "Prints add NAME and delete NAME as names appear in and leave the run directory, \
             until interrupted. Each line is flushed at once, so a pipe sees it (ip's are lost in \
             its buffer).",
        ],
        examples: &[("monitor", "")],
        own: false,
        args: &[],
    },
    Topic {
        keyword: "list-id",
        usage: &["list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]"],
        about: &[
            "Lists the nsids the current namespace has assigned (with target-nsid N, those that \
             the namespace known here as N has assigned), each with the name of its namespace: \
             nsid N (iproute2 netns name: NAME). nsid M prints only that one.",
        ],
        examples: &[("list-id", ""), ("-j list-id nsid 0", "")],
        own: false,
        args: &[Arg::Words(&["target-nsid", "nsid"])],
    },
    Topic {
        keyword: "help",
        usage: &["help [SUBCOMMAND]"],
        about: &[
            "help alone prints ip netns's usage block on stderr and exits 255, exactly as ip \
             netns help does, so scripts that test for it see no change. help SUBCOMMAND prints \
             that subcommand's help on stdout and exits 0. netnest --help prints everything.",
        ],
        examples: &[("help lab", "the lab's help")],
        own: false,
        args: &[Arg::Subcommand],
    },
    Topic {
        keyword: "lab",
        usage: &["lab SUBCOMMAND ..."],
        about: &[
            "Network labs from TOML files: namespaces (nodes), veth links, bridges, addresses, \
             routes and sysctls, built in one call, all or nothing, and torn down without leaving \
             anything behind. netnest lab SUBCOMMAND --help tells more; the file format is in \
             netnest-lab(5).",
        ],
        examples: &[
            ("lab up examples/labs/two-hosts-router.toml", "build the lab trio"),
            ("lab exec trio h1 ip route", "a command in node h1"),
            ("lab down trio", "remove everything it made"),
        ],
        own: true,
        args: &[Arg::Any],
    },
    Topic {
        keyword: "prune",
        usage: &["[-j] prune"],
        about: &[
            "Removes the stale entries of the run directory: the empty files that an \
             interrupted add, attach or delete leaves (of netnest or of ip netns), which list \
             as \"Error: Peer netns reference is invalid.\", make add fail with \"File exists\" \
             and exec with \"Invalid argument\". Prints each removed name. A live namespace, a \
             directory, a symbolic link or any other file is never touched.",
        ],
        examples: &[("prune", "")],
        own: true,
        args: &[],
    },
    Topic {
        keyword: "inspect",
        usage: &["[-j [-p]] inspect NAME"],
        about: &[
            "One view of a named namespace: its nsid here, its processes, and its links with \
             their state and addresses; what otherwise takes ip netns list, ip netns pids NAME \
             and ip -n NAME addr. With -j, one JSON object (-p indents all of it).",
        ],
        examples: &[("inspect blue", ""), ("-j -p inspect blue", "")],
        own: true,
        args: &[Arg::Namespace],
    },
    Topic {
        keyword: "completions",
        usage: &["completions { bash | zsh | fish }"],
        about: &[
            "Prints the completion script for the shell: subcommands, options, the names in the \
             run directory, labs and their nodes, topology files. scripts/install installs all \
             three; by hand: netnest completions bash > /etc/bash_completion.d/netnest.",
        ],
        examples: &[
            ("completions bash > /usr/share/bash-completion/completions/netnest", ""),
            (
                "completions zsh > /usr/share/zsh/vendor-completions/_netnest",
                "",
            ),
            (
                "completions fish > /usr/share/fish/vendor_completions.d/netnest.fish",
                "",
            ),
        ],
        own: true,
        args: &[Arg::Words(&["bash", "zsh", "fish"])],
    },
];

/// What the man page says under EXIT STATUS, and `--help` in short.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "success"),
    (
        "1",
        "the command failed (a message on stderr says why); with -batch, a line failed",
    ),
    (
        "2",
        "the kernel refused a netlink request (set, list-id with nsid, inspect)",
    ),
    (
        "255",
        "the command line is wrong: unknown option or subcommand, invalid name, missing \
         argument; a setup failure of exec",
    ),
    (
        "other",
        "exec and lab exec: the command's own status (128 + N when killed by signal N)",
    ),
];

/// Environment variables.
pub const ENVIRONMENT: &[(&str, &str)] = &[(
    "NETNEST_RUN_DIR",
    "the run directory instead of /run/netns (for tests and embedders; ip has no such \
     setting). Lab records are then in its sibling netnest/labs.",
)];

/// Files.
#[cfg(test)] // the man page's only
pub const FILES: &[(&str, &str)] = &[
    (
        "/run/netns/NAME",
        "the named namespaces: bind mounts on empty files, shared with ip netns",
    ),
    (
        "/etc/netns/NAME/",
        "files bound over those of /etc inside exec NAME (resolv.conf, hosts...)",
    ),
    (
        "/run/netnest/labs/LAB.toml",
        "the record of a lab that is up: what it made, so lab down can remove it",
    ),
];

/// The differences from `ip netns`, in short; docs/compatibility.md has each with its reason.
#[cfg(test)] // the man page's only
pub const DIFFERENCES: &[&str] = &[
    "Texts that name the program say netnest (Usage: netnest list, try \"netnest help\").",
    "--help, SUBCOMMAND --help and help SUBCOMMAND print help on stdout and exit 0; ip prints \
     its usage on stderr and exits 255 (help alone and -help still do). netnest add --help is \
     help, not a namespace named --help (a -batch line still makes one).",
    "--version, like -V, prints netnest's version and its build.",
    "-all add that fails removes only its own name (ip deletes every namespace).",
    "-all delete goes on after a failure and exits 1 (ip stops and exits 0).",
    "delete removes a symbolic link without following it into another mount, and changes \
     nothing when it cannot complete.",
    "-all exec and -batch never run a command twice when a namespace cannot be entered.",
    "identify prints the first of several names, as list-id does.",
    "monitor flushes each line, so a pipe sees it at once.",
    "exec keeps /sys/fs/cgroup visible.",
    "No (null) in messages; list-id with a target names the right namespace.",
    "Only the netns object: other objects of ip (link, addr...) are unknown commands.",
    "Extensions on words ip rejects: lab, prune, inspect, completions, attach NAME container:ID.",
];

/// Examples for the man page's EXAMPLES section: `(command line, what it does)`.
#[cfg(test)] // the man page's only
pub const EXAMPLES: &[(&str, &str)] = &[
    ("netnest add blue", "a namespace named blue"),
    ("netnest exec blue ip link", "a command inside it"),
    (
        "netnest -n blue set red auto",
        "an nsid for red, as seen from blue",
    ),
    ("netnest -j -p list", "the names and nsids as indented JSON"),
    (
        "printf 'add a\\nadd b\\n' | netnest -batch -",
        "many commands in one process",
    ),
    (
        "netnest lab up examples/labs/star.toml",
        "a lab from a topology file",
    ),
    ("netnest lab status", "the labs that are up"),
    ("netnest prune", "remove stale entries"),
    ("netnest -all delete", "remove every name"),
];
