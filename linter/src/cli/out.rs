//! Writing results to stdout. A closed pipe (`pamlint rules | head`) is normal
//! for a command-line tool: `print!` would panic there, so every command writes
//! through `emit`, which treats a closed reader as "nobody wants the rest".

use std::io::{ErrorKind, Write};

/// `--format` of the commands that write a report or a listing (`check` has
/// its own: sarif and github are lint results only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}

/// Write `text` to stdout. A broken pipe is ignored; any other write error is
/// reported on stderr and returned so the caller can exit 2.
pub fn emit(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("pamlint: writing the output: {e}");
            Err(e)
        }
        Ok(()) => Ok(()),
    }
}

/// `emit` with a trailing newline.
pub fn emit_line(text: &str) -> std::io::Result<()> {
    emit(&format!("{text}\n"))
}

/// `text` with every line made safe for a terminal (control characters
/// escaped, line structure kept): for reports that quote what NSS or the
/// directory says (a name, a home, a shell), which nobody here wrote.
pub fn terminal_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&ldap_shell_core::escape::terminal_safe(body));
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_lines_escape_inside_lines_and_keep_the_lines() {
        assert_eq!(terminal_lines("a\n b\x1b[2J\n"), "a\n b\\x1b[2J\n");
        assert_eq!(terminal_lines("no end"), "no end");
    }
}
