"""Seed data of the X-Platform simulator, split by flow.

- ``ids``: the well-known identifiers (accounts, unique ids, caller
  attributes, photo paths, live-interaction timing);
- ``common``: variable sets and visit builders shared by the flows;
- ``accounts``: the two demo accounts;
- ``claim``, ``claim_he``, ``billing``, ``router``: one flow each, with its
  interactions and the photos they upload (``claim_he`` is in Hebrew).

:mod:`interactions.simulator.data` assembles them into a ``Dataset``.
Imports go one way: ``data`` -> ``seed`` modules -> ``seed.common`` /
``seed.ids`` -> ``model``.
"""
