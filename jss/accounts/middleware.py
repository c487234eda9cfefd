"""The idle time-out, without writing the session on every request.

A session ends SESSION_IDLE_MINUTES after the last request. Django's SESSION_SAVE_EVERY_REQUEST would write
the session row on every page (an UPDATE per request, most of them moving the expiry by a few seconds); here it
is written when a minute has passed since it was last renewed, so a session ends between SESSION_IDLE_MINUTES
minus one and SESSION_IDLE_MINUTES after the last request. Sessions of visitors who hold none (the public
directory) are not created.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

RENEWED = "_jss_renewed"  # when the session's expiry was last moved (seconds since the epoch)
RENEW_AFTER = 60  # seconds


class IdleTimeoutMiddleware:
    """After SessionMiddleware in MIDDLEWARE, so that it marks the session before that middleware saves it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.keys():  # no session, or one just flushed
            return response
        now = int(time.time())
        renewed = session.get(RENEWED)
        if session.modified or not isinstance(renewed, int) or now - renewed >= RENEW_AFTER:
            session[RENEWED] = now  # modified: SessionMiddleware saves it, with a new expiry
        return response


def renewed_at_sign_in(request: HttpRequest | None, **_signal: object) -> None:
    """On `user_logged_in`: signing in writes the session anyway, so it counts as a renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED] = int(time.time())
