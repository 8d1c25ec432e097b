"""The billing-dispute flow, one per account, and its two interactions.

The flow is built by :func:`billing_flow` for each brand; ``0909015`` runs it
for Acme and ``4412087`` for Northwind.
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
    BILLING_DATA_SET,
    CUSTOMER_INFO_SET,
    DAY,
    HOUR,
    ROUTING_DATA_SET,
    ZOE,
    ending_at,
)
from interactions.simulator.seed.ids import (
    ACME_ACCOUNT_ID,
    ACME_BILLING_UNIQUE_ID,
    NORTHWIND_ACCOUNT_ID,
    NORTHWIND_BILLING_UNIQUE_ID,
    SHARED_PHONE,
)


def billing_flow(slug: str, brand: str, bills: tuple[tuple[str, ...], ...]) -> Flow:
    return Flow(
        flow_id=element_id("flow", slug, "billing-dispute"),
        name=f"{brand} Billing Dispute",
        pages=(
            Page(
                "Welcome",
                "Question a bill",
                header_html=(
                    f"<p><b>{brand}</b></p> <p>Sorry something looks wrong "
                    "with your bill &#8211; let&#39;s sort it out.</p>"
                ),
                position="first",
            ),
            Page(
                "Account",
                "Your account",
                questions=(
                    Question(
                        "Account Number",
                        "text",
                        label="Account number",
                        footer_html="<p>It is printed at the top of every bill.</p>",
                        variable="Account Number",
                    ),
                    Question("Account Holder", "text", label="Name on the account"),
                ),
            ),
            Page(
                "Bills",
                "Your recent bills",
                questions=(
                    Question(
                        "Recent Bills",
                        "collection",
                        columns=(
                            ("period", "Period"),
                            ("amount", "Amount"),
                            ("status", "Status"),
                        ),
                        rows=bills,
                    ),
                    Question(
                        "Disputed Bill",
                        "single",
                        label="Which bill do you want to question?",
                        options=tuple(Option(row[0], row[0]) for row in bills),
                        variable="Disputed Bill",
                    ),
                ),
            ),
            Page(
                "Reason",
                "What is wrong?",
                questions=(
                    Question(
                        "Dispute Reasons",
                        "multiple",
                        label="What is wrong with the bill?",
                        header_html="<p>Select <b>every</b> reason that applies.</p>",
                        options=(
                            Option("charged_twice", "Charged twice"),
                            Option("roaming", "Unexpected roaming charges"),
                            Option(
                                "price_increase", "Price increase I did not agree to"
                            ),
                            Option("cancelled", "Cancelled service still billed"),
                        ),
                        variable="Dispute Reasons",
                    ),
                ),
            ),
            Page(
                "Details",
                "Tell us more",
                questions=(
                    Question(
                        "Disputed Amount",
                        "text",
                        label="Amount you dispute",
                        text_format="NUMBER",
                        max_characters=10,
                        variable="Disputed Amount",
                    ),
                    Question(
                        "Dispute Details",
                        "text",
                        label="Anything else we should know?",
                        footer_html=(
                            "<p><i>Please don&#39;t include card numbers.</i></p>"
                        ),
                        max_characters=1000,
                        lines=5,
                        mandatory=False,
                    ),
                ),
            ),
            Page(
                "Resolution",
                "How should we fix it?",
                questions=(
                    Question(
                        "Requested Resolution",
                        "single",
                        label="What would you like us to do?",
                        options=(
                            Option("credit", "Credit my next bill"),
                            Option("refund", "Refund to my card"),
                            Option("callback", "Call me to discuss"),
                        ),
                        variable="Requested Resolution",
                    ),
                ),
            ),
            Page(
                "Done",
                "Dispute received",
                header_html=(
                    "<p>Thanks &#8211; we have opened a case.</p> "
                    "<p>You will hear from us within <b>5&#160;days</b>.</p>"
                ),
                position="last",
            ),
        ),
        variable_sets={
            "customerInfoSet": CUSTOMER_INFO_SET,
            "routingDataSet": ROUTING_DATA_SET,
            "billingDataSet": BILLING_DATA_SET,
        },
    )


ACME_BILLING_FLOW = billing_flow(
    "acme",
    "Acme Insurance",
    (
        ("2025-03", "$96.20", "Paid"),
        ("2025-04", "$96.20", "Paid"),
        ("2025-05", "$214.60", "Paid"),
    ),
)
NORTHWIND_BILLING_FLOW = billing_flow(
    "northwind",
    "Northwind Telecom",
    (
        ("March 2025", "£42.00", "Paid"),
        ("April 2025", "£42.00", "Paid"),
        ("May 2025", "£97.35", "Due"),
    ),
)


def acme_instances() -> tuple[Instance, ...]:
    """Acme's premium billing dispute (shares its call return number)."""
    return (
        Instance(
            unique_id=ACME_BILLING_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=ACME_BILLING_FLOW,
            attributes=CallerAttributes(
                dtmf="0909",
                call_return_number=SHARED_PHONE,
                history_search_id="acme-bill-0909015",
            ),
            time_zone="America/New_York",
            variables=ZOE,
            visits=ending_at(
                -1 * HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Account",
                        {
                            "Account Number": "AC-88213",
                            "Account Holder": "Zoë Ångström",
                        },
                    ),
                    ("Bills", {"Disputed Bill": ("2025-05",)}),
                    ("Reason", {"Dispute Reasons": ("charged_twice",)}),
                    (
                        "Details",
                        {
                            "Disputed Amount": "118.40",
                            "Dispute Details": (
                                "I was charged twice for May \u2013 see "
                                '"Payment ref 7781" '
                                '& "7782".'
                            ),
                        },
                    ),
                    ("Resolution", {"Requested Resolution": ("refund",)}),
                    (
                        "Done",
                        {},
                        {
                            "Case Number": "BD-0909015",
                            "Target Telephony Queue": "billing",
                            "Agent Skill": "billing-disputes",
                            "Priority": "normal",
                        },
                    ),
                ],
            ),
        ),
    )


def northwind_instances() -> tuple[Instance, ...]:
    """Northwind's bill dispute, with script and quotes in its answers."""
    return (
        Instance(
            unique_id=NORTHWIND_BILLING_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=NORTHWIND_BILLING_FLOW,
            attributes=CallerAttributes(
                dtmf="4412",
                dnid="4398",
                call_return_number="6175550142",
                history_search_id="nw-bill-4412087",
            ),
            time_zone="Europe/Madrid",
            variables={
                "First Name": "José",
                "Last Name": "Álvarez",
                "Customer ID": "NW-441208",
                "Phone Number": "6175550142",
                "Language": "es-es",
                "Customer Profile": "mobile",
            },
            visits=ending_at(
                -2 * DAY,
                [
                    ("Welcome", {}),
                    (
                        "Account",
                        {
                            "Account Number": "NW-441208",
                            "Account Holder": "José Álvarez",
                        },
                    ),
                    ("Bills", {"Disputed Bill": ("May 2025",)}),
                    ("Reason", {"Dispute Reasons": ("roaming", "price_increase")}),
                    (
                        "Details",
                        {
                            "Disputed Amount": "55.35",
                            "Dispute Details": (
                                "<script>alert(1)</script> The shop said "
                                'roaming was "free" '
                                "in 東京 & the EU."
                            ),
                        },
                    ),
                    ("Resolution", {"Requested Resolution": ("callback",)}),
                    (
                        "Done",
                        {},
                        {
                            "Case Number": "BD-4412087",
                            "Target Telephony Queue": "billing",
                            "Priority": "high",
                        },
                    ),
                ],
            ),
        ),
    )
