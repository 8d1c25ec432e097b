"""JSON bodies of the simulator, shaped like the captured responses.

Pure functions from a :class:`~interactions.simulator.model.Snapshot` to JSON
values: the full flow (docs/xplatform-api.md sections 5.2 and 6, decisions
e and f), the summary (5.3) and a variable set (5.4, decision h). Written
from the API reference, never from the console's client or schemas.
"""

from __future__ import annotations

import html
import posixpath
import re
from typing import Any

from interactions.simulator.model import (
    Answer,
    Flow,
    Page,
    Question,
    Snapshot,
    TimedVisit,
    element_id,
    lower_camel,
)

__all__ = ["full_flow", "plain_text", "summary", "variable_set"]

JSONDict = dict[str, Any]

_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
# Only ASCII whitespace collapses: a decoded &#160; (U+00A0) must survive,
# as in the captured summary's "Question 1 Header \u00a0 DTMF ..." (CAP-SUM).
_ASCII_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_ASCII_WHITESPACE = " \t\r\n\f\v"


def plain_text(fragment: str) -> str:
    """A header or footer as in the summary: no tags, entities decoded, trimmed.

    U-SUM: "plain text, with styles, tags, images and videos removed".
    Block-level tags become a space so paragraphs do not run together.
    """
    text = _BLOCK_TAG.sub(" ", fragment)
    text = _TAG.sub("", text)
    text = html.unescape(text)
    text = _ASCII_SPACE.sub(" ", text)
    return text.strip(_ASCII_WHITESPACE)


# --- full flow ------------------------------------------------------------


def _button(label: str, action: str, *, visible: bool = True) -> JSONDict:
    return {
        "buttonState": "NORMAL",
        "buttonVisible": visible,
        "buttonLabel": label,
        "buttonAction": action,
    }


# Button labels are i18n keys in the captures (CAP-FF).
_NEXT = _button("BTN_NEXT", "server://navigationType?type=NEXT&shouldSendFormData=true")
_FINISH = _button(
    "BTN_DONE", "server://navigationType?type=FINISH&shouldSendFormData=true"
)
_PREVIOUS = _button(
    "BTN_BACK", "server://navigationType?type=PREVIOUS&shouldSendFormData=false"
)
_PREVIOUS_HIDDEN = _button(
    "BTN_BACK",
    "server://navigationType?type=PREVIOUS&shouldSendFormData=false",
    visible=False,
)
_BACK_TO_APP = _button("BTN_BACK", "local://navigationType?type=BACK_TO_COVER_APP")


def _menu() -> JSONDict:
    more = _button("BTN_MORE", "local://CURRENT")
    more["buttonImageName"] = "icon_more.png"
    call = _button("LBL_CALL", "local://call?phone=18001234567&voiceQueue=0")
    call["buttonImageName"] = "icon_call.png"
    return {"menuVisible": False, "menuButtons": [more, call]}


def full_flow(snapshot: Snapshot) -> list[JSONDict]:
    """The page array, in navigation order, one element per page visit."""
    flow = snapshot.instance.flow
    return [_page(flow, timed) for timed in snapshot.visits]


def _page(flow: Flow, timed: TimedVisit) -> JSONDict:
    page = timed.page
    if page.position == "first":
        left, right = _BACK_TO_APP, _NEXT
    elif page.position == "last":
        left, right = _PREVIOUS_HIDDEN, _FINISH
    else:
        left, right = _PREVIOUS, _NEXT
    content: JSONDict = {}
    if page.header_html:
        content["contentHeader"] = {
            "id": element_id(flow.flow_id, page.ref, "header"),
            "innerHtml": page.header_html,
        }
    if page.questions:
        content["contentSections"] = [
            _section(flow, page, question, timed.visit.answers.get(question.ref))
            for question in page.questions
        ]
    if page.footer_html:
        content["contentFooter"] = {
            "id": element_id(flow.flow_id, page.ref, "footer"),
            "innerHtml": page.footer_html,
        }
    content["allowVerticalScroll"] = True
    content["allowHorizonalScroll"] = False  # sic (CAP-FF)
    return {
        "pageNavigation": {
            "navigationTitle": page.title,
            "pageReferenceName": page.ref,
            "navigationRight": dict(right),
            "navigationLeft": dict(left),
        },
        "pageContent": content,
        "pageMenu": _menu(),
        "language": flow.language,
        # Decision e: page-level epoch milliseconds, the time of navigation (U-FF).
        "timestamp": timed.time_ms,
    }


def _section(
    flow: Flow, page: Page, question: Question, answer: Answer | None
) -> JSONDict:
    section_id = element_id(flow.flow_id, page.ref, question.ref)
    section: JSONDict = {"id": section_id}
    if question.header_html:
        # The captured header and footer reuse the section's id (CAP-FF).
        section["sectionHeader"] = {"id": section_id, "innerHtml": question.header_html}
    if question.kind != "collection":
        section["sectionLabel"] = question.label
    section["selectionType"] = "MULTIPLE" if question.kind == "multiple" else "SINGLE"
    section["sectionNumberOfColumns"] = 0
    section["sectionChoices"] = _choices(section_id, question, answer)
    if question.kind == "collection":
        section["displayStyle"] = "TableRows"
        section["tableHeaders"] = [
            {"field": name, "header": header, "align": "left"}
            for name, header in question.columns
        ]
    if question.footer_html:
        section["sectionFooter"] = {"id": section_id, "innerHtml": question.footer_html}
    section["referenceName"] = question.ref
    return section


def _choices(
    section_id: str, question: Question, answer: Answer | None
) -> list[JSONDict]:
    if question.kind == "text":
        return [
            {
                "id": section_id,
                "choiceValue": answer if isinstance(answer, str) else "",
                "referenceName": question.ref,
                "textInput": {
                    "id": section_id,
                    "buttonVisible": True,
                    "maxCharacters": question.max_characters,
                    "numberOfLines": question.lines,
                    "textInputFormat": question.text_format,
                    "textMask": question.text_mask,
                    "isMandatory": question.mandatory,
                },
            }
        ]
    if question.kind in ("single", "multiple"):
        chosen = _selected(answer)
        choices = []
        for option in question.options:
            choice_id = element_id(section_id, option.value)
            choices.append(
                {
                    "id": choice_id,
                    "choiceLabel": option.label,
                    "choiceValue": option.value,
                    "referenceName": question.ref,
                    "choiceOption": {"id": choice_id},
                    # Project decision: selection is a choice-level boolean.
                    "selected": option.value in chosen,
                }
            )
        return choices
    if question.kind == "photo":
        paths = answer if isinstance(answer, tuple) else ()
        return [
            {
                "id": section_id,
                "choiceValue": "",
                "referenceName": question.ref,
                # Decision f: the v7.0 uploadImageList choice kind (J-CHO).
                "uploadImageList": {"images": [{"imagePath": path} for path in paths]},
            }
        ]
    # collection: display rows, ids and reference names suffixed as in CAP-FF.
    item_id = element_id(section_id, "item")
    fields = [name for name, _ in question.columns]
    return [
        {
            "id": f"{item_id}:{index}",
            "choiceValue": "0",
            "referenceName": f"{question.ref}:{index + 1}",
            "collectionItem": dict(zip(fields, row, strict=True)),
            "firstName": fields[0],
        }
        for index, row in enumerate(question.rows)
    ]


def _selected(answer: Answer | None) -> set[str]:
    if answer is None:
        return set()
    if isinstance(answer, str):
        return {answer}
    return set(answer)


# --- summary --------------------------------------------------------------


def summary(snapshot: Snapshot) -> JSONDict:
    """The summary object: only pages with customer input (U-SUM, CAP-SUM)."""
    instance = snapshot.instance
    pages = []
    for timed in snapshot.visits:
        if not timed.page.takes_input:
            continue
        pages.append(
            {
                "pageTitle": timed.page.title,
                "time": timed.time_ms,
                "timeZone": timed.time_zone_minutes,
                "pageContent": [
                    {
                        "id": element_id(
                            instance.flow.flow_id, timed.page.ref, question.ref
                        ),
                        "question": question.label,
                        "header": plain_text(question.header_html),
                        "footer": plain_text(question.footer_html),
                        "answer": _answer_text(
                            question, timed.visit.answers.get(question.ref)
                        ),
                    }
                    for question in timed.page.questions
                    if question.takes_input
                ],
            }
        )
    return {
        "name": instance.flow.name,
        "id": instance.flow.flow_id,
        "uniqueId": instance.unique_id,
        "pages": pages,
    }


def _answer_text(question: Question, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if question.kind == "photo":
        paths = answer if isinstance(answer, tuple) else (answer,)
        return ", ".join(posixpath.basename(path) for path in paths)
    if question.kind in ("single", "multiple"):
        # U-SUM: only the selected option(s); several are joined with ", ".
        return ", ".join(question.option_labels(_selected(answer)))
    return answer if isinstance(answer, str) else ", ".join(answer)


# --- variable sets --------------------------------------------------------


def variable_set(snapshot: Snapshot, set_id: str) -> JSONDict | None:
    """``{"voice": {"data": {...}}}`` for a set of the flow, or None (5.4)."""
    names = snapshot.instance.flow.variable_sets.get(set_id)
    if names is None:
        return None
    data = {lower_camel(name): snapshot.variables.get(name, "") for name in names}
    return {"voice": {"data": data}}
