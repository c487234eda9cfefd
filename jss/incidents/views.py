from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jss.accounts.access import membership_of
from jss.audit.services import record_view
from jss.incidents import services
from jss.incidents.access import can_report, get_incident_for_user
from jss.incidents.forms import Birth, IncidentForm, PartyFormSet, parse_birth
from jss.incidents.models import MARKER_FIELDS, Incident
from jss.incidents.queries import incident_detail, incident_list, person_incidents
from jss.people.access import get_person_for_linking, get_person_for_user, link_token
from jss.people.matching import Identity, enough_to_search, find_candidates, score
from jss.people.models import PersonLink
from jss.regions.models import Region
from jss.risk.queries import band_view, pack_for
from jss.risk.queries import history as risk_history

LINK_THRESHOLD = 0.55


def _require_caseworker(request: HttpRequest) -> None:
    if not can_report(request.user):
        raise PermissionDenied


@login_required
def incident_index(request: HttpRequest) -> HttpResponse:
    _require_caseworker(request)
    domain = request.GET.get("domain", "")
    page = Paginator(incident_list(request.user, domain=domain), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/list.html", {"page": page, "domain": domain, "domains": Incident.Domain.choices})


@login_required
def incident_create(request: HttpRequest) -> HttpResponse:
    _require_caseworker(request)
    membership = membership_of(request.user)
    assert membership is not None
    now = timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)
    form = IncidentForm(request.POST or None, initial={"reported_at": now, "occurred_at": now})
    parties = PartyFormSet(request.POST or None, prefix="party", initial=[{"role": "victim"}, {"role": "suspect"}])
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        data = form.cleaned_data
        party_data = []
        for party_form in parties:
            if party_form.is_empty:
                continue
            p = party_form.cleaned_data
            birth: Birth = p["birth"]
            existing = None
            if p["existing"]:
                existing = get_person_for_linking(request.user, p["existing"])
                typed = Identity(family_name=p["family_name"], given_name=p["given_name"], birth_date=birth.date,
                                 birth_year=birth.year, phone=p["phone"], identifier=birth.identifier)  # fmt: skip
                if existing is None or score(typed, existing).score < LINK_THRESHOLD:
                    party_form.add_error(
                        None, _("The suggestion picked for this person is no longer valid: type the details again.")
                    )
                    continue
            party_data.append(
                services.PartyData(
                    role=p["role"],
                    identity=Identity(
                        family_name=p["family_name"],
                        given_name=p["given_name"],
                        birth_date=birth.date,
                        birth_year=birth.year,
                        phone=p["phone"],
                        identifier=birth.identifier,
                    ),
                    existing=existing,
                    sex=birth.sex or p["sex"],
                    is_migrant=p["is_migrant"],
                    interpreter_language=p["interpreter_language"],
                    disability=p["disability"],
                    address_detail=p["address_detail"],
                    region=Region.objects.filter(code=data["region"]).first(),
                )
            )
        if parties.total_error_count():
            return render(request, "incidents/form.html", {"form": form, "parties": parties})
        try:
            incident = services.record_incident(
                services.IncidentData(
                    domain=data["domain"],
                    occurred_at=data["occurred_at"],
                    reported_at=data["reported_at"],
                    source=data["source"],
                    source_reference=data["source_reference"],
                    reporting_institution=membership.institution,
                    region=Region.objects.filter(code=data["region"]).first(),
                    **{name: data[name] for name in MARKER_FIELDS},
                    police_measures=data["police_measures"],
                    narrative=data["narrative"],
                    parties=party_data,
                ),
                actor=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except services.IncidentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The report has been recorded."))
            return redirect("incidents:detail", incident.pk)
    return render(request, "incidents/form.html", {"form": form, "parties": parties})


@login_required
@never_cache
def incident_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = incident_detail(get_incident_for_user(request.user, incident_id))
    record_view(request.user, "incident.view", incident, purpose="incident page")
    return render(request, "incidents/detail.html", {"incident": incident})


@login_required
@never_cache
def person_view(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(request.user, person_id)
    record_view(request.user, "person.view", person, purpose="person page")
    merges = PersonLink.objects.filter(person=person, status=PersonLink.Status.MERGED).select_related("other")
    assessments = risk_history(request.user, person)
    latest = assessments[-1] if assessments else None
    return render(
        request,
        "incidents/person.html",
        {
            "person": person,
            "incidents": person_incidents(request.user, person),
            "merges": merges,
            "latest": latest,
            "latest_band": band_view(pack_for(latest), latest.final_band) if latest else None,
            "assessment_count": len(assessments),
        },
    )


@login_required
@require_POST
@never_cache
def suggest_persons(request: HttpRequest) -> HttpResponse:
    """Likely existing persons for one party of the intake form, with why (htmx fragment). A POST, so what
    is typed (names, numbers) never lands in a URL or an access log."""
    _require_caseworker(request)
    prefix = request.POST.get("prefix", "")
    if not prefix.startswith("party-") or not prefix[6:].isdigit():
        prefix = "party-0"

    def field(name: str) -> str:
        return str(request.POST.get(f"{prefix}-{name}", ""))

    try:
        birth = parse_birth(field("birth"))
    except ValueError:
        birth = Birth()
    identity = Identity(
        family_name=field("family_name"), given_name=field("given_name"), birth_date=birth.date,
        birth_year=birth.year, phone=field("phone"), identifier=birth.identifier,
    )  # fmt: skip
    if not enough_to_search(identity):
        return render(request, "incidents/_suggestions.html", {"candidates": [], "prefix": prefix, "chosen": ""})
    candidates = find_candidates(identity, threshold=LINK_THRESHOLD, exclude_only_reporters=True)
    record_view(
        request.user, "person.search", None, purpose="intake matching",
        detail={"offered": [candidate.person.pk for candidate in candidates]},
    )  # fmt: skip
    offers = [(link_token(request.user, candidate.person), candidate) for candidate in candidates]
    return render(
        request, "incidents/_suggestions.html", {"candidates": offers, "prefix": prefix, "chosen": field("existing")}
    )
