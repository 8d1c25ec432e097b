"""The admin's delete confirmations in words an admin reads.

Django lists every row a delete takes with it, the rows of its many-to-many
links included: a single sign-on mapping's link to an account reads
"Ssogroupmapping-xplatformaccount relationship: SsoGroupMapping_accounts
object (2)", in English in every language (Django names these link tables
once, at start-up, from the tables' code names). Here such a row is said as
the link it is, "Link between single sign-on group mapping
“contact-centre-agents” and X-Platform account “Acme Insurance”", and the
summary counts "links between single sign-on group mappings and X-Platform
accounts". Everything else is Django's own ``get_deleted_objects``: the
same rows, links to their pages, and the permissions a delete needs.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
# What Django's get_deleted_objects gives: the rows to delete (nested), the
# count per kind, the kinds the admin may not delete, the protected rows.
Deleted = tuple[list[Any], dict[str, int], set[str], list[Any]]


def _ends(model: type[Model]) -> list[Any]:
    """The two foreign keys of a many-to-many link table."""
    return [field for field in model._meta.fields if field.is_relation]


def _link_row(row: Model) -> str:
    """The link in a sentence, each row's name isolated (``<bdi>``): in a
    Hebrew page an English name would carry the quotes around it off."""
    one, other = _ends(type(row))
    sentence = gettext("Link between %(one)s “%(first)s” and %(other)s “%(second)s”")
    template = PLACEHOLDER.sub(r"{\1}", sentence.replace("{", "{{").replace("}", "}}"))
    return format_html(
        template,
        one=one.related_model._meta.verbose_name,
        first=format_html("<bdi>{}</bdi>", getattr(row, one.name)),
        other=other.related_model._meta.verbose_name,
        second=format_html("<bdi>{}</bdi>", getattr(row, other.name)),
    )


def _links_of(model: type[Model]) -> str:
    one, other = _ends(model)
    return gettext("links between %(one)s and %(other)s") % {
        "one": one.related_model._meta.verbose_name_plural,
        "other": other.related_model._meta.verbose_name_plural,
    }


def _kind(model: Any) -> str:
    """A kind of row in the summary: its plural name, or the link's."""
    if model._meta.auto_created:
        return _links_of(model)
    return str(model._meta.verbose_name_plural)


def deleted_objects(objs: Any, request: HttpRequest, admin_site: Any) -> Deleted:
    """Django's ``admin.utils.get_deleted_objects`` (5.2), link rows in words."""
    try:
        first = objs[0]
    except IndexError:
        return [], {}, set(), []
    collector = NestedObjects(using=router.db_for_write(first._meta.model), origin=objs)
    collector.collect(objs)
    perms_needed: set[str] = set()

    def format_callback(obj: Model) -> str:
        model = type(obj)
        opts = obj._meta
        if opts.auto_created:
            return _link_row(obj)
        no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
        if not admin_site.is_registered(model):
            return no_edit_link
        if not admin_site.get_model_admin(model).has_delete_permission(request, obj):
            perms_needed.add(str(opts.verbose_name))
        try:
            url = reverse(
                f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                None,
                (quote(obj.pk),),
            )
        except NoReverseMatch:
            return no_edit_link
        return format_html(
            '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj
        )

    to_delete = collector.nested(format_callback)
    protected = [format_callback(obj) for obj in collector.protected]
    model_count = {
        _kind(model): len(rows) for model, rows in collector.model_objs.items()
    }
    return to_delete, model_count, perms_needed, protected


class ReadableDeletion:
    """A ModelAdmin mixin: its delete page and "delete selected" action say
    link rows in words (``deleted_objects``)."""

    admin_site: Any

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Deleted:
        return deleted_objects(objs, request, self.admin_site)
