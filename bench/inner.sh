#!/usr/bin/env bash
# Runs inside bench/run's sandbox (own net/pid namespaces, private /etc files):
# starts slapd, nslcd and sssd, and measures the three PAM stacks.
# Environment from bench/run: QUICK, MODULE, WORK, REPO.
set -euo pipefail
cd "$WORK"
ip link set lo up 2>/dev/null || true
measure=(python3 "$REPO/bench/measure.py")
if [ "$QUICK" = yes ]; then N=60 NLOOP=200 COLD=10 FO_REPS=1 PAR_REPS=1; else N=200 NLOOP=1000 COLD=20 FO_REPS=3 PAR_REPS=3; fi
PW='Correct-Horse-9'
BASE=dc=example,dc=org
PLAIN=ldap://127.0.0.1:389
LDAPS=ldaps://127.0.0.1:636
TIMEOUT=2   # seconds: every peer's connect and operation limit in the failover runs
results=$WORK/results.jsonl

record() { # BENCH PEER JSON [COMMAND]: the command goes into the report's tables
  jq -c --arg b "$1" --arg p "$2" --arg c "${4:-}" \
    '{bench: $b, peer: $p} + . + (if $c == "" then {} else {cmd: $c} end)' <<<"$3" | tee -a "$results"
}

# --- slapd: plain and LDAPS on loopback -----------------------------------
TLS_DIR=$WORK/tls sh "$REPO/testdata/ldap/make-test-certs" "$WORK/tls"
TLS_DIR=$WORK/tls sh "$REPO/testdata/ldap/make-slapd-config" "$WORK/slapd"
for f in "$REPO"/testdata/ldap/*.ldif; do slapadd -q -f "$WORK/slapd/slapd.conf" -l "$f"; done
slapd -f "$WORK/slapd/slapd.conf" -h "$PLAIN/ $LDAPS/" -d 0 >/dev/null 2>&1 &
slapd_pid=$!
CA=$WORK/tls/ca.pem
wait_port() { for _ in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 not up" >&2; return 1; }
wait_port 389; wait_port 636

# --- PAM services ------------------------------------------------------------
ours_stack() { # URI [extra options]
  local opts="uri=$1 base=$BASE ${*:2}"
  printf 'auth required %s %s\naccount required %s %s\n' "$MODULE" "$opts" "$MODULE" "$opts"
}
ours_stack "$PLAIN" >pam.d/ours
ours_stack "$LDAPS" "tls_cacert=$CA" >pam.d/ours-ldaps
# With an authz_filter the account phase has a search of its own to make, on
# the connection the auth phase kept (rebound first): the module's other path.
AUTHZ='authz_filter=(objectClass=posixAccount)'
ours_stack "$PLAIN" "$AUTHZ" >pam.d/ours-authz
ours_stack "$LDAPS" "tls_cacert=$CA" "$AUTHZ" >pam.d/ours-ldaps-authz
printf 'auth required pam_ldap.so\naccount required pam_ldap.so\n' >pam.d/ldapd
printf 'auth required pam_sss.so\naccount required pam_sss.so\n' >pam.d/sss

if [ -n "${CANDIDATE:-}" ]; then
  # a second build of the module (e.g. a proposed fix), measured in the same run
  ours_stack "$PLAIN" | sed "s|$MODULE|$CANDIDATE|g" >pam.d/cand
  ours_stack "$LDAPS" "tls_cacert=$CA" | sed "s|$MODULE|$CANDIDATE|g" >pam.d/cand-ldaps
fi

# --- daemons -------------------------------------------------------------------
nslcd_pid="" sssd_pid=""
nslcd_start() { # URI... (rewrites /etc/nslcd.conf in place: it is a bind mount)
  nslcd_stop
  {
    echo "uid nslcd"; echo "gid nslcd"; echo "base $BASE"
    for u in "$@"; do echo "uri $u"; done
    echo "tls_cacertfile $CA"; echo "tls_reqcert demand"
    if [ -z "${DEFAULTS:-}" ]; then echo "bind_timelimit $TIMEOUT"; echo "timelimit $TIMEOUT"; fi
  } >/etc/nslcd.conf
  mkdir -p /run/nslcd; chown nslcd:nslcd /run/nslcd
  /usr/sbin/nslcd -n >/dev/null 2>&1 &
  nslcd_pid=$!
  for _ in $(seq 100); do [ -S /run/nslcd/socket ] && return 0; sleep 0.05; done
  echo "nslcd did not start" >&2; return 1
}
nslcd_stop() { if [ -n "$nslcd_pid" ]; then kill "$nslcd_pid" 2>/dev/null || true; wait "$nslcd_pid" 2>/dev/null || true; nslcd_pid=""; fi; rm -f /run/nslcd/socket; }

sssd_start() { # CACHE_SECONDS URI...
  sssd_stop
  local cache=$1; shift
  local uris; uris=$(IFS=,; echo "$*")
  cat >/etc/sssd/sssd.conf <<CONF
[sssd]
config_file_version = 2
services = nss, pam
domains = bench
[nss]
memcache_timeout = 0
[pam]
[domain/bench]
id_provider = ldap
auth_provider = ldap
access_provider = permit
ldap_schema = rfc2307
ldap_uri = $uris
ldap_search_base = $BASE
ldap_tls_cacert = $CA
ldap_tls_reqcert = demand
ldap_auth_disable_tls_never_use_in_production = true
cache_credentials = false
entry_cache_timeout = $cache
CONF
  # equal limits unless DEFAULTS is set (then each daemon's documented defaults)
  [ -n "${DEFAULTS:-}" ] || printf 'ldap_network_timeout = %s\nldap_opt_timeout = %s\nldap_search_timeout = %s\n' \
    "$TIMEOUT" "$TIMEOUT" "$TIMEOUT" >>/etc/sssd/sssd.conf
  rm -rf /var/lib/sss/db/* /var/lib/sss/mc/* /var/lib/sss/pipes/pam /var/lib/sss/pipes/nss /var/lib/sss/pipes/private/* 2>/dev/null || true
  /usr/sbin/sssd -i --logger=stderr >"$WORK/sssdlog/sssd.out" 2>&1 &
  sssd_pid=$!
  for _ in $(seq 200); do [ -S /var/lib/sss/pipes/pam ] && return 0; sleep 0.05; done
  echo "sssd did not start" >&2; tail -20 "$WORK/sssdlog/sssd.out" >&2; return 1
}
sssd_stop() { if [ -n "$sssd_pid" ]; then kill "$sssd_pid" 2>/dev/null || true; wait "$sssd_pid" 2>/dev/null || true; sssd_pid=""; fi; }
# sssd is a monitor plus sssd_be/sssd_nss/sssd_pam children: all their CPU counts.
sssd_pids() { { echo "$sssd_pid"; pgrep -P "$sssd_pid" || true; } | paste -sd, -; }
trap 'nslcd_stop; sssd_stop; kill $slapd_pid 2>/dev/null || true' EXIT

rr_login() { # BENCH PEER=SERVICE=PIDS...: pamtester logins, peers interleaved
  local b=$1 spec; shift
  for spec in "$@"; do
    IFS== read -r _ svc _ <<<"$spec"
    pamtester "$svc" alice authenticate acct_mgmt <<<"$PW" >/dev/null 2>&1 || echo "warm-up login failed: $spec (measured anyway)" >&2
  done
  "${measure[@]}" rr "$N" "$PW\\n" "$@" | while read -r j; do
    record "$b" "$(jq -r .peer <<<"$j")" "$(jq -c 'del(.peer)' <<<"$j")"
  done
}
seq_login() { # BENCH PEER SERVICE DAEMON_PIDS
  pamtester "$3" alice authenticate acct_mgmt <<<"$PW" >/dev/null 2>&1 || echo "warm-up login failed: $2 (measured anyway: see failures)" >&2
  record "$1" "$2" "$("${measure[@]}" seq "$N" "$PW\\n" "$4" -- pamtester "$3" alice authenticate acct_mgmt)"
}
loop_login() { # BENCH PEER SERVICE
  "$WORK/pamloop" /etc/pam.d "$3" alice "$PW" "$NLOOP" >"$WORK/loop.txt" || true
  record "$1" "$2" "$("${measure[@]}" lines "$WORK/loop.txt")" "pamloop /etc/pam.d $3 alice PASSWORD $NLOOP"
}
cold_login() { # PEER SERVICE: the first login of fresh processes (dlopen in pam_start + first call)
  : >"$WORK/cold.txt"
  for _ in $(seq "$COLD"); do "$WORK/pamloop" /etc/pam.d "$2" alice "$PW" 1 >>"$WORK/cold.txt" || true; done
  record cold "$1" "$("${measure[@]}" lines "$WORK/cold.txt")" "$COLD x pamloop /etc/pam.d $2 alice PASSWORD 1"
}
par_login() { # C PEER SERVICE DAEMON_PIDS: PAR_REPS rounds of C logins started at once
  local j w=() f=0
  for _ in $(seq "$PAR_REPS"); do
    j=$("${measure[@]}" par "$1" "$PW\\n" "$4" -- pamtester "$3" alice authenticate acct_mgmt)
    w+=("$j")
  done
  # median round by wall time; min/max of the rounds alongside
  j=$(printf '%s\n' "${w[@]}" | jq -s 'sort_by(.wall_s) | .[length/2|floor] + {rounds: length, wall_min_s: .[0].wall_s, wall_max_s: .[-1].wall_s, failures: (map(.failures)|add)}')
  record "parallel-$1" "$2" "$(jq -c . <<<"$j")"
}

# --- 1. login cost, 3. cold start, 4. concurrency -------------------------------
nslcd_start "$PLAIN"
sssd_start 1 "$PLAIN"
rr_login pamtester-plain ours=ours=- ours-authz_filter=ours-authz=- \
  nss-pam-ldapd=ldapd="$nslcd_pid" sssd-nocache=sss="$(sssd_pids)" \
  ${CANDIDATE:+ours-candidate=cand=-}
loop_login inprocess-plain ours ours
loop_login inprocess-plain ours-authz_filter ours-authz
loop_login inprocess-plain nss-pam-ldapd ldapd
loop_login inprocess-plain sssd-nocache sss
cold_login ours ours
cold_login nss-pam-ldapd ldapd
cold_login sssd-nocache sss
for c in 50 200; do
  par_login "$c" ours ours -
  par_login "$c" nss-pam-ldapd ldapd "$nslcd_pid"
  par_login "$c" sssd-nocache sss "$(sssd_pids)"
done
if [ -n "${CANDIDATE:-}" ]; then
  loop_login inprocess-plain ours-candidate cand
fi
sssd_start 5400 "$PLAIN"
seq_login pamtester-plain sssd-cache sss "$(sssd_pids)"

nslcd_start "$LDAPS"
sssd_start 1 "$LDAPS"
rr_login pamtester-ldaps ours=ours-ldaps=- ours-authz_filter=ours-ldaps-authz=- \
  nss-pam-ldapd=ldapd="$nslcd_pid" sssd-nocache=sss="$(sssd_pids)" \
  ${CANDIDATE:+ours-candidate=cand-ldaps=-}
loop_login inprocess-ldaps ours ours-ldaps
loop_login inprocess-ldaps ours-authz_filter ours-ldaps-authz
loop_login inprocess-ldaps nss-pam-ldapd ldapd
loop_login inprocess-ldaps sssd-nocache sss
if [ -n "${CANDIDATE:-}" ]; then
  loop_login inprocess-ldaps ours-candidate cand-ldaps
fi

# stripped module sizes
# libpam's module directory on this system (not a hard-coded triplet).
moddir=$(dirname "$(find /lib /usr/lib /lib64 /usr/lib64 -maxdepth 3 -path '*/security/pam_permit.so' -print -quit 2>/dev/null)")
for so in "$MODULE" "$moddir/pam_ldap.so" "$moddir/pam_sss.so"; do
  strip -o "$WORK/stripped.so" "$so"
  record size "$(basename "$so")" "{\"bytes\": $(stat -c %s "$WORK/stripped.so"), \"unstripped\": $(stat -c %s "$so")}" "strip -o stripped.so $so"
done

# --- 2. failover: first URI refused / hung / dropping, second URI good --------
python3 -c '
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 3892)); s.listen(512)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accepts, never answers
' &
hung_pid=$!
nft add table inet bench
nft add chain inet bench input '{ type filter hook input priority 0; }'
nft add rule inet bench input tcp dport 3893 drop
wait_port 3892
declare -A dead=([refused]=ldap://127.0.0.1:3891 [hung]=ldap://127.0.0.1:3892 [dropping]=ldap://127.0.0.1:3893)
ms=$((TIMEOUT * 1000))
# Each try starts from a fresh process / freshly started daemon: the first
# login after the failure, as a restarted host sees it.
fo_once() { # FILE DAEMON_PIDS SERVICE: appends "<us> <rc>" of one login
  local j; j=$("${measure[@]}" once "$PW\\n" "$2" -- pamtester "$3" alice authenticate acct_mgmt)
  jq -r '"\(.p50_ms * 1000) \(.failures)"' <<<"$j" >>"$1"
}
for how in refused hung dropping; do
  printf 'auth required %s uri=%s,%s base=%s connect_timeout_ms=%s timeout_ms=%s\naccount required %s uri=%s,%s base=%s connect_timeout_ms=%s timeout_ms=%s\n' \
    "$MODULE" "${dead[$how]}" "$PLAIN" "$BASE" "$ms" "$ms" "$MODULE" "${dead[$how]}" "$PLAIN" "$BASE" "$ms" "$ms" >pam.d/ours-fo
  : >fo-ours; : >fo-ldapd; : >fo-sss
  for _ in $(seq "$FO_REPS"); do
    fo_once fo-ours - ours-fo
    nslcd_start "${dead[$how]}" "$PLAIN"
    fo_once fo-ldapd "$nslcd_pid" ldapd
    sssd_start 1 "${dead[$how]}" "$PLAIN"
    fo_once fo-sss "$(sssd_pids)" sss
  done
  record "failover-$how" ours "$("${measure[@]}" lines fo-ours)" "pamtester ours-fo alice authenticate acct_mgmt"
  record "failover-$how" nss-pam-ldapd "$("${measure[@]}" lines fo-ldapd)" "nslcd restarted; pamtester ldapd alice authenticate acct_mgmt"
  record "failover-$how" sssd-nocache "$("${measure[@]}" lines fo-sss)" "sssd restarted; pamtester sss alice authenticate acct_mgmt"
done
if [ "$QUICK" != yes ]; then
  # a hung first server with every peer at its defaults (one try each)
  printf 'auth required %s uri=%s,%s base=%s\naccount required %s uri=%s,%s base=%s\n' \
    "$MODULE" "${dead[hung]}" "$PLAIN" "$BASE" "$MODULE" "${dead[hung]}" "$PLAIN" "$BASE" >pam.d/ours-fo
  : >fo-ours; : >fo-ldapd; : >fo-sss
  export DEFAULTS=1
  fo_once fo-ours - ours-fo
  nslcd_start "${dead[hung]}" "$PLAIN"
  fo_once fo-ldapd "$nslcd_pid" ldapd
  sssd_start 1 "${dead[hung]}" "$PLAIN"
  fo_once fo-sss "$(sssd_pids)" sss
  unset DEFAULTS
  record "failover-hung-defaults" ours "$("${measure[@]}" lines fo-ours)" "pamtester ours-fo alice authenticate acct_mgmt"
  record "failover-hung-defaults" nss-pam-ldapd "$("${measure[@]}" lines fo-ldapd)" "nslcd restarted; pamtester ldapd alice authenticate acct_mgmt"
  record "failover-hung-defaults" sssd-nocache "$("${measure[@]}" lines fo-sss)" "sssd restarted; pamtester sss alice authenticate acct_mgmt"
fi
nslcd_stop; sssd_stop
kill "$hung_pid" 2>/dev/null || true

# --- where our time goes: callgrind (instruction counts) ------------------------
# One login in a fresh process (dlopen, relocation, first call) and 5 logins in
# one process, for our module (plain and LDAPS) and, client side, pam_ldap.so.
mkdir -p "$WORK/callgrind"
nslcd_start "$PLAIN"
for svc in ours ours-ldaps ldapd; do
  for n in 1 5; do
    TMPDIR=$WORK valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind/$svc-$n.out" \
      "$WORK/pamloop" /etc/pam.d "$svc" alice "$PW" "$n" >/dev/null 2>"$WORK/callgrind/$svc-$n.log" || true
    callgrind_annotate --inclusive=yes "$WORK/callgrind/$svc-$n.out" 2>/dev/null | head -80 >"$WORK/callgrind/$svc-$n.txt" || true
    total=$(grep -m1 -oE '^[0-9,]+ .*PROGRAM TOTALS' "$WORK/callgrind/$svc-$n.txt" | cut -d' ' -f1 | tr -d ,)
    record "callgrind-$n" "$svc" "{\"instructions\": ${total:-0}}" "valgrind --tool=callgrind pamloop /etc/pam.d $svc alice PASSWORD $n"
  done
done
nslcd_stop
