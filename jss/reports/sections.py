"""The sections of the council's semiannual report (issue 7). Policy decisions of the joint council cite the
section that motivated them by these keys, and the report page anchors each section by its key."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    RATES = "rates", _("Reports per 100,000 population")
    REPEAT = "repeat", _("Repeat rate after council referral")
    RECURRENCE = "recurrence", _("Recurrence after intervention")
    CASES = "cases", _("Cases and nominations")
    ACTIONS = "actions", _("Support actions")
    CAUSES = "causes", _("Causes")
    ASSESSMENTS = "assessments", _("Risk identification")
    MEMBERSHIP = "membership", _("Membership and participation")
    REVIEWS = "reviews", _("Case reviews")
