"""Who the signed-in user is in JSS: their membership and role. Other apps' access rules build on this."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from jss.accounts.models import Membership, User

Role = Membership.Role


def membership_of(user: Any) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


CASEWORK_ROLES = frozenset({Role.PRACTITIONER, Role.COORDINATOR})


def caseworker_membership(user: Any) -> Membership | None:
    """The membership of a user who does casework (a coordinator or practitioner whose institution takes
    cases: see Membership.casework), else None. The one test behind every app's need-to-know rules."""
    membership = membership_of(user)
    if membership is None or membership.role not in CASEWORK_ROLES or not membership.casework:
        return None
    return membership


def is_caseworker(user: Any) -> bool:
    return caseworker_membership(user) is not None


def coordinates_station(user: Any, station_id: int | None) -> bool:
    """A caseworking coordinator of this police station (its working council's chair)."""
    membership = caseworker_membership(user)
    return (
        membership is not None
        and membership.role == Role.COORDINATOR
        and station_id is not None
        and membership.station_id == station_id
    )


def role_of(user: Any) -> str | None:
    membership = membership_of(user)
    return membership.role if membership is not None else None


def has_role(user: Any, *roles: str) -> bool:
    return role_of(user) in roles


def is_member(user: Any) -> bool:
    """Signed in, active, and belonging to an institution."""
    return membership_of(user) is not None


def get_invited_user(uidb64: str, token: str) -> User:
    """The user an invitation link is for, while its one-time token is valid; otherwise 404."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist) as missing:
        raise Http404 from missing
    if not default_token_generator.check_token(user, token):
        raise Http404
    return user
