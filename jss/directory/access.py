"""The only way to load directory objects by id. Missing and forbidden both answer 404.

The directory is public: anyone may read the entries of active members. Writing an entry is for the
institution's JSS contact and the secretariat. Applications are for the secretariat.
"""

from __future__ import annotations

from django.http import Http404

from jss.accounts.access import Role, has_role, membership_of
from jss.directory.models import MembershipApplication, Service
from jss.institutions.models import Institution


def can_edit_entry(user: object, institution: Institution) -> bool:
    if has_role(user, Role.SECRETARIAT):
        return True
    membership = membership_of(user)
    return membership is not None and membership.is_contact and membership.institution_id == institution.pk


def get_entry_for_user(user: object, institution_id: int, *, write: bool = False) -> Institution:
    try:
        institution = Institution.objects.select_related("region").get(pk=institution_id)
    except Institution.DoesNotExist as missing:
        raise Http404 from missing
    if write:
        if not can_edit_entry(user, institution):
            raise Http404
        return institution
    if institution.status != Institution.Status.ACTIVE and not has_role(user, Role.SECRETARIAT, Role.ADMIN):
        raise Http404
    return institution


def get_service_for_user(user: object, service_id: int, *, write: bool = False) -> Service:
    try:
        service = Service.objects.select_related("institution").get(pk=service_id)
    except Service.DoesNotExist as missing:
        raise Http404 from missing
    get_entry_for_user(user, service.institution_id, write=write)
    if not write and service.status not in {Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED}:
        raise Http404
    return service


def get_application_for_user(user: object, application_id: int) -> MembershipApplication:
    if not has_role(user, Role.SECRETARIAT):
        raise Http404
    try:
        return MembershipApplication.objects.select_related("region", "institution").get(pk=application_id)
    except MembershipApplication.DoesNotExist as missing:
        raise Http404 from missing
