"""``python -m telephony`` as admins and scripts use it: JSON lines, exit codes, clear errors."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from tests.telephony.conftest import require_pjsua2
from tests.telephony.peers import ROOT, Peer, Peers

require_pjsua2()


def _free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "telephony", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_listen_prints_json_lines_and_exits_cleanly_on_sigterm(
    peers: Peers, tmp_path: Path
) -> None:
    trace = tmp_path / "logs" / "sip-trace.log"
    listener = peers.listen("--trace", str(trace))
    assert listener.lines[0] == {
        "event": "ready",
        "port": listener.port,
        "tcp_port": listener.port,
    }
    caller = peers.dial(
        f"sip:operator@127.0.0.1:{listener.port}",
        "89161234567",
        "--display",
        "Иван",
        "--cancel-after-ring",
        "0",
    )

    call = listener.wait_for(lambda line: line.get("event") == "incoming_call")
    assert call["caller"] == "+79161234567"
    assert call["display_name"] == "Иван"
    assert call["caller_label"] == "+7 916 123-45-67"
    listener.wait_state("ended", code=487)
    assert caller.wait_exit() == 0

    assert listener.terminate() == 0
    assert listener.bad_lines == [], "stdout must carry JSON lines only"
    assert "Traceback" not in listener.stderr
    traced = trace.read_text(encoding="utf-8")
    assert f"INVITE sip:operator@127.0.0.1:{listener.port} SIP/2.0" in traced
    assert "SIP/2.0 487 Request Terminated" in traced


def test_dial_takes_the_caller_number_as_people_write_it(peers: Peers) -> None:
    listener = peers.listen()
    caller = peers.dial(
        f"sip:operator@127.0.0.1:{listener.port}",
        "+7 (916) 123-45-67",
        "--cancel-after-ring",
        "0",
    )
    call = listener.wait_for(lambda line: line.get("event") == "incoming_call")
    assert call["caller"] == "+79161234567"
    assert caller.wait_exit() == 0
    assert listener.terminate() == 0


def test_dial_to_a_closed_port_fails_clearly() -> None:
    port = _free_port()

    result = _run("dial", f"sip:operator@127.0.0.1:{port}", "--from", "100", "--timeout", "1.5")

    assert result.returncode == 2
    assert f"call to sip:operator@127.0.0.1:{port} failed: no SIP response within 1.5 s" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_dial_to_a_closed_tcp_port_fails_at_once() -> None:
    port = _free_port(socket.SOCK_STREAM)

    result = _run("dial", f"sip:operator@127.0.0.1:{port};transport=tcp", "--from", "100")

    assert result.returncode == 2
    assert "failed: 503 Connection refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_dial_rejects_bad_arguments_without_a_traceback() -> None:
    bad_uri = _run("dial", "not a uri", "--from", "100")
    bad_header = _run("dial", "sip:a@127.0.0.1:9", "--from", "100", "--header", "NoColon")

    assert bad_uri.returncode == 2
    assert "'not a uri' is neither a SIP address nor a number" in bad_uri.stderr
    assert bad_header.returncode == 2
    assert "--header 'NoColon' must look like 'Name: value'" in bad_header.stderr
    assert "Traceback" not in bad_uri.stderr + bad_header.stderr


def test_listen_on_a_port_in_use_fails_clearly() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]

        result = _run("listen", "--port", str(port))

    assert result.returncode == 2
    assert f"SIP port 127.0.0.1:{port}/udp is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_listen_with_a_broken_account_file_fails_clearly(tmp_path: Path) -> None:
    config = tmp_path / "account.toml"
    config.write_text('[account]\nuser = "101"\npasword = "typo"\n', encoding="utf-8")

    result = _run("listen", "--port", "0", "--account", str(config))

    assert result.returncode == 2
    assert "unknown setting(s) pasword" in result.stderr
    assert "Traceback" not in result.stderr


def test_registration_failure_surfaces_and_is_retried_soon(tmp_path: Path, peers: Peers) -> None:
    refusing = _free_port(socket.SOCK_STREAM)  # a registrar that is down
    config = tmp_path / "accounts.toml"
    config.write_text(
        f"""
[[accounts]]
id = "pbx"
user = "101"
domain = "127.0.0.1:{refusing}"
registrar = "sip:127.0.0.1:{refusing}"
transport = "tcp"
password = "secret"
first_retry_interval_s = 1
retry_interval_s = 1
""",
        encoding="utf-8",
    )

    phone = peers.listen("--account", str(config))

    def failures() -> list[dict[str, object]]:
        return [line for line in phone.events("registration_changed") if line["state"] == "failed"]

    phone.wait_for(lambda _line: len(failures()) >= 1, what="a failed registration")
    first = failures()[0]
    assert (first["account"], first["code"], first["reason"]) == ("pbx", 503, "Connection refused")
    # pjsua's default first retry is minutes away; ours follows first_retry_interval_s.
    phone.wait_for(lambda _line: len(failures()) >= 2, timeout=8, what="a retried registration")
    assert phone.events("registration_changed")[0]["state"] == "registering"
    assert phone.terminate() == 0


def test_peer_helper_reports_a_peer_that_died() -> None:
    peer = Peer(["listen", "--port", "-5"])
    assert peer.wait_exit() != 0
    assert "Traceback" not in peer.stderr
    peer.close()
