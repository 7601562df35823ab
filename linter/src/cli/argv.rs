//! Options a subcommand takes, written before it: `pamlint --format json diff A B`
//! was valid while `--format`, `--deny` and `--color` were global. They are
//! moved right after the subcommand's name, so clap reads (and checks) them as
//! that subcommand's own options: `pamlint --format sarif diff A B` is refused
//! by clap as `pamlint diff --format sarif A B` is.

use std::ffi::OsString;

/// The options that belong to subcommands but may be written before one.
const SUBCOMMAND_OPTIONS: &[&str] = &["--format", "--deny", "--color"];

/// `args` (program name first) with every `SUBCOMMAND_OPTIONS` option found
/// before the subcommand moved after its name; unchanged when no subcommand
/// is found or an argument is not UTF-8 (clap then reports what is wrong).
pub fn hoist(args: Vec<OsString>, cli: &clap::Command) -> Vec<OsString> {
    let takes_value: Vec<String> = cli
        .get_arguments()
        .filter(|a| a.get_action().takes_values())
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let is_subcommand = |s: &str| cli.get_subcommands().any(|c| c.get_name() == s);
    let (mut before, mut moved) = (Vec::new(), Vec::new());
    let mut it = args.iter().cloned().enumerate().skip(1);
    while let Some((i, arg)) = it.next() {
        let Some(text) = arg.to_str() else {
            return args;
        };
        if text == "--" {
            return args;
        }
        if is_subcommand(text) {
            let mut out = vec![args[0].clone()];
            out.extend(before);
            out.push(arg);
            out.extend(moved);
            out.extend(args[i + 1..].iter().cloned());
            return out;
        }
        let (name, inline_value) = match text.split_once('=') {
            Some((n, _)) => (n, true),
            None => (text, false),
        };
        let to = if SUBCOMMAND_OPTIONS.contains(&name) {
            &mut moved
        } else {
            &mut before
        };
        to.push(arg.clone());
        let has_value = SUBCOMMAND_OPTIONS.contains(&name) || takes_value.iter().any(|t| t == name);
        if has_value && !inline_value {
            if let Some((_, value)) = it.next() {
                to.push(value);
            }
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::hoist;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn run(line: &str) -> String {
        let args = line.split(' ').map(Into::into).collect();
        let out = hoist(args, &Cli::command());
        let out: Vec<String> = out
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        out.join(" ")
    }

    #[test]
    fn options_before_the_subcommand_move_after_it() {
        assert_eq!(
            run("pamlint --format json --dir d diff a b"),
            "pamlint --dir d diff --format json a b"
        );
        assert_eq!(
            run("pamlint --color=never --root r check x"),
            "pamlint --root r check --color=never x"
        );
        // A value that names a subcommand is a value, not the subcommand.
        assert_eq!(
            run("pamlint --dir check --deny warning check"),
            "pamlint --dir check check --deny warning"
        );
        assert_eq!(
            run("pamlint check --format json"),
            "pamlint check --format json"
        );
        assert_eq!(run("pamlint --format json"), "pamlint --format json");
    }

    #[test]
    fn clap_refuses_a_format_the_subcommand_cannot_write() {
        let parse = |line: &str| {
            let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
            <Cli as clap::Parser>::try_parse_from(hoist(args, &Cli::command()))
        };
        for line in [
            "pamlint --format sarif diff a b",
            "pamlint diff a b --format github",
            "pamlint --format sarif simulate s --type auth",
            "pamlint why s u --format sarif",
            "pamlint rules --format github",
            "pamlint --deny warning diff a b",
            "pamlint --color never why s u",
        ] {
            let e = parse(line).expect_err(line);
            assert_eq!(e.exit_code(), 2, "{line}");
        }
        for line in [
            "pamlint --format json diff a b",
            "pamlint --format sarif check",
            "pamlint check --format github --deny info --color never",
            "pamlint --format json --dir d simulate s --type auth",
            "pamlint --format json why s u",
            "pamlint rules --format json",
        ] {
            assert!(parse(line).is_ok(), "{line}");
        }
    }
}
