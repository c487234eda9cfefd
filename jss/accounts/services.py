"""Account writes: signing in and out, changing passwords, creating members. Each is audited."""

from __future__ import annotations

from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.models import Permission
from django.db import transaction
from django.http import HttpRequest

from jss.accounts.models import Membership, User
from jss.audit.services import record
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation

TECHNICAL_APPS = ["accounts", "regions", "institutions"]


class MembershipError(Exception):
    pass


@transaction.atomic
def sign_in(request: HttpRequest, *, user: User) -> None:
    login(request, user)
    record(user, "user.sign_in", user)


@transaction.atomic
def record_failed_sign_in(*, username: str) -> None:
    """Audit a failed sign-in. The typed username is stored only when it names an account (people type
    passwords into the username box); the event then points at that account."""
    account = User.objects.filter(username=username).first()
    record(None, "user.sign_in_failed", account, {"known_account": account is not None})


@transaction.atomic
def sign_out(request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        record(user, "user.sign_out", user)
    logout(request)


@transaction.atomic
def change_password(request: HttpRequest, *, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    record(user, "user.password_change", user)


@transaction.atomic
def create_member(
    *,
    username: str,
    password: str | None,
    full_name: str,
    email: str,
    institution: Institution,
    role: str,
    station: PoliceStation | None = None,
    job_title: str = "",
    actor: User | None,
) -> User:
    """Create a user with their membership. A coordinator must be tied to a police station."""
    if role == Membership.Role.COORDINATOR and station is None:
        raise MembershipError("a station coordinator needs a police station")
    if role != Membership.Role.COORDINATOR and station is not None:
        raise MembershipError("only station coordinators are tied to a police station")
    user = User(username=username, full_name=full_name, email=email)
    user.is_staff = role == Membership.Role.ADMIN
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    if role == Membership.Role.ADMIN:
        # Technical administration: accounts, regions and institutions in the Django admin, nothing else.
        user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=TECHNICAL_APPS))
    Membership.objects.create(
        user=user, institution=institution, role=role, station=station, job_title=job_title
    )
    record(actor, "user.create", user, {"role": role, "institution": institution.pk})
    return user
