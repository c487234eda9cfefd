"""Account writes: signing in and out, changing passwords, creating members. Each is audited."""

from __future__ import annotations

import datetime
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from jss.accounts.models import Membership, User
from jss.audit.models import AccessEvent
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


def username_key(username: str) -> str:
    """A keyed hash of a typed username: lets failed attempts be counted without storing what was typed
    (people type passwords into the username box)."""
    return hmac.new(settings.SECRET_KEY.encode(), username.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def sign_in_blocked(*, username: str) -> bool:
    """Too many recent failures for this username (known or not: the answer must not reveal which)."""
    since = timezone.now() - datetime.timedelta(minutes=settings.SIGN_IN_WINDOW_MINUTES)
    failures = AccessEvent.objects.filter(
        verb="user.sign_in_failed", occurred_at__gte=since, detail__username_key=username_key(username)
    ).count()
    return failures >= settings.SIGN_IN_MAX_FAILURES


@transaction.atomic
def record_failed_sign_in(*, username: str, blocked: bool = False) -> None:
    """Audit a failed sign-in; the event points at the account when the username names one."""
    account = User.objects.filter(username=username).first()
    detail = {"known_account": account is not None, "username_key": username_key(username), "blocked": blocked}
    record(None, "user.sign_in_failed", account, detail)


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
    if role not in Membership.Role.values:
        raise MembershipError(f"unknown role {role!r}")
    if role == Membership.Role.COORDINATOR and station is not None and institution.station_id not in (None, station.pk):
        raise MembershipError("a coordinator works for the police station they coordinate")
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
    Membership.objects.create(user=user, institution=institution, role=role, station=station, job_title=job_title)
    record(actor, "user.create", user, {"role": role, "institution": institution.pk})
    return user


def invitation_path(user: User) -> str:
    """Where an invited user sets their first password: uid and a one-time token, nothing personal."""
    from django.urls import reverse

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:invitation", kwargs={"uidb64": uid, "token": token})


def send_invitation(user: User, *, url: str) -> None:
    """E-mail the invitation once the transaction commits. The subject names no one."""
    subject = _("Your JSS account is ready")
    body = _(
        "Your institution has joined the JSS joint response council.\n\n"
        "Username: %(username)s\nSet your password here (the link works once): %(url)s\n"
    ) % {"username": user.username, "url": url}
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))
    record(None, "user.invite", user)


@transaction.atomic
def accept_invitation(request: HttpRequest, *, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(user, "user.invitation_accepted", user)
    login(request, user)
