//! A minimal FTP client for the login exchange only (USER, PASS, QUIT): what
//! the suite asserts is the server's reply to PASS, exactly as a user's
//! client shows it.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// The server's replies in order: the greeting, USER, PASS (and QUIT).
#[derive(Debug)]
pub struct Login {
    pub replies: Vec<String>,
}

impl Login {
    /// The reply to PASS, e.g. "230 Login successful." or "530 Login incorrect.".
    pub fn pass_reply(&self) -> &str {
        self.replies.get(2).map(String::as_str).unwrap_or("")
    }

    pub fn succeeded(&self) -> bool {
        self.pass_reply().starts_with("230 ")
    }
}

/// Logs in as `user` on 127.0.0.1:`port` and quits.
pub fn login(port: u16, user: &str, password: &str) -> std::io::Result<Login> {
    let stream = TcpStream::connect(("127.0.0.1", port))?;
    // vsftpd delays a failed login by a second or so; a minute means it hangs.
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut replies = vec![read_reply(&mut reader)?];
    for command in [format!("USER {user}"), format!("PASS {password}")] {
        writer.write_all(format!("{command}\r\n").as_bytes())?;
        replies.push(read_reply(&mut reader)?);
    }
    writer.write_all(b"QUIT\r\n")?;
    // After a refusal vsftpd may already have closed the connection.
    if let Ok(r) = read_reply(&mut reader) {
        replies.push(r);
    }
    Ok(Login { replies })
}

/// One reply; a multi-line one ("230-...", ..., "230 ...") joined by '\n'.
fn read_reply(reader: &mut impl BufRead) -> std::io::Result<String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("connection closed after {lines:?}"),
            ));
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        let last = is_last_line(&line);
        lines.push(line);
        if last {
            return Ok(lines.join("\n"));
        }
    }
}

/// "DDD " ends a reply; "DDD-" and continuation text do not (RFC 959 4.2).
fn is_last_line(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() >= 4 && b[..3].iter().all(u8::is_ascii_digit) && b[3] == b' '
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_reply_is_read_whole() {
        let mut input: &[u8] = b"230-Welcome\r\n more\r\n230 Login successful.\r\n220 next\r\n";
        assert_eq!(
            read_reply(&mut input).unwrap(),
            "230-Welcome\n more\n230 Login successful."
        );
        assert_eq!(read_reply(&mut input).unwrap(), "220 next");
        assert!(read_reply(&mut input).is_err());
    }
}
