"""The broadband router set-up flow of Northwind Telecom and its interactions.

``959595`` is finished (GIF and PNG photos); ``7301846`` is the live one:
three pages before the simulator starts, then one page every
``LIVE_PAGE_INTERVAL`` seconds until ``LIVE_TOTAL_PAGES``.
"""

from __future__ import annotations

from interactions.simulator.model import (
    CallerAttributes,
    Flow,
    Instance,
    Option,
    Page,
    Question,
    Visit,
    element_id,
)
from interactions.simulator.photos import PhotoSpec
from interactions.simulator.seed.common import (
    CUSTOMER_INFO_SET,
    DEVICE_INFO_SET,
    HOUR,
    ROUTING_DATA_SET,
    Step,
    ending_at,
)
from interactions.simulator.seed.ids import (
    GIF_PHOTO_PATH,
    LIVE_BACK_PHOTO_PATH,
    LIVE_FRONT_PHOTO_PATH,
    LIVE_INITIAL_PAGES,
    LIVE_PAGE_INTERVAL,
    LIVE_TOTAL_PAGES,
    LIVE_UNIQUE_ID,
    NORTHWIND_ACCOUNT_ID,
    ROUTER_BACK_PHOTO_PATH,
    ROUTER_UNIQUE_ID,
)

_YES_NO = (Option("yes", "Yes"), Option("no", "No"))

ROUTER_FLOW = Flow(
    flow_id=element_id("flow", "router-setup"),
    name="Broadband Router Set-up",
    pages=(
        Page(
            "Welcome",
            "Set up your router",
            header_html=(
                "<p><b>Northwind Broadband</b></p> <p>This guide takes about "
                "10&#160;minutes. Keep your router &amp; phone nearby.</p>"
            ),
            position="first",
        ),
        Page(
            "Model",
            "Your router",
            questions=(
                Question(
                    "Router Model",
                    "single",
                    label="Which router do you have?",
                    header_html="<p>The model is on the label underneath.</p>",
                    options=(
                        Option("hub3", "Northwind Hub 3"),
                        Option("hub4", "Northwind Hub 4"),
                        Option("hub5", "Northwind Hub 5"),
                        Option("other", "Another router"),
                    ),
                    variable="Router Model",
                ),
                Question(
                    "Firmware Version",
                    "text",
                    label="Firmware version (if you know it)",
                    mandatory=False,
                    max_characters=20,
                    variable="Firmware Version",
                ),
            ),
        ),
        Page(
            "Lights",
            "Check the lights",
            questions=(
                Question(
                    "Lights On",
                    "multiple",
                    label="Which lights are on?",
                    header_html="<p>Look at the <b>front</b> of the router.</p>",
                    options=(
                        Option("power", "Power"),
                        Option("broadband", "Broadband"),
                        Option("internet", "Internet"),
                        Option("wifi", "Wi-Fi"),
                    ),
                    variable="Lights Status",
                ),
            ),
        ),
        Page(
            "Lights Photo",
            "Photo of the lights",
            questions=(
                Question(
                    "Lights Photo",
                    "photo",
                    label="Take a photo of the front of the router",
                    footer_html="<p>Make sure all the lights are in the picture.</p>",
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Cables",
            "Check the cables",
            questions=(
                Question(
                    "DSL Cable",
                    "single",
                    label="Is the grey cable plugged into the port marked DSL?",
                    options=_YES_NO,
                ),
            ),
        ),
        Page(
            "WiFi",
            "Your Wi-Fi",
            questions=(
                Question(
                    "WiFi Name",
                    "text",
                    label="Wi-Fi network name",
                    header_html=(
                        "<p>It&#39;s on the card that came with the router.</p>"
                    ),
                    max_characters=32,
                    variable="Wi-Fi Name",
                ),
            ),
        ),
        Page(
            "Speed Test",
            "Line test",
            header_html="<p>We tested your line remotely.</p>",
            questions=(
                Question(
                    "Speed Results",
                    "collection",
                    columns=(
                        ("test", "Test"),
                        ("download", "Download"),
                        ("upload", "Upload"),
                    ),
                    rows=(
                        ("Line sync", "48.2 Mbit/s", "9.6 Mbit/s"),
                        ("Router to exchange", "46.9 Mbit/s", "9.1 Mbit/s"),
                    ),
                ),
            ),
        ),
        Page(
            "Back Photo",
            "Back of the router",
            questions=(
                Question(
                    "Back Photo",
                    "photo",
                    label="Take a photo of the cables at the back",
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Result",
            "Is it working?",
            questions=(
                Question(
                    "Working Now",
                    "single",
                    label="Is your internet working now?",
                    options=(
                        Option("yes", "Yes"),
                        Option("partly", "Partly (slow or dropping)"),
                        Option("no", "No"),
                    ),
                ),
            ),
        ),
        Page(
            "Callback",
            "Need more help?",
            questions=(
                Question(
                    "Help Option",
                    "single",
                    label="How can we help further?",
                    options=(
                        Option("callback", "Call me back"),
                        Option("chat", "Chat with an expert"),
                        Option("no_thanks", "No thanks"),
                    ),
                    variable="Callback Requested",
                ),
                Question(
                    "Best Time",
                    "text",
                    label="Best time to call",
                    mandatory=False,
                    max_characters=40,
                ),
            ),
        ),
        Page(
            "Done",
            "All done",
            header_html="<p>Thanks for setting up your router with us.</p>",
            position="last",
        ),
    ),
    variable_sets={
        "customerInfoSet": CUSTOMER_INFO_SET,
        "routingDataSet": ROUTING_DATA_SET,
        "deviceInfoSet": DEVICE_INFO_SET,
    },
)


def instances() -> tuple[Instance, ...]:
    """The finished router set-up and the live one, in that order."""
    return (
        Instance(
            unique_id=ROUTER_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=ROUTER_FLOW,
            attributes=CallerAttributes(
                dnid="4321",
                call_return_number="4155550100",
                click_to_call_caller_id="4155550199",
                history_search_id="nw-router-959595",
            ),
            time_zone="Europe/London",
            variables={
                "First Name": "Olivia",
                "Last Name": "Bennett",
                "Customer ID": "NW-559012",
                "Phone Number": "4155550199",
                "Language": "en-gb",
                "Customer Profile": "broadband",
            },
            visits=ending_at(
                -5 * HOUR,
                [
                    ("Welcome", {}),
                    ("Model", {"Router Model": ("hub4",), "Firmware Version": "4.2.1"}),
                    ("Lights", {"Lights On": ("power", "broadband")}),
                    ("Lights Photo", {"Lights Photo": (GIF_PHOTO_PATH,)}),
                    ("Cables", {"DSL Cable": ("no",)}),
                    ("WiFi", {"WiFi Name": "Northwind-5G-7F3A"}),
                    ("Speed Test", {}, {"Line Test Result": "sync OK, 48.2 Mbit/s"}),
                    ("Back Photo", {"Back Photo": (ROUTER_BACK_PHOTO_PATH,)}),
                    ("Result", {"Working Now": ("yes",)}),
                    ("Callback", {"Help Option": ("no_thanks",), "Best Time": ""}),
                    (
                        "Done",
                        {},
                        {"Target Telephony Queue": "broadband", "Priority": "low"},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=LIVE_UNIQUE_ID,
            account_id=NORTHWIND_ACCOUNT_ID,
            flow=ROUTER_FLOW,
            attributes=CallerAttributes(
                dtmf="7301",
                dnid="4322",
                click_to_call_caller_id="4155550123",
                history_search_id="nw-live-7301846",
            ),
            time_zone="Europe/London",
            variables={
                "First Name": "Kenji",
                "Last Name": "Watanabe",
                "Customer ID": "NW-730184",
                "Phone Number": "4155550123",
                "Language": "en-gb",
                "Customer Profile": "broadband",
            },
            visits=_live_visits(),
        ),
    )


def _live_visits() -> tuple[Visit, ...]:
    """The live router set-up: pages before the start, then one every 5 s."""
    steps: list[Step] = [
        ("Welcome", {}),
        ("Model", {"Router Model": ("hub5",), "Firmware Version": ""}),
        ("Lights", {"Lights On": ("power",)}),
        ("Lights Photo", {"Lights Photo": (LIVE_FRONT_PHOTO_PATH,)}),
        ("Cables", {"DSL Cable": ("yes",)}),
        ("WiFi", {"WiFi Name": "Kenji-東京-WiFi"}),
        ("Speed Test", {}, {"Line Test Result": "sync OK, 12.0 Mbit/s (slow)"}),
        ("Back Photo", {"Back Photo": (LIVE_BACK_PHOTO_PATH,)}),
        ("Result", {"Working Now": ("partly",)}),
        ("Callback", {"Help Option": ("callback",), "Best Time": "after 6 pm"}),
        (
            "Done",
            {},
            {
                "Target Telephony Queue": "broadband-tier2",
                "Agent Skill": "router-setup",
                "Priority": "high",
            },
        ),
    ]
    if len(steps) != LIVE_TOTAL_PAGES:
        raise RuntimeError("LIVE_TOTAL_PAGES does not match the live steps")
    visits = []
    for index, step in enumerate(steps):
        if index < LIVE_INITIAL_PAGES:
            at = -15.0 * (LIVE_INITIAL_PAGES - index)
        else:
            at = LIVE_PAGE_INTERVAL * (index - LIVE_INITIAL_PAGES + 1)
        variables = step[2] if len(step) == 3 else {}
        visits.append(Visit(step[0], at, step[1], variables))
    return tuple(visits)


def photo_specs() -> tuple[PhotoSpec, ...]:
    """The router photos uploaded in the set-ups."""
    return (
        PhotoSpec(
            path=GIF_PHOTO_PATH,
            format="GIF",
            size=(640, 480),
            subject="router_lights",
            caption="Router lights",
        ),
        PhotoSpec(
            path=ROUTER_BACK_PHOTO_PATH,
            format="PNG",
            size=(800, 600),
            subject="router_back",
            caption="Router, back panel",
        ),
        PhotoSpec(
            path=LIVE_FRONT_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="router_front",
            caption="Router, front",
            taken="2025:06:02 13:00:05",
        ),
        PhotoSpec(
            path=LIVE_BACK_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="router_back",
            caption="Router, cables",
            taken="2025:06:02 13:00:25",
        ),
    )
