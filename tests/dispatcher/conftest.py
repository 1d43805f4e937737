"""A small delivery world for domain tests: products, couriers, a person and a company."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dispatcher.catalog import add_product, set_contract_price
from dispatcher.clients import AddressInput, NewClient, add_client, add_contact
from dispatcher.couriers import add_courier
from dispatcher.db import unit_of_work
from dispatcher.models import ClientKind, ProductKind
from dispatcher.orders import moscow_today

OPERATOR = "operator-1"


@dataclass(frozen=True)
class World:
    """Ids of the rows a test works with."""

    person_id: int
    person_address_id: int
    company_id: int
    company_contact_id: int
    courier_a: int
    courier_b: int
    tomorrow: dt.date


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    """Products, two couriers, a private client and a company with a contract price."""
    with unit_of_work(sessions) as s:
        water = add_product(s, "W19", "Вода 19 л", 35000)
        add_product(s, "PUMP", "Помпа механическая", 45000)
        add_product(s, "BTL", "Залог за бутыль", 30000, kind=ProductKind.DEPOSIT)
        add_product(s, "SAN", "Санобработка кулера", 80000, kind=ProductKind.SERVICE)
        a = add_courier(s, "Петров Пётр", "+7 903 111-22-33")
        b = add_courier(s, "Сидоров Семён", "8 903 444 55 66")
        person = add_client(
            s,
            NewClient(
                ClientKind.PERSON,
                "Иванова Мария Петровна",
                phones=["+7 916 123-45-67"],
                addresses=[AddressInput("г. Москва, ул. Профсоюзная, д. 12", flat="45")],
            ),
        )
        company = add_client(
            s,
            NewClient(
                ClientKind.COMPANY,
                'ООО "Ромашка"',
                phones=["8 (495) 123-45-67"],
                inn="7707083893",
                addresses=[AddressInput("г. Москва, Тверская ул., д. 1, офис 5")],
            ),
        )
        contact = add_contact(
            s,
            company.id,
            "Смирнов Олег",
            role="завхоз",
            phones=["+7 926 000-11-22"],
            address=AddressInput("г. Москва, Ленинский пр-т, д. 30, склад"),
        )
        set_contract_price(s, company.id, water.id, 29000)
        s.flush()
        return World(
            person_id=person.id,
            person_address_id=person.addresses[0].id,
            company_id=company.id,
            company_contact_id=contact.id,
            courier_a=a.id,
            courier_b=b.id,
            tomorrow=moscow_today() + dt.timedelta(days=1),
        )
