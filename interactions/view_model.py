"""A base for the interaction page's view models: cheap lookups in templates.

Django's template engine resolves ``{{ step.title }}`` by trying
``step["title"]`` first and only then ``step.title``; on a plain dataclass
the first try raises and catches a TypeError, once for every lookup of
every row. An interaction page made about a thousand such lookups when its
sections were Django templates (they are Jinja2 now, which tries the
attribute first; ``detail.html`` and the review pages still look up
``page``'s fields this way), so the view models answer the first try themselves:
``["title"]`` is the attribute, and a name they do not have is a KeyError,
after which the engine goes on exactly as before (attribute, then index,
then "invalid"). About a tenth of the sections' rendering time
(docs/performance.md). Nothing else indexes these objects.
"""

from __future__ import annotations

from typing import Any


class TemplateLookup:
    """Mixed into the page's dataclasses; adds no state (empty slots)."""

    __slots__ = ()
    # Not a sequence: without this, __getitem__ alone would make iter(), `in`
    # and Django's is_iterable treat the object as one.
    __iter__ = None

    def __getitem__(self, name: object) -> Any:
        if not isinstance(name, str) or name.startswith("_"):
            raise KeyError(name)
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None
