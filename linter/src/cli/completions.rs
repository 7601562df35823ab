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

impl CompletionsArgs {
    pub fn run(&self, _common: &CommonArgs) -> u8 {
        let mut buf = Vec::new();
        clap_complete::generate(self.shell, &mut Cli::command(), "pamlint", &mut buf);
        match std::io::stdout().write_all(&buf) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("pamlint: writing the completion script: {e}");
                EXIT_ERROR
            }
        }
    }
}
