"""Who may sign in and how: single sign-on, API tokens, sign-in lockout, MFA.

A Django app of its own (label ``identity``) inside the console package, so
its tables and migrations stay apart from the interaction tables
(docs/architecture.md, "Identity").
"""
