"""Passwords of staff accounts: the rules they must meet, and their slow hashes."""

from __future__ import annotations

import re
from typing import Protocol

from werkzeug.security import check_password_hash, generate_password_hash

from gateway.domain.errors import InvalidInput

HASH_METHOD = "scrypt"
MIN_PASSWORD = 8
MAX_PASSWORD = 128
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")


class PasswordHasher(Protocol):
    """Makes and checks slow password hashes."""

    def hash(self, password: str) -> str: ...

    def verify(self, stored: str, password: str) -> bool: ...


class ScryptHasher:
    """werkzeug's scrypt hashes (HASH_METHOD, read at each call)."""

    def hash(self, password: str) -> str:
        """A new salted hash of the password."""
        return generate_password_hash(password, method=HASH_METHOD)

    def verify(self, stored: str, password: str) -> bool:
        """Whether the password is the one the hash was made of."""
        return check_password_hash(stored, password)


def valid_username(username: str) -> str:
    """The username as kept (lower case), or InvalidInput."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username", "2-32 characters: letters, digits, '_', '.', '-', starting with a letter or digit"
        )
    return name


def check_password(password: str) -> None:
    """InvalidInput unless the password is long enough and not trivially simple."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput("password", f"must be {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    if len(set(password)) < 4:
        raise InvalidInput("password", "too simple: use at least 4 different characters")
