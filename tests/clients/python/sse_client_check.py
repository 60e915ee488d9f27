#!/usr/bin/env python3
"""Interop check: the official MCP Python SDK client against an MCP server over HTTP.

Connects with one of the SDK's own HTTP transports and its default client
negotiation, lists tools, and calls ``echo`` (argument ``message``) and
``uppercase_text`` (argument ``text``), asserting every answer exactly.
Several sessions and several in-flight calls per session can be run
concurrently.

``--transport sse`` (default) uses the legacy HTTP+SSE transport
(``mcp.client.sse.sse_client``, URL of the SSE endpoint, e.g. ``/sse``);
``--transport streamable-http`` uses the Streamable HTTP transport
(``mcp.client.streamable_http.streamable_http_client``, URL of the MCP
endpoint, e.g. ``/mcp``). The file keeps its historical name.

Usage:
    python sse_client_check.py --url http://127.0.0.1:PORT/sse [--sessions N] [--calls M]
    python sse_client_check.py --transport streamable-http --url http://127.0.0.1:PORT/mcp [...]

Exit status 0 and one summary line on stdout on success; non-zero and a
message on stderr on any failure (including the overall --timeout).

``--api client`` (default) uses ``mcp.Client`` over the SSE transport in its
default ``mode="auto"``: it probes ``server/discover`` and falls back to the
``initialize`` handshake when the server does not speak the 2026 protocol.
``--api session`` drives a bare ``ClientSession`` and calls ``initialize()``
directly (the classic low-level pattern; no discover probe). Neither forces a
protocol version.

With streamable-http, every HTTP response is also watched for the
``Mcp-Session-Id`` header: within one session it must never change, and
different sessions must not share one. The summary line then ends with
``; mcp-session-id present (N distinct)`` or ``; mcp-session-id absent``
(stateless server). The SDK sends DELETE when a session that has an id ends;
its status must be 200, 204 or 405 (the statuses the SDK accepts silently).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import traceback
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

try:
    import mcp
    import mcp_types as types
    from mcp.client.session import ClientSession
    from mcp.client.sse import sse_client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client
except ImportError as exc:  # pragma: no cover - environment problem
    print(
        f"sse_client_check: cannot import the MCP Python SDK ({exc}); run scripts/install-test-deps.sh "
        "and use target/test-deps/venv/bin/python",
        file=sys.stderr,
    )
    sys.exit(3)

PREFIX = "python-sdk sse"  # set from --transport in main()
SESSION_ID_HEADER = "mcp-session-id"
DELETE_OK_STATUSES = (200, 204, 405)
CLIENT_INFO = types.Implementation(name="actix-mcp-sse-client-check", version="1.0.0")

EXPECTED_TOOLS = {
    # tool name -> its single required string argument
    "echo": "message",
    "uppercase_text": "text",
}


class CheckFailed(Exception):
    """An assertion about the server's behaviour did not hold."""


@dataclass
class SessionOutcome:
    calls: int
    protocol: str
    negotiation: str
    session_id: str | None = None


def fail(msg: str) -> None:
    raise CheckFailed(msg)


def describe(exc: BaseException) -> str:
    """One-line-ish description of an exception, flattening exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        inner = "; ".join(describe(e) for e in exc.exceptions)
        return inner or repr(exc)
    if isinstance(exc, CheckFailed):
        return str(exc)
    text = str(exc)
    code = getattr(exc, "code", None)
    if code is not None and type(exc).__name__ == "MCPError":
        return f"MCPError {code}: {text}"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def only_check_failures(exc: BaseException) -> bool:
    """True if `exc` is a CheckFailed, or an exception group made only of them."""
    if isinstance(exc, BaseExceptionGroup):
        return all(only_check_failures(e) for e in exc.exceptions)
    return isinstance(exc, CheckFailed)


# ---------------------------------------------------------------------------
# unique arguments
#
# Echo messages deliberately contain characters that must survive JSON and SSE
# framing (quotes, backslash, newline, CR, tab, non-ASCII, a line that looks
# like an SSE field). Uppercase texts stay to characters whose uppercase form
# is unambiguous across Unicode implementations.
# ---------------------------------------------------------------------------


def echo_message(tag: str) -> str:
    return f'echo {tag} "quoted" back\\slash \u00e9\u00e8 \u2713 \U0001f600\nline2\r\n: data: x\tend'


def upper_input(tag: str) -> str:
    return f"upper {tag} mixed Case \u00e9t\u00e9 abc-xyz"


def new_tag(session_no: int, call_no: int | str) -> str:
    return f"s{session_no}-c{call_no}-{uuid.uuid4().hex[:12]}"


# ---------------------------------------------------------------------------
# assertions
# ---------------------------------------------------------------------------


def check_tools(tools_result: Any) -> None:
    tools = {t.name: t for t in tools_result.tools}
    for name, arg in EXPECTED_TOOLS.items():
        tool = tools.get(name)
        if tool is None:
            fail(f"tools/list does not contain {name!r} (got {sorted(tools)})")
        schema = tool.input_schema
        if not isinstance(schema, dict):
            schema = schema.model_dump(by_alias=True, exclude_none=True)
        if schema.get("type") != "object":
            fail(f"tool {name!r}: inputSchema.type is {schema.get('type')!r}, expected 'object'")
        props = schema.get("properties") or {}
        if arg not in props:
            fail(f"tool {name!r}: inputSchema.properties lacks {arg!r} (schema: {schema})")
        prop = props[arg]
        if isinstance(prop, dict) and "type" in prop and prop["type"] != "string":
            fail(f"tool {name!r}: inputSchema.properties.{arg}.type is {prop['type']!r}, expected 'string'")
        required = schema.get("required") or []
        if arg not in required:
            fail(f"tool {name!r}: inputSchema.required {required!r} does not contain {arg!r}")


def check_text_result(what: str, result: Any, expected: str) -> None:
    if not isinstance(result, types.CallToolResult):
        fail(f"{what}: expected a CallToolResult, got {type(result).__name__}: {result!r}")
    if result.is_error:
        fail(f"{what}: isError is true: {result.content!r}")
    texts = [c for c in result.content if isinstance(c, types.TextContent)]
    if len(result.content) != 1 or len(texts) != 1:
        fail(f"{what}: expected exactly one text content block, got {result.content!r}")
    if texts[0].text != expected:
        fail(f"{what}: wrong text\n  expected: {expected!r}\n  got:      {texts[0].text!r}")


# ---------------------------------------------------------------------------
# one session
# ---------------------------------------------------------------------------


class HttpObserver:
    """Records, per session, the HTTP exchanges of a Streamable HTTP connection (httpx2 response hook)."""

    def __init__(self, session_no: int) -> None:
        self.session_no = session_no
        self.session_ids: list[str] = []  # distinct Mcp-Session-Id values seen on responses, in order
        self.delete_statuses: list[int] = []

    async def on_response(self, response: Any) -> None:
        method = response.request.method
        sid = response.headers.get(SESSION_ID_HEADER)
        sent = response.request.headers.get(SESSION_ID_HEADER)
        logging.getLogger("check").debug(
            "session %d: %s -> %d %s (sent %s=%s, got %s)",
            self.session_no, method, response.status_code,
            response.headers.get("content-type", "-"), SESSION_ID_HEADER, sent, sid,
        )
        if sid and sid not in self.session_ids:
            self.session_ids.append(sid)
        if method == "DELETE":
            self.delete_statuses.append(response.status_code)

    def verify(self) -> str | None:
        """After the session is closed: check what was seen; return the session id (if any)."""
        if len(self.session_ids) > 1:
            fail(f"session {self.session_no}: {SESSION_ID_HEADER} changed within one session: {self.session_ids}")
        bad = [s for s in self.delete_statuses if s not in DELETE_OK_STATUSES]
        if bad:
            fail(f"session {self.session_no}: DELETE (session termination) answered HTTP {bad[0]}, "
                 f"expected one of {DELETE_OK_STATUSES}")
        if self.session_ids and not self.delete_statuses:
            fail(f"session {self.session_no}: the SDK did not send DELETE for session {self.session_ids[0]!r}")
        return self.session_ids[0] if self.session_ids else None


class Api:
    """Uniform view over mcp.Client (auto negotiation) and a bare ClientSession."""

    def __init__(self, kind: str, transport: str, url: str) -> None:
        self.kind = kind
        self.transport = transport
        self.url = url
        self.session: ClientSession | None = None
        self.negotiation = ""
        self.observer: HttpObserver | None = None

    async def _transport(self, stack: AsyncExitStack) -> Any:
        """The SDK transport (an async context manager yielding the read/write streams)."""
        if self.transport == "sse":
            return sse_client(self.url)
        # Our own httpx2 client (the SDK's defaults) so a response hook can watch the headers.
        # Entered first, so it is closed after the transport has sent its DELETE.
        http = await stack.enter_async_context(create_mcp_http_client())
        http.event_hooks["response"].append(self.observer.on_response)  # type: ignore[union-attr]
        return streamable_http_client(self.url, http_client=http)

    async def open(self, stack: AsyncExitStack) -> None:
        if self.kind == "client":
            transport = await self._transport(stack)
            client = await stack.enter_async_context(mcp.Client(transport, client_info=CLIENT_INFO))
            self.session = client.session
            self.list_tools: Callable[[], Awaitable[Any]] = client.list_tools
            self.call_tool: Callable[[str, dict[str, Any]], Awaitable[Any]] = client.call_tool
        else:
            read, write = await stack.enter_async_context(await self._transport(stack))
            session = await stack.enter_async_context(ClientSession(read, write, client_info=CLIENT_INFO))
            await session.initialize()
            self.session = session
            self.list_tools = session.list_tools
            self.call_tool = session.call_tool
        s = self.session
        if s.discover_result is not None:
            self.negotiation = "server/discover"
        elif s.initialize_result is not None:
            self.negotiation = "initialize"
        else:  # pragma: no cover
            fail("connected but neither initialize nor discover result is set")
        if not s.protocol_version:
            fail("no protocol version negotiated")


async def one_call(api: Api, session_no: int, call_no: int) -> None:
    tag = new_tag(session_no, call_no)
    if call_no % 2 == 0:
        msg = echo_message(tag)
        result = await api.call_tool("echo", {"message": msg})
        check_text_result(f"session {session_no} call {call_no} echo", result, msg)
    else:
        text = upper_input(tag)
        result = await api.call_tool("uppercase_text", {"text": text})
        check_text_result(f"session {session_no} call {call_no} uppercase_text", result, text.upper())


async def check_invalid(api: Api, session_no: int) -> int:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("echo with message=123 (wrong type)", {"message": 123}),
        ("echo without message (missing argument)", {}),
    ]
    for what, args in cases:
        try:
            result = await api.call_tool("echo", args)
        except Exception as exc:
            fail(
                f"session {session_no}: {what}: expected a result with isError=true, "
                f"got an exception instead: {describe(exc)}"
            )
        if not isinstance(result, types.CallToolResult):
            fail(f"session {session_no}: {what}: expected a CallToolResult, got {result!r}")
        if result.is_error is not True:
            fail(f"session {session_no}: {what}: expected isError=true, got isError={result.is_error!r}, "
                 f"content={result.content!r}")
    return len(cases)


async def run_session(
    url: str, transport: str, api_kind: str, session_no: int, calls: int, invalid: bool
) -> SessionOutcome:
    api = Api(api_kind, transport, url)
    if transport == "streamable-http":
        api.observer = HttpObserver(session_no)
    outcome = await run_session_body(api, session_no, calls, invalid)
    # The transport is closed now (DELETE sent, if the session had an id): check the HTTP exchanges.
    if api.observer is not None:
        outcome.session_id = api.observer.verify()
    return outcome


async def run_session_body(api: Api, session_no: int, calls: int, invalid: bool) -> SessionOutcome:
    async with AsyncExitStack() as stack:
        await api.open(stack)
        assert api.session is not None
        protocol = api.session.protocol_version or "?"
        logging.getLogger("check").info(
            "session %d connected: protocol %s via %s, server %s",
            session_no, protocol, api.negotiation, api.session.server_info,
        )

        check_tools(await api.list_tools())

        # First one deterministic call of each tool, sequentially.
        done = 0
        for warmup in ("echo", "uppercase_text"):
            tag = new_tag(session_no, f"first-{warmup}")
            if warmup == "echo":
                msg = echo_message(tag)
                result = await api.call_tool("echo", {"message": msg})
                check_text_result(f"session {session_no} first echo", result, msg)
            else:
                text = upper_input(tag)
                check_text_result(
                    f"session {session_no} first uppercase_text",
                    await api.call_tool("uppercase_text", {"text": text}),
                    text.upper(),
                )
            done += 1

        # Then `calls` concurrent calls, alternating tools, each with unique arguments.
        results = await asyncio.gather(*(one_call(api, session_no, i) for i in range(calls)), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            first = errors[0]
            fail(f"session {session_no}: {len(errors)}/{calls} concurrent calls failed; first: {describe(first)}")
        done += calls

        if invalid:
            done += await check_invalid(api, session_no)

        return SessionOutcome(calls=done, protocol=protocol, negotiation=api.negotiation)


async def run_all(args: argparse.Namespace) -> tuple[int, set[str], set[str], list[str | None]]:
    results = await asyncio.gather(
        *(
            run_session(args.url, args.transport, args.api, n, args.calls, args.check_invalid)
            for n in range(args.sessions)
        ),
        return_exceptions=True,
    )
    errors = [(n, r) for n, r in enumerate(results) if isinstance(r, BaseException)]
    if errors:
        log = logging.getLogger("check")
        for n, e in errors:
            if not isinstance(e, CheckFailed):
                log.debug("session %d traceback:\n%s", n, "".join(traceback.format_exception(e)))
        # CheckFailed messages already name their session.
        lines = [
            f"  {describe(e)}" if only_check_failures(e) else f"  session {n}: {describe(e)}"
            for n, e in errors[:10]
        ]
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise CheckFailed(f"{len(errors)}/{args.sessions} sessions failed:\n" + "\n".join(lines) + more)
    outcomes = [r for r in results if isinstance(r, SessionOutcome)]
    session_ids = [o.session_id for o in outcomes]
    present = [s for s in session_ids if s is not None]
    if len(set(present)) != len(present):
        dup = next(s for s in present if present.count(s) > 1)
        raise CheckFailed(f"two concurrent sessions were given the same {SESSION_ID_HEADER} {dup!r}")
    return (
        sum(o.calls for o in outcomes),
        {o.protocol for o in outcomes},
        {o.negotiation for o in outcomes},
        session_ids,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--url",
        required=True,
        help="sse: the SSE endpoint, e.g. http://127.0.0.1:8080/sse; "
        "streamable-http: the MCP endpoint, e.g. http://127.0.0.1:8080/mcp",
    )
    p.add_argument(
        "--transport",
        choices=("sse", "streamable-http"),
        default="sse",
        help="SDK client transport: legacy HTTP+SSE or Streamable HTTP (default: sse)",
    )
    p.add_argument("--sessions", type=int, default=1, help="concurrent sessions (default 1)")
    p.add_argument("--calls", type=int, default=4, help="concurrent tool calls per session (default 4)")
    p.add_argument(
        "--check-invalid",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also check that echo with a wrong-typed or missing argument yields isError=true (default on)",
    )
    p.add_argument(
        "--api",
        choices=("client", "session"),
        default="client",
        help="client: mcp.Client in its default mode='auto' (discover probe, falls back to initialize); "
        "session: bare ClientSession + initialize() (default: client)",
    )
    p.add_argument("--timeout", type=float, default=60.0, help="hard overall timeout in seconds (default 60)")
    p.add_argument("-v", "--verbose", action="count", default=0, help="-v: progress, -vv: SDK debug logging")
    args = p.parse_args(argv)
    if args.sessions < 1:
        p.error("--sessions must be >= 1")
    if args.calls < 0:
        p.error("--calls must be >= 0")
    if args.timeout <= 0:
        p.error("--timeout must be > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    global PREFIX
    args = parse_args(argv)
    PREFIX = f"python-sdk {args.transport}"
    logging.basicConfig(
        level=logging.DEBUG if args.verbose >= 2 else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.verbose:
        logging.getLogger("check").setLevel(logging.DEBUG)

    # Last-resort watchdog: if the event loop itself is wedged, still exit.
    def _watchdog(_sig: int, _frm: Any) -> None:
        sys.stderr.write(f"{PREFIX}: FAILED: hard timeout ({args.timeout + 5:.0f}s), event loop did not respond\n")
        sys.stderr.flush()
        os._exit(124)

    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _watchdog)
        signal.alarm(int(args.timeout) + 5)

    async def guarded() -> tuple[int, set[str], set[str], list[str | None]]:
        return await asyncio.wait_for(run_all(args), timeout=args.timeout)

    try:
        calls, protocols, negotiations, session_ids = asyncio.run(guarded())
    except (TimeoutError, asyncio.TimeoutError):
        print(f"{PREFIX}: FAILED: timed out after {args.timeout:g}s (url {args.url})", file=sys.stderr)
        return 1
    except CheckFailed as exc:
        print(f"{PREFIX}: FAILED: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:  # noqa: BLE001 - report anything else clearly
        print(f"{PREFIX}: FAILED: unexpected error: {describe(exc)}", file=sys.stderr)
        if args.verbose:
            traceback.print_exception(exc)
        return 1
    finally:
        if hasattr(signal, "SIGALRM"):
            signal.alarm(0)

    summary = (
        f"{PREFIX}: {args.sessions} sessions, {calls} calls ok "
        f"(protocol {', '.join(sorted(protocols))}) via {', '.join(sorted(negotiations))}"
    )
    if args.transport == "streamable-http":
        present = [s for s in session_ids if s is not None]
        if not present:
            summary += f"; {SESSION_ID_HEADER} absent"
        elif len(present) == len(session_ids):
            summary += f"; {SESSION_ID_HEADER} present ({len(set(present))} distinct)"
        else:
            summary += f"; {SESSION_ID_HEADER} present in {len(present)}/{len(session_ids)} sessions"
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
