# Long (over 500 lines): one call's life (lookup, log rows, commands) shares the call table.
"""IntakeViewModel: the life of each call, from the INVITE to the logged Interaction.

On an incoming call one DbWorker job looks the number up and logs the call (the fast
path: its result is what the caller panel shows); answer/hang-up/hold go to the phone
off the GUI thread; the operator's confirmation of a client, the order taken and the end
of the call are written to the call's Interaction. A withheld or unusable number puts the
panel in search mode (search-as-you-type, debounced, stale answers dropped); an unknown
number asks for the new-client form prefilled with it.

Several calls at once: the first live call is the *focused* one (the caller panel shows
it); a call ringing while another is live is *waiting* until the focused one ends or the
operator answers it (the focused call is then put on hold).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from app.app_logging import log_screen_pop
from app.bridge import PhoneLine
from app.complaint_line import ComplaintLine
from app.identity import Identity
from app.worker import DbWorker
from dispatcher import interactions
from dispatcher.interactions import CallResult
from dispatcher.lookup import LookupResult, LookupStatus, OrderSummary
from dispatcher.models import Direction
from dispatcher.operations import calls
from dispatcher.search import SearchHit, search_clients
from telephony.events import CallState, CallStateChanged, IncomingCall

logger = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
SEARCH_LIMIT = 20


@dataclass
class LiveCall:
    """One call as the call bar and the intake know it (GUI thread only)."""

    call_id: int
    number: str  # normalized (E.164) when it could be, else as received; "" when withheld
    label: str  # what the operator reads: "+7 916 123-45-67", "Withheld number"
    display_name: str
    withheld: bool
    direction: Direction
    received_ns: int
    state: CallState
    answered_at: float | None = None  # time.monotonic() of the answer, for the timer
    held: bool = False
    muted: bool = False
    waiting: bool = False
    interaction_id: int | None = None
    lookup: LookupResult | None = None
    looked_up: bool = False  # the lookup job answered (lookup stays None for withheld)
    client_id: int | None = None
    contact_id: int | None = None
    order_id: int | None = None
    order_rejected: bool = False
    # A call the operator placed for their own sake (the courier, during a client's call):
    # the caller panel stays on the client.
    quiet: bool = False
    # False when the number is the caller's own From (the sender may not assert identities).
    verified: bool = True
    # A call to the complaint line (number or IVR choice): the form opens at the answer, once.
    complaint: bool = False
    complaint_form_asked: bool = False
    # Writes that arrived before the call's Interaction existed, replayed once it does.
    pending: list[Any] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        """True once the call is over."""
        return self.state is CallState.ENDED


@dataclass(frozen=True, slots=True)
class ScreenPop:
    """What the log records about one pop: who called, whom we found, how fast."""

    call_id: int
    number: str
    client_ids: tuple[int, ...]
    ms: float
    status: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def courier_order(call: LiveCall | None) -> OrderSummary | None:
    """The order in delivery the call is about whose courier has a phone (to forward to).

    The confirmed client's deliveries come first; the first delivery with a courier's phone
    is the one (a caller with two couriers on the way is asked which, then F7 takes a number).
    """
    if call is None or call.lookup is None:
        return None
    matches = list(call.lookup.matches)
    if call.client_id is not None:
        matches.sort(key=lambda match: match.client.id != call.client_id)
    for match in matches:
        for order in match.active_deliveries:
            if order.courier_phone:
                return order
    return None


def _client_ids(result: LookupResult | None) -> list[int]:
    if result is None:
        return []
    ids: list[int] = []
    for match in result.matches:
        if match.client.id not in ids:
            ids.append(match.client.id)
    return ids


class IntakeViewModel(QObject):
    """One call's life: ringing -> lookup -> client confirmed -> order linked -> ended.

    Signals:
        calls_changed(list[LiveCall]): the live calls (call bar, waiting calls).
        ringing(LiveCall): a new incoming call; the window comes to the front.
        lookup_ready(LookupResult): the focused call's caller data (or a typed number's).
        popped(ScreenPop): the caller panel shows the data; the pop was logged.
        search_requested(str): withheld or unusable number: the panel switches to search.
        search_results(list[SearchHit]): the answer to the latest search text.
        new_client_requested(str): unknown number: open the new-client form with it.
        client_confirmed(int, object): the operator confirmed client (and contact id or None).
        call_finished(LiveCall): a call ended and its Interaction was written.
        complaint_form_requested(LiveCall): a complaint-line call of a found caller was
            answered: open the complaint form for them.
        error(str): something the operator should read.
    """

    calls_changed = Signal(object)
    ringing = Signal(object)
    lookup_ready = Signal(object)
    popped = Signal(object)
    search_requested = Signal(str)
    search_results = Signal(object)
    new_client_requested = Signal(str)
    client_confirmed = Signal(int, object)
    call_logged = Signal(int, int)  # call id, interaction id: the call's log row exists
    call_finished = Signal(object)
    complaint_form_requested = Signal(object)
    error = Signal(str)

    def __init__(
        self,
        worker: DbWorker,
        phone: PhoneLine,
        *,
        identity: Identity,
        region: str = "RU",
        complaint_line: ComplaintLine | None = None,
        parent: QObject | None = None,
    ) -> None:
        """Intake on ``worker`` (DB) and ``phone`` (SIP commands) for the signed-in ``identity``."""
        super().__init__(parent)
        self.worker = worker
        self.phone = phone
        self.identity = identity
        self.region = region
        self.complaint_line = complaint_line or ComplaintLine()
        self.calls: dict[int, LiveCall] = {}
        # Calls that ended before their log row was written: kept until it is, so that the
        # end (and the answer) still reach the call log and a missed call its callback list.
        self._unlogged: dict[int, LiveCall] = {}
        # What runs once an outbound call's log row exists, per call id (see place_call).
        self._when_logged: dict[int, Callable[[int], None]] = {}
        self.focus_id: int | None = None
        self._search_text = ""
        self._search_generation = 0
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.last_pop: ScreenPop | None = None
        self._early: dict[int, list[CallStateChanged]] = {}
        phone.error.connect(self.error)

    # --- state ------------------------------------------------------------------------------

    @property
    def focused(self) -> LiveCall | None:
        """The call the caller panel is about (None between calls)."""
        return self.calls.get(self.focus_id) if self.focus_id is not None else None

    def live_calls(self) -> list[LiveCall]:
        """Live calls, the focused one first."""
        calls = [call for call in self.calls.values() if not call.ended]
        return sorted(calls, key=lambda call: (call.call_id != self.focus_id, call.received_ns))

    def _changed(self) -> None:
        self.calls_changed.emit(self.live_calls())

    # --- telephony events (connected to TelephonyBridge, GUI thread) --------------------------

    def on_incoming_call(self, event: IncomingCall) -> None:
        """A call rings: pop the window, look the number up and log the call in one job."""
        caller = event.caller
        number = "" if caller.withheld else (caller.normalized or caller.number or "")
        call = LiveCall(
            call_id=event.call_id,
            number=number,
            label=caller.label(),
            display_name=caller.display_name or "",
            withheld=caller.withheld or not number,
            direction=Direction.IN,
            received_ns=event.received_ns,
            state=CallState.RINGING,
            verified=caller.verified,
            complaint=self.complaint_line.matches(event.called, event.headers),
        )
        others = [c for c in self.calls.values() if not c.ended]
        call.waiting = bool(others)
        self.calls[call.call_id] = call
        if not call.waiting:
            self.focus_id = call.call_id
        self.ringing.emit(call)
        self._changed()
        self._start(call)

    def _start(self, call: LiveCall) -> None:
        """Look the number up (the screen pop's path), then log the call in a second job.

        The lookup only reads, so its answer is on screen without waiting for the log row's
        commit (a durable SQLite commit is an fsync: tens of ms on a busy disk).
        """
        region, number = self.region, call.number

        def find(session: Session) -> LookupResult | None:
            return calls.look_up_caller(session, number, region)

        def failed(message: str) -> None:
            self._on_start_failed(call.call_id)(message)
            self._log_call(call)

        self.worker.submit(find, lambda result: self._on_found(call.call_id, result), failed)

    @property
    def operator(self) -> str:
        """The login written on calls: whoever is signed in now ('' between two operators)."""
        actor = self.identity.actor
        return actor.login if actor is not None else ""

    def _log_call(self, call: LiveCall) -> None:
        started_at = dt.datetime.fromtimestamp(call.received_ns / 1e9, dt.UTC)
        operator, region = self.operator, self.region
        number, direction, client_id = call.number, call.direction, call.client_id

        def log(session: Session) -> int:
            row = interactions.call_started(
                session,
                number=number,
                direction=direction,
                operator=operator,
                started_at=started_at,
                # One owner: a missed call already names the client in the callback list.
                client_id=client_id,
                region=region,
            )
            return row.id

        self.worker.submit(
            log,
            lambda interaction_id: self._on_logged(call.call_id, interaction_id),
            self.error.emit,
        )

    def place_call(
        self, number: str, *, quiet: bool = False, logged: Callable[[int], None] | None = None
    ) -> None:
        """Dial out (a call-back); the call is logged as an outbound Interaction.

        ``quiet``: a second call of the operator's own (the courier): it takes the call bar
        while the focused call waits, and the caller panel stays on the client.
        ``logged(interaction_id)`` runs once the call's log row exists (a planned call links it).
        """

        def dialled(call_id: int) -> None:
            if logged is not None:
                self._when_logged[call_id] = logged
            self._on_dialled(call_id, number, quiet)

        self.phone.dial(number, dialled)

    def _on_dialled(self, call_id: int, number: str, quiet: bool = False) -> None:
        call = LiveCall(
            call_id=call_id,
            number=number,
            label=number,
            display_name="",
            withheld=False,
            direction=Direction.OUT,
            received_ns=time.time_ns(),
            state=CallState.CALLING,
            quiet=quiet,
        )
        call.waiting = any(not c.ended for c in self.calls.values())
        if quiet and self.focused is not None:
            self.focused.waiting, call.waiting = True, False
        self.calls[call_id] = call
        if not call.waiting:
            self.focus_id = call_id
        self._start(call)
        self._changed()
        for event in self._early.pop(call_id, []):
            self.on_call_state_changed(event)

    def _on_start_failed(self, call_id: int) -> Any:
        def failed(message: str) -> None:
            self.error.emit(message)
            call = self.calls.get(call_id)
            if call is not None and call.call_id == self.focus_id:
                self.search_requested.emit(call.label)

        return failed

    def _on_found(self, call_id: int, result: LookupResult | None) -> None:
        call = self.calls.get(call_id)
        if call is None:
            ended = self._unlogged.get(call_id)
            if ended is not None:  # hung up before the lookup answered: log it all the same
                ended.lookup, ended.looked_up = result, True
                ids = _client_ids(result)
                if len(ids) == 1:
                    ended.client_id = ids[0]
                self._log_call(ended)
            return
        call.lookup = result
        call.looked_up = True
        ids = _client_ids(result)
        if len(ids) == 1:
            call.client_id = ids[0]
        if call.direction is Direction.OUT:
            if call.call_id == self.focus_id and result is not None and not call.quiet:
                self.lookup_ready.emit(result)  # whom we are calling back
        elif call.call_id == self.focus_id:
            self._show(call)
            self._ask_complaint_form(call)  # answered before the lookup (auto-answer)
        else:
            self._log_pop(call, "waiting")
        self._changed()
        self._log_call(call)

    def _ask_complaint_form(self, call: LiveCall) -> None:
        """A complaint-line call, answered, of a caller we found: the form, once per call.

        At the answer, not at the ring: the form takes the keys, and F2 must still answer.
        """
        if (
            call.complaint
            and not call.complaint_form_asked
            and call.answered_at is not None
            and call.call_id == self.focus_id
            and call.lookup is not None
            and call.lookup.matches
        ):
            call.complaint_form_asked = True
            self.complaint_form_requested.emit(call)

    def _on_logged(self, call_id: int, interaction_id: int) -> None:
        call = self.calls.get(call_id) or self._unlogged.pop(call_id, None)
        if call is None:
            return
        call.interaction_id = interaction_id
        self.call_logged.emit(call_id, interaction_id)
        when_logged = self._when_logged.pop(call_id, None)
        if when_logged is not None:
            when_logged(interaction_id)
        # Answer, end, client and order writes that came before the row existed.
        pending, call.pending = call.pending, []
        for write in pending:
            write()
        self._changed()

    def _show(self, call: LiveCall) -> None:
        """Put the call's data in the caller panel and log the pop."""
        result = call.lookup
        if result is not None:
            self.lookup_ready.emit(result)
        if call.withheld or result is None:
            self.search_requested.emit(call.label)
            status = "withheld"
        elif result.status is LookupStatus.UNKNOWN:
            self.new_client_requested.emit(call.number)
            status = str(result.status)
        elif result.status is not LookupStatus.FOUND:
            self.search_requested.emit(call.label)
            status = str(result.status)
        else:
            status = str(result.status)
        self._log_pop(call, status)

    def _log_pop(self, call: LiveCall, status: str) -> None:
        # Slots connected to lookup_ready ran synchronously inside emit(): by now the panel
        # holds the data, so this is INVITE-received to shown-with-data.
        ms = (time.time_ns() - call.received_ns) / 1e6
        ids = _client_ids(call.lookup)
        pop = ScreenPop(call.call_id, call.number or call.label, tuple(ids), ms, status)
        self.last_pop = pop
        log_screen_pop(pop.number, ids, ms, status)
        self.popped.emit(pop)

    def on_call_state_changed(self, event: CallStateChanged) -> None:
        """Follow a call's state: the answer and the end are written to its Interaction."""
        call = self.calls.get(event.call_id)
        if call is None:
            if event.direction == "out" and len(self._early) < 64:
                # A call we dialled can report before dial() has returned its id to us.
                self._early.setdefault(event.call_id, []).append(event)
            return
        call.state = event.state
        if event.state is CallState.ANSWERED:
            call.held = False
            if call.answered_at is None:
                call.answered_at = time.monotonic()
                call.waiting = False
                self._write(call, self._answered_write(call, _now()))
                if call.looked_up:
                    self._ask_complaint_form(call)
        elif event.state is CallState.HELD:
            call.held = True
        elif event.state is CallState.ENDED:
            self._end(call)
            return
        self._changed()

    def _answered_write(self, call: LiveCall, at: dt.datetime) -> Any:
        def write() -> None:
            interaction_id = call.interaction_id
            assert interaction_id is not None
            self.worker.submit(
                lambda s: interactions.call_answered(s, interaction_id, at).id,
                None,
                self.error.emit,
                ordered=True,
            )

        return write

    def _end(self, call: LiveCall) -> None:
        at = _now()
        self._write(call, lambda: self._write_end(call, at))
        del self.calls[call.call_id]
        if call.interaction_id is None:
            self._unlogged[call.call_id] = call
        self._last_ended = call
        if self.focus_id == call.call_id:
            self.focus_id = None
            waiting = [c for c in self.calls.values() if not c.ended]
            if waiting:
                # The longest-waiting call takes over the caller panel.
                nxt = min(waiting, key=lambda c: c.received_ns)
                nxt.waiting = False
                self.focus_id = nxt.call_id
                if nxt.looked_up:
                    self._show(nxt)
        self._changed()

    def _write_end(self, call: LiveCall, at: dt.datetime) -> None:
        interaction_id = call.interaction_id
        assert interaction_id is not None
        result = self._result(call)

        def end(session: Session) -> int:
            interactions.call_ended(session, interaction_id, result=result, at=at)
            return interaction_id

        self.worker.submit(
            end, lambda _id: self.call_finished.emit(call), self.error.emit, ordered=True
        )

    @staticmethod
    def _result(call: LiveCall) -> CallResult | None:
        if call.answered_at is None:
            return None  # the service decides: missed (callback list) for an inbound call
        if call.order_id is not None:
            return CallResult.ORDER_TAKEN
        if call.order_rejected:
            return CallResult.ORDER_REJECTED
        return None

    def _write(self, call: LiveCall, write: Any) -> None:
        if call.interaction_id is None:
            call.pending.append(write)
        else:
            write()

    # --- operator commands (keys and buttons of the call bar) -------------------------------

    def _ringing_call(self) -> LiveCall | None:
        ringing = [c for c in self.live_calls() if c.state is CallState.RINGING]
        return ringing[0] if ringing else None

    def answer(self) -> None:
        """Answer the ringing call (the focused one, else the longest waiting one)."""
        call = self._ringing_call()
        if call is None:
            return
        current = self.focused
        if current is not None and current.call_id != call.call_id and not current.ended:
            # Taking a waiting call: the one on the line goes on hold and waits in turn.
            if current.state is CallState.ANSWERED:
                self.phone.hold(current.call_id, True)
            current.waiting = True
            call.waiting = False
            self.focus_id = call.call_id
            if call.looked_up:
                self._show(call)
        self.phone.answer(call.call_id)
        self._changed()

    def reject(self) -> None:
        """Refuse the ringing call (busy)."""
        call = self._ringing_call()
        if call is not None:
            self.phone.reject(call.call_id)

    def hangup(self) -> None:
        """Hang up the focused call."""
        call = self.focused
        if call is not None:
            self.phone.hangup(call.call_id)

    def toggle_hold(self) -> None:
        """Hold or resume the focused call."""
        call = self.focused
        if call is not None and call.state in (CallState.ANSWERED, CallState.HELD):
            self.phone.hold(call.call_id, not call.held)

    def toggle_mute(self) -> None:
        """Mute or unmute the microphone on the focused call."""
        call = self.focused
        if call is not None:
            call.muted = not call.muted
            self.phone.mute(call.call_id, call.muted)
            self._changed()

    def transfer(self, target: str) -> None:
        """Blind-transfer the focused call."""
        call = self.focused
        if call is not None and target.strip():
            self.phone.transfer(call.call_id, target.strip())

    def forward_to_courier(self) -> None:
        """Blind-transfer the focused call to the courier of the order it is about."""
        order = courier_order(self.focused)
        if order is not None:
            self.transfer(order.courier_phone)

    def call_courier(self) -> None:
        """Call the order's courier in a second call; the caller waits on hold meanwhile."""
        call = self.focused
        order = courier_order(call)
        if call is None or order is None:
            return
        if call.state is CallState.ANSWERED and not call.held:
            self.phone.hold(call.call_id, True)
        self.place_call(order.courier_phone, quiet=True)

    def send_dtmf(self, digits: str) -> None:
        """Send DTMF digits on the focused call."""
        call = self.focused
        if call is not None and digits.strip():
            self.phone.send_dtmf(call.call_id, digits.strip())

    # --- the operator's decisions -------------------------------------------------------------

    def confirm_client(self, client_id: int, contact_id: int | None = None) -> None:
        """The operator says who is calling: link the call and open the client's order."""
        call = self.focused
        if call is not None:
            call.client_id, call.contact_id = client_id, contact_id
            self._write(call, lambda: self._link(call, client_id=client_id))
        self.client_confirmed.emit(client_id, contact_id)

    def order_sent(self, order_id: int) -> None:
        """An order was taken on this call: the call ends as "order taken".

        The order operation linked the call to the order in its own transaction; this only
        decides the call's result (and corrects it when the line dropped before the send).
        """
        call = self.focused or self._last_ended
        if call is None:
            return
        call.order_id = order_id
        if call.ended and call.interaction_id is not None:
            self._update_result(call, CallResult.ORDER_TAKEN)

    def order_rejected(self, order_id: int) -> None:
        """The interest was rejected on this call."""
        call = self.focused or self._last_ended
        if call is None:
            return
        call.order_rejected = True
        if call.ended and call.interaction_id is not None:
            self._update_result(call, CallResult.ORDER_REJECTED)

    _last_ended: LiveCall | None = None

    def _link(self, call: LiveCall, *, client_id: int) -> None:
        interaction_id = call.interaction_id
        assert interaction_id is not None

        def link(session: Session) -> int:
            interactions.link_call(session, interaction_id, client_id=client_id)
            return interaction_id

        self.worker.submit(link, None, self.error.emit, ordered=True)

    def _update_result(self, call: LiveCall, result: CallResult) -> None:
        interaction_id = call.interaction_id
        assert interaction_id is not None
        self.worker.submit(
            lambda s: interactions.call_ended(s, interaction_id, result=result).id,
            lambda _id: self.call_finished.emit(call),
            self.error.emit,
            ordered=True,
        )

    def new_client(self) -> None:
        """Open the new-client form with the focused caller's number (if any)."""
        call = self.focused
        self.new_client_requested.emit(call.number if call is not None else "")

    def client_created(self, client_id: int) -> None:
        """A new client was saved during the call: it is the caller."""
        self.confirm_client(client_id, None)

    # --- look-ups typed by the operator ---------------------------------------------------------

    def search(self, text: str) -> None:
        """Search-as-you-type: the query runs ~150 ms after the last key, stale answers dropped."""
        self._search_text = text
        self._search_generation += 1  # an answer already on its way is now stale
        self._search_timer.start()

    def _run_search(self) -> None:
        text, generation, region = self._search_text, self._search_generation, self.region
        if len(text.strip()) < 2:
            self.search_results.emit([])
            return

        def find(session: Session) -> list[SearchHit]:
            return search_clients(session, text, SEARCH_LIMIT, region)

        def done(hits: list[SearchHit]) -> None:
            if generation == self._search_generation:
                self.search_results.emit(hits)

        self.worker.submit(find, done, self.error.emit)

    def flush_search(self) -> None:
        """Run a pending search now (Return pressed before the debounce fired)."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._run_search()

    def show_client(self, client_id: int, region_number: str | None = None) -> None:
        """Load a client picked from search results as if the caller's number had matched."""
        region = self.region

        def load(session: Session) -> LookupResult | None:
            return calls.show_client(session, client_id, region_number, region)

        def done(result: LookupResult | None) -> None:
            if result is not None:
                self.lookup_ready.emit(result)

        self.worker.submit(load, done, self.error.emit)

    # --- the client card (hooks of the card editor) ------------------------------------------

    def refresh_caller(self, client_id: int) -> None:
        """The client's card was edited: show the focused caller (or the client) as now stored."""
        call = self.focused
        if call is None or not call.number:
            self.show_client(client_id)
            return
        number, region = call.number, self.region

        def done(result: LookupResult | None) -> None:
            call.lookup = result
            if call.call_id == self.focus_id and result is not None:
                self.lookup_ready.emit(result)

        self.worker.submit(lambda s: calls.look_up_caller(s, number, region), done, self.error.emit)

    def caller_attached(self, client_id: int) -> None:
        """The unknown caller's number was attached to ``client_id``: her card pops."""
        call = self.focused
        if call is not None:
            call.client_id = client_id
            self._write(call, lambda: self._link(call, client_id=client_id))
        self.refresh_caller(client_id)

    # --- shift lead ------------------------------------------------------------------------------

    def merge(self, keep_id: int, other_ids: list[int], number: str) -> None:
        """Fold duplicates into ``keep_id`` (history kept), then show ``number`` again."""
        actor, region = self.identity.require(), self.region

        def merge(session: Session) -> LookupResult:
            return calls.merge_callers(
                session, keep_id, other_ids, number, actor=actor, region=region
            )

        self.worker.submit(merge, self.lookup_ready.emit, self.error.emit)
