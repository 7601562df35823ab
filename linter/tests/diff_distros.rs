//! `pamlint diff sshd vsftpd` on each distro's default stacks names pam_shells
//! and pam_listfile (vsftpd only, in auth) with both sides' file:line.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const DISTROS: [&str; 3] = ["centos7", "rhel9-authselect-sssd", "debian12"];

fn stacks(distro: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/pam.d")
        .join(distro)
}

fn line_of(distro: &str, file: &str, module: &str) -> u64 {
    let text = std::fs::read_to_string(stacks(distro).join(file)).unwrap();
    text.lines()
        .position(|l| !l.trim_start().starts_with('#') && l.contains(module))
        .map(|i| i as u64 + 1)
        .unwrap_or_else(|| panic!("{module} not in {distro}/{file}"))
}

fn diff(distro: &str, a: &str, b: &str, format: &str) -> (i32, String) {
    let out = Command::cargo_bin("pamlint")
        .unwrap()
        .arg("--dir")
        .arg(stacks(distro))
        .args(["--format", format, "diff", a, b])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn auth_differences(v: &Value) -> Vec<Value> {
    v["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "auth")
        .unwrap()["differences"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn sshd_vs_vsftpd_names_pam_shells_and_pam_listfile() {
    for distro in DISTROS {
        let (code, out) = diff(distro, "sshd", "vsftpd", "json");
        assert_eq!(code, 1, "differences exit 1: {out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let diffs = auth_differences(&v);
        for module in ["pam_shells", "pam_listfile"] {
            let d = diffs
                .iter()
                .find(|d| d["module"] == module)
                .unwrap_or_else(|| panic!("{distro}: {module} not named: {diffs:#?}"));
            assert_eq!(d["kind"], "only_in_b", "{distro} {module}");
            assert!(d["a"].is_null());
            let b = &d["b"];
            assert!(b["file"].as_str().unwrap().ends_with("/vsftpd"), "{b}");
            assert_eq!(
                b["line"],
                line_of(distro, "vsftpd", &format!("{module}.so"))
            );
            let c = d["consequence"].as_str().unwrap();
            assert!(c.starts_with("vsftpd also requires"), "{c}");
            assert!(c.contains("not by sshd"), "{c}");
        }
        let shells = diffs.iter().find(|d| d["module"] == "pam_shells").unwrap();
        assert!(shells["consequence"]
            .as_str()
            .unwrap()
            .contains("/etc/shells"));
        let listfile = diffs
            .iter()
            .find(|d| d["module"] == "pam_listfile")
            .unwrap();
        assert!(listfile["consequence"]
            .as_str()
            .unwrap()
            .contains("ftpusers"));
        // Rules both services share through the include are not differences.
        assert!(
            !diffs
                .iter()
                .any(|d| d["module"] == "pam_unix" && d["kind"] != "changed"),
            "{distro}: pam_unix reported: {diffs:#?}"
        );
    }
}

#[test]
fn included_rules_carry_the_include_line() {
    // CentOS sshd's password stack comes from password-auth through sshd's
    // `password include password-auth`; vsftpd has none and falls back to other.
    let (_, out) = diff("centos7", "sshd", "vsftpd", "json");
    let v: Value = serde_json::from_str(&out).unwrap();
    let password = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "password")
        .unwrap();
    assert_eq!(password["b_from_other"], true);
    let pwquality = password["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["module"] == "pam_pwquality")
        .expect("pam_pwquality only in sshd");
    let a = &pwquality["a"];
    assert!(a["file"].as_str().unwrap().ends_with("/password-auth"));
    assert_eq!(
        a["line"],
        line_of("centos7", "password-auth", "pam_pwquality.so")
    );
    let via = a["via"][0].as_str().unwrap();
    let include_line = line_of("centos7", "sshd", "password   include");
    assert!(via.ends_with(&format!("/sshd:{include_line}")), "{via}");
}

#[test]
fn account_difference_has_its_location() {
    let (_, out) = diff("debian12", "sshd", "vsftpd", "json");
    let v: Value = serde_json::from_str(&out).unwrap();
    let account = v["types"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["type"] == "account")
        .unwrap();
    let nologin = account["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["module"] == "pam_nologin")
        .expect("pam_nologin only in sshd");
    assert_eq!(nologin["kind"], "only_in_a");
    assert_eq!(
        nologin["a"]["line"],
        line_of("debian12", "sshd", "pam_nologin.so")
    );
}

#[test]
fn a_service_against_itself_has_no_difference() {
    for distro in DISTROS {
        let (code, out) = diff(distro, "vsftpd", "vsftpd", "json");
        assert_eq!(code, 0, "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["summary"]["differences"], 0);
    }
}

#[test]
fn human_view_has_two_columns_and_the_consequence() {
    let (code, out) = diff("centos7", "sshd", "vsftpd", "human");
    assert_eq!(code, 1);
    let shells_row = out
        .lines()
        .find(|l| l.trim_start().starts_with('>') && l.contains("pam_shells.so"))
        .unwrap_or_else(|| panic!("no pam_shells row: {out}"));
    assert!(shells_row.contains(" | "), "{shells_row}");
    assert!(
        out.contains("vsftpd also requires pam_shells.so in auth"),
        "{out}"
    );
}

#[test]
fn missing_service_is_a_usage_error() {
    let (code, _) = diff("centos7", "sshd", "no-such-service", "human");
    assert_eq!(code, 2);
}

/// Issue 12 item 7: the pam_unix both services reach through common-auth is
/// paired with itself, not with vsftpd's own, earlier pam_unix line.
#[test]
fn a_rule_both_services_include_is_paired_with_itself() {
    use pamlint::diff::{diff_services, Kind};
    use pamlint::resolve::{resolve_service, ResolveContext};
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("common-auth", "auth [success=1 default=ignore] pam_unix.so nullok\nauth requisite pam_deny.so\nauth required pam_permit.so\n"),
        ("sshd", "@include common-auth\n"),
        ("vsftpd", "auth required pam_listfile.so item=user sense=deny file=/etc/ftpusers onerr=succeed\nauth required pam_unix.so\n@include common-auth\nauth required pam_shells.so\n"),
    ];
    for (n, t) in files {
        std::fs::write(dir.path().join(n), t).unwrap();
    }
    let ctx = ResolveContext::for_dir(dir.path(), std::path::Path::new("/"));
    let d = diff_services(
        &resolve_service(&ctx, "sshd"),
        &resolve_service(&ctx, "vsftpd"),
    );
    let auth = d
        .types
        .iter()
        .find(|t| t.pam_type == pamlint::model::PamType::Auth)
        .unwrap();
    let unix: Vec<_> = auth
        .rows
        .iter()
        .filter(|r| r.module == "pam_unix")
        .collect();
    assert_eq!(unix.len(), 2, "{unix:#?}");
    let shared = unix.iter().find(|r| r.a.is_some()).unwrap();
    assert_eq!(shared.kind, Kind::Same, "{shared:#?}");
    assert!(
        shared.b.as_ref().unwrap().file.ends_with("common-auth"),
        "{shared:#?}"
    );
    let own = unix.iter().find(|r| r.a.is_none()).unwrap();
    assert!(own.b.as_ref().unwrap().file.ends_with("vsftpd"), "{own:#?}");
}
