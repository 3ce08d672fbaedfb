"""What every repository shares: it works inside one unit of work's session and never commits."""

from __future__ import annotations

from sqlalchemy.orm import Session


class Repository:
    """A collection of one area's records over the session of one unit of work.

    A repository adds, finds and changes records; the unit of work commits or rolls back (never the
    repository). Services hold repositories, not sessions, so they import no SQLAlchemy.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
