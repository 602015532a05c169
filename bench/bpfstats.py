#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The bench's instruments, with python3 alone (no bpftool, no jq):

  bpfstats.py snap PID            one line per BPF program PID holds open:
                                  "prog_id run_time_ns run_cnt name", from
                                  /proc/PID/fdinfo (kernel.bpf_stats_enabled=1
                                  fills the counters); the name from the bpf()
                                  syscall (BPF_OBJ_GET_INFO_BY_FD), "?" if refused
  bpfstats.py delta A B PATTERN   ns per run of the program whose name starts
                                  with PATTERN ("*": the one that ran most)
                                  between snapshots A and B: "ns runs"
  bpfstats.py drops FILE          lost records in migtrace --json output
  bpfstats.py summary TSV         medians, spreads and ratios of the samples
  bpfstats.py loader LOADER LOAD CPUS T0 T1 W0 W1 HZ A B JSON
                                  one line: the loader's CPU (clock ticks T0..T1
                                  over W0..W1 ns), traced events/s (run_cnt of
                                  every program between snapshots A and B),
                                  ring-buffer records/s and lost records
                                  (migtrace --json or daemon output)
"""
import ctypes
import json
import os
import platform
import statistics
import sys

BPF_PROG_GET_FD_BY_ID = 13
BPF_OBJ_GET_INFO_BY_FD = 15
SYS_BPF = {"x86_64": 321, "aarch64": 280}.get(platform.machine(), 321)
INFO_NAME_OFF, INFO_SIZE = 64, 232	# struct bpf_prog_info (linux/bpf.h)

_libc = ctypes.CDLL(None, use_errno=True)


def _bpf(cmd, attr):
    return _libc.syscall(SYS_BPF, cmd, ctypes.byref(attr), ctypes.sizeof(attr))


def prog_name(prog_id):
    attr = (ctypes.c_uint8 * 144)()
    ctypes.c_uint32.from_buffer(attr, 0).value = prog_id
    fd = _bpf(BPF_PROG_GET_FD_BY_ID, attr)
    if fd < 0:
        return "?"
    try:
        info = (ctypes.c_uint8 * INFO_SIZE)()
        attr = (ctypes.c_uint8 * 144)()
        ctypes.c_uint32.from_buffer(attr, 0).value = fd
        ctypes.c_uint32.from_buffer(attr, 4).value = INFO_SIZE
        ctypes.c_uint64.from_buffer(attr, 8).value = ctypes.addressof(info)
        if _bpf(BPF_OBJ_GET_INFO_BY_FD, attr) < 0:
            return "?"
        raw = bytes(info[INFO_NAME_OFF:INFO_NAME_OFF + 16])
        return raw.split(b"\0", 1)[0].decode() or "?"
    finally:
        os.close(fd)


def snap(pid):
    seen = {}
    fddir = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fddir):
        try:
            with open(f"{fddir}/{fd}") as f:
                kv = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if "prog_id" not in kv or "run_cnt" not in kv or "link_type" in kv:
            continue
        pid_ = int(kv["prog_id"])
        if pid_ not in seen:
            seen[pid_] = (int(kv["run_time_ns"]), int(kv["run_cnt"]))
    for prog_id, (ns, cnt) in sorted(seen.items()):
        print(prog_id, ns, cnt, prog_name(prog_id))


def read_snap(path):
    out = {}
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 4:
                out[int(p[0])] = (int(p[1]), int(p[2]), p[3])
    return out


def delta(a, b, pattern):
    a, b = read_snap(a), read_snap(b)
    best = None
    for pid_, (ns, cnt, name) in b.items():
        ns0, cnt0, _ = a.get(pid_, (0, 0, name))
        d = (ns - ns0, cnt - cnt0)
        if pattern != "*" and not name.startswith(pattern):
            continue
        if best is None or d[1] > best[1]:
            best = d
    if not best or best[1] <= 0:
        print("0 0")
    else:
        print(f"{best[0] / best[1]:.1f} {best[1]}")


def json_lines(path):
    """The JSON objects of migtrace's output, lines that are not JSON skipped."""
    with open(path) as f:
        for line in f:
            try:
                yield json.loads(line)
            except ValueError:
                continue


def drops(path):
    total = 0
    for o in json_lines(path):
        if o.get("type") == "drops":
            total += int(o.get("total", 0))
    print(total)


def records(path):
    """Fault runs received (the storm's records) and records lost, from JSON lines."""
    runs = lost = 0
    for o in json_lines(path):
        if o.get("type") == "faults":
            runs = max(runs, int(o.get("runs", 0)))
        elif o.get("type") == "drops":
            lost = max(lost, int(o.get("total", 0)))
    return runs, lost


def loader(name, load, cpus, t0, t1, w0, w1, hz, a, b, out):
    secs = (int(w1) - int(w0)) / 1e9
    cpu = (int(t1) - int(t0)) / int(hz) / secs * 100
    a, b = read_snap(a), read_snap(b)
    events = sum(cnt - a.get(k, (0, 0, ""))[1] for k, (_, cnt, _) in b.items())
    runs, lost = records(out)
    rate = events / secs
    tick = 1 / int(hz) / secs * 100
    verdict = ""
    if load == "faults":
        scaled = cpu * 100000 / rate if rate else float("nan")
        verdict = (f"; {scaled:.2f}% scaled to 100k events/s (target < 1%): "
                   f"{'met' if scaled < 1 else 'MISSED'}")
    print(f"  {name:<7} {load:<6} on {cpus} CPUs: {rate:9.0f} traced events/s, "
          f"{runs / secs:7.0f} records/s, lost {lost} (target 0: {'met' if lost == 0 else 'MISSED'}), "
          f"loader {cpu:5.2f}% of a core" + (f" (+-{tick:.2f})" if tick > 0.01 else "")
          + verdict)


def spread(v):
    return f"{min(v):.0f}-{max(v):.0f}" if v else "-"


def med(v):
    return statistics.median(v) if v else float("nan")


def summary(path):
    """TSV rows: mode tracer round prog_ns runs wall_ns events."""
    rows = [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
    modes = []
    for r in rows:
        if r[0] not in modes:
            modes.append(r[0])
    hooks = {"faults": "page_fault_user", "switches": "sched_switch"}
    for mode in modes:
        by = {}
        for r in rows:
            if r[0] == mode:
                by.setdefault(r[1], {})[int(r[2])] = (float(r[3]), int(r[4]),
                                                      float(r[5]), int(r[6]))
        rounds = sorted(by.get("none", {}))
        hook = hooks.get(mode, mode)
        tracers = [t for t in ("empty", "migtrace", "bpftrace") if by.get(t)]
        print(f"\n{hooks.get(mode, mode)} ({mode}): {len(rounds)} interleaved rounds "
              f"({', '.join(['none'] + tracers)}, ...), CPU 0")
        print("  in-program ns per run (kernel.bpf_stats_enabled): median [min-max]")
        prog = {}
        for t in tracers:
            prog[t] = [by.get(t, {}).get(k, (0,))[0] for k in rounds
                       if by.get(t, {}).get(k, (0,))[0] > 0]
            print(f"    {t:<10} {med(prog[t]):8.1f} ns  [{spread(prog[t])}]")

        def ratio(a, b):
            pairs = [by[a][k][0] / by[b][k][0] for k in rounds
                     if k in by.get(a, {}) and k in by.get(b, {}) and by[b][k][0] > 0
                     and by[a][k][0] > 0]
            m = med(prog[a]) / med(prog[b]) if prog[a] and prog[b] else float("nan")
            return m, pairs
        for b, target in (("empty", 2.0), ("bpftrace", 0.5)):
            if b not in tracers or "migtrace" not in tracers:
                print(f"    {hook}: migtrace / {b} not measured ({b} did not run)")
                continue
            m, pairs = ratio("migtrace", b)
            ok = "met" if m <= target else "MISSED"
            print(f"    {hook}: migtrace / {b:<9} {m:5.2f}x  [per round {spread([p * 100 for p in pairs])}%]"
                  f"  target <= {target}: {ok}")
        print("  wall clock, sanity check only: ns per event added over the workload alone,"
              " median [min-max] of rounds (the spread is the noise)")
        base = [by["none"][k][2] / by["none"][k][3] for k in rounds]
        print(f"    {'alone':<10} {med(base):8.1f} ns/event  [{spread(base)}]")
        for t in tracers:
            added = [by[t][k][2] / by[t][k][3] - by["none"][k][2] / by["none"][k][3]
                     for k in rounds if k in by.get(t, {})]
            print(f"    {t:<10} {med(added):+8.1f} ns/event  [{spread(added)}]")


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "snap" and len(sys.argv) == 3:
        snap(sys.argv[2])
    elif cmd == "delta" and len(sys.argv) == 5:
        delta(*sys.argv[2:5])
    elif cmd == "drops" and len(sys.argv) == 3:
        drops(sys.argv[2])
    elif cmd == "loader" and len(sys.argv) == 13:
        loader(*sys.argv[2:13])
    elif cmd == "summary" and len(sys.argv) == 3:
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)
