#!/usr/bin/env python3
"""Renders bench/run's results.jsonl as the markdown tables of docs/benchmarks.md."""
import json
import platform
import sys
from collections import defaultdict


def f(v, unit=""):
    return "–" if v is None else f"{v:.2f}{unit}"


def cmd(r):
    """The command that produced a row (inside bench/run's sandbox), as code."""
    return f"`{r['cmd']}`" if r.get("cmd") else "–"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    by = defaultdict(dict)
    for r in rows:
        by[r["bench"]][r["peer"]] = r
    cpu = open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": \t")
    print(f"Machine: {cpu}, {platform.machine()}, kernel {platform.release()}\n")
    latency = [b for b in by if b.startswith(("pamtester", "inprocess", "cold"))]
    print("| benchmark | peer | n | p50 ms | p99 ms | min ms | max ms | client CPU ms/login | daemon CPU ms/login | failures | p50 ratio vs nss-pam-ldapd | command |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for b in latency:
        ref = by[b].get("nss-pam-ldapd", {}).get("p50_ms")
        for p, r in by[b].items():
            ratio = f"{r['p50_ms'] / ref:.2f}x" if ref and r.get("p50_ms") else "–"
            print(f"| {b} | {p} | {r['n']} | {f(r['p50_ms'])} | {f(r['p99_ms'])} | {f(r['min_ms'])} | {f(r['max_ms'])} | "
                  f"{f(r.get('client_cpu_ms') if b.startswith('pamtester') else None)} | "
                  f"{f(r.get('daemon_cpu_ms') if b.startswith('pamtester') else None)} | {r['failures']} | {ratio} | {cmd(r)} |")
    print("\n| failover (first URI ...) | peer | tries | median s | min s | max s | failed logins | command |")
    print("|---|---|---|---|---|---|---|---|")
    for b in [b for b in by if b.startswith("failover")]:
        for p, r in by[b].items():
            print(f"| {b[9:]} | {p} | {r['n']} | {r['p50_ms'] / 1000:.2f} | {r['min_ms'] / 1000:.2f} | {r['max_ms'] / 1000:.2f} | {r['failures']} | {cmd(r)} |")
    print("\n| parallel logins | peer | rounds | median wall s (min–max) | logins/s (median round) | failures | client CPU ms/login | daemon CPU ms/login | command |")
    print("|---|---|---|---|---|---|---|---|---|")
    for b in [b for b in by if b.startswith("parallel")]:
        for p, r in by[b].items():
            span = f"{r['wall_s']:.2f} ({r.get('wall_min_s', r['wall_s']):.2f}–{r.get('wall_max_s', r['wall_s']):.2f})"
            print(f"| {b[9:]} | {p} | {r.get('rounds', 1)} | {span} | {r['logins_per_s']:.0f} | {r['failures']} | {f(r['client_cpu_ms'])} | {f(r['daemon_cpu_ms'])} | {cmd(r)} |")
    if "size" in by:
        print("\n| module | stripped bytes | as installed/built |")
        print("|---|---|---|")
        for p, r in by["size"].items():
            print(f"| {p} | {r['bytes']:,} | {r['unstripped']:,} |")

    if "callgrind-1" in by:
        print("\n| callgrind (client process) | instructions, process with 1 login | per further login |")
        print("|---|---|---|")
        for p, r in by["callgrind-1"].items():
            five = by.get("callgrind-5", {}).get(p, {}).get("instructions")
            more = f"{(five - r['instructions']) / 4:,.0f}" if five else "–"
            print(f"| {p} | {r['instructions']:,} | {more} |")


if __name__ == "__main__":
    main()
