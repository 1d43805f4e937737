"""A TCP proxy in front of PostgreSQL that can lose the reply to a COMMIT, as a bad network does.

Armed with ``cut_next_commit()``, it forwards the client's next ``COMMIT`` to the server,
swallows the server's answer (the commit has happened by then) and closes both sides: the
client sees a broken connection and cannot tell whether its transaction was written. Every
other byte passes through untouched; new connections after the cut work normally.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from types import TracebackType

# A simple-protocol Query message carrying COMMIT (psycopg commits this way): the text and
# its terminating NUL. Matching bytes rather than parsing the protocol keeps this small;
# no test data contains this sequence.
_COMMIT = b"COMMIT\x00"


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket
    cut_pending: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class CommitCuttingProxy:
    """Listens on loopback and forwards to ``upstream``; see the module docstring."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        """A proxy to the PostgreSQL server at ``upstream_host:upstream_port`` (not started)."""
        self._upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._armed = threading.Event()
        self._pairs: list[_Pair] = []
        self._threads: list[threading.Thread] = []
        self.commits_cut = 0

    def __enter__(self) -> CommitCuttingProxy:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._listener.close()
        for pair in list(self._pairs):
            pair.close()
        for thread in self._threads:
            thread.join(5)

    def cut_next_commit(self) -> None:
        """Lose the server's reply to the next COMMIT any client sends (once)."""
        self._armed.set()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed by __exit__
            server = socket.create_connection(self._upstream)
            pair = _Pair(client, server)
            self._pairs.append(pair)
            self._spawn(self._client_to_server, pair)
            self._spawn(self._server_to_client, pair)

    def _client_to_server(self, pair: _Pair) -> None:
        with contextlib.suppress(OSError):
            while data := pair.client.recv(65536):
                if self._armed.is_set() and _COMMIT in data:
                    self._armed.clear()
                    pair.cut_pending.set()  # before sending: the reply must not slip through
                pair.server.sendall(data)
        pair.close()

    def _server_to_client(self, pair: _Pair) -> None:
        with contextlib.suppress(OSError):
            while data := pair.server.recv(65536):
                if pair.cut_pending.is_set():
                    # The server has answered the COMMIT: it is durable, and the client
                    # never hears so.
                    self.commits_cut += 1
                    break
                pair.client.sendall(data)
        pair.close()
