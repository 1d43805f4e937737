"""Dispatch Desk domain: clients, orders, couriers, persistence and the `dispatch` CLI."""
