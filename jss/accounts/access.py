"""Who the signed-in user is in JSS: their membership and role. Other apps' access rules build on this."""

from __future__ import annotations

from typing import Any

from jss.accounts.models import Membership

Role = Membership.Role


def membership_of(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership is not None else None


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles


def is_member(user: Any) -> bool:
    """Signed in, active, and belonging to an institution."""
    return membership_of(user) is not None
