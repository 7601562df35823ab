//! Prints the story of docs/story.md with real output: the same sandbox as
//! the e2e suite (real slapd, nslcd, vsftpd, sshd), stock stacks first,
//! then pam_ldap_shell, then `pamlint audit` over the whole directory.
//! Run as root: `cargo run -p e2e --example story`.

use e2e::{artifacts, ftp, ssh, Stack, World, PASSWORD};

fn main() {
    println!("## stock Debian 12 stacks (pam_ldap + pam_shells)\n");
    let w = World::start(Stack::Stock);
    w.new_log();
    for user in ["alice", "carol", "nora", "dave"] {
        show_ssh(&w, user);
    }
    for user in ["alice", "carol"] {
        show_ftp(&w, user);
    }
    for args in [
        &["diff", "sshd", "vsftpd"][..],
        &["why", "vsftpd", "carol"][..],
    ] {
        show_pamlint(&w, args);
    }
    drop(w);

    for options in ["", "missing_shell=warn"] {
        println!("## pam_ldap_shell stacks (account options: {options:?})\n");
        let w = World::start(Stack::Module(options.to_string()));
        w.new_log();
        for user in ["carol", "nora", "dave"] {
            show_ftp(&w, user);
        }
        if options.is_empty() {
            show_pamlint(&w, &["why", "vsftpd", "carol"]);
        }
    }

    println!("## pamlint audit: every directory user, before anyone calls\n");
    let w = World::start(Stack::Module(String::new()));
    show_pamlint(&w, &["audit", "--details", "sshd", "vsftpd"]);
}

fn show_ssh(w: &World, user: &str) {
    let s = ssh::run(w.ssh_port, user, PASSWORD, "echo SHELL=$SHELL");
    println!(
        "$ sshpass ssh {user}@127.0.0.1 'echo SHELL=$SHELL'   # exit {}",
        s.exit_code
    );
    print!("{}{}", s.stdout, s.stderr);
    show_log(w);
}

fn show_ftp(w: &World, user: &str) {
    println!("$ ftp login {user}");
    match ftp::login(w.ftp_port, user, PASSWORD) {
        Ok(login) => {
            for r in &login.replies {
                println!("< {r}");
            }
        }
        Err(e) => println!("FTP exchange failed: {e}"),
    }
    show_log(w);
}

fn show_log(w: &World) {
    println!("syslog:");
    for l in w.new_log() {
        println!("  {l}");
    }
    println!();
}

fn show_pamlint(w: &World, args: &[&str]) {
    let out = w.run_inside(&artifacts::get().pamlint, args);
    println!(
        "$ pamlint {}   # exit {:?}",
        args.join(" "),
        out.status.code()
    );
    print!("{}", String::from_utf8_lossy(&out.stdout));
    print!("{}", String::from_utf8_lossy(&out.stderr));
    println!();
}
