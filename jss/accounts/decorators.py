"""View decorators for pages without an id in the URL (objects by id go through each app's access.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from jss.accounts.access import has_role, is_member

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Signed-in users without a membership (or deactivated) see a 403: they belong to no institution."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str) -> Callable[[View], View]:
    """Pages for some roles only (no id in the URL: objects by id go through access.py)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
