from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.core.models import BaseModel
from homeward.geo.models import Country

from .clock import office_time_zone_name, validate_time_zone
from .roles import Role


class User(AbstractUser):
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Weekend(models.TextChoices):
    """The weekends an office may use instead of its country's (keys of WEEKEND_PATTERNS)."""

    SAT_SUN = "sat_sun", _("Saturday and Sunday")
    FRI_SAT = "fri_sat", _("Friday and Saturday")
    THU_FRI = "thu_fri", _("Thursday and Friday")
    FRI_SUN = "fri_sun", _("Friday and Sunday")
    FRI = "fri", _("Friday only")
    SAT = "sat", _("Saturday only")
    SUN = "sun", _("Sunday only")


class Office(BaseModel):
    """A mission or sub-office; acts as host, transit and/or origin office."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="offices")
    is_host = models.BooleanField(_("host office"), default=False)
    is_transit = models.BooleanField(_("transit office"), default=False)
    is_origin = models.BooleanField(_("origin office"), default=False)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    weekend = models.CharField(
        _("weekend"),
        max_length=8,
        choices=Weekend.choices,
        blank=True,
        help_text=_("Leave empty for the usual weekend of the office's country."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_(
            "IANA name such as Africa/Niamey; deadlines and “today” are counted in it. "
            "Leave empty for the usual time zone of the office's country."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name

    @property
    def time_zone_name(self) -> str:
        """The zone the office's deadlines are counted in (its own, else its country's)."""
        return office_time_zone_name(self)


class OfficeClosure(BaseModel):
    """Days an office is closed besides weekends and national public holidays (inclusive).

    Office retreats, regional holidays, an Islamic holiday observed on another day than the
    one the holiday calendar estimates. Deadlines counted in working days skip them.
    """

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["office", "starts_on"]
        verbose_name = _("office closure")
        verbose_name_plural = _("office closures")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="office_closure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        if self.starts_on == self.ends_on:
            return f"{self.office}: {self.starts_on} ({self.reason})"
        return f"{self.office}: {self.starts_on} – {self.ends_on} ({self.reason})"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})


class Membership(models.Model):
    """A user holds a role in an office; a user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "office", "role"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.office}"


class LoginFailure(models.Model):
    """A failed sign-in, kept to throttle password guessing per username and per address."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
