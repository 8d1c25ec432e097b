"""Serve the X-Platform simulator for the demo and for manual testing.

``python manage.py xplatform_simulator --port 8001`` serves the seeded demo
accounts until Ctrl-C and prints the base URL and the credentials the console
needs. The simulator needs no database and is never routed through the
console's URL configuration.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interactions.simulator.app import make_app
from interactions.simulator.clock import Clock, CyclingClock, SystemClock
from interactions.simulator.data import DEMO_ACCOUNTS, LIVE_UNIQUE_ID, default_dataset
from interactions.simulator.faults import FAULT_SPEC_HELP, Faults
from interactions.simulator.server import KEEP_ALIVE_TIMEOUT, SimulatorServer, serve


def wait_for_interrupt(server: SimulatorServer) -> None:
    """Block until Ctrl-C (or until the server thread dies)."""
    while server.running:
        time.sleep(0.5)


class Command(BaseCommand):
    help = "Serve the X-Platform simulator (seeded demo data) until Ctrl-C."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=8001, help="Port (default 8001)."
        )
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Address to listen on (default 127.0.0.1, loopback only).",
        )
        parser.add_argument(
            "--latency",
            type=float,
            default=0.0,
            help="Seconds added to every answer, like a distant server.",
        )
        parser.add_argument(
            "--fault",
            action="extend",
            nargs="+",
            default=[],
            metavar="NAME",
            help=f"Switch on faults for the whole run; {FAULT_SPEC_HELP}.",
        )
        parser.add_argument(
            "--live-cycle",
            type=float,
            default=0.0,
            metavar="SECONDS",
            help="Start the live interaction again every SECONDS (the demo "
            "uses 120); 0 runs it once.",
        )
        parser.add_argument(
            "--control",
            action="store_true",
            help="Open the control endpoint /_control (loopback peers only) to "
            "switch per-account latency and faults while running.",
        )
        parser.add_argument(
            "--generated",
            action="store_true",
            help="Answer any unique ID gen-<digits> and any phone number "
            "NPA-555-2XXX with a generated interaction.",
        )
        parser.add_argument(
            "--keep-alive",
            type=float,
            default=KEEP_ALIVE_TIMEOUT,
            metavar="SECONDS",
            help="Seconds an open connection waits for its next request "
            f"(default {KEEP_ALIVE_TIMEOUT:g}, as a real X-Platform behind its "
            "load balancer); 0 closes every connection after one answer.",
        )
        parser.add_argument(
            "--unique-id-text-plain",
            action="store_true",
            help="Answer unique-ID lookups as text/plain instead of JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["latency"] < 0:
            raise CommandError("--latency must not be negative.")
        faults = Faults(
            latency=options["latency"],
            unique_id_text_plain=options["unique_id_text_plain"],
        )
        try:
            faults.apply_specs(options["fault"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["keep_alive"] < 0:
            raise CommandError("--keep-alive must not be negative.")
        dataset = default_dataset()
        if options["live_cycle"] < 0:
            raise CommandError("--live-cycle must not be negative.")
        clock: Clock = (
            CyclingClock(options["live_cycle"])
            if options["live_cycle"]
            else SystemClock()
        )
        app = make_app(
            dataset=dataset,
            faults=faults,
            clock=clock,
            control=options["control"],
            generated=options["generated"],
        )
        try:
            server = serve(
                app,
                host=options["host"],
                port=options["port"],
                keep_alive_timeout=options["keep_alive"],
            )
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {error}"
            ) from error
        # Draw the photos now rather than on the first request (the 12 MP one
        # takes about a second).
        threading.Thread(target=dataset.photos.warm, daemon=True).start()
        self._banner(
            server,
            faults,
            control=options["control"],
            generated=options["generated"],
        )
        if options["live_cycle"]:
            self.stdout.write(
                f"It starts again every {options['live_cycle']:g} s (--live-cycle)."
            )
        try:
            wait_for_interrupt(server)
        except KeyboardInterrupt:
            self.stdout.write("Stopping the X-Platform simulator.")
        finally:
            faults.interrupt()
            # A second Ctrl-C skips the wait; the daemon threads end with the
            # process anyway.
            with contextlib.suppress(KeyboardInterrupt):
                server.shutdown()

    def _banner(
        self,
        server: SimulatorServer,
        faults: Faults,
        *,
        control: bool = False,
        generated: bool = False,
    ) -> None:
        self.stdout.write(f"X-Platform simulator serving on {server.base_url}")
        self.stdout.write("Demo accounts (API version 2; 1, v1 and v2 also work):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.name} ({account.slug})")
            self.stdout.write(f"    base URL          {server.base_url}")
            self.stdout.write(f"    account ID        {account.account_id}")
            self.stdout.write(f"    application key   {account.application_key}")
            self.stdout.write(
                f"    environment name  {account.environment_name or '(none)'}"
            )
            self.stdout.write(
                f"    variable sets     {', '.join(account.variable_sets)}"
            )
        self.stdout.write(
            f"Live interaction {LIVE_UNIQUE_ID} gains a page every 5 s after start."
        )
        for rule in faults.active():
            self.stdout.write(f"Fault on: {rule.kind} ({rule.method})")
        if control:
            self.stdout.write(
                f"Control endpoint (loopback only): {server.base_url}/_control"
            )
        if generated:
            self.stdout.write(
                "Generated interactions: unique IDs gen-<digits>, "
                "phone numbers NPA-555-2XXX."
            )
        if faults.unique_id_text_plain:
            self.stdout.write("Unique-ID lookups answer text/plain.")
        self.stdout.write("Quit with CONTROL-C.")
