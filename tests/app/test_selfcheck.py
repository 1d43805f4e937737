"""`dispatch-desk --check`: an admin's report on one PC, each line from the real component."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.demo import seed_demo_if_empty
from app.selfcheck import print_report
from app.settings import AppSettings, SecretStore, SipSettings
from app.workspace import open_database
from devtools.kamailio import KamailioRegistrar
from devtools.test_ca import KeyPair, TestCA
from tests.app.test_settings import MemoryKeyring
from tests.courier_sync.conftest import SyncService, issue_site_key, sqlite_service_db
from tests.telephony.conftest_peers import OPERATOR, OPERATOR_PASSWORD, kamailio  # noqa: F401
from tests.telephony.test_sip_tls import ca, tls_pbx  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port free over UDP and TCP (the SIP engine binds both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


@pytest.fixture
def pc(tmp_path: Path) -> AppSettings:
    """One operator PC: a seeded embedded database, a loopback SIP port, logs in tmp."""
    url = f"sqlite:///{tmp_path / 'dispatch.sqlite3'}"
    engine = open_database(url)
    seed_demo_if_empty(engine, clients=5)
    engine.dispose()
    return AppSettings(
        db_url=url,
        data_dir=tmp_path,
        language="ru",
        sip_listen_host="127.0.0.1",
        sip_listen_port=free_port(),
        null_audio=True,
        log_dir=tmp_path / "logs",
    )


@pytest.fixture
def secrets() -> Iterator[SecretStore]:
    """A working keyring (keyring's own backend base class, kept in memory)."""
    yield SecretStore(MemoryKeyring())


@pytest.fixture
def sync_service(tmp_path: Path) -> Iterator[SyncService]:
    """The real sync service on loopback."""
    service = SyncService(sqlite_service_db(tmp_path), tmp_path / "sync.log")
    service.start()
    try:
        yield service
    finally:
        service.kill()


def report(settings: AppSettings, secrets: SecretStore) -> tuple[int, dict[str, str]]:
    out = io.StringIO()
    code = print_report(settings, out, secrets=secrets)
    text = out.getvalue()
    lines = text[text.index("Checks:\n") :].splitlines()[1:-1]
    return code, {line.split()[1]: line for line in lines}


def test_a_healthy_pc_passes_every_check(
    pc: AppSettings, secrets: SecretStore, sync_service: SyncService
) -> None:
    settings = replace(
        pc,
        sync_url=f"http://127.0.0.1:{sync_service.port}",
        sync_api_key=issue_site_key(sync_service.db_url),
    )
    code, lines = report(settings, secrets)
    assert code == 0, lines
    assert lines["database"].startswith("OK") and "5 clients" in lines["database"]
    assert lines["sip"].startswith("OK") and f":{pc.sip_listen_port}" in lines["sip"]
    assert lines["sync"].startswith("OK") and "accepts the site key" in lines["sync"]
    assert all(line.startswith("OK") for line in lines.values()), lines


@pytest.mark.expect_log("telephony.pjsip", "Address already in use")
def test_each_broken_part_is_named_with_its_reason(
    pc: AppSettings, secrets: SecretStore, sync_service: SyncService
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as squatter:
        squatter.bind(("127.0.0.1", pc.sip_listen_port))
        settings = replace(
            pc,
            db_url="postgresql://nobody@127.0.0.1:1/none",
            sync_url=f"http://127.0.0.1:{sync_service.port}",
            sync_api_key="not-a-site-key",
        )
        code, lines = report(settings, secrets)
    assert code == 1
    assert lines["database"].startswith("FAIL") and "does not answer" in lines["database"]
    assert "Start the PostgreSQL server" in lines["database"]
    assert lines["sip"].startswith("FAIL") and "in use" in lines["sip"]
    assert lines["sync"].startswith("FAIL") and "401" in lines["sync"]
    assert lines["logs"].startswith("OK")


# Reported: after a refused REGISTER the engine's unregister on stop is an invalid
# operation that pjsip logs at ERROR.
@pytest.mark.expect_log("telephony.pjsip", "Invalid operation")
def test_the_pbx_line_registers_or_says_why(
    pc: AppSettings,
    secrets: SecretStore,
    kamailio: KamailioRegistrar,  # noqa: F811
) -> None:
    line = replace(
        pc, sip=SipSettings(registrar=kamailio.domain, domain=kamailio.domain, user=OPERATOR)
    )
    secrets.save(replace(line, sip=replace(line.sip, password=OPERATOR_PASSWORD)))
    code, lines = report(line, secrets)
    assert code == 0 and lines["sip"].startswith("OK") and "registered at" in lines["sip"]

    secrets.save(replace(line, sip=replace(line.sip, password="wrong")))
    code, lines = report(line, secrets)
    assert code == 1 and lines["sip"].startswith("FAIL")
    assert "refused the line: 40" in lines["sip"]


def test_no_keyring_is_a_warning_not_a_failure(pc: AppSettings) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    code, lines = report(pc, SecretStore(NoKeyring()))
    assert code == 0
    assert lines["keyring"].startswith("WARN") and "No system keyring" in lines["keyring"]


def test_the_command_line_prints_the_report_naming_each_values_source(tmp_path: Path) -> None:
    machine = tmp_path / "machine.toml"
    machine.write_text('[ui]\nlanguage = "en"\n[phones]\ndefault_region = "KZ"\n', "utf-8")
    (tmp_path / "config.toml").write_text('[phones]\ndefault_region = "BY"\n', "utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "app", "--check", "--data-dir", str(tmp_path)),
            *("--sip-listen", f"127.0.0.1:{free_port()}"),
        ],
        cwd=ROOT,
        env={**os.environ, "DISPATCH_DESK_MACHINE_CONFIG": str(machine)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Dispatch Desk self-check")
    assert "All checks passed." in result.stdout
    assert "Traceback" not in result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if " = " in line}
    assert lines["ui.language"].endswith(f"({machine})")
    assert lines["phones.default_region"].endswith(f"({tmp_path.resolve() / 'config.toml'})")
    assert lines["sip.listen"].endswith("(command line (--sip-listen))")
    assert lines["sip.transport"].endswith("(default)")
    assert f"machine-wide: {machine}" in result.stdout
    checks = result.stdout[result.stdout.index("Checks:") :]
    assert "display" in checks  # offscreen here; a broken X11 is named (test_display_check)


@pytest.mark.expect_log("telephony.pjsip", "SIP registration failed")
@pytest.mark.expect_log("telephony.calls", "refused the PBX")
@pytest.mark.expect_log("telephony.pjsip", "Invalid operation")
def test_a_pbx_certificate_for_another_host_is_named_in_the_check(
    pc: AppSettings,
    secrets: SecretStore,
    ca: TestCA,  # noqa: F811 - the fixture imported above
    tls_pbx: Callable[[KeyPair], KamailioRegistrar],  # noqa: F811
) -> None:
    pbx = tls_pbx(ca.issue("pbx", "pbx.example.org"))
    where = f"localhost:{pbx.tls_port}"
    line = replace(
        pc,
        sip=SipSettings(
            registrar=where,
            domain=where,
            user=OPERATOR,
            transport="tls",
            tls_ca_file=str(ca.ca_file),
        ),
    )
    secrets.save(replace(line, sip=replace(line.sip, password=OPERATOR_PASSWORD)))
    code, lines = report(line, secrets)
    assert code == 1 and lines["sip"].startswith("FAIL")
    assert (
        "The PBX's certificate does not match host localhost (it is for pbx.example.org)."
        in lines["sip"]
    )
