// SPDX-License-Identifier: MIT OR Apache-2.0
//! `netnest lab`: its subcommands, and the keys of a topology file (netnest-lab(5)).

use super::Arg;

/// One subcommand of `netnest lab`.
#[derive(Debug, Clone, Copy)]
pub struct LabTopic {
    /// Its keyword (any prefix names it, as the lab's parser reads it).
    pub keyword: &'static str,
    /// Its usage line, after `netnest lab `.
    pub usage: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Paragraphs.
    pub about: &'static [&'static str],
    /// `(command line after "netnest ", what it does)`.
    pub examples: &'static [(&'static str, &'static str)],
    /// Its arguments in order; the last one repeats.
    pub args: &'static [Arg],
}

/// The lab's subcommands.
pub const LAB_TOPICS: &[LabTopic] = &[
    LabTopic {
        keyword: "up",
        usage: "up FILE [name NAME]",
        summary: "build the lab a topology file describes",
        about: &[
            "Builds the lab FILE describes (netnest-lab(5)): all or nothing. If a step fails, \
             everything made so far is removed and the message says which step and why. name \
             NAME builds it under another name, so one file can be up twice. The lab's record \
             is written first, so lab down can remove everything even if up is killed half-way. \
             A progress bar is drawn on stderr for labs of 20 nodes or more when stderr is a \
             terminal.",
        ],
        examples: &[
            ("lab up examples/labs/two-hosts-router.toml", ""),
            ("lab up examples/labs/star.toml name star2", "a second copy"),
        ],
        args: &[Arg::TopologyFile, Arg::Words(&["name"]), Arg::Any],
    },
    LabTopic {
        keyword: "down",
        usage: "down [--force] { NAME | FILE }",
        summary: "remove everything a lab made",
        about: &[
            "Stops the processes left in the lab's nodes (SIGTERM, then SIGKILL after 1.5 s) \
             and names each on stderr, removes the lab's host interfaces and bridges and its \
             namespaces' names, then its record. Only what is still the lab's is removed: an \
             interface of the same name made by someone else, or a name that now names another \
             namespace, is left alone and reported. A lab that is not up is nothing to do (exit \
             0). A record that cannot be read is reported and nothing is removed.",
            "While the lab's up runs (it holds the lab's lock, or its recorded process is alive \
             with its recorded start time), down refuses; --force goes on anyway.",
        ],
        examples: &[
            ("lab down trio", ""),
            ("lab down examples/labs/star.toml", ""),
        ],
        args: &[Arg::LabOrFile, Arg::Words(&["--force"])],
    },
    LabTopic {
        keyword: "status",
        usage: "[-j [-p]] status [NAME]",
        summary: "list the labs that are up, or one lab's nodes",
        about: &[
            "Lists the labs that are up (without NAME), or one lab: its state, and each node \
             with its interfaces as the kernel reports them (kind, up or down, operational \
             state, MTU, bridge, the node and interface at the other end of a veth, addresses) \
             and the processes in its namespace (the lab's own with their run command), then the \
             lab's interfaces in the host. show and list are the same. With -j, JSON (-p \
             indents it); -j and -p may also come after lab.",
        ],
        examples: &[("lab status", ""), ("-j lab status trio", "")],
        args: &[Arg::Lab],
    },
    LabTopic {
        keyword: "exec",
        usage: "exec NAME NODE COMMAND [ARGS]...",
        summary: "run a command in a node",
        about: &[
            "Runs COMMAND in node NODE of lab NAME, in exec's environment (private mounts, /sys \
             remounted, /etc/netns/NAMESPACE/ bound). The exit status is COMMAND's.",
        ],
        examples: &[("lab exec trio h1 ping -c1 10.0.2.2", "")],
        args: &[Arg::Lab, Arg::Node, Arg::Command],
    },
    LabTopic {
        keyword: "logs",
        usage: "logs NAME NODE",
        summary: "print the output of a node's processes",
        about: &[
            "Prints what the commands of NODE's run = [...] wrote (stdout and stderr, in one \
             file under the lab's state directory, named in its record). The file is removed \
             with the lab by lab down.",
        ],
        examples: &[("lab logs web server", "")],
        args: &[Arg::Lab, Arg::Node],
    },
    LabTopic {
        keyword: "pingall",
        usage: "[-j [-p]] pingall NAME",
        summary: "check that every node reaches every other node",
        about: &[
            "Every node pings every other node, on each address family both have (a node's \
             address in a family is its first global one), with netnest's own ICMP echo from \
             inside the nodes, all at once; a node without addresses (a switch) is left out. \
             Prints a table and a count, or JSON with -j. The exit status is 1 if a pair does \
             not answer within a second.",
        ],
        examples: &[("lab pingall trio", ""), ("-j lab pingall trio", "")],
        args: &[Arg::Lab],
    },
    LabTopic {
        keyword: "test",
        usage: "[-j [-p]] test { NAME | FILE }",
        summary: "check the topology's expectations",
        about: &[
            "Checks the [[expect]] entries of the topology (from = NODE, to = a node or an \
             address, reach = true or false, optional port = N for a TCP connection instead \
             of an ICMP echo) against the lab that is up, with netnest's own probes from inside \
             the nodes. A node as the target is probed on each address family both nodes \
             have. For a file, the lab is the one of the file's name. Prints the same table as \
             pingall, or JSON with -j. The exit status is 1 if an expectation fails.",
        ],
        examples: &[
            ("lab test examples/labs/expect.toml", ""),
            ("-j lab test expect", ""),
        ],
        args: &[Arg::LabOrFile],
    },
    LabTopic {
        keyword: "graph",
        usage: "graph { NAME | FILE } [--format dot|mermaid|svg]",
        summary: "draw the topology",
        about: &[
            "Prints the topology as Graphviz DOT (the default), as a Mermaid flowchart, or as \
             SVG drawn by Graphviz's dot program (apt-get install graphviz): nodes as boxes, \
             bridges as diamonds, the host as an ellipse, links labelled with their interface \
             names and addresses. For a lab that is up, the topology comes from the file it was \
             built from.",
        ],
        examples: &[
            ("lab graph examples/labs/two-hosts-router.toml", ""),
            ("lab graph trio --format svg > trio.svg", ""),
        ],
        args: &[
            Arg::LabOrFile,
            Arg::Words(&["--format"]),
            Arg::Words(&["dot", "mermaid", "svg"]),
        ],
    },
    LabTopic {
        keyword: "generate",
        usage: "generate SHAPE NAME ARGS...",
        summary: "print a topology file in a known shape",
        about: &[
            "Prints a topology file whose addresses and routes make lab pingall pass. linear, \
             star and tree are Mininet's shapes (hosts h1… on 10.0.0.0/8 behind switches s1… \
             that are bridges inside switch nodes, or with host, bridges in the host with the \
             switch-to-switch veths in the host as Mininet makes them); ring and clos are routed \
             (a /30 per link, every node forwards, a route per remote link along a shortest \
             path). The shapes and their arguments: linear NAME N [host]; star NAME N [host]; \
             tree NAME DEPTH FANOUT [host]; ring NAME N; clos NAME SPINES LEAVES HOSTS.",
        ],
        examples: &[
            (
                "lab generate linear lin 100 host > lin.toml",
                "Mininet's --topo linear,100",
            ),
            ("lab generate clos fab 2 4 2 > fab.toml", ""),
        ],
        args: &[
            Arg::Words(&["linear", "star", "tree", "ring", "clos"]),
            Arg::Any,
        ],
    },
    LabTopic {
        keyword: "link",
        usage: "link NAME NODE:IFNAME { set KEY VALUE...|clear|up|down }",
        summary: "impair a link end, or take it down and up",
        about: &[
            "Changes one end of a link inside a node while the lab is up. set replaces the \
             end's impairment of what it sends: rate (10mbit; the kernel's tbf), delay (20ms), \
             jitter (5ms), loss, duplicate, corrupt, reorder (1%; the kernel's netem). clear \
             removes it. down and up take the interface down and bring it back, for failure \
             injection. A kernel without netem (CONFIG_NET_SCH_NETEM unset) refuses everything \
             but rate, before changing anything.",
        ],
        examples: &[
            ("lab link trio h1:eth0 set rate 10mbit", ""),
            ("lab link trio r:eth1 down", ""),
        ],
        args: &[
            Arg::Lab,
            Arg::Any,
            Arg::Words(&["set", "clear", "up", "down"]),
            Arg::Any,
        ],
    },
    LabTopic {
        keyword: "help",
        usage: "help",
        summary: "print the lab's usage",
        about: &["Prints the lab's usage on stdout."],
        examples: &[],
        args: &[],
    },
];

/// The lab topic `word` names, by prefix as the lab's parser reads it.
pub fn lab_topic(word: &str) -> Option<&'static LabTopic> {
    if word.is_empty() {
        return None;
    }
    // The lab's parser also reads `show` (from `sh`) and `list` as `status`.
    if "show".starts_with(word) && word.len() >= 2 || "list".starts_with(word) {
        return LAB_TOPICS.iter().find(|topic| topic.keyword == "status");
    }
    LAB_TOPICS
        .iter()
        .find(|topic| topic.keyword.starts_with(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::lab::{lookup, VERBS};

    /// Every word the lab's parser takes is documented, and names the subcommand it documents:
    /// a new lab subcommand fails here until it has a topic.
    #[test]
    fn the_lab_topics_are_the_parsers_words() {
        for (keyword, verb) in VERBS {
            let main = VERBS
                .iter()
                .find(|(_, v)| v == verb)
                .map(|(k, _)| *k)
                .unwrap();
            for end in 1..=keyword.len() {
                let word = &keyword[..end];
                let parsed = lookup(&word.into()).map(|v| {
                    VERBS
                        .iter()
                        .find(|(_, other)| *other == v)
                        .map(|(k, _)| *k)
                        .unwrap()
                });
                assert_eq!(
                    lab_topic(word).map(|t| t.keyword),
                    parsed,
                    "lab {word} (of {keyword}, documented under {main})"
                );
            }
        }
        for topic in LAB_TOPICS {
            assert!(
                VERBS.iter().any(|(k, _)| *k == topic.keyword),
                "lab {} is documented but not parsed",
                topic.keyword
            );
        }
    }
}
