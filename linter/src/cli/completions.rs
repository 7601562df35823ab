//! `pamlint completions SHELL`: the shell completion script (clap_complete), so
//! packages can install it and users can source it.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CommonArgs, EXIT_ERROR, EXIT_OK};

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell to generate the completion script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The completion script for `shell`, generated from the clap definition.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pamlint", &mut buf);
    buf
}

impl CompletionsArgs {
    pub fn run(&self, _common: &CommonArgs) -> u8 {
        match std::io::stdout().write_all(&script(self.shell)) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("pamlint: writing the completion script: {e}");
                EXIT_ERROR
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_complete_the_subcommands_and_options() {
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let text = String::from_utf8(script(shell)).unwrap();
            for word in [
                "check",
                "diff",
                "why",
                "explain",
                "completions",
                "deny",
                "sarif",
            ] {
                assert!(text.contains(word), "{shell} script lacks {word}");
            }
        }
    }
}
