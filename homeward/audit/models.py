from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    TRANSITION = "transition", _("Changed phase")
    EXPORT = "export", _("Exported")
    DISCLOSE = "disclose", _("Disclosed")
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")


RECORD_TYPES = {
    "cases.case": _("Case"),
    "people.person": _("Person"),
    "accounts.user": _("User account"),
    "consent.consent": _("Consent"),
    "consent.signeddocument": _("Signed document"),
}


class AuditEvent(models.Model):
    """One append-only line of the audit log (R-DAT-3).

    No foreign keys: deleting or renaming a user must never need to touch this table,
    and on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("record type"), max_length=40)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    case_reference = models.CharField(_("case"), max_length=32, blank=True)
    summary = models.CharField(_("summary"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # "|<office id>|<office id>|": the offices whose auditors may read this line.
    office_scope = models.TextField(blank=True, default="")
    # A sensitive field group (trafficking, medical, GBV): only readers of that group may
    # see `changes`; everyone in scope still sees that a change happened.
    restricted_group = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        ordering = ["-at", "-id"]
        # Equality only: `db_index=True` would add a second, pattern index on PostgreSQL
        # (for LIKE 'x%', never asked), written with every audit line.
        indexes = [
            models.Index(fields=["object_id"], name="audit_object_id"),
            models.Index(fields=["case_reference"], name="audit_case_reference"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only.")

    @property
    def object_type_display(self) -> str:
        label = RECORD_TYPES.get(self.object_type)
        return str(label) if label else self.object_type

    @property
    def summary_display(self) -> str:
        """Summaries are stored in English and shown in the reader's language."""
        from django.utils.translation import gettext

        return gettext(self.summary) if self.summary else ""
