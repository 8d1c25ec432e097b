"""The Hebrew motor-claim flow of Acme Insurance and its one interaction.

``040100744``: a customer who reported a car accident through the Hebrew
version of the flow (every page says ``"language": "he"``), with answers,
a name and an address typed in Hebrew. It is what an English-speaking agent
sees when the customer's text runs right to left (docs/i18n.md).
"""

from __future__ import annotations

from interactions.simulator.model import (
    CallerAttributes,
    Flow,
    Instance,
    Option,
    Page,
    Question,
    element_id,
)
from interactions.simulator.seed.common import (
    CLAIM_DATA_SET,
    CUSTOMER_INFO_SET,
    HOUR,
    ending_at,
)
from interactions.simulator.seed.ids import (
    ACME_ACCOUNT_ID,
    HEBREW_ANSWER,
    HEBREW_PHONE,
    HEBREW_UNIQUE_ID,
)

HEBREW_CLAIM_FLOW = Flow(
    flow_id=element_id("flow", "motor-claim-he"),
    name="דיווח על תאונת רכב",
    language="he",
    pages=(
        Page(
            "Welcome",
            "דיווח על תאונה",
            header_html="<p><b>Acme Insurance</b></p> <p>נתחיל בדיווח על התאונה.</p>",
            position="first",
        ),
        Page(
            "Incident",
            "מה קרה?",
            questions=(
                Question(
                    "Incident Description",
                    "text",
                    label="תארו את הנזק לרכב",
                    lines=3,
                    max_characters=300,
                ),
                Question(
                    "Incident Location",
                    "text",
                    label="היכן קרתה התאונה?",
                    variable="Incident Location",
                ),
            ),
        ),
        Page(
            "Drivable",
            "מצב הרכב",
            questions=(
                Question(
                    "Drivable",
                    "single",
                    label="האם אפשר לנסוע ברכב?",
                    options=(
                        Option("yes", "כן"),
                        Option("no", "לא, צריך גרר"),
                    ),
                    variable="Claim Type",
                ),
            ),
        ),
        Page(
            "Done",
            "תודה",
            header_html="<p>נציג יחזור אליכם בהקדם.</p>",
            position="last",
        ),
    ),
    variable_sets={
        "customerInfoSet": CUSTOMER_INFO_SET,
        "claimDataSet": CLAIM_DATA_SET,
    },
)


def instances() -> tuple[Instance, ...]:
    """The Hebrew claim: finished three hours ago."""
    return (
        Instance(
            unique_id=HEBREW_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=HEBREW_CLAIM_FLOW,
            attributes=CallerAttributes(
                call_return_number=HEBREW_PHONE,
                history_search_id="he-claim-040100744",
            ),
            time_zone="Asia/Jerusalem",
            variables={
                "First Name": "נועה",
                "Last Name": "לוי",
                "Customer ID": "AC-90417",
                "Phone Number": HEBREW_PHONE,
                "Language": "he-il",
                "Customer Profile": "standard",
            },
            visits=ending_at(
                -3 * HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Incident",
                        {
                            "Incident Description": HEBREW_ANSWER,
                            "Incident Location": "רחוב הרצל 12, חיפה",
                        },
                    ),
                    ("Drivable", {"Drivable": ("no",)}),
                    ("Done", {}, {"Claim Reference": "CLM-2025-0744"}),
                ],
            ),
        ),
    )
