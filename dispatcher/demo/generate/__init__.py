"""The synthetic delivery business, generated as plain row tuples from one seed.

`World` decides the shape of every client and the calendar; `numbers` hands out phones and
INNs; `clients`, `history` and `live` write the clients, the past year of orders and
today's deliveries. Each part draws from its own random stream, so the history can be
generated in another process from the shapes alone and the data stay the same.
"""
