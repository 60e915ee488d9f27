#!/usr/bin/env python3
"""Interop check: the official MCP Python SDK client on the stateless revision, every
feature a 2026-07-28 client uses against one server.

Against a server's Streamable HTTP endpoint (the actix-mcp test server's tools), with
``mcp.Client(..., mode=MODE)``:

* MRTR: ``asks_user`` (elicitation), ``asks_model`` (sampling) and ``lists_roots``
  (roots) are answered through this client's callbacks; the SDK retries with
  ``inputResponses`` + ``requestState`` until the result is complete;
* progress: ``progress_steps`` reports to ``progress_callback``;
* logging: with ``log_level="warning"`` the ``logs`` tool's warning and error (only)
  reach ``logging_callback``;
* ``listen(tools_list_changed=True)`` receives a tools list change (the test server
  changes its tool list while this runs);
* caching: two ``list_tools()`` calls cost one HTTP request when the server sends a
  ``ttlMs`` hint (``--expect-cached``), two when it sends ``ttlMs: 0``;
* ``--clients`` clients do all of this at once, each checking it got its own answers;
* no response carries an ``Mcp-Session-Id``.

Usage:
    python stateless_features_check.py --url http://127.0.0.1:PORT/mcp
        [--mode 2026-07-28|auto] [--clients N] [--expect-cached]

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
    print(f"stateless_features_check: cannot import the MCP Python SDK ({exc})", file=sys.stderr)
    sys.exit(3)


def fail(why: str) -> None:
    raise SystemExit(f"stateless_features_check: {why}")


def text_of(result: Any) -> str:
    if getattr(result, "is_error", False):
        fail(f"tool returned an error: {result}")
    return " ".join(b.text for b in result.content if getattr(b, "type", None) == "text")


async def one_client(url: str, mode: str, n: int, expect_cached: bool, seen: dict[str, Any]) -> str:
    name = f"py-client-{n}"
    logs: list[str] = []
    progress: list[float] = []
    posts: list[str] = []

    async def on_response(response: Any) -> None:
        if "mcp-session-id" in response.headers:
            seen.setdefault("session_ids", []).append(response.headers["mcp-session-id"])

    async def on_request(request: Any) -> None:
        posts.append(request.headers.get("mcp-method", ""))

    async def elicit(_ctx: Any, params: Any) -> types.ElicitResult:
        return types.ElicitResult(action="accept", content={"name": name})

    async def sample(_ctx: Any, params: Any) -> types.CreateMessageResult:
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"answer for {name}"),
            model="test-model",
            stop_reason="endTurn",
        )

    async def roots(_ctx: Any) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=f"file:///tmp/{name}", name=name)])

    async def log(params: Any) -> None:
        logs.append(str(params.level))

    async def on_progress(p: float, total: float | None, message: str | None) -> None:
        progress.append(p)

    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(create_mcp_http_client())
        http.event_hooks["response"].append(on_response)
        http.event_hooks["request"].append(on_request)
        client = await stack.enter_async_context(
            mcp.Client(
                streamable_http_client(url, http_client=http),
                client_info=types.Implementation(name=name, version="1.0.0"),
                mode=mode,
                elicitation_callback=elicit,
                sampling_callback=sample,
                list_roots_callback=roots,
                logging_callback=log,
                log_level="warning",
            )
        )
        version = client.protocol_version
        if version != "2026-07-28":
            fail(f"{name}: negotiated {version!r}, expected 2026-07-28")

        got = text_of(await client.call_tool("asks_user", {}))
        if name not in got:
            fail(f"{name}: elicitation answer not used: {got!r}")
        got = text_of(await client.call_tool("asks_model", {"prompt": "hi"}))
        if f"answer for {name}" not in got:
            fail(f"{name}: sampling answer not used: {got!r}")
        got = text_of(await client.call_tool("lists_roots", {}))
        if "1 roots" not in got:
            fail(f"{name}: roots answer not used: {got!r}")

        got = text_of(await client.call_tool("progress_steps", {"steps": 3, "delay_ms": 5}, progress_callback=on_progress))
        if progress != [1.0, 2.0, 3.0]:
            fail(f"{name}: progress {progress}, expected [1, 2, 3]")

        text_of(await client.call_tool("logs", {}))
        if sorted(logs) != ["error", "warning"]:
            fail(f"{name}: logs {logs}, expected warning and error only")

        before = posts.count("tools/list")
        await client.list_tools()
        await client.list_tools()
        lists = posts.count("tools/list") - before
        if lists != (1 if expect_cached else 2):
            fail(f"{name}: two list_tools() cost {lists} requests (cached expected: {expect_cached})")

        async with client.listen(tools_list_changed=True) as subscription:
            if not subscription.honored.tools_list_changed:
                fail(f"{name}: toolsListChanged not honoured: {subscription.honored}")
            event = await asyncio.wait_for(subscription.__anext__(), 20)
        seen["events"] = seen.get("events", 0) + 1
    return f"{version}:{type(event).__name__}"


async def run(url: str, mode: str, clients: int, expect_cached: bool) -> str:
    seen: dict[str, Any] = {}
    outcomes = await asyncio.gather(*(one_client(url, mode, n, expect_cached, seen) for n in range(clients)))
    if seen.get("session_ids"):
        fail(f"the server minted session ids: {seen['session_ids'][:3]}")
    return (
        f"python-sdk stateless features ({mode}): {clients} clients, protocol {outcomes[0].split(':')[0]}; "
        f"MRTR elicitation+sampling+roots, progress, warning+error logs, "
        f"{'cached' if expect_cached else 'uncached'} lists, {seen.get('events', 0)} listen events; "
        f"mcp-session-id absent"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--mode", default="2026-07-28")
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--expect-cached", action="store_true")
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args()
    try:
        summary = asyncio.run(asyncio.wait_for(run(args.url, args.mode, args.clients, args.expect_cached), args.timeout))
    except TimeoutError:
        print(f"stateless_features_check: timed out after {args.timeout} s", file=sys.stderr)
        sys.exit(2)
    print(summary)


if __name__ == "__main__":
    main()
