#!/usr/bin/env python3
"""Interop check: the official MCP Python SDK client pinned to the stateless revision.

``mcp.Client(..., mode=MODE)`` with a modern protocol version adopts it directly (no
``initialize``, no probe) and sends every request as an independent POST carrying
``_meta`` and the ``MCP-Protocol-Version`` / ``Mcp-Method`` headers. Against the URL
of a server's Streamable HTTP endpoint it lists tools, calls ``echo`` (argument
``message``) ``--calls`` times, and watches every HTTP response: none may carry an
``Mcp-Session-Id``.

Usage:
    python stateless_check.py --url http://127.0.0.1:PORT/mcp [--mode 2026-07-28] [--calls N]

Exit status 0 and one summary line on stdout on success; non-zero and a message on
stderr on any failure (including the overall --timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from contextlib import AsyncExitStack
from typing import Any

try:
    import mcp
    import mcp_types as types
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"stateless_check: cannot import the MCP Python SDK ({exc})", file=sys.stderr)
    sys.exit(3)

CLIENT_INFO = types.Implementation(name="actix-mcp-stateless-check", version="1.0.0")


def text_of(result: Any) -> str:
    if getattr(result, "is_error", False):
        raise SystemExit(f"stateless_check: tool returned an error: {result}")
    blocks = [b for b in result.content if getattr(b, "type", None) == "text"]
    if len(blocks) != 1:
        raise SystemExit(f"stateless_check: expected one text block, got {result.content!r}")
    return blocks[0].text


async def run(url: str, mode: str, calls: int) -> str:
    session_ids: list[str] = []

    async def watch(response: Any) -> None:
        if "mcp-session-id" in response.headers:
            session_ids.append(response.headers["mcp-session-id"])

    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(create_mcp_http_client())
        http.event_hooks["response"].append(watch)
        transport = streamable_http_client(url, http_client=http)
        client = await stack.enter_async_context(mcp.Client(transport, client_info=CLIENT_INFO, mode=mode))
        version = client.session.protocol_version
        listed = await client.list_tools()
        names = sorted(t.name for t in listed.tools)
        if "echo" not in names:
            raise SystemExit(f"stateless_check: echo not listed: {names}")
        for n in range(calls):
            message = f"stateless call {n}"
            got = text_of(await client.call_tool("echo", {"message": message}))
            if got != message:
                raise SystemExit(f"stateless_check: echo returned {got!r}, expected {message!r}")
    if session_ids:
        raise SystemExit(f"stateless_check: the server minted session ids: {session_ids}")
    return f"python-sdk stateless: protocol {version}, {len(names)} tools, {calls} calls; mcp-session-id absent"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", default="2026-07-28")
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    try:
        summary = asyncio.run(asyncio.wait_for(run(args.url, args.mode, args.calls), args.timeout))
    except TimeoutError:
        print(f"stateless_check: timed out after {args.timeout} s", file=sys.stderr)
        sys.exit(2)
    print(summary)


if __name__ == "__main__":
    main()
