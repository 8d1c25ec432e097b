"""Captured upstream payloads and builders shared by the schema tests."""

from __future__ import annotations

import json
from typing import Any

UUID = "902c943b-1911-4689-aed3-099c2168cbe6"
IMAGE = "/mnt/sdcard/home/downloads/i1152998579.png"

# The captured first page (CAP-FF), structure unchanged.
CAPTURED_PAGE = json.loads(
    r"""
{
  "pageNavigation": {
    "navigationTitle": "Question 1 Title",
    "pageReferenceName": "Question 1",
    "navigationRight": { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_DONE",
                         "buttonAction": "server://navigationType?type=FINISH&shouldSendFormData=true" },
    "navigationLeft":  { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_BACK",
                         "buttonAction": "local://navigationType?type=BACK_TO_COVER_APP" }
  },
  "pageContent": {
    "contentSections": [ {
      "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
      "sectionHeader": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
                         "innerHtml": "<p>Question 1 Header </p> <p>&#160; </p> <p>DTMF for history search = 0407013 </p>" },
      "sectionLabel": "Question 1 Label",
      "selectionType": "SINGLE",
      "sectionNumberOfColumns": 0,
      "sectionChoices": [ {
        "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
        "choiceValue": "historyTest2 !@#$%^&*(){}\",",
        "referenceName": "Question 1",
        "textInput": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1", "buttonVisible": true,
                       "maxCharacters": 150, "numberOfLines": 1, "textInputFormat": "TEXT",
                       "textMask": "######", "isMandatory": true }
      } ],
      "sectionFooter": { "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
                         "innerHtml": "<p>Question 1 Footer </p>" },
      "referenceName": "Question 1"
    } ],
    "allowVerticalScroll": true,
    "allowHorizonalScroll": false
  },
  "pageMenu": { "menuVisible": false,
                "menuButtons": [ { "buttonState": "NORMAL", "buttonVisible": true, "buttonLabel": "BTN_MORE",
                                   "buttonAction": "local://CURRENT", "buttonImageName": "icon_more.png" } ] },
  "language": "en"
}
"""  # noqa: E501 - the capture is kept exactly as printed in the reference
)

# The captured collection section (CAP-FF), trimmed as in the reference.
COLLECTION_SECTION = json.loads(
    """
{ "id": "1428325486322-8869b09ba9bb121517db46d8f9e914c8ecd3dcc-17e3",
  "selectionType": "SINGLE", "sectionNumberOfColumns": 0,
  "sectionChoices": [
    { "id": "1428325486322-8816b09ba9bb121517db46d8f9e914c8ecd3dcc-17ae:0", "choiceValue": "0",
      "referenceName": "ChildCollOrder1:1",
      "collectionItem": { "subtotal": "3000", "description": "parent order 1",
                          "name": "parent salih beshara", "image_url": "www.jacada.com" },
      "firstName": "subtotal" } ],
  "displayStyle": "TableRows",
  "tableHeaders": [ { "field": "subtotal", "header": "subtotal", "align": "left" },
                    { "field": "description", "header": "description", "align": "left" } ],
  "referenceName": "Child Order collection page 2" }
"""  # noqa: E501
)

# The captured summary (CAP-SUM), complete.
CAPTURED_SUMMARY = json.loads(
    r"""
{
  "name": "S9T1Parent",
  "id": "1428325870378-2321b09ba9bb121517db46d8f9e914c8ecd3dcc-2563",
  "uniqueId": "902c943b-1911-4689-aed3-099c2168cbe6",
  "pages": [
    {
      "pageTitle": "Question 1 Title",
      "time": 1428354535103,
      "timeZone": 120,
      "pageContent": [
        {
          "id": "1428325870376-2175b09ba9bb121517db46d8f9e914c8ecd3dcc-24d1",
          "question": "Question 1 Label",
          "header": "Question 1 Header \u00a0 DTMF for history search = 0407013",
          "footer": "Question 1 Footer",
          "answer": "historyTest2 !@#$%^&*(){}\","
        }
      ]
    }
  ]
}
"""
)

# The documented v7.0 variable-set sample (J-VS).
VARIABLE_SET: dict[str, Any] = {
    "voice": {
        "data": {
            "customerProfile": "postpaid",
            "customerId": "12345",
            "targetTelephonyQueue": "billing",
            "phoneNumber": "7770000",
            "agentSkill": "",
            "language": "en-us",
            "lastName": "Smith",
            "firstName": "Jane",
        }
    }
}


def choice_section(*choices: Any) -> dict[str, Any]:
    return {"id": "s1", "sectionChoices": list(choices)}
