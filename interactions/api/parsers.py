"""The API's JSON parser: any body it cannot read is a 400, never a 500.

DRF's parser turns a ``ValueError`` into a parse error, but a body nested a
thousand levels deep makes the standard library raise ``RecursionError``
(issue 10); that is the client's input too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ConsoleJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(gettext("The JSON body is nested too deeply.")) from None
