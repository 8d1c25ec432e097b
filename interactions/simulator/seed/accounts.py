"""The two demo accounts (tenants) the simulator serves.

``DEMO_ACCOUNTS`` lists them in the order the console's ``seed_demo``
command creates them.
"""

from __future__ import annotations

from interactions.simulator.model import DemoAccount
from interactions.simulator.seed.ids import ACME_ACCOUNT_ID, NORTHWIND_ACCOUNT_ID

ACME = DemoAccount(
    account_id=ACME_ACCOUNT_ID,
    application_key="acme-public-api-key-5f2d8c1e9b7a4036",
    environment_name=None,
    name="Acme Insurance",
    slug="acme",
    variable_sets=[
        "customerInfoSet",
        "claimDataSet",
        "billingDataSet",
        "routingDataSet",
    ],
    time_zone="America/New_York",
)
NORTHWIND = DemoAccount(
    account_id=NORTHWIND_ACCOUNT_ID,
    application_key="northwind-public-api-key-a81c44e07d93",
    environment_name="PROD",
    name="Northwind Telecom",
    slug="northwind",
    variable_sets=[
        "customerInfoSet",
        "deviceInfoSet",
        "billingDataSet",
        "routingDataSet",
    ],
    time_zone="Europe/London",
)
DEMO_ACCOUNTS: list[DemoAccount] = [ACME, NORTHWIND]
