"""Reads for the case pages: the list, the nominations waiting for a station's coordinator, and a case's
page (its persons in the reader's scope, and the timeline across institutions). Everything the templates
show is loaded here, in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from jss.accounts.access import Role, membership_of
from jss.accounts.models import User
from jss.cases.access import FULL, visible_cases
from jss.cases.bases import legal_bases
from jss.cases.models import Case, CaseEvent, CasePerson, Nomination, Share
from jss.cases.services import station_for
from jss.incidents.access import visible_incidents
from jss.incidents.models import Incident, Party
from jss.institutions.models import Institution
from jss.lib.language import content_language
from jss.people.access import visible_persons
from jss.people.models import Person
from jss.regions.models import PoliceStation
from jss.repeats.access import visible_flags
from jss.repeats.models import Flag
from jss.repeats.rules import load_rules
from jss.risk.models import Assessment
from jss.risk.queries import BandView, band_view, pack_for

PAGE_SIZE = 50
SCOPE_NAMES: dict[str, Any] = {
    Share.Scope.FULL: pgettext_lazy("case scope", "full"),
    Share.Scope.SUMMARY: pgettext_lazy("case scope", "summary"),
}
ROLE_ORDER: dict[str, int] = {CasePerson.Role.VICTIM: 0, CasePerson.Role.SUSPECT: 1, CasePerson.Role.CHILD: 2}


# --- the list ---------------------------------------------------------------------------------------------


def case_list(user: object, *, status: str = "") -> QuerySet[Case]:
    """The cases the user may see, newest first, with how many persons and when something last happened.
    No names: the list shows codes, stations and institutions only."""
    cases = Case.objects.filter(pk__in=visible_cases(user).values("pk"))
    if status in Case.Status.values:
        cases = cases.filter(status=status)
    persons = (
        CasePerson.objects.filter(case=OuterRef("pk")).order_by().values("case").annotate(n=Count("pk")).values("n")
    )
    last_event = CaseEvent.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1]
    return (
        cases.select_related("station", "lead_institution")
        .annotate(
            person_count=Coalesce(Subquery(persons), 0), last_activity=Coalesce(Subquery(last_event), "updated_at")
        )
        .order_by("-created_at", "-pk")
    )


def pending_nominations(user: object) -> list[Nomination]:
    """For a station's coordinator: the nominations of the station waiting for a decision, oldest first."""
    membership = membership_of(user)
    if (
        membership is None
        or membership.role != Role.COORDINATOR
        or not membership.casework
        or membership.station_id is None
    ):
        return []
    return list(
        Nomination.objects.filter(status=Nomination.Status.PENDING, case__station=membership.station_id)
        .select_related("case", "institution")
        .order_by("created_at", "pk")
    )


# --- loading a nomination or a share by id (through the case the user may see) ---------------------------


def get_nomination_for_user(user: object, nomination_id: int) -> Nomination:
    """A nomination of a case the user may see; otherwise 404 (missing and forbidden alike)."""
    nomination = (
        Nomination.objects.filter(pk=nomination_id, case__in=visible_cases(user).values("pk"))
        .select_related("case__station", "case__lead_institution")
        .first()
    )
    if nomination is None:
        raise Http404
    return nomination


def get_share_for_user(user: object, share_id: int) -> Share:
    """A share of a case the user may see; otherwise 404 (missing and forbidden alike)."""
    share = (
        Share.objects.filter(pk=share_id, case__in=visible_cases(user).values("pk"))
        .select_related("case__station", "case__lead_institution", "institution")
        .first()
    )
    if share is None:
        raise Http404
    return share


# --- choices for the forms ---------------------------------------------------------------------------------


def active_institutions() -> list[Institution]:
    return list(
        Institution.objects.filter(status=Institution.Status.ACTIVE).only("id", "name_ko", "name_en", "station_id")
    )


def stations() -> list[PoliceStation]:
    return list(PoliceStation.objects.all())


def default_station(user: object, persons: Sequence[Person], incidents: Sequence[Incident]) -> PoliceStation | None:
    """The working council a nomination goes to: the newest report's place; for a person alone, the newest of
    their reports the user may see, else the person's eup/myeon/dong."""
    station = station_for(incidents)
    if station is None and persons and not incidents:
        reports = visible_incidents(user).filter(parties__person__in=[p.pk for p in persons], region__isnull=False)
        station = station_for(list(reports.order_by("-reported_at").distinct()[:5]))
    if station is not None:
        return station
    regions = [person.region_id for person in persons if person.region_id is not None]
    return PoliceStation.objects.filter(jurisdiction__in=regions).order_by("code").first() if regions else None


def incident_persons(incident: Incident) -> list[tuple[Person, str]]:
    """The persons of a report with the role they have in it (victim, suspect, or none for the others)."""
    roles: dict[str, str] = {Party.Role.VICTIM: CasePerson.Role.VICTIM, Party.Role.SUSPECT: CasePerson.Role.SUSPECT}
    result: dict[int, tuple[Person, str]] = {}
    for party in incident.parties.select_related("person__region").order_by("role", "pk"):
        role = roles.get(party.role, "")
        if party.person_id not in result or (role and not result[party.person_id][1]):
            result[party.person_id] = (party.person, role)
    return sorted(result.values(), key=lambda pair: (ROLE_ORDER.get(pair[1], 9), pair[0].pk))


# --- the case page ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    """A person of the case as the reader may see them: names only in full scope."""

    role: str
    role_label: str
    name: str  # "" in summary scope
    code: str  # "" in summary scope
    person_id: int | None  # set when the reader may open the person's page
    age_band: str
    sex: str
    area: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    kind: str  # "event", "report", "assessment", "flag"
    title: str
    text: str = ""
    who: str = ""  # the institution, and for the case's events and open assessments its staff member who acted
    url: str = ""
    band: BandView | None = None
    marker: str = ""  # a short note beside the title ("in the nomination", "dismissed")


@dataclass(frozen=True)
class ShareView:
    share: Share
    basis: str  # the statute's law name, or "consent"
    consent: str  # who, when, what, until: in full scope; when and until in summary
    active: bool
    ended: str  # when it ended and why (the reason in full scope only)


@dataclass
class CasePage:
    case: Case
    scope: str
    members: list[MemberView]
    timeline: list[TimelineEntry]
    hidden_reports: int
    nominations: list[Nomination]
    shares: list[ShareView]
    ended_shares: list[ShareView]
    pending: list[Nomination] = field(default_factory=list)
    show_notes: set[int] = field(default_factory=set)  # nominations whose note the reader may read
    show_declined_reason: bool = False

    @property
    def watched_until(self) -> datetime.datetime | None:
        """A closed case is watched for a year: a new report about its persons reopens it."""
        from jss.cases.services import WATCH_AFTER_CLOSURE

        return self.case.closed_at + WATCH_AFTER_CLOSURE if self.case.closed_at else None


def age_band(person: Person, today: datetime.date) -> str:
    """30대 / in their 30s; under 10; — when the birth is unknown."""
    if person.birth_date is not None:
        born = person.birth_date
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    elif person.birth_year is not None:
        age = today.year - person.birth_year
    else:
        return "—"
    if age < 10:
        return _("under 10")
    return _("in their %(decade)ds") % {"decade": age // 10 * 10}


def _members(rows: list[CasePerson], scope: str, seen: set[int]) -> list[MemberView]:
    """The case's persons; `seen` the ones the reader may open (jss.people.access)."""
    full = scope == FULL
    today = timezone.localdate()
    return [
        MemberView(
            role=row.role,
            role_label=row.get_role_display(),
            name=row.person.full_name if full else "",
            code=row.person.code if full else "",
            person_id=row.person_id if full and row.person_id in seen else None,
            age_band=age_band(row.person, today),
            sex=row.person.get_sex_display(),
            area=row.person.region.name if row.person.region else "—",
        )
        for row in rows
    ]


def _institution_names(events: list[CaseEvent]) -> dict[int, str]:
    ids = {event.detail.get(key) for event in events for key in ("institution", "lead")}
    ids = {value for value in ids if isinstance(value, int)}
    if not ids:
        return {}
    return {institution.pk: institution.name for institution in Institution.objects.filter(pk__in=ids)}


def _who(institution: Institution | None, staff: User | None) -> str:
    """ "제주동부경찰서 · 고태훈": the institution and the member of its staff who acted (a colleague's name, as
    on an action's page)."""
    names = (institution.name if institution else "", staff.get_full_name() if staff else "")
    return " · ".join(name for name in names if name)


def _event_entry(event: CaseEvent, names: dict[int, str], reasons: dict[str, str]) -> TimelineEntry:
    detail: dict[str, Any] = event.detail or {}
    by = _who(event.institution, event.actor)
    if event.kind == "nominate":
        title = _("Nominated for the working council")
        text = ", ".join(reasons.get(code, code) for code in detail.get("reasons", []))
        marker = _("new case") if detail.get("new_case") else ""
        return TimelineEntry(event.at, "event", title, text, by, marker=marker)
    if event.kind == "accept":
        lead = names.get(detail.get("lead", 0), "")
        return TimelineEntry(
            event.at, "event", _("Accepted by the station"), _("Lead institution: %(name)s") % {"name": lead},
            by,
        )  # fmt: skip
    if event.kind == "decline":
        return TimelineEntry(event.at, "event", _("Nomination declined"), "", by)
    if event.kind == "share_grant":
        basis = _statute_name(detail.get("statute", "")) if detail.get("basis") == Share.Basis.STATUTE else _("consent")
        text = _("on %(basis)s, %(scope)s") % {
            "basis": basis,
            "scope": SCOPE_NAMES.get(str(detail.get("scope", "")), ""),
        }
        title = _("%(name)s takes part") % {"name": names.get(detail.get("institution", 0), "")}
        return TimelineEntry(event.at, "event", title, text, by)
    if event.kind == "share_revoke":
        title = _("%(name)s no longer takes part") % {"name": names.get(detail.get("institution", 0), "")}
        text = (
            _("consent withdrawn")
            if detail.get("consent_withdrawn")
            else _("the consent had run out")
            if detail.get("ran_out")
            else ""
        )
        return TimelineEntry(event.at, "event", title, text, by)
    if event.kind == "lead_change":
        title = _("Lead institution: %(name)s") % {"name": names.get(detail.get("lead", 0), "")}
        return TimelineEntry(event.at, "event", title, _("the lead's basis for sharing ended"), by)
    if event.kind in ("action_add", "action_edit", "action_update"):  # jss.actions: asked, changed or updated
        name = names.get(detail.get("institution", 0), "")
        if event.kind in ("action_add", "action_edit"):
            if event.kind == "action_add":
                title = _("Support action for %(name)s") % {"name": name}
            else:
                title = _("Support action of %(name)s changed") % {"name": name}
            return TimelineEntry(event.at, "event", title, _("due %(date)s") % {"date": detail.get("due", "")},
                                 by)  # fmt: skip
        from jss.actions.models import Action

        title = _("Support action of %(name)s updated") % {"name": name}
        status = str(dict(Action.Status.choices).get(str(detail.get("status_to", "")), ""))
        return TimelineEntry(event.at, "event", title, status, by)
    if event.kind in ("agenda", "council"):  # jss.council: put on a meeting's agenda, discussed there
        if event.kind == "agenda":
            return TimelineEntry(event.at, "event", _("On the working council's agenda"), "", by)
        from jss.council.causes import cause_factors
        from jss.council.models import AgendaItem

        decision = str(dict(AgendaItem.Decision.choices).get(str(detail.get("decision", "")), ""))
        factors = cause_factors()
        causes = ", ".join(str(factors[code]) if code in factors else code for code in detail.get("causes", []))
        text = f"{decision} · {causes}" if causes else decision
        return TimelineEntry(event.at, "event", _("Discussed at the working council"), text, by)
    titles = {
        "monitor": _("Monitoring started"),
        "contact": _("Monitoring contact"),
        "close": _("Case closed"),
        "reopen": _("Reopened: a new report within a year of closure"),
    }
    if event.kind in titles:
        text = str(dict(Case.Outcome.choices).get(detail.get("outcome", ""), "")) if event.kind == "close" else ""
        return TimelineEntry(event.at, "event", str(titles[event.kind]), text, by)
    return TimelineEntry(event.at, "event", event.kind, "", by)


def _statute_name(code: str) -> str:
    basis = legal_bases().get(code)
    return str(basis) if basis is not None else code


def _person_ids(members: list[CasePerson]) -> set[int]:
    """The case's persons and, for one merged into another since, that other record: its reports, assessments
    and flags are the other record's now."""
    return {row.person_id for row in members} | {
        row.person.merged_into_id for row in members if row.person.merged_into_id is not None
    }


def _timeline(
    user: object, case: Case, members: list[CasePerson], scope: str, *, person_ids: set[int], seen: set[int]
) -> tuple[list[TimelineEntry], int]:
    """`person_ids`: the case's persons (`_person_ids`); `seen`: which of them the reader may open."""
    language = content_language()
    reasons = {code: str(label) for code, label in Nomination.Reason.choices}
    events = list(CaseEvent.objects.filter(case=case).select_related("institution", "actor"))
    names = _institution_names(events)
    entries = [_event_entry(event, names, reasons) for event in events]

    about = {row.person_id: row for row in members}
    full = scope == FULL

    def who(person_id: int) -> str:
        row = about.get(person_id)
        if row is None:
            return ""
        return f"{row.get_role_display()} {row.person.full_name}".strip() if full else row.get_role_display()

    report_ids = set(Party.objects.filter(person_id__in=person_ids).values_list("incident_id", flat=True))
    in_case = set(case.incidents.values_list("pk", flat=True))
    shown = list(
        visible_incidents(user)
        .filter(pk__in=report_ids)
        .select_related("reporting_institution")
        .only("id", "code", "domain", "source", "reported_at", "reporting_institution__name_ko",
              "reporting_institution__name_en")
    )  # fmt: skip
    for incident in shown:
        entries.append(
            TimelineEntry(
                incident.reported_at, "report", incident.get_domain_display(),
                f"{incident.code} · {incident.get_source_display()}", incident.reporting_institution.name,
                url=reverse("incidents:detail", args=[incident.pk]),
                marker=_("in the nomination") if incident.pk in in_case else "",
            )
        )  # fmt: skip
    hidden_reports = len(report_ids) - len(shown)

    assessments = list(
        Assessment.objects.filter(person_id__in=person_ids, status=Assessment.Status.COMPLETE)
        .select_related("institution", "assessor")
        .order_by("completed_at")
    )
    # A completed assessment opens for whoever may see its person (jss.risk.access).
    openable = {a.pk for a in assessments if a.person_id in seen}
    for assessment in assessments:
        pack = pack_for(assessment)
        band = band_view(pack, assessment.final_band)
        instrument = str(pack.title) if pack else assessment.pack_id
        entries.append(
            TimelineEntry(
                assessment.completed_at or assessment.updated_at, "assessment", _("Risk identification"),
                " · ".join(part for part in (who(assessment.person_id), instrument) if part),
                # Who assessed is named where the assessment may be opened, not beside a person the reader
                # may not see.
                _who(assessment.institution, assessment.assessor if assessment.pk in openable else None),
                url=reverse("risk:assessment", args=[assessment.pk]) if assessment.pk in openable else "",
                band=band,
                marker=_("band set by the professional") if assessment.is_overridden else "",
            )
        )  # fmt: skip

    flags = list(Flag.objects.filter(persons__in=person_ids).select_related("station").distinct())
    allowed = set(
        visible_flags(user).filter(pk__in=[f.pk for f in flags]).values_list("pk", flat=True) if flags else []
    )
    rules = load_rules()
    for flag in flags:
        rule = rules.get(flag.rule_id)
        entries.append(
            TimelineEntry(
                # The explanation lists dates, sources and kinds of reports: only for a reader who may open the flag.
                flag.fired_at, "flag", rule.title(language) if rule else flag.rule_id,
                flag.explanation(language) if flag.pk in allowed else "",
                flag.station.name if flag.station else "",
                url=reverse("repeats:detail", args=[flag.pk]) if flag.pk in allowed else "",
                marker=flag.get_state_display(),
            )
        )  # fmt: skip

    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries, hidden_reports


def _share_view(share: Share, full: bool, today: datetime.date) -> ShareView:
    consent = ""
    if share.basis == Share.Basis.CONSENT:
        basis = _("Consent")
        given_on = share.consent_given_on.isoformat() if share.consent_given_on else "—"
        until = share.consent_until.isoformat() if share.consent_until else _("no end date")
        if full:
            consent = _("given by %(who)s on %(date)s, covering %(what)s, until %(until)s") % {
                "who": share.consent_given_by, "date": given_on, "what": share.consent_scope, "until": until,
            }  # fmt: skip
        else:
            consent = _("given on %(date)s, until %(until)s") % {"date": given_on, "until": until}
    else:
        basis = _statute_name(share.statute)
    active = share.is_active(today)
    ended = ""
    ran_out = share.consent_until is not None and share.consent_until < today
    if share.revoked_at is not None and (share.revoke_reason or not ran_out):
        when = timezone.localtime(share.revoked_at).strftime("%Y-%m-%d %H:%M")
        ended = (
            _("stopped %(when)s: %(why)s") % {"when": when, "why": share.revoke_reason}
            if full and share.revoke_reason
            else _("stopped %(when)s") % {"when": when}
        )
    elif not active and share.consent_until is not None:
        ended = _("the consent ran out on %(date)s") % {"date": share.consent_until.isoformat()}
    return ShareView(share=share, basis=basis, consent=consent, active=active, ended=ended)


def case_page(user: object, case: Case, *, scope: str) -> CasePage:
    membership = membership_of(user)
    institution_id = membership.institution_id if membership else None
    full = scope == FULL
    rows = list(CasePerson.objects.filter(case=case).select_related("person__region"))
    rows.sort(key=lambda row: (ROLE_ORDER.get(row.role, 9), row.pk))
    # Which of its persons the reader may open, asked once for the persons table and the risk identifications, of
    # these persons alone (not as "among every person the reader may see": that subquery reads them all).
    person_ids = _person_ids(rows)
    seen = set(visible_persons(user).filter(pk__in=person_ids).values_list("pk", flat=True)) if person_ids else set()
    members = _members(rows, scope, seen)
    timeline, hidden_reports = _timeline(user, case, rows, scope, person_ids=person_ids, seen=seen)
    nominations = list(
        Nomination.objects.filter(case=case).select_related("institution", "nominated_by", "decided_by")
        .order_by("created_at", "pk")
    )  # fmt: skip
    today = timezone.localdate()
    shares = [
        _share_view(share, full, today)
        for share in Share.objects.filter(case=case).select_related("institution", "revoked_by").order_by("granted_at")
    ]
    own = {n.pk for n in nominations if n.institution_id == institution_id}
    return CasePage(
        case=case,
        scope=scope,
        members=members,
        timeline=timeline,
        hidden_reports=hidden_reports,
        nominations=nominations,
        shares=[view for view in shares if view.active],
        ended_shares=[view for view in shares if not view.active],
        pending=[n for n in nominations if n.status == Nomination.Status.PENDING],
        show_notes={n.pk for n in nominations} if full else own,
        show_declined_reason=full or bool(own),
    )
