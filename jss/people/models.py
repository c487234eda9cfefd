"""People who appear in reports: encrypted identifying fields, blind indexes, households, relationships.

What is stored and why: docs/personal-data.md.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jss.people.fields import EncryptedTextField
from jss.regions.models import Region

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_code(prefix: str) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_person_code() -> str:
    return new_code("P-")


def new_household_code() -> str:
    return new_code("H-")


class Household(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, default=new_household_code, editable=False)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """A person in one or more reports. Names, phone, detailed address and identification number are
    encrypted; equality look-ups go through the keyed blind indexes (`*_index`)."""

    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")
        UNKNOWN = "U", _("Unknown")

    class Disability(models.TextChoices):
        NONE = "none", _("None known")
        PHYSICAL = "physical", _("Physical")
        INTELLECTUAL = "intellectual", _("Intellectual")
        DEVELOPMENTAL = "developmental", _("Developmental")
        MENTAL = "mental", _("Mental health")
        SENSORY = "sensory", _("Sensory")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=12, unique=True, default=new_person_code, editable=False)
    family_name = EncryptedTextField(_("family name"), blank=True)
    given_name = EncryptedTextField(_("given name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    address_detail = EncryptedTextField(_("detailed address"), blank=True)
    identifier = EncryptedTextField(_("identification number"), blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=2, default="KR", help_text=_("ISO country code"))
    is_migrant = models.BooleanField(_("migrant"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=8, blank=True)
    disability = models.CharField(_("disability"), max_length=15, choices=Disability.choices, default=Disability.NONE)
    region = models.ForeignKey(
        Region, verbose_name=_("eup/myeon/dong"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    # Keyed hashes for finding the same person again (see jss.people.matching).
    name_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    given_name_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    surname_year_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    identifier_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged", editable=False
    )
    recorded_by = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["birth_date"], name="people_person_birth_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def full_name(self) -> str:
        return f"{self.family_name}{self.given_name}"

    @property
    def masked_name(self) -> str:
        """김*준: enough to recognise, not enough to identify."""
        name = self.full_name.replace(" ", "")
        if len(name) <= 1:
            return name
        if len(name) == 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class Relationship(models.Model):
    class Kind(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        EX_SPOUSE = "ex_spouse", _("Former spouse")
        DATING = "dating", _("Dating partner")
        PARENT_CHILD = "parent_child", _("Parent and child")
        CARER_ELDER = "carer_elder", _("Carer and older person")
        STAFF_RESIDENT = "staff_resident", _("Facility staff and resident")
        SIBLINGS = "siblings", _("Siblings")
        PEERS = "peers", _("Peers (school, work)")
        OTHER_FAMILY = "other_family", _("Other family")
        ACQUAINTANCE = "acquaintance", _("Acquaintance")
        STRANGER = "stranger", _("No relationship")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    other = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("For parent and child, carer and older person, staff and resident: the second one."),
    )
    kind = models.CharField(_("relationship"), max_length=20, choices=Kind.choices)
    cohabiting = models.BooleanField(_("living together"), default=False)
    separated_since = models.DateField(_("separated since"), null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(condition=~Q(person=F("other")), name="relationship_two_people"),
            models.UniqueConstraint(fields=["person", "other", "kind"], name="relationship_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.other}"


class LinkageRun(models.Model):
    """One batch run of record linkage over all persons (`link_persons`, nightly): what it found and did."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    records = models.PositiveIntegerField(_("persons compared"), default=0)
    merged = models.PositiveIntegerField(_("merged automatically"), default=0)
    queued = models.PositiveIntegerField(_("sent for review"), default=0)
    kept_apart = models.PositiveIntegerField(_("kept apart"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    note = models.CharField(_("note"), max_length=40, blank=True)  # one of the codes below, or empty
    # The trained Splink model (weights only, no personal data): the fallback of a later run that finds too
    # few duplicates left to train on.
    model = models.JSONField(null=True, blank=True, editable=False)

    NOTHING_TO_COMPARE = "nothing_to_compare"
    TOO_FEW_TO_MERGE = "too_few_to_merge"
    UNTRAINED = "untrained"

    class Meta:
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class PersonLink(models.Model):
    """Whether two person records are one person, and what was done about it.

    `person` is the record kept (the older one) and `other` the one merged into it. A merge moves the
    other's parties and relationships to the person and remembers which (`moved_parties`,
    `moved_relationships`), so an unmerge puts back exactly those; the other record itself is never
    changed but for `merged_into`. A decision (merged, different, merge undone) is remembered: the nightly
    run never proposes or merges that pair again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MERGED = "merged", _("Same person: merged")
        DISTINCT = "distinct", _("Different persons")
        UNMERGED = "unmerged", _("Merge undone")

    class Origin(models.TextChoices):
        AUTOMATIC = "automatic", _("Linkage run, above the automatic threshold")
        REVIEW = "review", _("Linkage run, for review")
        MANUAL = "manual", _("Proposed by a person")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_kept")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_merged")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    run = models.ForeignKey(LinkageRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="links")
    match_probability = models.FloatField(_("match probability"), null=True, blank=True)
    match_weight = models.FloatField(_("match weight"), null=True, blank=True)
    review_reason = models.CharField(_("why it needs a person"), max_length=40, blank=True)
    # [{"comparison": "birth", "level": "day_month_swapped", "weight": 4.2}, …]: levels only, never values.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    moved_parties = models.JSONField(default=list, blank=True, editable=False)
    moved_relationships = models.JSONField(default=list, blank=True, editable=False)
    moved_assessments = models.JSONField(default=list, blank=True, editable=False)
    # [incident id, role] of the other's parties dropped because the kept person had the same place in the
    # same report (one person entered twice); an unmerge puts them back.
    dropped_parties = models.JSONField(default=list, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    # An unmerge keeps the merge's decision above and records its own here.
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("merge undone at"), null=True, blank=True)
    undo_note = EncryptedTextField(_("why the merge was undone"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person link")
        verbose_name_plural = _("person links")
        constraints = [
            models.CheckConstraint(condition=Q(person__lt=F("other")), name="person_link_ordered_pair"),
            models.UniqueConstraint(fields=["person", "other"], name="person_link_unique"),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"], name="people_link_queue_idx")]

    def __str__(self) -> str:
        return f"{self.person} ~ {self.other}"
