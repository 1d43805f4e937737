"""`courier-sync`: the sync service, its credentials, phone pairing, and the headless relay.

The server's subcommands never import `dispatcher`: the relay (which does) is imported only
by the `relay` subcommand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from storage.cli_args import ID, PORT, bound_whole_numbers, real_number, text_up_to, whole_number

if TYPE_CHECKING:
    from sqlalchemy import Engine

EXIT_USER_ERROR = 2
EXIT_UNREACHABLE = 3
API_KEY_ENV = "COURIER_SYNC_API_KEY"
DOCS_ENV = "COURIER_SYNC_DOCS"

logger = logging.getLogger("courier_sync")

# Checked by argparse before any work: a mistake is one line and exit 2, never a traceback.
HOST = text_up_to("a host", 253)
NAME = text_up_to("a name", 200)
SECONDS = real_number("seconds", 0.0, 86_400.0)
WORKERS = whole_number("the number of workers", 1, 64)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USER_ERROR, f"error: {message}\n")


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the service's database (default: $COURIER_SYNC_DB_URL or an SQLite file in the "
        "user data directory)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="courier-sync", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", help="run the sync service")
    _add_db(serve)
    serve.add_argument("--host", type=HOST, default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=PORT, default=8770, help="port to listen on")
    serve.add_argument("--workers", type=WORKERS, default=1, help="worker processes (default 1)")
    serve.add_argument("--log-level", default="warning", help="uvicorn's log level")
    serve.add_argument(
        "--http-stack",
        choices=("auto", "asyncio"),
        default="auto",
        help="auto: uvloop and httptools when installed (the `sync` extra has them), else"
        " asyncio and h11; asyncio: always the pure-Python pair (to compare, or to rule them out)",
    )
    serve.add_argument(
        "--pairing-minutes",
        type=int,
        help="default lifetime of phone pairing codes (or $COURIER_SYNC_PAIRING_MINUTES; 10)",
    )
    serve.add_argument(
        "--pairing-max-failures",
        type=int,
        help="wrong pairing codes one address may send in 10 minutes "
        "(or $COURIER_SYNC_PAIRING_MAX_FAILURES; 10)",
    )
    serve.add_argument(
        "--public-url",
        help="the service's address as phones reach it, for pairing links "
        "(or $COURIER_SYNC_PUBLIC_URL; default: the address the desk called)",
    )
    serve.add_argument("--certfile", help="serve HTTPS with this PEM certificate (chain)")
    serve.add_argument("--keyfile", help="the certificate's PEM private key")
    serve.add_argument(
        "--token-days",
        type=int,
        help="lifetime of a phone's device token (or $COURIER_SYNC_TOKEN_DAYS; 30)",
    )
    serve.add_argument(
        "--max-body-kb",
        type=int,
        help="largest request body accepted (or $COURIER_SYNC_MAX_BODY_KB; 4096)",
    )
    serve.add_argument(
        "--auth-failures",
        type=int,
        help="refused credentials one address may send per minute before 429 "
        "(or $COURIER_SYNC_AUTH_FAILURES; 30)",
    )
    serve.add_argument(
        "--polls-per-token",
        type=int,
        help="long polls one credential may hold open at once "
        "(or $COURIER_SYNC_POLLS_PER_TOKEN; 4)",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRESSES",
        default="",
        help="comma-separated addresses or networks of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed, e.g. 127.0.0.1 (default: none, every client is "
        "the address it connects from)",
    )
    serve.add_argument(
        "--docs", action="store_true", help="serve the interactive API pages at /docs (CDN scripts)"
    )

    db = sub.add_parser("db", help="the service's database")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    upgrade = db_sub.add_parser("upgrade", help="migrate the database to the newest schema")
    _add_db(upgrade)

    for name, what in (("site-key", "the desktop site's API key"), ("token", "device tokens")):
        group = sub.add_parser(name, help=what)
        group_sub = group.add_subparsers(dest="action", required=True, parser_class=_Parser)
        issue = group_sub.add_parser("issue", help="create one and print it (shown only once)")
        if name == "token":
            issue.add_argument(
                "courier_id", type=ID, nargs="+", help="the desktop's courier id (one token each)"
            )
        issue.add_argument("--name", type=NAME, default="", help="a label (device, site)")
        if name == "token":
            issue.add_argument(
                "--days",
                type=whole_number("a token lifetime in days", 1, 3650),
                help="lifetime (or $COURIER_SYNC_TOKEN_DAYS; 30)",
            )
        issue.add_argument("--json", action="store_true", help="print JSON")
        _add_db(issue)
        revoke = group_sub.add_parser("revoke", help="revoke at once")
        revoke.add_argument(
            "target",
            type=NAME,
            help="courier id (all of its tokens), a token, or its first characters"
            if name == "token"
            else "the key or its first characters",
        )
        _add_db(revoke)
        listing = group_sub.add_parser("list", help="list them (never the secrets)")
        listing.add_argument("--json", action="store_true", help="print JSON")
        _add_db(listing)

    pairing = sub.add_parser("pairing", help="one-time codes that sign a courier's phone in")
    pairing_sub = pairing.add_subparsers(dest="action", required=True, parser_class=_Parser)
    code = pairing_sub.add_parser("issue", help="create a code (shown only once) and its link")
    code.add_argument("courier_id", type=ID, help="the desktop's courier id")
    code.add_argument("--minutes", type=int, default=None, help="lifetime (default 10)")
    code.add_argument(
        "--name", type=NAME, default="", help="the courier's name, shown on the phone"
    )
    code.add_argument(
        "--public-url",
        help="the service's address as phones reach it (or $COURIER_SYNC_PUBLIC_URL)",
    )
    code.add_argument("--json", action="store_true", help="print JSON")
    _add_db(code)

    relay = sub.add_parser("relay", help="send the desktop's outbox and pull courier events")
    relay.add_argument("--db", metavar="URL", help="the dispatcher's database (desktop side)")
    relay.add_argument("--sync-url", required=True, help="the sync service's base URL")
    relay.add_argument(
        "--api-key", help=f"the site key (or ${API_KEY_ENV}, which keeps it out of `ps`)"
    )
    relay.add_argument("--once", action="store_true", help="send, pull, and exit")
    relay.add_argument(
        "--batch-size",
        type=whole_number("a batch size", 1, 10_000),
        default=200,
        help="messages per request",
    )
    relay.add_argument(
        "--poll-interval", type=SECONDS, default=0.05, help="seconds between outbox looks when idle"
    )
    relay.add_argument(
        "--lease", type=SECONDS, default=30.0, help="seconds a claimed message stays claimed"
    )
    relay.add_argument("--timeout", type=SECONDS, default=10.0, help="HTTP read timeout, seconds")
    relay.add_argument("--feed-wait", type=SECONDS, default=20.0, help="events long-poll, seconds")
    relay.add_argument(
        "--insecure",
        action="store_true",
        help="allow an http:// service URL to another machine (the site key and clients' "
        "data then cross the network in clear text)",
    )
    relay.add_argument(
        "--ca-file",
        metavar="PEM",
        help="the CA that signed the service's certificate (a private CA), instead of the "
        "system's CA store",
    )
    # Every other whole number (pairing minutes and failures) fits an INTEGER column at least.
    bound_whole_numbers(parser)
    return parser


def _engine(url: str | None) -> Engine:
    from courier_sync.server.db import make_engine
    from courier_sync.server.migrate import current_revision, head_revision, upgrade

    engine = make_engine(url)
    if current_revision(engine) != head_revision():
        upgrade(engine)
    return engine


def _serve(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.engine import make_url

    from courier_sync.server import pairing
    from courier_sync.server.config import DB_URL_ENV
    from courier_sync.server.db import normalize_url
    from courier_sync.server.edges import EdgeSettings

    try:
        settings = pairing.PairingSettings.from_env(
            minutes=args.pairing_minutes,
            max_failures=args.pairing_max_failures,
            public_url=args.public_url,
            token_days=args.token_days,
        )
        edges = EdgeSettings.from_env(
            max_body_kb=args.max_body_kb,
            auth_failures=args.auth_failures,
            polls_per_token=args.polls_per_token,
        )
        tls = _tls_options(args.certfile, args.keyfile)
        proxies = _proxy_options(args.forwarded_allow_ips)
        from courier_sync.server.portal_auth import PortalSettings

        portal = PortalSettings.from_env()  # read here so that a bad value is a clear error
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    url = normalize_url(args.db)
    _engine(url).dispose()
    shown = make_url(url).render_as_string(hide_password=True)
    scheme = "https" if tls else "http"
    logger.info(
        "courier sync service on %s://%s:%d, database %s", scheme, args.host, args.port, shown
    )
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        # Long polls would hold a graceful shutdown for up to 30 s: cut them short.
        "timeout_graceful_shutdown": 2,
        "access_log": False,
        **({"loop": "asyncio", "http": "h11"} if args.http_stack == "asyncio" else {}),
        **tls,
        **proxies,
    }
    if args.workers > 1:
        os.environ[DB_URL_ENV] = url
        # Each worker builds its app from the environment: hand the settings on.
        os.environ[pairing.MINUTES_ENV] = str(settings.minutes)
        os.environ[pairing.MAX_FAILURES_ENV] = str(settings.max_failures)
        os.environ[pairing.TOKEN_DAYS_ENV] = str(settings.token_days)
        os.environ.update(edges.to_env())
        if args.docs:
            os.environ[DOCS_ENV] = "1"
        if settings.public_url:
            os.environ[pairing.PUBLIC_URL_ENV] = settings.public_url
        uvicorn.run(
            "courier_sync.server.app:create_app_from_env",
            factory=True,
            workers=args.workers,
            **common,
        )
    else:
        from courier_sync.server.app import create_app

        app = create_app(url, pairing=settings, edges=edges, docs=args.docs, portal=portal)
        uvicorn.run(app, **common)
    return 0


def _tls_options(certfile: str | None, keyfile: str | None) -> dict[str, str]:
    """uvicorn's TLS options for --certfile/--keyfile, checked so a mistake reads clearly."""
    import ssl

    if not certfile and not keyfile:
        return {}
    if not certfile:
        raise ValueError("--keyfile needs --certfile (the certificate that goes with the key)")
    try:
        # Load once here: a wrong path, a key of another certificate or a password-protected
        # key would otherwise end in uvicorn's traceback.
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except FileNotFoundError as exc:
        raise ValueError(f"cannot read {exc.filename}: no such file") from exc
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(
            f"cannot use the certificate {certfile} with the key {keyfile or certfile}: {exc}"
        ) from exc
    options = {"ssl_certfile": certfile}
    if keyfile:
        options["ssl_keyfile"] = keyfile
    return options


def _proxy_options(allowed: str) -> dict[str, Any]:
    """uvicorn's proxy-header options: believe X-Forwarded-* only from the named proxies.

    Without them the 401 throttle and the pairing limit see a reverse proxy's address for
    every phone; with them anyone else's forged header is still ignored.
    """
    import ipaddress

    names = [name.strip() for name in allowed.split(",") if name.strip()]
    if not names:
        # uvicorn would otherwise believe loopback (or $FORWARDED_ALLOW_IPS): trust no one.
        return {"proxy_headers": False}
    if "*" in names:
        return {"proxy_headers": True, "forwarded_allow_ips": "*"}
    for name in names:
        try:
            ipaddress.ip_network(name)
        except ValueError:
            raise ValueError(
                f"--forwarded-allow-ips takes addresses or networks (like 127.0.0.1 or "
                f"10.0.0.0/8) or *, not {name!r}"
            ) from None
    return {"proxy_headers": True, "forwarded_allow_ips": names}


def _credentials(args: argparse.Namespace) -> int:
    from courier_sync.server import auth

    kind = auth.KIND_SITE if args.command == "site-key" else auth.KIND_DEVICE
    engine = _engine(args.db)
    try:
        if args.action == "issue":
            couriers = getattr(args, "courier_id", None) or [None]
            if any(c is not None and c < 1 for c in couriers):
                raise ValueError("a courier id must be a positive number")
            lifetime = None
            if kind == auth.KIND_DEVICE:
                from courier_sync.server.pairing import PairingSettings

                lifetime = PairingSettings.from_env(token_days=args.days).token_lifetime
                if args.days:  # said on the command line: wins over $COURIER_SYNC_TOKEN_SECONDS
                    lifetime = dt.timedelta(days=args.days)
            for courier_id in couriers:
                secret = auth.issue(engine, kind, courier_id, args.name, lifetime)
                if args.json:
                    print(json.dumps({"kind": kind, "courier_id": courier_id, "token": secret}))
                else:
                    print(secret)
            print("Shown only once: store it now.", file=sys.stderr)
        elif args.action == "revoke":
            count = auth.revoke(engine, kind, args.target)
            if count == 0:
                print(f"nothing to revoke matches {args.target!r}", file=sys.stderr)
                return 1
            print(f"revoked {count}")
        else:
            rows = auth.list_credentials(engine, kind)
            if args.json:
                print(
                    json.dumps(
                        [
                            {
                                "id": r.id,
                                "courier_id": r.courier_id,
                                "name": r.name,
                                "prefix": r.prefix,
                                "created_at": r.created_at.isoformat(),
                                "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
                            }
                            for r in rows
                        ]
                    )
                )
            else:
                for r in rows:
                    state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "active"
                    who = f"courier {r.courier_id}" if r.courier_id is not None else "site"
                    print(f"{r.prefix}…  {who:<14} {state:<24} {r.name}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        engine.dispose()
    return 0


def _pairing(args: argparse.Namespace) -> int:
    from courier_sync.server import pairing

    try:
        settings = pairing.PairingSettings.from_env(
            minutes=args.minutes, public_url=args.public_url
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    engine = _engine(args.db)
    try:
        issued = pairing.issue_code(
            engine,
            args.courier_id,
            settings.minutes,
            name=args.name,
            max_minutes=settings.max_minutes,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    finally:
        engine.dispose()
    path = pairing.pair_path(issued.code)
    link = settings.public_url.rstrip("/") + path if settings.public_url else path
    if args.json:
        print(
            json.dumps(
                {
                    "code": issued.code,
                    "courier_id": issued.courier_id,
                    "expires_at": issued.expires_at.isoformat(),
                    "pair_url": link,
                }
            )
        )
    else:
        until = issued.expires_at.astimezone().strftime("%H:%M")
        shown = f"{issued.code[:4]} {issued.code[4:]}"
        print(f"code {shown}  (courier {issued.courier_id}, valid until {until})")
        print(link)
    if not settings.public_url:
        print(
            "The link lacks the host: give --public-url (or set $COURIER_SYNC_PUBLIC_URL).",
            file=sys.stderr,
        )
    return 0


def _relay(args: argparse.Namespace) -> int:
    from courier_sync.client.cli import run_relay

    api_key = args.api_key or os.environ.get(API_KEY_ENV, "")
    if not api_key:
        print(f"error: give --api-key or set {API_KEY_ENV}", file=sys.stderr)
        return EXIT_USER_ERROR
    return run_relay(args, api_key)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `courier-sync` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Our own progress at INFO; libraries (alembic, urllib3) only when something is wrong.
    logging.getLogger("courier_sync").setLevel(logging.DEBUG if args.verbose else logging.INFO)
    if args.command == "serve":
        return _serve(args)
    if args.command == "db":
        _engine(args.db).dispose()
        return 0
    if args.command in ("site-key", "token"):
        return _credentials(args)
    if args.command == "pairing":
        return _pairing(args)
    return _relay(args)
