"""The console's JSON API under /api/v1/ (Django REST framework).

The views here are thin: they call the same services, roles and account
scoping as the HTML pages and write the same access-log rows, marked
``source="api"``.
"""
