#!/usr/bin/env python3
"""Side-by-side speed of pamlint, augtool and `cat` on pam.d trees (issue 12 item 8).

  lint_speed.py PAMLINT TREE... [-- MODARGS...]
    TREE = LABEL=ROOT=REPS=AUG_REPS   (ROOT/etc/pam.d is the tree)

For each tree, in interleaved rounds (every command once per round, the order
rotated each round, so that background load on a shared machine and the cache
left by the previous command hit all of them alike), it times:
  cat          `cat` of every regular file in ROOT/etc/pam.d (the floor: reading them)
  aug-parse    augtool --noautoload, the Pam lens as the only transform, `load`, no query
  aug-query    augtool with the same transform and the wildcard query (section 5's row)
  human        pamlint --root ROOT MODARGS check             (default human output)
  json         pamlint --root ROOT MODARGS --format json check
Each command's stdout and stderr go to /dev/null. Reported per command: median
wall time and median CPU (user+sys of that child, from wait4) over its runs;
then the ratios pamlint/cat, pamlint/augtool-parse and human/json, wall and CPU.
augtool runs AUG_REPS times only, both ways (its load and its query are both
superlinear: tens of seconds each on 10,000 services). Prints a markdown table. Not part of the test suite.
"""
import os
import statistics
import subprocess
import sys
import time

PAM_TRANSFORM = "Pam.lns incl /etc/pam.d/*"
# `load` only: the transform is set as tree nodes, then loaded; nothing is queried
AUG_LOAD_SCRIPT = (
    "set /augeas/load/Pam/lens Pam.lns\n"
    "set /augeas/load/Pam/incl /etc/pam.d/*\n"
    "load\n"
)


def timed(argv, stdin_text=None):
    """Wall seconds and child CPU seconds of one run."""
    stdin = subprocess.PIPE if stdin_text is not None else subprocess.DEVNULL
    start = time.perf_counter()
    p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if stdin_text is not None:
        p.stdin.write(stdin_text.encode())
        p.stdin.close()
    _, _, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = 0  # reaped by wait4; keep Popen from waiting again
    return wall, ru.ru_utime + ru.ru_stime


def commands(pamlint, root, modargs):
    pamd = os.path.join(root, "etc/pam.d")
    files = sorted(
        os.path.join(pamd, n) for n in os.listdir(pamd) if os.path.isfile(os.path.join(pamd, n))
    )
    lint = [pamlint, "--root", root, *modargs]
    return files, {
        "cat": (["cat", *files], None),
        "aug-parse": (["augtool", "--noautoload", "-r", root], AUG_LOAD_SCRIPT),
        "aug-query": (
            ["augtool", "--noautoload", "-r", root, "-t", PAM_TRANSFORM,
             "match", "/files/etc/pam.d/*/*/module"],
            None,
        ),
        "human": ([*lint, "check"], None),
        "json": ([*lint, "--format", "json", "check"], None),
    }


def fmt_s(x):
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def main():
    args = sys.argv[1:]
    modargs = []
    if "--" in args:
        i = args.index("--")
        args, modargs = args[:i], args[i + 1:]
    if len(args) < 2:
        sys.exit(__doc__)
    pamlint, trees = args[0], args[1:]
    rows = []
    for spec in trees:
        label, root, reps, qreps = spec.split("=")
        reps, qreps = int(reps), int(qreps)
        files, cmds = commands(pamlint, root, modargs)
        kib = sum(os.path.getsize(f) for f in files) / 1024
        # one untimed run of each cheap command: page cache, dynamic loader
        for name in ("cat", "human", "json"):
            timed(*cmds[name])
        wall = {n: [] for n in cmds}
        cpu = {n: [] for n in cmds}
        names = list(cmds)
        for r in range(reps):
            # rotate the order each round: the command run right after augtool's
            # query (hundreds of MB touched) would otherwise always start cold
            for name in names[r % len(names):] + names[:r % len(names)]:
                argv, text = cmds[name]
                if name.startswith("aug-") and r >= qreps:
                    continue
                w, c = timed(argv, text)
                wall[name].append(w)
                cpu[name].append(c)
        med = {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in cmds}
        rows.append((label, len(files), kib, reps, qreps, med))
        print(f"{label}: " + ", ".join(
            f"{n} {fmt_s(w)} (cpu {fmt_s(c)})" for n, (w, c) in med.items()), flush=True)

    print()
    print("| tree (files, KiB; runs) | cat | augtool parse (load only) | augtool load + query "
          "| pamlint check (human) | pamlint check --format json "
          "| pamlint/cat | pamlint/augtool-parse | human/json |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, nfiles, kib, reps, qreps, med in rows:
        def cell(n):
            w, c = med[n]
            return f"{fmt_s(w)} (cpu {fmt_s(c)})"

        def ratio(a, b):
            return f"{med[a][0] / med[b][0]:.2f}x (cpu {med[a][1] / med[b][1]:.2f}x)"

        print(f"| {label} ({nfiles:,} files, {kib:,.0f} KiB; {reps} runs, augtool {qreps}) "
              f"| {cell('cat')} | {cell('aug-parse')} | {cell('aug-query')} "
              f"| {cell('human')} | {cell('json')} "
              f"| {ratio('human', 'cat')} | {ratio('human', 'aug-parse')} "
              f"| {ratio('human', 'json')} |")


if __name__ == "__main__":
    main()
