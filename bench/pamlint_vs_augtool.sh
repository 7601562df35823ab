#!/usr/bin/env bash
# Benchmark: pamlint check vs Augeas's Pam lens (augtool, Debian package
# augeas-tools) and vs `cat` of the same files, on this host's /etc/pam.d and on
# generated trees of 2,000 and 10,000 services (bench/lint_speed.py: cat, augtool
# load only, augtool load + query, pamlint human and JSON, side by side, interleaved);
# then peak RSS and working memory (peak RSS over an empty pam.d's, massif's heap
# peak, both against the input size) on the host and the largest tree; then, for
# reference, Lynis's PAM checks (bench/lynis.sh, Debian package lynis) on the host,
# a broken stack and the largest tree.
# Usage: bench/pamlint_vs_augtool.sh [SERVICES...]   (default: 2000 10000; not part
# of the test suite)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v augtool >/dev/null || { echo "augtool missing: apt-get install augeas-tools" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(2000 10000)
n=${sizes[-1]}   # the largest tree: memory and Lynis rows
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build -q --release -p pamlint
pamlint="$CARGO_TARGET_DIR/release/pamlint"
. bench/host-modules.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A root with /etc/pam.d: Debian-style common-* files plus $n services.
gen_tree() {
  local root=$1 count=$2 d="$1/etc/pam.d"
  mkdir -p "$d"
  printf 'auth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n' >"$d/common-auth"
  printf 'account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so\naccount requisite pam_deny.so\naccount required pam_permit.so\n' >"$d/common-account"
  printf 'password [success=1 default=ignore] pam_unix.so obscure yescrypt\npassword requisite pam_deny.so\npassword required pam_permit.so\n' >"$d/common-password"
  printf 'session [default=1] pam_permit.so\nsession requisite pam_deny.so\nsession required pam_permit.so\nsession required pam_unix.so\n' >"$d/common-session"
  printf 'auth include common-auth\naccount include common-account\npassword include common-password\nsession include common-session\n' >"$d/other"
  for i in $(seq 1 "$count"); do
    printf '#%%PAM-1.0\nauth required pam_env.so\nauth include common-auth\naccount required pam_nologin.so\naccount include common-account\npassword include common-password\nsession optional pam_motd.so\nsession include common-session\n' >"$d/svc$i"
  done
}

# mean wall-clock seconds of REPS runs of a command, output discarded
run() {
  local reps=$1 s e; shift
  s=$(date +%s.%N)
  for _ in $(seq "$reps"); do "$@" >/dev/null 2>&1 || true; done
  e=$(date +%s.%N)
  echo "($e - $s) / $reps" | bc -l
}

# augtool as usually run, autoloading every lens (what `augtool print
# /files/etc/pam.d` does), for reference on the host tree only.
autoload() {
  local label=$1 root=$2 reps=$3 auto pl
  auto=$(run "$reps" augtool -r "$root" match "/files/etc/pam.d/*/*/module")
  pl=$(run "$reps" "$pamlint" --root "$root" "${modargs[@]}" check)
  printf '%s, mean of %s runs: augtool (default autoload) %.4fs  pamlint check %.4fs  ratio %.1fx\n' \
    "$label" "$reps" "$auto" "$pl" "$(echo "$auto / $pl" | bc -l)"
}

# peak resident memory (KiB) of one run, from GNU time (Debian package `time`)
peak_kib() {
  /usr/bin/time -f '%M' -o "$work/rss" "$@" >/dev/null 2>&1 || true
  tail -1 "$work/rss"
}
# heap peak (KiB, useful + allocator overhead) of one run, from valgrind massif
heap_kib() {
  command -v valgrind >/dev/null || { echo -; return; }
  valgrind --tool=massif --massif-out-file="$work/massif" "$@" >/dev/null 2>&1 || true
  awk -F= '/^mem_heap_B=/{b=$2} /^mem_heap_extra_B=/{if (b+$2 > m) m = b+$2} END{printf "%d", m/1024}' "$work/massif"
}
# Peak RSS against the input size, two ways: the whole process (which includes
# ~3.5 MB of binary pages, libc and malloc's own that any run has), and the
# working memory: peak RSS minus that of the same command on an empty pam.d,
# and massif's heap peak.
memory() {
  local label=$1 root=$2 with_aug=$3 input aug=- pl base heap
  input=$(du -sk --apparent-size "$root/etc/pam.d" | cut -f1)
  # augtool needs ~a minute on the big tree: its memory only on the small one
  [ "$with_aug" = yes ] && aug=$(peak_kib augtool --noautoload -r "$root" -t "Pam.lns incl /etc/pam.d/*" match "/files/etc/pam.d/*/*/module")
  pl=$(peak_kib "$pamlint" --root "$root" "${modargs[@]}" --format json check)
  base=$(peak_kib "$pamlint" --root "$work/empty" "${modargs[@]}" --format json check)
  heap=$(heap_kib "$pamlint" --root "$root" "${modargs[@]}" --format json check)
  printf '%s, peak RSS: input %s KiB  augtool %s KiB  pamlint %s KiB  pamlint/input %.2fx\n' \
    "$label" "$input" "$aug" "$pl" "$(echo "$pl / $input" | bc -l)"
  printf '  working memory: pamlint %s KiB - %s KiB on an empty pam.d = %s KiB = %.2fx input; heap peak (massif) %s KiB\n' \
    "$pl" "$base" "$((pl - base))" "$(echo "($pl - $base) / $input" | bc -l)" "$heap"
}

[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 2; }
mkdir -p "$work/host/etc"
cp -r /etc/pam.d "$work/host/etc/pam.d"
trees=("host=$work/host=20=20")
for s in "${sizes[@]}"; do
  gen_tree "$work/gen$s" "$s"
  # runs: 9 up to 2,000 services, 7 above; augtool (load and query both
  # superlinear: tens of seconds each on 10,000 services) 3 and 1 times
  if [ "$s" -le 2000 ]; then trees+=("$s services=$work/gen$s=9=3"); else trees+=("$s services=$work/gen$s=7=1"); fi
done
mkdir -p "$work/empty/etc/pam.d"
echo "$("$pamlint" --version), $(augtool --version 2>&1 | head -1), $(nproc) CPUs, $(date -u '+%F %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/lint_speed.py "$pamlint" "${trees[@]}" -- "${modargs[@]}"
echo
autoload "host /etc/pam.d ($(ls /etc/pam.d | wc -l) files)" "$work/host" 20
memory "host /etc/pam.d" "$work/host" yes
memory "generated tree ($n services)" "$work/gen$n" no

# For reference, Lynis's PAM checks on the same trees (bench/lynis.sh).
if command -v lynis >/dev/null; then
  bench/lynis.sh "$pamlint" "$work/gen$n"
else
  echo "Lynis reference skipped: lynis missing (apt-get install lynis)"
fi
