"""The browser test audits every admin page there is (issue 14: every admin
page state, light and dark, English and Hebrew, 1280 and 420 px).

The pages it visits are named in tests/browser/admin_pages.py. A model
registered in the admin later, or a link added to the admin index, fails
here until its pages are named there too: every changelist of the admin
site's registry, the add, change and delete pages of every model a tenant
admin or a superuser may add, see or delete, and every admin link of the
admin index and of each app's index.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory
from django.urls import resolve, reverse

from tests.browser.admin_pages import (
    ACCOUNT_BULK_DELETES,
    IDENTITY_BULK_DELETES,
    account_pages,
    admin_rows,
    identity_pages,
    superuser_pages,
)
from tests.support.console import PASSWORD, logged_in_verified


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _view(path: str) -> str:
    return resolve(path.split("?")[0]).view_name


def _paths(rows: Any, superuser: User) -> set[str]:
    pages = [
        *account_pages(rows),
        *identity_pages(rows),
        *superuser_pages(rows, superuser),
    ]
    bulk = [*ACCOUNT_BULK_DELETES, *IDENTITY_BULK_DELETES]
    changelists = {reverse(f"admin:{b.changelist}") for b in bulk}
    return {path.split("?")[0] for _, path in pages} | changelists


def _covered(rows: Any, superuser: User) -> set[str]:
    return {_view(path) for path in _paths(rows, superuser)}


def _is_covered(path: str, paths: set[str], views: set[str]) -> bool:
    """A page of one row is covered by the same page of another row; any
    other page (an app's index, a list, a form to add) by itself."""
    match = resolve(path)
    if "object_id" in match.kwargs or "id" in match.kwargs:
        return match.view_name in views
    return path in paths


def _needed(user: User) -> set[str]:
    """The admin pages of every registered model ``user`` may reach."""
    request = RequestFactory().get("/admin/")
    request.user = user
    needed = set()
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        needed.add(f"{name}_changelist")
        if not model_admin.has_module_permission(request):
            continue
        if model_admin.has_add_permission(request):
            needed.add(f"{name}_add")
        if model_admin.has_view_or_change_permission(request):
            needed.add(f"{name}_change")
        if model_admin.has_delete_permission(request):
            needed.add(f"{name}_delete")
    return needed


def test_every_admin_page_a_person_may_reach_is_audited(admin_user, agent, home):
    rows = admin_rows(admin_user, home, agent)
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    covered = _covered(rows, root)
    assert len(covered) > 40
    missing = (_needed(admin_user) | _needed(root)) - covered
    assert missing == set()


def test_every_link_of_the_admin_indexes_is_audited(admin_user, agent, home):
    """Walk the admin's index and each app's index, as a tenant admin and as
    a superuser: every link into the admin is to a page the browser test
    audits."""
    rows = admin_rows(admin_user, home, agent)
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    paths, views = _paths(rows, root), _covered(rows, root)
    walked: dict[str, str] = {}
    for person in (admin_user, root):
        client = logged_in_verified(person)
        index = reverse("admin:index")
        queue, seen = [index], {index}
        while queue:
            page = queue.pop()
            response = client.get(page)
            assert response.status_code == 200, page
            links = Links()
            links.feed(response.content.decode())
            for href in links.hrefs:
                path = href.split("#")[0].split("?")[0]
                if not path.startswith("/admin/") or path in seen:
                    continue
                seen.add(path)
                walked[path] = _view(path)
                if _view(path) == "admin:app_list":
                    queue.append(path)
    assert "admin:app_list" in walked.values()
    assert "admin:identity_apitoken_add" in walked.values()
    left = {path for path in walked if not _is_covered(path, paths, views)}
    assert left == set()
