from typing import Any

from django.http import HttpRequest

from jss.accounts.access import membership_of


def membership(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's membership for the header (institution and role)."""
    return {"membership": membership_of(getattr(request, "user", None))}
