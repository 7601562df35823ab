//! Temporary debugging aid: start an Apps world and wait.
fn main() {
    let w = e2e::World::start(e2e::Stack::Apps(std::env::args().nth(1).unwrap_or_default()));
    std::fs::write("/tmp/apdbg/dir", w.path().display().to_string()).unwrap();
    std::fs::write("/tmp/apdbg/pid", format!("{:?}", w.init_pid())).unwrap();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(1));
        for l in w.new_log() { println!("LOG {l}"); }
    }
}
