from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .names import localized_country_name


class Country(models.Model):
    """An ISO 3166-1 country; loaded from pycountry by a migration."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized_country_name(self.code, self.name, get_language())


class AdminArea(models.Model):
    """An administrative area (region, department, commune...) inside a country."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1, editable=False)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="unique_area_code_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country_id})"
