//! `pamlint simulate` from the command line: JSON shape (docs/simulate.md), --assume,
//! --flavor, --type variants and exit codes, on testdata/simulate.

use assert_cmd::Command;
use serde_json::Value;

fn testdata() -> String {
    format!("{}/../testdata/simulate", env!("CARGO_MANIFEST_DIR"))
}

fn json(args: &[&str]) -> (Value, i32) {
    let out = Command::cargo_bin("pamlint")
        .expect("binary")
        .args(["--dir", &testdata(), "--format", "json", "simulate"])
        .args(args)
        .output()
        .expect("run");
    let v = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    (v, out.status.code().unwrap_or(-1))
}

#[test]
fn json_has_the_design_shape_and_a_trace_per_rule() {
    let (v, code) = json(&["vsftpd", "--type", "auth"]);
    assert_eq!(code, 0);
    assert_eq!(v["service"], "vsftpd");
    assert_eq!(v["type"], "auth");
    assert_eq!(v["result"], "PAM_SUCCESS");
    let trace = v["trace"].as_array().expect("trace");
    // listfile, unix (jumps over deny), permit, shells.
    let modules: Vec<&str> = trace
        .iter()
        .map(|t| t["module"].as_str().unwrap())
        .collect();
    assert_eq!(
        modules,
        [
            "pam_listfile.so",
            "pam_unix.so",
            "pam_permit.so",
            "pam_shells.so"
        ]
    );
    assert_eq!(trace[1]["action"], "jump 1");
    assert_eq!(trace[1]["skipped"], 1);
    assert!(trace[1]["file"].as_str().unwrap().ends_with("common-auth"));
    assert_eq!(trace[1]["line"], 2);
}

#[test]
fn assume_by_module_and_by_line() {
    let (v, code) = json(&[
        "vsftpd",
        "--type",
        "auth",
        "--assume",
        "pam_shells=PAM_AUTH_ERR",
    ]);
    assert_eq!((v["result"].as_str(), code), (Some("PAM_AUTH_ERR"), 1));
    let last = v["trace"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["module"], "pam_shells.so");
    assert_eq!(last["action"], "bad");
    assert_eq!(last["impression"], "negative");
    // pam_unix failing: the jump is not taken and requisite pam_deny dies.
    let (v, _) = json(&[
        "vsftpd",
        "--type",
        "auth",
        "--assume",
        "common-auth:2=auth_err",
    ]);
    assert_eq!(v["result"], "PAM_AUTH_ERR");
    let last = v["trace"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["module"], "pam_deny.so");
    assert_eq!(last["action"], "die");
}

#[test]
fn setcred_flavors_differ_on_a_jump_in_the_frozen_chain() {
    let (debian, _) = json(&["frozen", "--type", "setcred"]);
    let (upstream, _) = json(&["frozen", "--type", "setcred", "--flavor", "upstream"]);
    assert_eq!(debian["result"], "PAM_SUCCESS");
    assert_eq!(upstream["result"], "PAM_CRED_ERR");
    let hooks: Vec<&str> = debian["trace"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["hook"].as_str().unwrap())
        .collect();
    assert!(hooks.contains(&"pam_sm_authenticate") && hooks.contains(&"pam_sm_setcred"));
}

#[test]
fn session_and_account_types() {
    let (v, _) = json(&["vsftpd", "--type", "session"]);
    assert_eq!(v["result"], "PAM_SUCCESS");
    let (v, _) = json(&[
        "vsftpd",
        "--type",
        "account",
        "--assume",
        "pam_unix=new_authtok_reqd",
    ]);
    assert_eq!(v["result"], "PAM_NEW_AUTHTOK_REQD");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec![
            "simulate",
            "vsftpd",
            "--type",
            "auth",
            "--assume",
            "pam_unix=NOPE",
        ],
        vec!["simulate", "vsftpd", "--type", "bogus"],
        vec!["simulate", "no-such-service", "--type", "auth"],
    ] {
        let code = Command::cargo_bin("pamlint")
            .unwrap()
            .args(["--dir", &testdata()])
            .args(&args)
            .output()
            .unwrap()
            .status
            .code();
        assert_eq!(code, Some(2), "{args:?}");
    }
}

#[test]
fn human_output_names_result_and_rules() {
    let out = Command::cargo_bin("pamlint")
        .unwrap()
        .args(["--dir", &testdata(), "simulate", "vsftpd", "--type", "auth"])
        .args(["--assume", "pam_shells=PAM_AUTH_ERR"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("vsftpd auth: PAM_AUTH_ERR\n"), "{text}");
    assert!(
        text.contains("vsftpd:6 required pam_shells.so: PAM_AUTH_ERR -> bad"),
        "{text}"
    );
}
