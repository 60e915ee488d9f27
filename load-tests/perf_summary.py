#!/usr/bin/env python3
"""Summarises `perf script -F tid,comm,ip,sym` output of servers under the same load.

    perf_summary.py CALLS NAME=FILE [NAME=FILE ...]

Prints, per profile, server CPU time per call (samples / frequency / CALLS) split
into buckets (kernel TCP, thread wake-ups, allocator, JSON, actix layers, ...),
then per thread, then the heaviest inclusive actix_mcp functions. Samples are
assumed taken at --freq (env PERF_FREQ, default 1999 Hz) with --call-graph dwarf.
"""
import collections
import os
import re
import sys

FREQ = float(os.environ.get("PERF_FREQ", "1999"))

# Kernel buckets are decided by any frame of the stack (first rule wins) ...
KERNEL = [
    ("kernel: eventfd/futex wake-ups, context switches", r"eventfd|futex|try_to_wake_up|finish_task_switch|__schedule|schedule_hrtimeout"),
    ("kernel: TCP send (incl. loopback delivery)", r"tcp_sendmsg|__sys_sendto|sock_sendmsg"),
    ("kernel: TCP receive", r"tcp_recvmsg|sock_read_iter|__sys_recvfrom"),
    ("kernel: accept/close", r"__sys_accept|inet_accept|tcp_close|__x64_sys_close"),
    ("kernel: epoll", r"ep_poll|do_epoll_wait|__x64_sys_epoll"),
]
# ... user-space buckets by the innermost matching frame.
USER = [
    ("kernel: other", r"^(entry_SYSCALL|do_syscall_64|syscall_exit|asm_|irqentry|_raw_spin)"),
    ("allocator (malloc/free)", r"^(_int_malloc|_int_free|_int_realloc|malloc|__GI___libc_malloc|__GI___libc_free|cfree|realloc|malloc_consolidate|unlink_chunk|tcache_|__libc_calloc|sysmalloc|__rust_alloc|__rust_dealloc|__rust_realloc)"),
    ("memcpy/memset", r"^__mem(cpy|move|set)|rep_movs"),
    ("jsonschema", r"jsonschema::"),
    ("serde_json", r"serde_json::|serde_core::|serde::"),
    ("tracing/log", r"^tracing|tracing_core::|tracing_subscriber::|^log::|env_logger"),
    ("actix actors (mailboxes, contexts)", r"^actix::|<actix::"),
    ("tokio sync (mpsc, oneshot, ...)", r"tokio::sync::"),
    ("actix-web-lab SSE", r"actix_web_lab::"),
    ("actix-http (h1 codec, dispatcher)", r"actix_http::"),
    ("actix-web (routing, middleware)", r"actix_web::|actix_router::"),
    ("tokio runtime (scheduling, parking, timers)", r"tokio::|mio::"),
    ("actix_mcp (own code)", r"actix_mcp::"),
    ("relay (own code)", r"^relay::|<relay::"),
]
KERNEL = [(n, re.compile(p)) for n, p in KERNEL]
USER = [(n, re.compile(p)) for n, p in USER]


def load(path):
    samples, cur = [], None
    for line in open(path, errors="replace"):
        if not line.strip():
            if cur:
                samples.append(cur)
            cur = None
        elif not line.startswith(("\t", " " * 8)):
            cur = (line.strip(), [])
        elif cur is not None:
            parts = line.strip().split(None, 1)
            cur[1].append((parts[1] if len(parts) > 1 else "?").replace(" (inlined)", ""))
    if cur:
        samples.append(cur)
    return samples


def bucket(frames):
    for name, pat in KERNEL:
        if any(pat.search(f) for f in frames):
            return name
    for f in frames:
        for name, pat in USER:
            if pat.search(f):
                return name
    return "other"


def short(sym, n=110):
    for _ in range(3):
        sym = re.sub(r"<[^<>]*>", "<>", sym)
    return sym[:n]


def main():
    calls = float(sys.argv[1])
    profiles = [arg.split("=", 1) for arg in sys.argv[2:]]
    us = lambda n: n / FREQ / calls * 1e6
    table, names = {}, []
    for name, path in profiles:
        samples = load(path)
        names.append(name)
        counts = collections.Counter(bucket(f) for _, f in samples)
        table[name] = {k: us(v) for k, v in counts.items()}
        table[name]["TOTAL server CPU"] = us(len(samples))
        print(f"== {name}: {len(samples)} samples, {us(len(samples)):.1f} µs of server CPU per call")
        threads = collections.Counter(t for t, _ in samples)
        for t, n in threads.most_common(6):
            own = collections.Counter()
            for tt, f in samples:
                if tt == t:
                    for s in set(f):
                        if re.search(r"actix_mcp::.*(handle|post_message|post\b|run_call)|Registry as|ToolActor as|Session as", s):
                            own[short(s, 70)] += 1
            hint = ", ".join(s for s, _ in own.most_common(2))
            print(f"   thread {t}: {us(n):.1f} µs/call  {hint}")
        incl = collections.Counter()
        for _, f in samples:
            for s in set(f):
                if "actix_mcp::" in s:
                    incl[s] += 1
        for s, n in incl.most_common(12):
            print(f"     {us(n):6.2f} µs/call incl.  {short(s)}")
    keys = sorted({k for d in table.values() for k in d}, key=lambda k: -table[names[0]].get(k, 0))
    print()
    print(f"{'µs of server CPU per call':48s}" + "".join(f"{n:>18s}" for n in names))
    for k in keys:
        print(f"{k[:48]:48s}" + "".join(f"{table[n].get(k, 0):18.1f}" for n in names))


if __name__ == "__main__":
    main()
