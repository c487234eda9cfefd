"""Writes on assessments: start or resume, save an answer, complete, set a different band.

Every answer is saved as it is given, so an assessment interrupted on a phone resumes where it stopped.
Completing needs an answer to every item: a missing one is asked for, or recorded as "unknown" when the
assessor says so explicitly; "unknown" is never counted as "no". Completing and overriding are audited and
evaluate the repeat rules for the person (a high band or a critical item raises a flag).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jss.accounts.access import membership_of
from jss.audit.services import record
from jss.incidents.models import Incident
from jss.people.models import Person
from jss.risk.models import Assessment
from jss.risk.packs import ANSWERS, Pack, get_pack, score


class AssessmentError(Exception):
    """A write that cannot be done; the message says why, in the user's language."""


@dataclass(frozen=True)
class MissingAnswersError(AssessmentError):
    """Items without an answer, in the pack's order."""

    items: tuple[str, ...]

    def __str__(self) -> str:
        return _("%(count)s questions have no answer yet.") % {"count": len(self.items)}


def pack_of(assessment: Assessment) -> Pack:
    pack = get_pack(assessment.pack_id, assessment.pack_version)
    if pack is None:
        raise AssessmentError(
            _("The instrument %(pack)s version %(version)s is not installed any more.")
            % {"pack": assessment.pack_id, "version": assessment.pack_version}
        )
    return pack


@transaction.atomic
def start(person: Person, pack: Pack, *, actor: Any, incident: Incident | None = None) -> Assessment:
    """The assessor's assessment in progress of this person with this pack, or a new one."""
    membership = membership_of(actor)
    if membership is None or membership.role not in pack.used_by:
        raise AssessmentError(_("Your role may not use this instrument."))
    draft = (
        Assessment.objects.select_for_update()
        .filter(person=person, pack_id=pack.id, assessor=actor, status=Assessment.Status.DRAFT)
        .first()
    )
    if draft is not None:
        if draft.pack_version != pack.version:  # a newer version was installed meanwhile: keep the answers
            draft.pack_version = pack.version
            draft.answers = {key: value for key, value in draft.answers.items() if key in {i.id for i in pack.items}}
            draft.save(update_fields=["pack_version", "answers", "updated_at"])
        return draft
    assessment = Assessment.objects.create(
        person=person, incident=incident, pack_id=pack.id, pack_version=pack.version, domain=pack.domain,
        assessor=actor, institution=membership.institution,
    )  # fmt: skip
    record(actor, "risk.start", assessment, {"person": person.pk, "pack": pack.id, "version": pack.version})
    return assessment


def save_answer(assessment: Assessment, item_id: str, answer: str, *, actor: Any) -> Assessment:
    """One answer of an assessment in progress (a tap on the phone)."""
    if assessment.status != Assessment.Status.DRAFT or assessment.assessor_id != getattr(actor, "pk", None):
        raise AssessmentError(_("This assessment is not in progress for you."))
    pack = pack_of(assessment)
    if item_id not in {item.id for item in pack.items}:
        raise AssessmentError(_("Unknown question."))
    if answer not in ANSWERS:
        raise AssessmentError(_("Answer yes, no or unknown."))
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != Assessment.Status.DRAFT:  # completed while this tap was on its way
            raise AssessmentError(_("This assessment is not in progress for you."))
        locked.answers = {**locked.answers, item_id: answer}
        locked.save(update_fields=["answers", "updated_at"])
    return locked


def _check_override(pack: Pack, band: str, reason: str, computed: str) -> tuple[str, str]:
    band, reason = band.strip(), reason.strip()
    if not band or band == computed:
        return "", ""
    if band not in {b.code for b in pack.bands}:
        raise AssessmentError(_("Choose one of the instrument's bands."))
    if not reason:
        raise AssessmentError(_("Say why you set a different band."))
    return band, reason


def _reevaluate(person: Person, actor: Any) -> None:
    from jss.repeats.engine import evaluate_for_persons  # the engine reads assessments: imported late

    evaluate_for_persons([person.pk], now=timezone.now(), actor=actor)


def complete(
    assessment: Assessment,
    answers: Mapping[str, str],
    *,
    actor: Any,
    unanswered_as_unknown: bool = False,
    override_band: str = "",
    override_reason: str = "",
) -> Assessment:
    """Score and close the assessment. `answers` are merged over those already saved; when some are still
    missing (and not to be recorded as unknown), the given ones are saved and `MissingAnswersError` is raised."""
    with transaction.atomic():
        done = _complete(
            assessment, answers, actor=actor, unanswered_as_unknown=unanswered_as_unknown,
            override_band=override_band, override_reason=override_reason,
        )  # fmt: skip
    if isinstance(done, MissingAnswersError):
        raise done
    return done


def _complete(
    assessment: Assessment,
    answers: Mapping[str, str],
    *,
    actor: Any,
    unanswered_as_unknown: bool,
    override_band: str,
    override_reason: str,
) -> Assessment | MissingAnswersError:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Assessment.Status.DRAFT or locked.assessor_id != getattr(actor, "pk", None):
        raise AssessmentError(_("This assessment is not in progress for you."))
    pack = pack_of(locked)
    merged = {**locked.answers, **{k: v for k, v in answers.items() if v in ANSWERS}}
    scoring = score(pack, merged)
    if scoring.missing:
        if not unanswered_as_unknown:
            locked.answers = merged
            locked.save(update_fields=["answers", "updated_at"])
            return MissingAnswersError(items=scoring.missing)
        merged.update(dict.fromkeys(scoring.missing, "unknown"))
        scoring = score(pack, merged)
    band, reason = _check_override(pack, override_band, override_reason, scoring.band.code)
    now = timezone.now()
    locked.answers = merged
    locked.status = Assessment.Status.COMPLETE
    locked.score = scoring.score
    locked.unknown_count = scoring.unknown_count
    locked.unknown_weight = scoring.unknown_weight
    locked.band = scoring.band.code
    locked.possible_band = scoring.possible_band.code
    locked.critical_items = list(scoring.critical_yes)
    locked.override_band = band
    locked.override_reason = reason
    locked.overridden_by = actor if band else None
    locked.completed_at = now
    locked.reassess_by = timezone.localdate(now) + datetime.timedelta(days=pack.reassess_after_days)
    locked.save()
    record(actor, "risk.complete", locked, {
        "person": locked.person_id, "pack": pack.id, "version": pack.version, "score": scoring.score,
        "band": scoring.band.code, "unknown": scoring.unknown_count, "override": band,
    })  # fmt: skip
    _reevaluate(locked.person, actor)
    return locked


@transaction.atomic
def set_band(assessment: Assessment, band: str, reason: str, *, actor: Any) -> Assessment:
    """A professional's different band on a completed assessment (or back to the computed one, with a
    reason too). The computed band and score stay as they were."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Assessment.Status.COMPLETE:
        raise AssessmentError(_("Complete the assessment first."))
    if getattr(membership_of(actor), "institution_id", None) != locked.institution_id:
        raise AssessmentError(_("Only the institution that made the assessment sets its band."))
    pack = pack_of(locked)
    if band not in {b.code for b in pack.bands}:
        raise AssessmentError(_("Choose one of the instrument's bands."))
    if not reason.strip():
        raise AssessmentError(_("Say why you set a different band."))
    previous = locked.final_band
    locked.override_band = band  # equal to the computed band: back to it (is_overridden is then false)
    locked.override_reason = reason.strip()
    locked.overridden_by = actor
    locked.save(update_fields=["override_band", "override_reason", "overridden_by", "updated_at"])
    record(actor, "risk.set_band", locked, {"from": previous, "to": band, "computed": locked.band})
    _reevaluate(locked.person, actor)
    return locked


@transaction.atomic
def discard(assessment: Assessment, *, actor: Any) -> None:
    """Throw away an assessment in progress (started on the wrong person or with the wrong instrument)."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != Assessment.Status.DRAFT or locked.assessor_id != getattr(actor, "pk", None):
        raise AssessmentError(_("This assessment is not in progress for you."))
    record(actor, "risk.discard", locked, {"person": locked.person_id, "pack": locked.pack_id})
    locked.delete()
