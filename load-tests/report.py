#!/usr/bin/env python3
"""Turns bench.sh's results.jsonl into load-tests/RESULTS.md (Markdown on stdout).

    report.py RESULTS.jsonl --commit C --nproc N --cpu M --kernel K ... > RESULTS.md
    report.py --line '{...one result...}'   # a one-line summary, for progress logs
"""
import argparse
import datetime
import json
import statistics
import sys

MCP, RELAY = "actix-mcp", "relay"


def line_summary(d):
    if d.get("kind") == "idle":
        return (f"{d.get('per_session_kib')} KiB/session, setup {d.get('setup_rate')}/s, "
                f"keep-alives >= {d.get('keepalives_min')}, errors {d.get('errors')}")
    lat = d.get("latency_ms") or {}
    return (f"{d.get('calls_per_sec')} calls/s, p99 {lat.get('p99')} ms, "
            f"server CPU {d.get('server_cpu_pct')}%, {d.get('server_switches_per_call')} context switches/call, "
            f"other processes {d.get('other_cpu_pct')}%, "
            f"errors {d.get('errors')}")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=1):
    if v is None:
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}"


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(value, goal, higher_is_better):
    if value is None:
        return "n/a"
    ok = value >= goal if higher_is_better else value <= goal
    return "**yes**" if ok else "**NO**"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jsonl", nargs="?")
    ap.add_argument("--line")
    for opt in ("commit", "nproc", "cpu", "kernel", "memory", "rustc", "raw", "priority"):
        ap.add_argument(f"--{opt}", default="unknown")
    ap.add_argument("--runs", type=int, default=0)
    ap.add_argument("--idle-runs", type=int, default=0)
    ap.add_argument("--noisy-waits", type=int, default=0)
    ap.add_argument("--findings", help="hand-written analysis (profiles, before/after) to include")
    args = ap.parse_args()
    if args.line:
        print(line_summary(json.loads(args.line)))
        return

    rows = [json.loads(l) for l in open(args.jsonl) if l.strip()]
    for r in rows:
        # Server CPU time per call: a capacity figure that background load disturbs less.
        if r.get("kind") == "calls" and r.get("server_cpu_pct") is not None and r.get("calls_ok"):
            r["cpu_us_per_call"] = r["server_cpu_pct"] / 100 * r["call_secs"] / r["calls_ok"] * 1e6
    groups = {}
    for r in rows:
        groups.setdefault((r["scenario"], r["server"]), []).append(r)

    def runs(scenario, server):
        return groups.get((scenario, server), [])

    def med(scenario, server, *path):
        vals = []
        for r in runs(scenario, server):
            v = r
            for p in path:
                v = v.get(p) if isinstance(v, dict) else None
            vals.append(v)
        return median(vals)

    def errors(scenario, server):
        return sum(int(r.get("errors") or 0) for r in runs(scenario, server))

    def paired(scenario, path, invert=False):
        """Per-run actix-mcp/relay ratios (same run index), as 'min–max'."""
        by_run = {}
        for server in (MCP, RELAY):
            for r in runs(scenario, server):
                v = r
                for p in path:
                    v = v.get(p) if isinstance(v, dict) else None
                by_run.setdefault(r["run"], {})[server] = v
        rs = [ratio(v.get(MCP), v.get(RELAY)) for v in by_run.values()]
        rs = [x for x in rs if x is not None]
        if not rs:
            return "n/a"
        return f"{min(rs):.2f}–{max(rs):.2f}"

    calls_scenarios = [f"calls-{s}-{t}" for s in ("50x200", "500x20") for t in ("sse", "streamable", "stateless")
                       if any(r["scenario"] == f"calls-{s}-{t}" for r in rows)]
    idle_scenarios = sorted({r["scenario"] for r in rows if r["scenario"].startswith("idle-")},
                            key=lambda s: (int(s.split("-")[1]), s))
    other = [r.get("other_cpu_pct") for r in rows if r.get("kind") == "calls"]
    other = [x for x in other if x is not None]

    out = []
    w = out.append
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    w("# actix-mcp load-test results")
    w("")
    w(f"Written by `bash load-tests/bench.sh` on {now}. Raw results: `{args.raw}` "
      "(one JSON line per measurement, as printed by the load generator).")
    w("")
    w("## Setup")
    w("")
    w(f"- Commit: `{args.commit}`")
    w(f"- Machine: {args.nproc} cores ({args.cpu}), {args.memory}, kernel {args.kernel}; {args.rustc}")
    w("- Server pinned to core 0 (`taskset -c 0`, `--workers 1`; actix-mcp with `--log warn "
      "--response-mode json`, 2026-07-28 served by default); load generator (`load-tests/loadgen`, one thread) pinned to core 1. "
      f"Both run at priority `{args.priority}`. "
      "Every measurement starts a fresh server; actix-mcp and the relay alternate in the same run.")
    w(f"- Calls: {args.runs} runs per cell after a 10×50-call warm-up; idle sessions: {args.idle_runs} runs per cell "
      "(VmRSS before opening them and after holding them 5 s; then one verifying call per session). Figures are medians.")
    if other:
        w(f"- Other processes' CPU during call phases (% of one core): median {statistics.median(other):.0f}, "
          f"max {max(other):.0f}. Waits for a quiet machine that timed out: {args.noisy_waits}.")
    w("")

    # Targets.
    w("## Targets (issue #5)")
    w("")
    w("| Target | actix-mcp | relay | ratio (medians) | per-run ratios | goal | holds |")
    w("|---|---:|---:|---:|---:|---:|:---:|")
    # (A run of only some cells, CALL_CELLS, leaves the others' rows out.)
    for shape in ("50x200", "500x20"):
        s = f"calls-{shape}-sse"
        if s not in calls_scenarios:
            continue
        a, b = med(s, MCP, "calls_per_sec"), med(s, RELAY, "calls_per_sec")
        w(f"| Legacy SSE tools/call throughput, {shape} | {fmt(a)} calls/s | {fmt(b)} calls/s | "
          f"{fmt(ratio(a, b), 2)}× | {paired(s, ['calls_per_sec'])} | ≥ 0.9× | {verdict(ratio(a, b), 0.9, True)} |")
    for shape in ("50x200", "500x20"):
        s = f"calls-{shape}-sse"
        if s not in calls_scenarios:
            continue
        a, b = med(s, MCP, "latency_ms", "p99"), med(s, RELAY, "latency_ms", "p99")
        w(f"| Legacy SSE p99 latency, {shape} | {fmt(a, 2)} ms | {fmt(b, 2)} ms | "
          f"{fmt(ratio(a, b), 2)}× | {paired(s, ['latency_ms', 'p99'])} | ≤ 1.5× | {verdict(ratio(a, b), 1.5, False)} |")
    for shape in ("50x200", "500x20"):
        s = f"calls-{shape}-streamable"
        if s not in calls_scenarios:
            continue
        a, b = med(s, MCP, "calls_per_sec"), med(s, RELAY, "calls_per_sec")
        w(f"| Streamable JSON-mode throughput, {shape} | {fmt(a)} calls/s | {fmt(b)} calls/s | "
          f"{fmt(ratio(a, b), 2)}× | {paired(s, ['calls_per_sec'])} | ≥ 0.8× | {verdict(ratio(a, b), 0.8, True)} |")
    for shape in ("50x200", "500x20"):
        s = f"calls-{shape}-stateless"
        if s not in calls_scenarios:
            continue
        a, b = med(s, MCP, "calls_per_sec"), med(s, RELAY, "calls_per_sec")
        w(f"| Stateless (2026-07-28) tools/call throughput, {shape} | {fmt(a)} calls/s | {fmt(b)} calls/s | "
          f"{fmt(ratio(a, b), 2)}× | {paired(s, ['calls_per_sec'])} | ≥ 0.9× | {verdict(ratio(a, b), 0.9, True)} |")
        # Against our own Streamable JSON session calls of the same run: what the
        # session costs (or saves). Medians of both; not paired per run.
        j = med(f"calls-{shape}-streamable", MCP, "calls_per_sec")
        if j is not None:
            w(f"| (context) actix-mcp stateless / Streamable JSON session calls/s, {shape} | {fmt(a)} calls/s | "
              f"{fmt(j)} calls/s (session) | {fmt(ratio(a, j), 2)}× | | | |")
    for s in calls_scenarios:
        a, b = med(s, MCP, "cpu_us_per_call"), med(s, RELAY, "cpu_us_per_call")
        w(f"| (context) server CPU per call, {s[6:]} | {fmt(a)} µs | {fmt(b)} µs | "
          f"{fmt(ratio(a, b), 2)}× | {paired(s, ['cpu_us_per_call'])} | | |")
    for s in calls_scenarios:
        a, b = med(s, MCP, "server_switches_per_call"), med(s, RELAY, "server_switches_per_call")
        w(f"| (context) server context switches per call, {s[6:]} | {fmt(a, 3)} | {fmt(b, 3)} | "
          f"| | | |")
    for s in idle_scenarios:
        if s.endswith("-sse"):
            n = int(s.split("-")[1])
            a, b = med(s, MCP, "per_session_kib"), med(s, RELAY, "per_session_kib")
            w(f"| Server memory per idle legacy SSE session, {n:,} sessions | {fmt(a, 2)} KiB | {fmt(b, 2)} KiB | "
              f"{fmt(ratio(a, b), 2)}× | {paired(s, ['per_session_kib'])} | ≤ 16 KiB | {verdict(a, 16, False)} |")
    for s in idle_scenarios:
        n = int(s.split("-")[1])
        if n >= 10000:
            rs = runs(s, MCP)
            errs = errors(s, MCP)
            opened = min((r.get("sessions_open") or 0) for r in rs) if rs else 0
            verified = min((r.get("verified") or 0) for r in rs) if rs else 0
            transport = "legacy SSE" if s.endswith("-sse") else "Streamable"
            holds = "**yes**" if rs and errs == 0 and opened == n and verified == n else "**NO**"
            w(f"| {n:,} concurrent {transport} sessions, zero errors | {errs} errors in {len(rs)} runs "
              f"(≥ {opened:,} open, ≥ {verified:,} verified) | {errors(s, RELAY)} errors | | | 0 errors | {holds} |")
    w("")

    if args.findings:
        # Written by people, kept across runs: what the profiles show, what changed.
        w(open(args.findings).read().rstrip())
        w("")

    w("## Calls")
    w("")
    w("Sequential `tools/call` (`echo`) per session, all sessions at once. Legacy SSE: POST → 202, answer matched "
      "by id and content on the session's stream. Streamable: answer in the POST's `application/json` body "
      "(the relay: its JSON endpoint). Stateless (2026-07-28): no session, each client one keep-alive connection "
      "sending independent `tools/call` POSTs with `MCP-Protocol-Version` / `Mcp-Method` / `Mcp-Name` and `_meta`; "
      "the answer in the POST's `application/json` body (the relay: the same JSON endpoint; setup = connecting). Latency is per call, as the client sees it. Server CPU µs/call = the "
      "server's CPU time during the call phase / calls: what one call costs the server, whatever else ran. "
      "Context switches/call (all the server's threads, voluntary + involuntary) count thread hand-offs; "
      "other tenants of the machine barely move them.")
    w("")
    w("| Scenario | Server | calls/s | p50 ms | p90 ms | p99 ms | max ms | setup sessions/s | server CPU % | server CPU µs/call | context switches/call | loadgen CPU % | other CPU % | errors (all runs) |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in calls_scenarios:
        for server in (MCP, RELAY):
            if not runs(s, server):
                continue
            w(f"| {s[6:]} | {server} | {fmt(med(s, server, 'calls_per_sec'))} | "
              f"{fmt(med(s, server, 'latency_ms', 'p50'), 2)} | {fmt(med(s, server, 'latency_ms', 'p90'), 2)} | "
              f"{fmt(med(s, server, 'latency_ms', 'p99'), 2)} | {fmt(med(s, server, 'latency_ms', 'max'), 2)} | "
              f"{fmt(med(s, server, 'setup_rate'))} | {fmt(med(s, server, 'server_cpu_pct'), 0)} | "
              f"{fmt(med(s, server, 'cpu_us_per_call'))} | {fmt(med(s, server, 'server_switches_per_call'), 3)} | "
              f"{fmt(med(s, server, 'loadgen_cpu_pct'), 0)} | {fmt(med(s, server, 'other_cpu_pct'), 0)} | "
              f"{errors(s, server)} |")
    w("")

    w("## Idle sessions")
    w("")
    w("Initialized sessions held idle (legacy: each with its open `/sse` stream, keep-alives every 2 s; "
      "Streamable: no open stream). KiB/session = (VmRSS after − VmRSS before) / sessions.")
    w("")
    w("| Sessions | Transport | Server | VmRSS before KiB | VmRSS after KiB | KiB/session | setup sessions/s | keep-alives while held (min) | verify p99 ms | errors (all runs) |")
    w("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in idle_scenarios:
        _, n, transport = s.split("-")
        for server in (MCP, RELAY):
            if not runs(s, server):
                continue
            w(f"| {int(n):,} | {transport} | {server} | {fmt(med(s, server, 'rss_before_kib'))} | "
              f"{fmt(med(s, server, 'rss_after_kib'))} | {fmt(med(s, server, 'per_session_kib'), 2)} | "
              f"{fmt(med(s, server, 'setup_rate'))} | {fmt(med(s, server, 'keepalives_min'))} | "
              f"{fmt(med(s, server, 'latency_ms', 'p99'), 1)} | {errors(s, server)} |")
    w("")

    w("## Every measurement")
    w("")
    w("Attempts > 1: earlier attempts were discarded because other processes used more than "
      "the noise limit of CPU during the call phase.")
    w("")
    w("| Scenario | Server | Run | calls/s or KiB/session | p99 ms | server CPU % | other CPU % | attempts | errors |")
    w("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(rows, key=lambda r: (r["scenario"], r["server"], r["run"])):
        main_figure = r.get("per_session_kib") if r.get("kind") == "idle" else r.get("calls_per_sec")
        kinds = r.get("error_kinds") or {}
        err = f"{r.get('errors')}" + (f" {json.dumps(kinds)}" if kinds else "")
        w(f"| {r['scenario']} | {r['server']} | {r['run']} | {fmt(main_figure, 2 if r.get('kind') == 'idle' else 1)} | "
          f"{fmt((r.get('latency_ms') or {}).get('p99'), 2)} | {fmt(r.get('server_cpu_pct'), 0)} | "
          f"{fmt(r.get('other_cpu_pct'), 0)} | {r.get('attempts', 1)} | {err} |")
    w("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
