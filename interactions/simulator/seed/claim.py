"""The motor-claim flow of Acme Insurance and its three interactions.

``040100713`` (photos with EXIF and a PNG), the 3-day-old UUID instance that
goes back from "Photos" to "Damaged areas", and ``040100709`` with the 12 MP
photo; plus the specs of the photos they upload.
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
from interactions.simulator.photos import PhotoSpec
from interactions.simulator.seed.common import (
    CLAIM_DATA_SET,
    CUSTOMER_INFO_SET,
    DAY,
    HOUR,
    ROUTING_DATA_SET,
    ZOE,
    ending_at,
)
from interactions.simulator.seed.ids import (
    ACME_ACCOUNT_ID,
    BIG_PHOTO_PATH,
    BIG_PHOTO_UNIQUE_ID,
    EXIF_PHOTO_PATH,
    HISTORY_SEARCH_ID,
    LEADING_ZERO_UNIQUE_ID,
    OLD_ONLY_CALLER_ID,
    PNG_PHOTO_PATH,
    REAR_PHOTO_PATH,
    SHARED_PHONE,
    UUID_UNIQUE_ID,
)

CLAIM_FLOW = Flow(
    flow_id=element_id("flow", "motor-claim"),
    name="Motor Claim FNOL",
    pages=(
        Page(
            "Welcome",
            "Report a car accident",
            header_html=(
                "<p><b>Acme Insurance</b> &amp; you</p> <p>&#160;</p> "
                "<p>Let&#39;s get your claim started. "
                "It takes about 5&#160;minutes.</p>"
            ),
            position="first",
        ),
        Page(
            "Policy",
            "Your policy",
            questions=(
                Question(
                    "Policy Number",
                    "text",
                    label="Policy number",
                    header_html=(
                        "<p>You can find it on your insurance card&#160;"
                        "<b>(10&#160;characters)</b></p>"
                    ),
                    footer_html="<p>Example: <b>AC-1234567</b></p>",
                    text_mask="AA-#######",
                    max_characters=10,
                    variable="Policy Number",
                ),
                Question(
                    "Full Name", "text", label="Your full name", max_characters=80
                ),
            ),
        ),
        Page(
            "Incident",
            "What happened?",
            questions=(
                Question(
                    "Incident Type",
                    "single",
                    label="What happened to your car?",
                    options=(
                        Option("collision", "Collision with another vehicle"),
                        Option("single_vehicle", "Single-vehicle accident"),
                        Option("theft", "Theft or attempted theft"),
                        Option("vandalism", "Vandalism"),
                        Option("weather", "Storm, flood or hail"),
                    ),
                    variable="Claim Type",
                ),
                Question(
                    "Incident Location",
                    "text",
                    label="Where did it happen?",
                    header_html="<p>Street &amp; town, as precisely as you can.</p>",
                    max_characters=200,
                    variable="Incident Location",
                ),
            ),
        ),
        Page(
            "Coverage",
            "Your cover",
            header_html="<p>This is what your policy covers.</p>",
            questions=(
                Question(
                    "Coverage Table",
                    "collection",
                    columns=(
                        ("coverage", "Cover"),
                        ("limit", "Limit"),
                        ("excess", "Excess"),
                    ),
                    rows=(
                        ("Accidental damage", "Market value", "$500"),
                        ("Third-party liability", "$1,000,000", "$0"),
                        ("Windscreen", "Unlimited", "$75"),
                    ),
                ),
            ),
        ),
        Page(
            "Damage",
            "Damaged areas",
            questions=(
                Question(
                    "Damage Areas",
                    "multiple",
                    label="Which parts of the car are damaged?",
                    header_html="<p>Select <b>all</b> that apply.</p>",
                    options=(
                        Option("front_bumper", "Front bumper"),
                        Option("rear_bumper", "Rear bumper"),
                        Option("left_door", "Left door"),
                        Option("right_door", "Right door"),
                        Option("windscreen", "Windscreen"),
                        Option("bonnet", "Bonnet"),
                    ),
                    variable="Damage Areas",
                ),
            ),
        ),
        Page(
            "Photos",
            "Photos of the damage",
            questions=(
                Question(
                    "Damage Photos",
                    "photo",
                    label="Upload photos of the damage",
                    header_html=(
                        "<p>Take photos in daylight&#160;&#8211; one close-up, "
                        "one from 3&#160;m away.</p>"
                    ),
                    footer_html="<p>JPG, PNG or GIF, up to 10&#160;MB each.</p>",
                    mandatory=False,
                    variable="Photo Count",
                ),
            ),
        ),
        Page(
            "Description",
            "Describe the damage",
            questions=(
                Question(
                    "Damage Description",
                    "text",
                    label="In your own words, what happened?",
                    max_characters=1000,
                    lines=5,
                    mandatory=False,
                ),
            ),
        ),
        Page(
            "Contact",
            "How can we reach you?",
            questions=(
                Question(
                    "Contact Preference",
                    "single",
                    label="How should we contact you?",
                    options=(
                        Option("callback", "Call me back"),
                        Option("email", "Email"),
                        Option("sms", "Text message (SMS)"),
                    ),
                    variable="Callback Requested",
                ),
                Question(
                    "Callback Number",
                    "text",
                    label="Your phone number",
                    text_format="NUMBER",
                    max_characters=15,
                    mandatory=False,
                    variable="Callback Number",
                ),
            ),
        ),
        Page(
            "Submitted",
            "Claim submitted",
            header_html=(
                "<p>Thank you. Your claim has been submitted.</p> "
                "<p>An adjuster will call you within <b>1&#160;working day</b>.</p>"
            ),
            position="last",
        ),
    ),
    variable_sets={
        "customerInfoSet": CUSTOMER_INFO_SET,
        "routingDataSet": ROUTING_DATA_SET,
        "claimDataSet": CLAIM_DATA_SET,
    },
)


def instances() -> tuple[Instance, ...]:
    """The three motor claims of Acme, in the order the dataset lists them."""
    claim_submitted = {
        "Target Telephony Queue": "claims-motor",
        "Agent Skill": "motor-claims-tier1",
        "Priority": "normal",
    }
    return (
        Instance(
            unique_id=LEADING_ZERO_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="0407013",
                dnid="550113",
                call_return_number=SHARED_PHONE,
                history_search_id=HISTORY_SEARCH_ID,
            ),
            time_zone="America/New_York",
            variables=ZOE,
            visits=ending_at(
                -2 * HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-4418207", "Full Name": "Zoë Ångström"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("collision",),
                            "Incident Location": (
                                "Junction of Main St & 5th Ave, Springfield"
                            ),
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("front_bumper", "bonnet")}),
                    ("Photos", {"Damage Photos": (EXIF_PHOTO_PATH, PNG_PHOTO_PATH)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                'The other driver said "I didn\'t see the red light" '
                                "and hit my front bumper. The bonnet won't close & "
                                "the dent is < 10 cm."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {
                            "Contact Preference": ("callback",),
                            "Callback Number": SHARED_PHONE,
                        },
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-040713", **claim_submitted},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=UUID_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="4567",
                click_to_call_caller_id=OLD_ONLY_CALLER_ID,
                history_search_id="red-x9kq22bd7",
            ),
            time_zone="Asia/Tokyo",
            variables={
                "First Name": "Marcus",
                "Last Name": "O'Neill",
                "Customer ID": "AC-90417",
                "Phone Number": OLD_ONLY_CALLER_ID,
                "Language": "en-us",
                "Customer Profile": "standard",
            },
            visits=ending_at(
                -3 * DAY,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-9904417", "Full Name": "Marcus O'Neill"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("weather",),
                            "Incident Location": (
                                "東京 (Tokyo), Minato-ku car park, level 3"
                            ),
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("rear_bumper",)}),
                    # The customer went back from here without uploading.
                    ("Photos", {"Damage Photos": ()}),
                    ("Damage", {"Damage Areas": ("rear_bumper", "left_door")}),
                    ("Photos", {"Damage Photos": (REAR_PHOTO_PATH,)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                'Hail storm \u2013 dents "everywhere" on the boot '
                                "& the left door."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {"Contact Preference": ("email",), "Callback Number": ""},
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-902C94", **claim_submitted},
                    ),
                ],
            ),
        ),
        Instance(
            unique_id=BIG_PHOTO_UNIQUE_ID,
            account_id=ACME_ACCOUNT_ID,
            flow=CLAIM_FLOW,
            attributes=CallerAttributes(
                dtmf="0407009",
                dnid="550109",
                history_search_id="amber-c7tt40zn1",
            ),
            time_zone="America/Chicago",
            variables={
                "First Name": "Priya",
                "Last Name": "Natarajan",
                "Customer ID": "AC-71230",
                "Phone Number": "3125550188",
                "Language": "en-us",
                "Customer Profile": "standard",
            },
            visits=ending_at(
                -0.5 * HOUR,
                [
                    ("Welcome", {}),
                    (
                        "Policy",
                        {"Policy Number": "AC-7123009", "Full Name": "Priya Natarajan"},
                    ),
                    (
                        "Incident",
                        {
                            "Incident Type": ("vandalism",),
                            "Incident Location": "Outside 221 W Randolph St, Chicago",
                        },
                    ),
                    ("Coverage", {}),
                    ("Damage", {"Damage Areas": ("front_bumper", "windscreen")}),
                    ("Photos", {"Damage Photos": (BIG_PHOTO_PATH,)}),
                    (
                        "Description",
                        {
                            "Damage Description": (
                                "Someone kicked the bumper <b>overnight</b>."
                            )
                        },
                    ),
                    (
                        "Contact",
                        {
                            "Contact Preference": ("sms",),
                            "Callback Number": "3125550188",
                        },
                    ),
                    (
                        "Submitted",
                        {},
                        {"Claim Reference": "CLM-2025-040709", **claim_submitted},
                    ),
                ],
            ),
        ),
    )


def photo_specs() -> tuple[PhotoSpec, ...]:
    """The car-damage photos uploaded in the claims."""
    return (
        PhotoSpec(
            path=EXIF_PHOTO_PATH,
            format="JPEG",
            size=(1600, 1200),
            subject="car_front",
            caption="Front bumper & bonnet",
            orientation=6,
            gps=(40.7484, -73.9857),
        ),
        PhotoSpec(
            path=PNG_PHOTO_PATH,
            format="PNG",
            size=(800, 600),
            subject="car_side",
            caption="Scratch, rear door",
        ),
        PhotoSpec(
            path=REAR_PHOTO_PATH,
            format="JPEG",
            size=(1024, 768),
            subject="car_rear",
            caption="Hail damage, boot",
            taken="2025:05:30 17:44:55",
        ),
        PhotoSpec(
            path=BIG_PHOTO_PATH,
            format="JPEG",
            size=(4000, 3000),
            subject="car_front",
            caption="Bumper, 12 MP",
            taken="2025:06:02 08:30:00",
        ),
    )
