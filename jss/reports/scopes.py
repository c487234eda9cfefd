"""What a report is about: the whole province (the joint council), one police station's area (its
coordinator's dashboard) or one institution (its own contribution). Each `*_in` function returns the rows
of one kind that belong to a scope; the metrics never filter by scope themselves (docs/metrics.md, "Scope")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jss.actions.models import Action
from jss.cases.models import Case, Nomination, Share
from jss.council.models import AgendaItem, CauseFinding, Invitation, Meeting
from jss.incidents.models import Incident
from jss.institutions.models import Institution
from jss.regions.models import PoliceStation, Region
from jss.reports.figures import Label
from jss.risk.models import Assessment

LOCAL_LEVELS = (Region.Level.EUP, Region.Level.MYEON, Region.Level.DONG)


class ScopeError(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    station: PoliceStation | None = None
    institution: Institution | None = None

    def __post_init__(self) -> None:
        if self.station is not None and self.institution is not None:
            raise ScopeError(_("A report is about a station's area or an institution, not both."))

    @property
    def kind(self) -> str:
        if self.station is not None:
            return "station"
        return "institution" if self.institution is not None else "province"

    @property
    def label(self) -> Label:
        if self.station is not None:
            return self.station.name
        return self.institution.name if self.institution is not None else _("Province")


PROVINCE = Scope()


def local_units_in(scope: Scope) -> QuerySet[Region]:
    """The eup/myeon/dong whose population the rates are per: the station's jurisdiction, else all (an
    institution has no population: rates are then "no data")."""
    if scope.station is not None:
        return scope.station.jurisdiction.filter(level__in=LOCAL_LEVELS)
    if scope.institution is not None:
        return Region.objects.none()
    return Region.objects.filter(level__in=LOCAL_LEVELS)


def incidents_in(scope: Scope) -> QuerySet[Incident]:
    """Reports that happened in the station's area, or recorded by the institution."""
    if scope.station is not None:
        return Incident.objects.filter(region__in=local_units_in(scope).values("pk"))
    if scope.institution is not None:
        return Incident.objects.filter(reporting_institution=scope.institution)
    return Incident.objects.all()


def cases_in(scope: Scope) -> QuerySet[Case]:
    """The station's working-council cases, or those the institution leads, nominated or shares."""
    if scope.station is not None:
        return Case.objects.filter(station=scope.station)
    if scope.institution is not None:
        institution = scope.institution
        return Case.objects.filter(
            Q(lead_institution=institution)
            | Q(pk__in=Nomination.objects.filter(institution=institution).values("case"))
            | Q(pk__in=Share.objects.filter(institution=institution).values("case"))
        )
    return Case.objects.all()


def nominations_in(scope: Scope) -> QuerySet[Nomination]:
    """Nominations of the station's cases, or made by the institution."""
    if scope.station is not None:
        return Nomination.objects.filter(case__station=scope.station)
    if scope.institution is not None:
        return Nomination.objects.filter(institution=scope.institution)
    return Nomination.objects.all()


def actions_in(scope: Scope) -> QuerySet[Action]:
    """Support actions of the station's cases, or assigned to the institution."""
    if scope.station is not None:
        return Action.objects.filter(case__station=scope.station)
    if scope.institution is not None:
        return Action.objects.filter(institution=scope.institution)
    return Action.objects.all()


def meetings_in(scope: Scope) -> QuerySet[Meeting]:
    """The station's working-council meetings, or those the institution was invited to."""
    if scope.station is not None:
        return Meeting.objects.filter(station=scope.station)
    if scope.institution is not None:
        return Meeting.objects.filter(pk__in=Invitation.objects.filter(institution=scope.institution).values("meeting"))
    return Meeting.objects.all()


def invitations_in(scope: Scope) -> QuerySet[Invitation]:
    """Invitations to the station's meetings, or the institution's own."""
    if scope.station is not None:
        return Invitation.objects.filter(meeting__station=scope.station)
    if scope.institution is not None:
        return Invitation.objects.filter(institution=scope.institution)
    return Invitation.objects.all()


def agenda_items_in(scope: Scope) -> QuerySet[AgendaItem]:
    """Agenda items of the station's meetings, or about the institution's cases."""
    if scope.station is not None:
        return AgendaItem.objects.filter(meeting__station=scope.station)
    if scope.institution is not None:
        return AgendaItem.objects.filter(case__in=cases_in(scope).values("pk"))
    return AgendaItem.objects.all()


def findings_in(scope: Scope) -> QuerySet[CauseFinding]:
    return CauseFinding.objects.filter(item__in=agenda_items_in(scope).values("pk"))


def assessments_in(scope: Scope) -> QuerySet[Assessment]:
    """Assessments about a report in the station's area or made by the station, or made by the institution."""
    if scope.station is not None:
        return Assessment.objects.filter(
            Q(incident__region__in=local_units_in(scope).values("pk")) | Q(institution__station=scope.station)
        )
    if scope.institution is not None:
        return Assessment.objects.filter(institution=scope.institution)
    return Assessment.objects.all()
