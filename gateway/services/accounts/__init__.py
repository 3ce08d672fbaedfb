"""Staff accounts and their passwords and lockout, console sessions, and API keys.

- staff: StaffService, the accounts' management and logins;
- logins: the lockout of accounts and addresses after failed logins;
- passwords: password and username rules, the slow hashes;
- sessions: console sessions kept in the database;
- keys: KeyService, API keys issued once in clear and stored as a hash;
- snapshots: StaffInfo and KeyInfo, what these services hand back.
"""

from gateway.services.accounts.keys import KEY_PREFIX, KeyService
from gateway.services.accounts.logins import client_key
from gateway.services.accounts.passwords import PasswordHasher, ScryptHasher
from gateway.services.accounts.sessions import SESSION_HOURS, SessionStore
from gateway.services.accounts.snapshots import KeyInfo, StaffInfo
from gateway.services.accounts.staff import MANAGE, StaffService

__all__ = [
    "KEY_PREFIX",
    "MANAGE",
    "SESSION_HOURS",
    "KeyInfo",
    "KeyService",
    "PasswordHasher",
    "ScryptHasher",
    "SessionStore",
    "StaffInfo",
    "StaffService",
    "client_key",
]
