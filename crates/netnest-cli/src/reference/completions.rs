// SPDX-License-Identifier: MIT OR Apache-2.0
//! Shell completions for bash, zsh and fish: `netnest completions SHELL`.
//!
//! Each script is one function that walks the words before the cursor as netnest reads them
//! (options, each resolved by prefix in `ip`'s order so it knows which take a value; the
//! optional `netns` word; the subcommand, by prefix in `ip netns`'s order; `lab`'s own
//! subcommand) and offers what fits: subcommands, options, the names in the run directory
//! (`$NETNEST_RUN_DIR`, else `/run/netns`), the labs recorded in its sibling `netnest/labs` and
//! their nodes, topology files, commands. The tables are written into the script from the
//! grammar's and the reference's, so a new subcommand or option is completed without touching
//! this file.

use std::fmt::Write as _;

use super::lab::LAB_TOPICS;
use super::topics::topic;
use super::{verbs, Arg, LONG_OPTIONS};
use crate::args::{Rule, OPTIONS, VERBS};

/// The shells there is a script for.
pub const SHELLS: &[&str] = &["bash", "zsh", "fish"];

/// The script for `shell`, if there is one.
pub fn script(shell: &str) -> Option<String> {
    match shell {
        "bash" => Some(bash()),
        "zsh" => Some(zsh()),
        "fish" => Some(fish()),
        _ => None,
    }
}

/// How an argument is completed, as the scripts name it.
fn kind(arg: Arg) -> String {
    match arg {
        Arg::Namespace => "namespace".into(),
        Arg::NewName | Arg::Pid | Arg::Any => "none".into(),
        Arg::Command => "command".into(),
        Arg::Lab => "lab".into(),
        Arg::Node => "node".into(),
        Arg::TopologyFile => "toml".into(),
        Arg::LabOrFile => "lab+toml".into(),
        Arg::Words(words) => format!("words:{}", words.join(",")),
        Arg::Subcommand => "subcommand".into(),
    }
}

/// The value kinds of options: `NAME` is a namespace, `FILE` a file.
fn option_kind(arg: Option<&str>) -> &'static str {
    match arg {
        None => "",
        Some("NAME") => "namespace",
        Some("FILE") => "file",
        Some("FAMILY") => "words:inet,inet6,link,mpls,bridge",
        Some(_) => "none",
    }
}

/// `KEYWORD=MAIN` for every keyword, in the order netnest tries them.
fn keyword_table() -> Vec<(String, String)> {
    VERBS
        .iter()
        .map(|spec| {
            let main = verbs()
                .find(|main| main.verb == spec.verb)
                .map_or(spec.keyword, |main| main.keyword);
            (spec.keyword.to_owned(), main.to_owned())
        })
        .collect()
}

/// `MAIN=KIND KIND…` for every subcommand, and `lab:KEYWORD=KIND…` for the lab's.
fn argument_table() -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for spec in verbs() {
        if let Some(topic) = topic(spec.keyword) {
            let kinds: Vec<_> = topic.args.iter().map(|&a| kind(a)).collect();
            rows.push((spec.keyword.to_owned(), kinds.join(" ")));
        }
    }
    for lab in LAB_TOPICS {
        let kinds: Vec<_> = lab.args.iter().map(|&a| kind(a)).collect();
        rows.push((format!("lab:{}", lab.keyword), kinds.join(" ")));
    }
    rows
}

/// `NAME RULE KIND` for every option, in `ip`'s order (RULE: p prefix, e exact).
fn option_table() -> Vec<(String, char, String)> {
    OPTIONS
        .iter()
        .map(|spec| {
            let rule = if spec.rule == Rule::Exact { 'e' } else { 'p' };
            (spec.name.to_owned(), rule, option_kind(spec.arg).to_owned())
        })
        .collect()
}

/// The words offered for a subcommand position: main keywords (aliases too: `show`).
fn subcommand_words() -> Vec<&'static str> {
    VERBS.iter().map(|spec| spec.keyword).collect()
}

/// Every option's full name, and the long ones.
fn option_words() -> Vec<&'static str> {
    OPTIONS
        .iter()
        .map(|spec| spec.name)
        .chain(LONG_OPTIONS.iter().map(|(name, _)| *name))
        .collect()
}

fn lab_words() -> Vec<&'static str> {
    LAB_TOPICS.iter().map(|lab| lab.keyword).collect()
}

/// The bash script: `complete -F _netnest netnest`.
pub fn bash() -> String {
    let mut s = String::from(BASH_HEAD);
    let _ = writeln!(s, "_netnest_subcommands=({})", subcommand_words().join(" "));
    let _ = writeln!(s, "_netnest_options=({})", option_words().join(" "));
    let _ = writeln!(s, "_netnest_lab_subcommands=({})", lab_words().join(" "));
    s.push_str("# KEYWORD:MAIN in the order netnest tries them.\n_netnest_keywords=(");
    for (keyword, main) in keyword_table() {
        let _ = write!(s, " {keyword}:{main}");
    }
    s.push_str(" )\n# NAME:RULE:KIND in ip's order (p prefix, e exact; KIND of the value).\n_netnest_option_table=(");
    for (name, rule, kind) in option_table() {
        let _ = write!(s, " '{name}:{rule}:{kind}'");
    }
    s.push_str(" )\ndeclare -gA _netnest_args=(");
    for (main, kinds) in argument_table() {
        let _ = write!(s, " ['{main}']='{kinds}'");
    }
    s.push_str(" )\n");
    s.push_str(BASH_BODY);
    s
}

const BASH_HEAD: &str = r#"# bash completion for netnest: `netnest completions bash` wrote this.
# Install: scripts/install, or save it as /usr/share/bash-completion/completions/netnest.
"#;

const BASH_BODY: &str = r#"
# The option WORD names (prefix match in ip's order): prints its value's KIND, or "flag", or
# nothing when WORD names no option.
_netnest_option() {
    local w=$1 row name rule kind
    [[ $w == --?* ]] && w=${w#-}
    for row in "${_netnest_option_table[@]}"; do
        IFS=: read -r name rule kind <<<"$row"
        if [[ $rule == e && $w == "$name" ]] || [[ $rule == p && -n ${w#-} && $name == "$w"* ]]; then
            echo "${kind:-flag}"
            return
        fi
    done
    [[ $w == -c* || $w == -co* ]] && echo flag
}

# The subcommand WORD names (prefix match in netnest's order).
_netnest_keyword() {
    local row
    for row in "${_netnest_keywords[@]}"; do
        if [[ -n $1 && ${row%%:*} == "$1"* ]]; then
            echo "${row#*:}"
            return
        fi
    done
}

_netnest_rundir() { echo "${NETNEST_RUN_DIR:-/run/netns}"; }

# Adds the entries of DIR (with SUFFIX cut off, only those ending in it) that start with $cur.
_netnest_entries() {
    local dir=$1 suffix=$2 f n
    for f in "$dir"/* "$dir"/.[!.]*; do
        [[ -e $f || -L $f ]] || continue
        n=${f##*/}
        if [[ -n $suffix ]]; then
            [[ $n == *"$suffix" ]] || continue
            n=${n%"$suffix"}
        fi
        [[ $n == "$cur"* ]] && COMPREPLY+=("$n")
    done
}

# Offers what KIND says; LAB is the lab named earlier (for nodes).
_netnest_offer() {
    local kind=$1 lab=$2 rundir labs
    rundir=$(_netnest_rundir)
    labs=${rundir%/*}/netnest/labs
    case $kind in
    namespace) _netnest_entries "$rundir" "" ;;
    lab) _netnest_entries "$labs" .toml ;;
    node)
        local n
        [[ -r $labs/$lab.toml ]] || return
        while IFS= read -r n; do
            [[ $n == "$cur"* ]] && COMPREPLY+=("$n")
        done < <(sed -n 's/^name = "\(.*\)"$/\1/p' "$labs/$lab.toml")
        ;;
    toml)
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
        ;;
    lab+toml)
        _netnest_entries "$labs" .toml
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
        ;;
    file)
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -- "$cur"))
        ;;
    command) COMPREPLY+=($(compgen -c -- "$cur")) ;;
    subcommand) COMPREPLY+=($(compgen -W "${_netnest_subcommands[*]}" -- "$cur")) ;;
    words:*)
        local words=${kind#words:}
        COMPREPLY+=($(compgen -W "${words//,/ }" -- "$cur"))
        ;;
    esac
}

# The KIND of argument number N (from 0) in the list KINDS (the last one repeats); "rest" after
# a command's first word.
_netnest_nth() {
    local n=$1 kinds=($2) last
    ((${#kinds[@]})) || { echo none; return; }
    if ((n < ${#kinds[@]})); then
        echo "${kinds[n]}"
        return
    fi
    last=${kinds[${#kinds[@]}-1]}
    [[ $last == command ]] && echo file || echo "$last"
}

_netnest() {
    local cur=${COMP_WORDS[COMP_CWORD]} i=1 w kind
    COMPREPLY=()
    # The global options.
    while ((i < COMP_CWORD)); do
        w=${COMP_WORDS[i]}
        [[ $w == -- ]] && { ((i++)); break; }
        [[ $w == -* ]] || break
        kind=$(_netnest_option "$w")
        if [[ -n $kind && $kind != flag ]]; then
            if ((i + 1 == COMP_CWORD)); then
                _netnest_offer "$kind"
                return
            fi
            ((i++))
        fi
        ((i++))
    done
    if ((i == COMP_CWORD)); then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "${_netnest_options[*]}" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "${_netnest_subcommands[*]}" -- "$cur"))
        fi
        return
    fi
    # `netnest netns add x` is `netnest add x`.
    case ${COMP_WORDS[i]} in net | netn | netns) ((i++)) ;; esac
    if ((i == COMP_CWORD)); then
        COMPREPLY=($(compgen -W "${_netnest_subcommands[*]}" -- "$cur"))
        return
    fi
    local main
    main=$(_netnest_keyword "${COMP_WORDS[i]}")
    [[ -n $main ]] || return
    ((i++))
    if [[ $main == lab ]]; then
        # The lab's own words; -j and -p may come anywhere before exec's command.
        local words=() j
        for ((j = i; j < COMP_CWORD; j++)); do
            case ${COMP_WORDS[j]} in -j | -json | --json | -p | -pretty | --pretty) ;; *) words+=("${COMP_WORDS[j]}") ;; esac
        done
        if ((${#words[@]} == 0)); then
            COMPREPLY=($(compgen -W "${_netnest_lab_subcommands[*]} --help" -- "$cur"))
            return
        fi
        local sub="" s
        for s in "${_netnest_lab_subcommands[@]}"; do
            [[ $s == "${words[0]}"* ]] && { sub=$s; break; }
        done
        case ${words[0]} in sh* | l*) sub=status ;; esac
        [[ -n $sub ]] || return
        local n=$((${#words[@]} - 1))
        if ((n == 0)) && [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help" -- "$cur"))
            return
        fi
        kind=$(_netnest_nth "$n" "${_netnest_args[lab:$sub]}")
        _netnest_offer "$kind" "${words[1]}"
        return
    fi
    local n=$((COMP_CWORD - i))
    if ((n == 0)) && [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--help" -- "$cur"))
        return
    fi
    kind=$(_netnest_nth "$n" "${_netnest_args[$main]}")
    _netnest_offer "$kind"
}

complete -F _netnest netnest
"#;

/// The zsh script: `#compdef netnest`; the same walk, with descriptions for subcommands.
pub fn zsh() -> String {
    let mut s = String::from("#compdef netnest\n");
    s.push_str(
        "# zsh completion for netnest: `netnest completions zsh` wrote this.\n\
         # Install: scripts/install, or save it as _netnest in a directory of $fpath.\n",
    );
    s.push_str("typeset -ga _netnest_subcommands _netnest_options _netnest_lab_subcommands\n");
    s.push_str("_netnest_subcommands=(");
    for spec in VERBS {
        let _ = write!(
            s,
            " {}",
            zsh_quote(&format!("{}:{}", spec.keyword, spec.help))
        );
    }
    s.push_str(" )\n_netnest_options=(");
    for spec in OPTIONS {
        let _ = write!(s, " {}", zsh_quote(&format!("{}:{}", spec.name, spec.help)));
    }
    for (name, help) in LONG_OPTIONS {
        let _ = write!(s, " {}", zsh_quote(&format!("{name}:{help}")));
    }
    s.push_str(" )\n_netnest_lab_subcommands=(");
    for lab in LAB_TOPICS {
        let _ = write!(
            s,
            " {}",
            zsh_quote(&format!("{}:{}", lab.keyword, lab.summary))
        );
    }
    s.push_str(" )\ntypeset -ga _netnest_keywords _netnest_option_table\n_netnest_keywords=(");
    for (keyword, main) in keyword_table() {
        let _ = write!(s, " {keyword}:{main}");
    }
    s.push_str(" )\n_netnest_option_table=(");
    for (name, rule, kind) in option_table() {
        let _ = write!(s, " '{name}:{rule}:{kind}'");
    }
    s.push_str(" )\ntypeset -gA _netnest_args\n_netnest_args=(");
    for (main, kinds) in argument_table() {
        let _ = write!(s, " '{main}' '{kinds}'");
    }
    s.push_str(" )\n");
    s.push_str(ZSH_BODY);
    s
}

fn zsh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

const ZSH_BODY: &str = r#"
_netnest_option() {
    local w=$1 row name rule kind
    [[ $w == --?* ]] && w=${w#-}
    for row in $_netnest_option_table; do
        name=${row%%:*}; rule=${${row#*:}%%:*}; kind=${row#*:*:}
        if [[ $rule == e && $w == $name ]] || [[ $rule == p && -n ${w#-} && $name == ${w}* ]]; then
            print -r -- ${kind:-flag}
            return
        fi
    done
}

_netnest_keyword() {
    local row
    for row in $_netnest_keywords; do
        if [[ -n $1 && ${row%%:*} == ${1}* ]]; then
            print -r -- ${row#*:}
            return
        fi
    done
}

_netnest_offer() {
    local kind=$1 lab=$2 rundir=${NETNEST_RUN_DIR:-/run/netns}
    local labs=${rundir:h}/netnest/labs
    local -a names
    case $kind in
    namespace) names=($rundir/*(DN:t)); compadd -a names ;;
    lab) names=($labs/*.toml(N:t:r)); compadd -a names ;;
    node)
        [[ -r $labs/$lab.toml ]] || return
        names=(${(f)"$(sed -n 's/^name = "\(.*\)"$/\1/p' $labs/$lab.toml)"})
        compadd -a names
        ;;
    toml) _files -g '*.toml' ;;
    lab+toml) names=($labs/*.toml(N:t:r)); compadd -a names; _files -g '*.toml' ;;
    file) _files ;;
    command) _command_names -e ;;
    subcommand) _describe subcommand _netnest_subcommands ;;
    words:*) names=(${(s:,:)${kind#words:}}); compadd -a names ;;
    esac
}

_netnest_nth() {
    local n=$1 last
    local -a kinds
    kinds=(${=2})
    (( $#kinds )) || { print none; return; }
    if (( n < $#kinds )); then
        print -r -- $kinds[n+1]
        return
    fi
    last=$kinds[-1]
    [[ $last == command ]] && print file || print -r -- $last
}

_netnest() {
    local cur=$words[CURRENT] i=2 w kind main
    while (( i < CURRENT )); do
        w=$words[i]
        [[ $w == -- ]] && { (( i++ )); break; }
        [[ $w == -* ]] || break
        kind=$(_netnest_option $w)
        if [[ -n $kind && $kind != flag ]]; then
            if (( i + 1 == CURRENT )); then
                _netnest_offer $kind
                return
            fi
            (( i++ ))
        fi
        (( i++ ))
    done
    if (( i == CURRENT )); then
        if [[ $cur == -* ]]; then
            _describe option _netnest_options
        else
            _describe subcommand _netnest_subcommands
        fi
        return
    fi
    case $words[i] in net|netn|netns) (( i++ )) ;; esac
    if (( i == CURRENT )); then
        _describe subcommand _netnest_subcommands
        return
    fi
    main=$(_netnest_keyword $words[i])
    [[ -n $main ]] || return
    (( i++ ))
    if [[ $main == lab ]]; then
        local -a lw
        local j sub s
        for (( j = i; j < CURRENT; j++ )); do
            case $words[j] in -j|-json|--json|-p|-pretty|--pretty) ;; *) lw+=($words[j]) ;; esac
        done
        if (( $#lw == 0 )); then
            _describe 'lab subcommand' _netnest_lab_subcommands
            return
        fi
        for s in ${_netnest_lab_subcommands%%:*}; do
            [[ $s == ${lw[1]}* ]] && { sub=$s; break; }
        done
        case $lw[1] in sh*|l*) sub=status ;; esac
        [[ -n $sub ]] || return
        kind=$(_netnest_nth $(( $#lw - 1 )) "$_netnest_args[lab:$sub]")
        _netnest_offer $kind $lw[2]
        return
    fi
    if (( CURRENT - i == 0 )) && [[ $cur == -* ]]; then
        compadd -- --help
        return
    fi
    kind=$(_netnest_nth $(( CURRENT - i )) "$_netnest_args[$main]")
    _netnest_offer $kind
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _netnest "$@"
else
    compdef _netnest netnest
fi
"#;

/// The fish script: one function prints the candidates (`WORD\tdescription`).
pub fn fish() -> String {
    let mut s = String::from(
        "# fish completion for netnest: `netnest completions fish` wrote this.\n\
         # Install: scripts/install, or save it as ~/.config/fish/completions/netnest.fish.\n",
    );
    s.push_str("set -g __netnest_subcommands");
    for spec in VERBS {
        let _ = write!(
            s,
            " {}",
            fish_quote(&format!("{}\t{}", spec.keyword, spec.help))
        );
    }
    s.push_str("\nset -g __netnest_options");
    for spec in OPTIONS {
        let _ = write!(
            s,
            " {}",
            fish_quote(&format!("{}\t{}", spec.name, spec.help))
        );
    }
    for (name, help) in LONG_OPTIONS {
        let _ = write!(s, " {}", fish_quote(&format!("{name}\t{help}")));
    }
    s.push_str("\nset -g __netnest_lab_subcommands");
    for lab in LAB_TOPICS {
        let _ = write!(
            s,
            " {}",
            fish_quote(&format!("{}\t{}", lab.keyword, lab.summary))
        );
    }
    s.push_str("\nset -g __netnest_keywords");
    for (keyword, main) in keyword_table() {
        let _ = write!(s, " {keyword}:{main}");
    }
    s.push_str("\nset -g __netnest_option_table");
    for (name, rule, kind) in option_table() {
        let _ = write!(s, " '{name}:{rule}:{kind}'");
    }
    s.push_str("\nset -g __netnest_args");
    for (main, kinds) in argument_table() {
        let _ = write!(s, " '{main}={kinds}'");
    }
    s.push('\n');
    s.push_str(FISH_BODY);
    s
}

fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

const FISH_BODY: &str = r#"
function __netnest_option
    set -l w $argv[1]
    string match -qr -- '^--.' $w; and set w (string sub -s 2 -- $w)
    for row in $__netnest_option_table
        set -l f (string split -m 2 : -- $row)
        if test "$f[2]" = e -a "$w" = "$f[1]"
            or test "$f[2]" = p -a (string length -- $w) -gt 1; and string match -q -- "$w*" $f[1]
            if test -n "$f[3]"
                echo $f[3]
            else
                echo flag
            end
            return
        end
    end
end

function __netnest_keyword
    test -n "$argv[1]"; or return
    for row in $__netnest_keywords
        set -l f (string split -m 1 : -- $row)
        if string match -q -- "$argv[1]*" $f[1]
            echo $f[2]
            return
        end
    end
end

function __netnest_kinds
    for row in $__netnest_args
        set -l f (string split -m 1 = -- $row)
        if test "$f[1]" = "$argv[1]"
            string split ' ' -- $f[2]
            return
        end
    end
end

function __netnest_nth
    set -l n $argv[1]
    set -l kinds (__netnest_kinds $argv[2])
    if test (count $kinds) -eq 0
        echo none
    else if test $n -lt (count $kinds)
        echo $kinds[(math $n + 1)]
    else if test "$kinds[-1]" = command
        echo file
    else
        echo $kinds[-1]
    end
end

function __netnest_offer
    set -l kind $argv[1]
    set -l rundir /run/netns
    set -q NETNEST_RUN_DIR; and test -n "$NETNEST_RUN_DIR"; and set rundir $NETNEST_RUN_DIR
    set -l labs (path dirname -- $rundir)/netnest/labs
    switch $kind
        case namespace
            for f in $rundir/* $rundir/.*
                path basename -- $f
            end
        case lab
            for f in $labs/*.toml
                path change-extension '' (path basename -- $f)
            end
        case node
            test -r $labs/$argv[2].toml; or return
            sed -n 's/^name = "\(.*\)"$/\1/p' $labs/$argv[2].toml
        case toml
            __fish_complete_suffix .toml
        case lab+toml
            __netnest_offer lab
            __fish_complete_suffix .toml
        case file
            __fish_complete_path (commandline -ct)
        case command
            __fish_complete_command
        case subcommand
            printf '%s\n' $__netnest_subcommands
        case 'words:*'
            string split , -- (string replace 'words:' '' -- $kind)
    end
end

function __netnest_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l i 2
    set -l n (count $words)
    while test $i -le $n
        set -l w $words[$i]
        if test "$w" = --
            set i (math $i + 1)
            break
        end
        string match -q -- '-*' $w; or break
        set -l kind (__netnest_option $w)
        if test -n "$kind" -a "$kind" != flag
            if test $i -eq $n
                __netnest_offer $kind
                return
            end
            set i (math $i + 1)
        end
        set i (math $i + 1)
    end
    if test $i -gt $n
        if string match -q -- '-*' $cur
            printf '%s\n' $__netnest_options
        else
            printf '%s\n' $__netnest_subcommands
        end
        return
    end
    if contains -- $words[$i] net netn netns
        set i (math $i + 1)
        if test $i -gt $n
            printf '%s\n' $__netnest_subcommands
            return
        end
    end
    set -l main (__netnest_keyword $words[$i])
    test -n "$main"; or return
    set i (math $i + 1)
    if test "$main" = lab
        set -l lw
        for w in $words[$i..-1]
            contains -- $w -j -json --json -p -pretty --pretty; or set -a lw $w
        end
        if test $i -gt $n; or test (count $lw) -eq 0
            printf '%s\n' $__netnest_lab_subcommands
            return
        end
        set -l sub
        for s in $__netnest_lab_subcommands
            set -l k (string split -m 1 \t -- $s)[1]
            if string match -q -- "$lw[1]*" $k
                set sub $k
                break
            end
        end
        string match -q -- 'sh*' $lw[1]; and set sub status
        string match -q -- 'l*' $lw[1]; and set sub status
        test -n "$sub"; or return
        set -l lab
        test (count $lw) -ge 2; and set lab $lw[2]
        __netnest_offer (__netnest_nth (math (count $lw) - 1) lab:$sub) $lab
        return
    end
    set -l pos (math $n - $i + 1)
    if test $pos -eq 0; and string match -q -- '-*' $cur
        echo --help
        return
    end
    __netnest_offer (__netnest_nth $pos $main)
end

complete -c netnest -f -a '(__netnest_complete)'
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_and_option_is_in_every_script() {
        for shell in SHELLS {
            let text = script(shell).unwrap();
            for spec in VERBS {
                assert!(text.contains(spec.keyword), "{shell}: {}", spec.keyword);
            }
            for spec in OPTIONS {
                assert!(text.contains(spec.name), "{shell}: {}", spec.name);
            }
        }
        assert!(script("tcsh").is_none());
    }
}
