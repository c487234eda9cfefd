"""The only way to load an institution by id. Missing and forbidden both answer 404."""

from __future__ import annotations

from django.http import Http404

from jss.accounts.access import Role, has_role, is_member, membership_of
from jss.institutions.models import Institution
from jss.institutions.queries import visible_institutions


def get_institution_for_user(user: object, institution_id: int, *, write: bool = False) -> Institution:
    if not is_member(user):
        raise Http404
    if write and not has_role(user, Role.SECRETARIAT):
        raise Http404
    try:
        return visible_institutions(user).get(pk=institution_id)
    except Institution.DoesNotExist as missing:
        raise Http404 from missing


def can_see_staff(user: object, institution: Institution) -> bool:
    """Staff names are for the institution itself, the secretariat and the technical admin."""
    if has_role(user, Role.SECRETARIAT, Role.ADMIN):
        return True
    membership = membership_of(user)
    return membership is not None and membership.institution_id == institution.pk
