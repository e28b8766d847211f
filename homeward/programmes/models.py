from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import BaseModel
from homeward.geo.models import Country


class ReturnScheme(models.TextChoices):
    AVRR = "avrr", _("AVRR by the organisation")
    OTHER_ACTOR = "other_actor", _("Voluntary return by another actor")
    FORCED = "forced", _("Forced return")
    EVACUATION = "evacuation", _("Evacuation / humanitarian return")


# Returns the organisation did not organise: the case opens at arrival (PARA), R-ARR-3.
PARA_SCHEMES = frozenset({ReturnScheme.OTHER_ACTOR, ReturnScheme.FORCED})


class Programme(BaseModel):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    eligible_schemes = models.JSONField(
        _("eligible return schemes"), default=list, help_text=_("Codes of ReturnScheme")
    )
    currencies = models.JSONField(
        _("currencies"), default=list, help_text=_("ISO 4217 codes, e.g. EUR, XOF")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        import pycountry
        from django.core.exceptions import ValidationError

        unknown = [c for c in self.currencies if pycountry.currencies.get(alpha_3=str(c)) is None]
        if unknown:
            raise ValidationError(
                {"currencies": _("Unknown currency code: %s") % ", ".join(unknown)}
            )
        bad_schemes = [s for s in self.eligible_schemes if s not in ReturnScheme.values]
        if bad_schemes:
            raise ValidationError({"eligible_schemes": _("Unknown return scheme.")})


class CountryAction(models.Model):
    """A programme's action in one country, as host or as origin, with its dates."""

    class Kind(models.TextChoices):
        HOST = "host", _("Host country")
        ORIGIN = "origin", _("Country of origin")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    starts_on = models.DateField(_("action start"))
    ends_on = models.DateField(_("action end"))

    class Meta:
        ordering = ["programme", "kind", "country"]
        verbose_name = _("country action")
        verbose_name_plural = _("country actions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "kind"], name="unique_country_action"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="country_action_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.country_id} ({self.kind})"
