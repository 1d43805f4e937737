"""One function per thing a person does, shared by the workspace and the `dispatch` CLI.

Each operation takes a Session (the caller's unit of work commits it, or rolls it back) and
plain arguments, composes the rules of ``dispatcher.orders``/``clients``/``merge``/
``planning``, and returns plain frozen dataclasses that outlive the session. A new user
action goes here, in the module named for what it acts on:

- ``orders``: take, save, send, reassign, reject, fail, close an order; the reject reasons.
- ``order_form``: what the order panel needs to open a client or a saved order.
- ``clients``: create and merge clients.
- ``calls``: the caller pop-up's look-ups and merges.
- ``catalog``: couriers and products as the admin manages them; what a database holds.
"""
