#!/usr/bin/env python3
"""Timing helper for bench/run (no dependencies beyond Python 3).

  measure.py seq   N STDIN_TEXT DAEMON_PIDS -- CMD...   N logins one after another
  measure.py par   C STDIN_TEXT DAEMON_PIDS -- CMD...   C logins started at once
  measure.py once    STDIN_TEXT DAEMON_PIDS -- CMD...   one login (failover)
  measure.py lines FILE                                  pamloop output (us per login)
  measure.py rr    N STDIN_TEXT PEER=SERVICE=PIDS...     N pamtester logins per peer,
                   round robin (background load hits every peer alike); a JSON line per peer

Prints one JSON object: p50/p99/min/max in ms, client CPU per login (the child
processes' user+sys, from RUSAGE_CHILDREN) and daemon CPU per login (utime+stime
of DAEMON_PIDS, comma separated or "-", from /proc/PID/stat), failures.
"""
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

TICK = os.sysconf("SC_CLK_TCK")


def daemon_cpu(pids):
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except OSError:
            pass
    return total


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def pct(sorted_ms, p):
    if not sorted_ms:
        return None
    i = min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))
    return sorted_ms[i]


def summary(ms, failures, cpu_client, cpu_daemon, n, extra=None):
    s = sorted(ms)
    out = {
        "n": n,
        "p50_ms": pct(s, 50),
        "p99_ms": pct(s, 99),
        "min_ms": s[0] if s else None,
        "max_ms": s[-1] if s else None,
        "failures": failures,
        "client_cpu_ms": cpu_client * 1000 / n if n else None,
        "daemon_cpu_ms": cpu_daemon * 1000 / n if n else None,
    }
    out.update(extra or {})
    print(json.dumps(out))


LIMIT_S = 120  # a login that takes longer is stopped and counted as failed


def run_one(cmd, text):
    """Wall time of one login in ms and its exit code.

    The wait must block in waitpid: subprocess.run(timeout=...) polls with
    sleeps of 0.5, 1, 2, 4... ms, which rounds every login up to the next
    poll (all peers measured ~3.8 or ~7.9 ms). The limit is a timer that
    kills the child instead.
    """
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    limit = threading.Timer(LIMIT_S, p.kill)
    limit.start()
    try:
        p.communicate(text.encode())
        rc = p.wait()
    finally:
        limit.cancel()
    ms = (time.perf_counter() - t) * 1000
    return ms, (-1 if rc == -signal.SIGKILL else rc)


def round_robin(n, text, specs):
    peers = []
    for spec in specs:
        peer, service, pids = spec.split("=", 2)
        peers.append((peer, ["pamtester", service, "alice", "authenticate", "acct_mgmt"],
                      [p for p in pids.split(",") if p not in ("", "-")]))
    stats = {p[0]: {"ms": [], "fail": 0, "client": 0.0, "daemon": 0.0} for p in peers}
    for _ in range(n):
        for peer, cmd, pids in peers:
            c0, d0 = child_cpu(), daemon_cpu(pids)
            t, rc = run_one(cmd, text)
            st = stats[peer]
            st["ms"].append(t)
            st["fail"] += rc != 0
            st["client"] += child_cpu() - c0
            st["daemon"] += daemon_cpu(pids) - d0
    for peer, cmd, _ in peers:
        st = stats[peer]
        summary(st["ms"], st["fail"], st["client"], st["daemon"], n,
                {"peer": peer, "cmd": " ".join(cmd)})


def main():
    mode = sys.argv[1]
    if mode == "rr":
        round_robin(int(sys.argv[2]), sys.argv[3].replace("\\n", "\n"), sys.argv[4:])
        return
    if mode == "lines":
        ms, fail = [], 0
        with open(sys.argv[2]) as f:
            for line in f:
                us, rc = line.split()
                ms.append(float(us) / 1000)
                fail += rc != "0"
        summary(ms, fail, 0, 0, len(ms))
        return
    args = sys.argv[2:]
    sep = args.index("--")
    head, cmd = args[:sep], args[sep + 1:]
    if mode == "once":
        head = ["1"] + head
    n, text, pids = int(head[0]), head[1].replace("\\n", "\n"), [p for p in head[2].split(",") if p not in ("", "-")]
    c0, d0 = child_cpu(), daemon_cpu(pids)
    ms, fail = [], 0
    if mode in ("seq", "once"):
        for _ in range(n):
            t, rc = run_one(cmd, text)
            ms.append(t)
            fail += rc != 0
        summary(ms, fail, child_cpu() - c0, daemon_cpu(pids) - d0, n, {"cmd": " ".join(cmd)})
    elif mode == "par":
        t = time.perf_counter()
        procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]
        for p in procs:
            p.stdin.write(text.encode())
            p.stdin.close()
        for p in procs:
            fail += p.wait() != 0
        wall = time.perf_counter() - t
        summary([wall * 1000], fail, child_cpu() - c0, daemon_cpu(pids) - d0, n,
                {"wall_s": wall, "logins_per_s": n / wall, "cmd": f"{n} x " + " ".join(cmd)})


if __name__ == "__main__":
    main()
