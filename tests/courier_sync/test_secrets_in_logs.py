"""The site key and device tokens never reach a log (end to end: relay, service and phone)."""

from __future__ import annotations

import logging

import pytest

from dispatcher.db import unit_of_work
from dispatcher.models import UserRole
from dispatcher.operations import orders as order_ops
from dispatcher.users import Actor
from tests.courier_sync.conftest import SyncWorld, deliver


def test_the_site_key_and_device_tokens_are_in_no_log(
    sync_world: SyncWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sw = sync_world
    order_id = deliver(sw.sessions, sw.w, sw.w.courier_a)
    sw.relay.run_once()
    [task] = sw.phone_a.tasks(sw.w.tomorrow)
    sw.phone_a.post_event(task["task_id"], "accepted")
    # Another courier asking for it is refused (and the refusal logged).
    assert sw.phone_b.get(f"tasks/{task['task_id']}").status_code == 404
    sw.relay.run_once()
    lead = Actor("lead", "Старший смены", UserRole.LEAD)
    with unit_of_work(sw.sessions) as s:
        order_ops.cancel_order(s, order_id, reason="Клиент передумал", actor=lead)
    sw.relay.run_once()
    secrets = {
        "site key": sw.site_key,
        "token a": sw.phone_a.token,
        "token b": sw.phone_b.token,
    }
    texts = {
        "service log": sw.service.log_path.read_text(errors="replace"),
        "log records": "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records),
        "relay settings": repr(sw.relay_settings()),
    }
    leaked = [
        (secret, where)
        for secret, value in secrets.items()
        for where, text in texts.items()
        if value in text
    ]
    assert leaked == []
