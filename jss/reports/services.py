"""Writes of the reports app: anonymised case reviews, proposed by who works on a case and chosen by the
secretariat for the semiannual report of a period. Every write is audited in its transaction.

A review must not identify anyone: `identifying_detail` refuses a text that contains a name of one of the
case's persons (full name, given name of two or more letters), their phone number, a resident registration
number or a phone-like number, a full date (a birth date or the date of a report narrows a case down), or a
JSS code (case, report, person). The check catches the obvious; the secretariat reads every review before
choosing it.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import Role, membership_of
from jss.audit.services import record
from jss.cases.models import Case, CasePerson
from jss.cases.services import may_work_on
from jss.incidents.models import Party
from jss.people.models import Person
from jss.reports.models import CaseReview
from jss.reports.periods import Period

PHONE_OR_NUMBER = re.compile(r"\d{2,4}[-. ]?\d{3,4}[-. ]?\d{4}|\d{6}[- ]?[1-8]\d{6}")
FULL_DATE = re.compile(r"(19|20)\d{2}\s*[-./년]\s*\d{1,2}\s*[-./월]\s*\d{1,2}")
CODE = re.compile(r"\b[CIPMA]-[0-9A-Z]{8}\b")
REVIEWABLE = (Case.Status.IN_COUNCIL, Case.Status.PLAN_ACTIVE, Case.Status.MONITORING, Case.Status.CLOSED)


class ReviewError(Exception):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _persons(case: Case) -> list[Person]:
    """The case's persons and everyone in its reports (ids first: one OR across two joins is slow)."""
    ids = set(CasePerson.objects.filter(case=case).values_list("person_id", flat=True))
    ids |= set(Party.objects.filter(incident__cases=case).values_list("person_id", flat=True))
    return list(Person.objects.filter(pk__in=ids))


def identifying_detail(case: Case, text: str) -> str | None:
    """What in `text` could identify someone of the case (a message for the author), or None."""
    squeezed = re.sub(r"\s+", "", text)
    for person in _persons(case):
        names = {person.full_name.replace(" ", "")}
        if len(person.given_name.replace(" ", "")) >= 2:
            names.add(person.given_name.replace(" ", ""))
        for name in names:
            if name and name in squeezed:
                return _("Remove the name %(name)s: a case review names nobody.") % {"name": name}
        phone = re.sub(r"\D", "", person.phone)
        if len(phone) >= 7 and phone in re.sub(r"\D", "", text):
            return _("Remove the phone number: a case review identifies nobody.")
    if PHONE_OR_NUMBER.search(text):
        return _("Remove the phone or identification number: a case review identifies nobody.")
    if FULL_DATE.search(text):
        return _("Write dates as a month or a season, not a full date: a full date can identify a case.")
    if CODE.search(text):
        return _("Remove the JSS code: the review is read outside the case.")
    return None


@transaction.atomic
def propose_review(case: Case, *, title: str, text: str, actor: Any) -> CaseReview:
    """Propose an anonymised review of a case the actor works on (the station's coordinators, the lead)."""
    membership = membership_of(actor)
    if membership is None or not may_work_on(actor, case):
        raise ReviewError(_("The station's coordinators and the lead institution propose reviews of a case."))
    if case.status not in REVIEWABLE:
        raise ReviewError(_("A case is reviewed once the working council has discussed it."))
    if not title.strip():
        raise ReviewError(_("Give the review a title."), field="title")
    if not text.strip():
        raise ReviewError(_("Write the review."), field="text")
    for field, value in (("title", title), ("text", text)):
        if (problem := identifying_detail(case, value)) is not None:
            raise ReviewError(problem, field=field)
    review = CaseReview.objects.create(
        case=case, title=title.strip(), text=text.strip(), written_by=actor, institution=membership.institution
    )
    record(actor, "reports.review_propose", review, {"case": case.pk})
    return review


@transaction.atomic
def decide_review(review: CaseReview, *, choose: bool, period: Period | None, actor: Any) -> CaseReview:
    """The secretariat chooses a review for the report of a period, or sets it aside."""
    if not (membership := membership_of(actor)) or membership.role != Role.SECRETARIAT:
        raise ReviewError(_("The secretariat chooses the case reviews of the report."))
    review = CaseReview.objects.select_for_update().get(pk=review.pk)
    if choose and period is None:
        raise ReviewError(_("Choose the report period the review goes into."), field="half")
    review.status = CaseReview.Status.CHOSEN if choose else CaseReview.Status.SET_ASIDE
    review.start, review.end = (period.start, period.end) if choose and period else (None, None)
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save(update_fields=["status", "start", "end", "decided_by", "decided_at"])
    record(actor, "reports.review_decide", review, {"chosen": choose, "start": review.start.isoformat()
                                                    if review.start else ""})  # fmt: skip
    return review
