#!/usr/bin/env bash
# pamlint audit's memory against the size of the directory (issue 17): for each
# size, a scratch slapd on a loopback port is loaded by slapadd with
# testdata/ldap/users.ldif and that many generated users (e2e/src/population.rs,
# every case the audit names), then `pamlint audit --format json` reads them all
# (RFC 2696 pages) against the e2e pam_ldap_shell tree, its output thrown away,
# under /usr/bin/time -v. Prints a table: users, max RSS, wall time.
# Usage: bench/audit_memory.sh [SIZE...]   (default: 1000 10000 100000)
# Not part of the test suite (no timed assertions); figures go to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
for tool in /usr/sbin/slapd /usr/sbin/slapadd /usr/bin/time; do
  [ -x "$tool" ] || { echo "audit_memory: $tool is missing (packages slapd, time)" >&2; exit 2; }
done

export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
cargo build -q --release -p pamlint -p pam_ldap_shell
cargo build -q --release -p e2e --example population
pamlint=$CARGO_TARGET_DIR/release/pamlint
population=$CARGO_TARGET_DIR/release/examples/population

work=$(mktemp -d /tmp/audit-memory.XXXXXX)
slapd_pid=
cleanup() {
  if [ -n "$slapd_pid" ]; then kill "$slapd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The system the audit judges (--root): the e2e module tree, the e2e
# /etc/shells, the host's programs and PAM modules plus the built
# pam_ldap_shell.so, and ldap.conf naming the scratch server's base.
root=$work/root
modules=usr/lib/x86_64-linux-gnu/security
mkdir -p "$root/etc/pam.d" "$root/etc/ldap" "$root/$modules"
ln -s usr/bin "$root/bin"
ln -s usr/lib "$root/lib"
ln -s /usr/bin "$root/usr/bin"
ln -s /usr/sbin "$root/usr/sbin"
for m in /"$modules"/*.so; do ln -s "$m" "$root/$modules/"; done
cp "$CARGO_TARGET_DIR/release/libpam_ldap_shell.so" "$root/$modules/pam_ldap_shell.so"
for f in testdata/e2e/pam.d/module/*; do
  sed 's/@ACCOUNT_OPTIONS@//' "$f" > "$root/etc/pam.d/$(basename "$f")"
done
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' > "$root/etc/pam.d/other"
grep -v '^#' testdata/e2e/shells > "$root/etc/shells"
cp /etc/ftpusers "$root/etc/ftpusers"
echo "BASE dc=example,dc=org" > "$root/etc/ldap/ldap.conf"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "audit_memory: slapd did not listen on $1" >&2
  exit 2
}

results=()
for n in "${sizes[@]}"; do
  db=$work/slapd-$n
  sh testdata/ldap/make-slapd-config "$db" >/dev/null
  "$population" slapd-conf "$db"
  # 100,000 entries need more than make-slapd-config's 100 MB map.
  sed -i 's/^maxsize .*/maxsize 4294967296/' "$db/slapd.conf"
  "$population" ldif "$n" "$work/population.ldif"
  slapadd -q -f "$db/slapd.conf" -l testdata/ldap/users.ldif
  slapadd -q -f "$db/slapd.conf" -l "$work/population.ldif"
  rm -f "$work/population.ldif"
  port=$(free_port)
  /usr/sbin/slapd -f "$db/slapd.conf" -h "ldap://127.0.0.1:$port/" -d 0 >/dev/null 2>&1 &
  slapd_pid=$!
  wait_port "$port"

  set +e
  /usr/bin/time -v -o "$work/time-$n" "$pamlint" --root "$root" \
    audit --format json --uri "ldap://127.0.0.1:$port" >"$work/audit-$n.json" 2>"$work/stderr-$n"
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then
    echo "audit_memory: pamlint audit exited $code for $n users:" >&2
    cat "$work/stderr-$n" >&2
    exit 2
  fi
  audited=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["summary"]["users"], d["summary"]["pages"])' "$work/audit-$n.json")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time-$n")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time-$n")
  results+=("$n ${audited% *} ${audited#* } $rss $wall")
  [ -z "${KEEP:-}" ] || cp "$work/audit-$n.json" "$KEEP/audit-$n.json"
  rm -f "$work/audit-$n.json"
  kill "$slapd_pid"; wait "$slapd_pid" 2>/dev/null || true; slapd_pid=
  rm -rf "$db"
done

printf '%-10s %-10s %-7s %-14s %s\n' "generated" "audited" "pages" "max RSS (KiB)" "wall time"
for r in "${results[@]}"; do
  read -r n audited pages rss wall <<<"$r"
  printf '%-10s %-10s %-7s %-14s %s\n' "$n" "$audited" "$pages" "$rss" "$wall"
done
