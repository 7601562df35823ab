#!/usr/bin/env bash
# Reference row for issue 7: Lynis's PAM checks (Debian package `lynis`) next to
# pamlint, on this host's /etc/pam.d, on a deliberately broken stack and, when
# given, on the generated 10,000-service tree. Not part of the test suite.
#
# Usage: bench/lynis.sh PAMLINT [BIG_ROOT]     (bench/pamlint_vs_augtool.sh calls it)
#   PAMLINT   the pamlint binary to compare with
#   BIG_ROOT  a root whose etc/pam.d is the generated tree (optional)
#
# Lynis reads the real /etc/pam.d (its --rootdir option is undocumented and its
# module-directory list is not fully prefixed by it), so every run is in a bwrap
# sandbox with the tree bound over /etc/pam.d. The sandbox sees the host read-only
# (Lynis cannot write the host's /var/log, /var/run or /etc), has no network (its
# update check cannot leave the machine), a private /tmp and /run, and stdin from
# /dev/null (no tty). Only the PAM-related tests run:
#   AUTH-9262 password-strength modules present on disk   AUTH-9264 pam.conf present
#   AUTH-9266 pam.d files listed     AUTH-9268 pam_*.so present in module dirs
#   AUTH-9278 `^auth.*ldap` in common-auth/system-auth     AUTH-9408 faillock/tally2 on disk
set -euo pipefail
cd "$(dirname "$0")/.."
pamlint=${1:?usage: bench/lynis.sh PAMLINT [BIG_ROOT]}
big=${2:-}
command -v lynis >/dev/null || { echo "lynis missing: apt-get install lynis" >&2; exit 2; }
command -v bwrap >/dev/null || { echo "bwrap missing: apt-get install bubblewrap" >&2; exit 2; }
tests="AUTH-9262 AUTH-9264 AUTH-9266 AUTH-9268 AUTH-9278 AUTH-9408"
. bench/host-modules.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# lynis_run OUT [TREE]: Lynis's PAM tests with TREE (default: the host's own
# /etc/pam.d) as /etc/pam.d; log, report and screen output under OUT.
lynis_run() {
  local out=$1 tree=${2:-} bind=()
  mkdir -p "$out"
  [ -n "$tree" ] && bind=(--ro-bind "$tree" /etc/pam.d)
  bwrap --unshare-net --die-with-parent --ro-bind / / --dev /dev --proc /proc \
    --tmpfs /tmp --tmpfs /run "${bind[@]}" --bind "$out" "$out" \
    lynis audit system --tests "$tests" --quick --no-colors --no-plugins \
    --logfile "$out/lynis.log" --report-file "$out/report.dat" \
    </dev/null >"$out/screen.txt" 2>&1
}

# seconds of wall clock of one command (its output discarded)
timed() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}

# What Lynis printed for its PAM tests, its warnings and suggestions.
lynis_summary() {
  local out=$1
  # the screen output carries cursor-movement escapes even with --no-colors
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$out/screen.txt" |
    sed -n '/Users, Groups and Authentication/,/^$/p' | tr -s ' ' | sed -n 's/^ *- /    lynis: /p'
  grep -E '^(warning|suggestion)\[\]=' "$out/report.dat" | grep -v '^suggestion\[\]=LYNIS|' |
    sed 's/^/    lynis report: /' || echo "    lynis report: no warnings or suggestions from these tests"
}

# pamlint on ROOT's etc/pam.d (--root: modules are looked up, as on a host)
pamlint_summary() {
  local root=$1
  "$pamlint" --root "$root" "${modargs[@]}" --format json check | python3 -c "$count_codes" || true
}
count_codes=$(cat <<'EOF'
import collections, json, sys
r = json.load(sys.stdin)
s = r["summary"]
print(f"    pamlint: {s['files']} files, {s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos")
by = collections.Counter(f["code"] for f in r["findings"])
print("    pamlint codes: " + " ".join(f"{c}x{n}" for c, n in sorted(by.items())))
EOF
)

# A broken stack: the host's pam.d with a common-auth that lets anyone in
# (PL301) and uses success=0 (PL003), vsftpd requiring pam_shells (PL402), and
# the single-file cases of testdata/lint as lint-plxxx.
broken_tree() {
  local d=$1
  cp -r /etc/pam.d "$d"
  printf 'auth sufficient pam_permit.so\nauth [success=0 default=ignore] pam_unix.so nullok\nauth [success=1 default=ignore] pam_ldap.so use_first_pass\nauth requisite pam_deny.so\nauth required pam_permit.so\n' >"$d/common-auth"
  printf 'auth required pam_shells.so\n@include common-auth\n@include common-account\n' >"$d/vsftpd"
  for c in testdata/lint/PL*/pam.d; do
    # lower case: libpam lower-cases the service name before looking it up
    [ "$(ls "$c")" = svc ] && cp "$c/svc" "$d/lint-$(basename "$(dirname "$c")" | tr A-Z a-z)"
  done
}

echo "$(lynis --version 2>/dev/null | head -1 | sed 's/^/Lynis /'), tests: $tests"
t=$(timed lynis_run "$work/host")
printf 'host /etc/pam.d (%s files): Lynis PAM tests %.2fs wall (one run, in bwrap)\n' "$(ls /etc/pam.d | wc -l)" "$t"
lynis_summary "$work/host"
pamlint_summary /

mkdir -p "$work/broken/etc"
broken_tree "$work/broken/etc/pam.d"
t=$(timed lynis_run "$work/lynis-broken" "$work/broken/etc/pam.d")
printf 'broken stack (%s files): Lynis PAM tests %.2fs wall\n' "$(ls "$work/broken/etc/pam.d" | wc -l)" "$t"
lynis_summary "$work/lynis-broken"
pamlint_summary "$work/broken"

if [ -n "$big" ]; then
  t=$(timed lynis_run "$work/lynis-big" "$big/etc/pam.d")
  p=$(timed "$pamlint" --root "$big" "${modargs[@]}" --format json check)
  printf 'generated tree (%s files): Lynis PAM tests %.2fs wall, pamlint check %.2fs\n' \
    "$(ls "$big/etc/pam.d" | wc -l)" "$t" "$p"
  lynis_summary "$work/lynis-big"
fi
