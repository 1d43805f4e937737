"""`dispatch seed-demo`: fill an empty database with demo data."""

from __future__ import annotations

from dataclasses import asdict

from dispatcher.cli.base import Cli, Command, Subparsers, UserError, always


def add_seed_demo_parser(sub: Subparsers) -> None:
    """Add `seed-demo`."""
    seed = sub.add_parser("seed-demo", help="fill an empty database with demo data")
    seed.add_argument("--clients", type=int, default=300)
    seed.add_argument("--seed", type=int, default=1)
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database has clients"
    )


def run_seed_demo(cli: Cli) -> int:
    """`dispatch seed-demo`: fill an empty database with demo data."""
    # Imported here: only this command needs the demo generator.
    from dispatcher.demo import seed_demo
    from dispatcher.demo.status import is_empty

    if cli.args.clients <= 0:
        raise UserError("--clients must be a positive number.")
    if cli.args.if_empty:
        with cli.sessions() as s:
            empty = is_empty(s)
        if not empty:
            cli.emit(
                {"skipped": True},
                "The database already holds clients: not seeding again.",
            )
            return 0
    report = seed_demo(cli.engine, clients=cli.args.clients, seed=cli.args.seed)
    data = asdict(report)
    cli.emit(
        data,
        f"Seeded {report.clients} clients, {report.phones} phones, {report.orders} orders "
        f"in {report.seconds:.1f} s. Try: dispatch lookup '{report.sample_numbers[0]}'"
        if report.sample_numbers
        else f"Seeded {report.clients} clients in {report.seconds:.1f} s.",
    )
    return 0


SEED_DEMO = Command("seed-demo", add_seed_demo_parser, run_seed_demo, anonymous=always)
