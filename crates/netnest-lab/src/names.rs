// SPDX-License-Identifier: MIT OR Apache-2.0
//! The rules for names: labs, nodes, interfaces, sysctl keys.

/// The longest interface name the kernel takes (`IFNAMSIZ` - 1).
pub const IFNAME_MAX: usize = 15;

/// The longest lab or node name (so `LAB-NODE` stays a short file name).
pub const NAME_LEN_MAX: usize = 64;

/// Why a lab or node name is refused, or `None`: 1 to 64 characters from `A-Z a-z 0-9 _ . -`,
/// not starting with `.` or `-`.
pub fn bad_name(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if name.len() > NAME_LEN_MAX {
        return Some(format!(
            "the name is {} bytes long; at most {NAME_LEN_MAX} are allowed",
            name.len()
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Some(format!(
            "{c:?} is not allowed in a name (use letters, digits, '_', '.', '-')"
        ));
    }
    if name.starts_with(['.', '-']) {
        return Some("a name cannot start with '.' or '-'".into());
    }
    None
}

/// Why an interface name is refused by the kernel (`dev_valid_name`), or `None`.
pub fn bad_ifname(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the interface name is empty".into());
    }
    if name.len() > IFNAME_MAX {
        return Some(format!(
            "the interface name \"{name}\" is {} bytes long; the kernel takes at most {IFNAME_MAX}",
            name.len()
        ));
    }
    if name == "." || name == ".." {
        return Some("an interface cannot be called \".\" or \"..\"".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| *c == '/' || *c == ':' || c.is_whitespace() || c.is_control())
    {
        return Some(format!("{c:?} is not allowed in an interface name"));
    }
    None
}

/// Why a sysctl key is refused, or `None`: `net.` followed by path components of
/// `A-Z a-z 0-9 _ -` (only the network namespace's own sysctls are written, under
/// `/proc/sys/net/`).
pub fn bad_sysctl_key(key: &str) -> Option<String> {
    let Some(rest) = key.strip_prefix("net.") else {
        return Some(format!(
            "\"{key}\" is not a network sysctl: only keys under net. belong to a namespace"
        ));
    };
    let ok = rest.split('.').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    (!ok).then(|| {
        format!("\"{key}\" is not a sysctl key (dotted words such as net.ipv4.ip_forward)")
    })
}

/// The default name of a link's end in the host: `LAB-NODE` after the node at the other end;
/// for a link with both ends in the host, `LAB-Ia` and `LAB-Ib` (`I`: the link's index), so
/// the two ends differ.
pub fn default_host_ifname(lab: &str, link: usize, side: usize, peer: Option<&str>) -> String {
    match peer {
        Some(node) => format!("{lab}-{node}"),
        None => format!("{lab}-{link}{}", ["a", "b"][side]),
    }
}

/// The file under `/proc/sys` for a sysctl key: `net.ipv4.ip_forward` →
/// `net/ipv4/ip_forward`.
pub fn sysctl_path(key: &str) -> String {
    key.replace('.', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(bad_name("h1").is_none());
        assert!(bad_name("a-b.c_d").is_none());
        assert!(bad_name("-x").is_some());
        assert!(bad_name("a/b").is_some());
        assert!(bad_name("").is_some());
        assert!(bad_ifname("eth0").is_none());
        assert!(bad_ifname("123456789012345").is_none());
        assert!(bad_ifname("1234567890123456").is_some());
        assert!(bad_ifname("a:b").is_some());
        assert!(bad_ifname("a b").is_some());
        assert!(bad_ifname("..").is_some());
        assert!(bad_sysctl_key("net.ipv4.ip_forward").is_none());
        assert!(bad_sysctl_key("kernel.panic").is_some());
        assert!(bad_sysctl_key("net..x").is_some());
        assert!(bad_sysctl_key("net.ipv4/../x").is_some());
        assert_eq!(sysctl_path("net.ipv4.ip_forward"), "net/ipv4/ip_forward");
    }
}

/// Splits a command line into words as a shell splits plain words: blanks separate words,
/// `'…'` keeps everything inside, `"…"` keeps everything but `\"` and `\\`, and `\` outside
/// quotes escapes the next character. Nothing is expanded (`$`, `*`, `~` stay as written).
/// `None` if a quote is not closed or the line ends in a lone `\`.
pub fn split_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => w.push(c),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => match chars.next()? {
                            c @ ('"' | '\\') => w.push(c),
                            c => {
                                w.push('\\');
                                w.push(c);
                            }
                        },
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).push(chars.next()?),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Some(words)
}

#[cfg(test)]
mod split_tests {
    use super::split_words;

    #[test]
    fn words_and_quotes() {
        assert_eq!(
            split_words(r#"sh -c 'echo a b' "x \"y\"" c\ d"#).unwrap(),
            ["sh", "-c", "echo a b", "x \"y\"", "c d"]
        );
        assert_eq!(split_words("  ").unwrap(), Vec::<String>::new());
        assert_eq!(split_words("''").unwrap(), [""]);
        assert_eq!(split_words("echo 'open"), None);
        assert_eq!(split_words("echo \\"), None);
    }
}
