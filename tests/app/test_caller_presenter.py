"""The caller panel's presenter: what the operator reads for a lookup, without a window."""

from __future__ import annotations

import datetime as dt

from app.caller_presenter import merge_question, present_hits, present_lookup, present_search_prompt
from dispatcher.lookup import (
    AddressSummary,
    ClientSummary,
    ContactSummary,
    DuplicateGroup,
    DuplicateReason,
    LineSummary,
    LookupResult,
    LookupStatus,
    Match,
    OrderSummary,
)
from dispatcher.models import ClientKind, OrderState
from dispatcher.search import SearchHit

MARIA = ClientSummary(1, ClientKind.PERSON, "Иванова Мария Петровна", None)
MARIA_AGAIN = ClientSummary(2, ClientKind.PERSON, "Иванова Мария", None)
ROMASHKA = ClientSummary(3, ClientKind.COMPANY, 'ООО "Ромашка"', "7707083893")
HOME = AddressSummary(10, None, "ул. Ленина, 1", "2", "3", "45", "домофон 45")


def order(
    order_id: int, state: OrderState, *, failed: str = "", day: dt.date | None = None
) -> OrderSummary:
    """An order of Maria's with a morning slot on ``day``."""
    return OrderSummary(
        id=order_id,
        state=state,
        created_at=dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC),
        delivery_date=day,
        window_start=dt.time(10) if day else None,
        window_end=dt.time(14) if day else None,
        courier_id=5,
        courier_name="Петров Пётр",
        address_id=HOME.id,
        needs_reschedule=bool(failed),
        fail_reason=failed,
        version=1,
        lines=(LineSummary("W19", "Вода 19 л", 2, 25000),),
    )


def match(client: ClientSummary, **kwargs: object) -> Match:
    """A match of ``client`` with nothing else unless given."""
    fields: dict[str, object] = {
        "contact": None,
        "phone_raw": "89161234567",
        "addresses": (),
        "active_deliveries": (),
        "to_reschedule": (),
        "last_order": None,
    }
    fields.update(kwargs)
    return Match(client, **fields)  # type: ignore[arg-type]


def found(*matches: Match, groups: tuple[DuplicateGroup, ...] = ()) -> LookupResult:
    """A FOUND lookup of +7 916 123-45-67."""
    return LookupResult(
        "89161234567", LookupStatus.FOUND, "+79161234567", "+7 916 123-45-67", "", matches, groups
    )


def test_duplicates_are_badged_with_their_reasons_and_can_be_merged_by_a_lead() -> None:
    groups = (DuplicateGroup(DuplicateReason.SAME_PHONE, (MARIA, MARIA_AGAIN)),)
    view = present_lookup(found(match(MARIA), match(MARIA_AGAIN), groups=groups))

    assert view.status == (
        "+7 916 123-45-67: 2 client(s) — possible duplicates, pick the right one"
    )
    assert [row.cells for row in view.rows] == [
        ("Иванова Мария Петровна", "", "person", "⚠ DUPLICATE: same phone"),
        ("Иванова Мария", "", "person", "⚠ DUPLICATE: same phone"),
    ]
    assert all(row.duplicate for row in view.rows)
    assert view.rows[0].badge_tooltip == "Probably the same client: choose one, or merge them"
    assert view.show_badge_column and not view.show_contact_column
    assert view.duplicates_of(MARIA.id) == [MARIA_AGAIN.id]
    assert view.can_merge(MARIA.id, lead=True)
    assert not view.can_merge(MARIA.id, lead=False), "operators do not merge"
    assert view.merge_number == "+79161234567"
    assert view.caller_names == "Иванова Мария Петровна, Иванова Мария"
    assert merge_question(1).startswith("Merge 1 duplicate(s) into the selected client?")


def test_a_duplicate_found_by_name_only_is_listed_after_the_matches() -> None:
    groups = (DuplicateGroup(DuplicateReason.SIMILAR_NAME, (ROMASHKA, MARIA)),)
    contact = ContactSummary(7, "Анна, склад", "кладовщик")
    view = present_lookup(found(match(ROMASHKA, contact=contact), groups=groups))
    assert [row.cells for row in view.rows] == [
        ('ООО "Ромашка"', "Анна, склад", "company", "⚠ DUPLICATE: similar name"),
        ("Иванова Мария Петровна", "", "person", "⚠ DUPLICATE: similar name"),
    ]
    assert (view.rows[0].client_id, view.rows[0].contact_id) == (ROMASHKA.id, 7)
    assert view.show_contact_column
    assert view.details(MARIA.id, None).addresses == (), "no card for a name-only duplicate"


def test_a_single_client_has_no_badge_and_nothing_to_merge() -> None:
    view = present_lookup(found(match(MARIA)))
    assert view.status == "+7 916 123-45-67: 1 client(s)"
    assert view.rows[0].badge == "" and not view.rows[0].duplicate
    assert not view.show_badge_column
    assert not view.can_merge(MARIA.id, lead=True)


def test_the_selected_match_shows_addresses_deliveries_flagged_failures_and_last_order() -> None:
    tomorrow = dt.date(2025, 3, 8)
    failed = order(41, OrderState.INTEREST, failed="Client was not at home")
    live = order(42, OrderState.DELIVERY, day=tomorrow)
    last = order(40, OrderState.CLOSED, day=dt.date(2025, 3, 1))
    view = present_lookup(
        found(
            match(
                MARIA,
                addresses=(HOME,),
                active_deliveries=(live,),
                to_reschedule=(failed,),
                last_order=last,
            )
        )
    )
    details = view.details(MARIA.id, None)
    assert details.addresses == ("ул. Ленина, 1, flat 45, (домофон 45)",)
    assert [row.cells for row in details.deliveries] == [
        ("№41", "Петров Пётр", "", "⚠ TO RESCHEDULE: Client was not at home"),
        ("№42", "Петров Пётр", "08.03.2025 10:00–14:00", "in delivery"),
    ]
    assert [row.flagged for row in details.deliveries] == [True, False]
    assert details.deliveries[0].tooltip == "The delivery failed: Client was not at home"
    assert details.last_order == "Last order №40 of 01.03.2025: Вода 19 л × 2"


def test_a_client_without_orders_says_so() -> None:
    assert present_lookup(found(match(MARIA))).details(MARIA.id, None).last_order == (
        "No orders yet"
    )


def test_unknown_numbers_search_hits_and_withheld_callers() -> None:
    unknown = LookupResult(
        "89037770011", LookupStatus.UNKNOWN, "+79037770011", "+7 903 777-00-11", ""
    )
    view = present_lookup(unknown)
    assert view.status == "+7 903 777-00-11: unknown number — new client"
    assert view.rows == () and view.merge_number == "+79037770011"

    hits = present_hits(
        [SearchHit(ROMASHKA, "inn", "ИНН 7707083893"), SearchHit(MARIA, "name", "")]
    )
    assert hits.status == "2 client(s) found"
    assert [row.cells for row in hits.rows] == [
        ('ООО "Ромашка"', "ИНН 7707083893", "company", ""),
        ("Иванова Мария Петровна", "", "", ""),
    ]
    assert not hits.can_merge(ROMASHKA.id, lead=True)
    assert present_hits([]).status == "Nothing found yet: type a name, address or phone"

    prompt = present_search_prompt("Withheld number")
    assert prompt.status == "Withheld number — search the client by name, address or phone"
    assert prompt.rows == ()
