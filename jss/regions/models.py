from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jss.lib.names import localized


class Region(models.Model):
    """An administrative area with its standard administrative code (행정표준코드, 10-digit 행정동 code)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")
        EUP = "eup", _("Eup")
        MYEON = "myeon", _("Myeon")
        DONG = "dong", _("Dong")

    class PopulationBasis(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ESTIMATE = "estimate", _("Estimate")

    code = models.CharField(_("administrative code"), max_length=10, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"))
    population_basis = models.CharField(_("population basis"), max_length=10, choices=PopulationBasis.choices)
    population_as_of = models.DateField(_("population as of"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)

    @property
    def is_local_unit(self) -> bool:
        """True for eup, myeon and dong: the units police jurisdictions are made of."""
        return self.level in {self.Level.EUP, self.Level.MYEON, self.Level.DONG}


class PoliceStation(models.Model):
    """A police station; its jurisdiction is a set of eup/myeon/dong."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    jurisdiction = models.ManyToManyField(Region, verbose_name=_("jurisdiction"), related_name="police_stations")

    class Meta:
        ordering = ["code"]
        verbose_name = _("police station")
        verbose_name_plural = _("police stations")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_ko, self.name_en)
