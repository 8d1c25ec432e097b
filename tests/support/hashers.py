"""A password hasher that counts the hashes it computes.

The suite's fast MD5 hasher with a counter: a test that must show a refusal
came *before* any password hash reads ``CountingHasher.hashes`` around it.
Every hash goes through ``encode()``: checking a password re-encodes it, and
an unknown user name still hashes once (Django's timing defence).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import MD5PasswordHasher

PATH = "tests.support.hashers.CountingHasher"


class CountingHasher(MD5PasswordHasher):
    hashes = 0

    def encode(self, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        CountingHasher.hashes += 1
        return super().encode(password, salt, *args, **kwargs)
