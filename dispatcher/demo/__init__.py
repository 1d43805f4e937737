"""The demo database: synthetic clients and orders, and the loaders that write them."""
