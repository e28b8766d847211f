"""The registration checklist: what must hold before `counselling → registered` (and, for the
special procedures, before travel is booked), each item with the reasons it is not done.

Items about medical or protection records are worded for the reader: someone who may not read
that field group learns only that a confidential procedure is pending (R-VOT-3, R-DAT-2).
"""

from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace

from django.db.models import Exists, JSONField, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from homeward.accounts.roles import FieldGroup
from homeward.cases.models import Case, VulnerabilityCategory, VulnerabilityFlag
from homeward.cases.policies import readable_groups_for_case
from homeward.consent.models import DocumentKind, SignedDocument
from homeward.consent.selectors import has_active_consent
from homeward.core.prepared import PreparedValues
from homeward.programmes.models import CountryAction

from .models import (
    AsylumOutcome,
    AsylumReferral,
    BestInterests,
    Capacity,
    CaseProfile,
    ChildProtection,
    CounsellingSession,
    DetentionGrounds,
    DuplicateCheck,
    DuplicateDecision,
    DuplicateVerdict,
    Guardian,
    HealthAssessment,
    HealthDecision,
    ProtectionAssessment,
    ProtectionOutcome,
    Screening,
    ScreeningStage,
    SessionKind,
)
from .services import age_on, person_languages

C = VulnerabilityCategory
HEALTH_TRIGGERS = frozenset({C.CHRONIC_ILLNESS, C.MEDICAL_CONDITION, C.MENTAL_HEALTH, C.PREGNANCY})
PROTECTION_TRIGGERS = frozenset({C.TRAFFICKING, C.GBV})
UMC_FORMS = (
    "umc_declaration_host",
    "umc_declaration_origin",
    "family_tracing_consent",
    "guardian_travel_consent",
)
HEALTH_FORMS = ("fitness_to_travel", "medical_questionnaire")
GUARDIAN_SIGNATORIES = ("guardian", "parent")
BOOKING_ITEMS = ("health", "child", "one_parent", "protection", "confidential")


@dataclass
class Item:
    key: str
    label: str
    rule: str
    reasons: list = field(default_factory=list)
    # A page where the item is worked on (a URL name of the web app, with the reference).
    action: str = ""

    @property
    def done(self) -> bool:
        return not self.reasons


class Facts:
    """What the checklist reads: one summary row of the case's phase-1 records, its flags
    and signed documents; records a procedure needs are read only when it applies."""

    def __init__(self, actor, case: Case):
        self.case = case
        self.readable = readable_groups_for_case(actor, case)
        self.summary = _summary(case)
        self.flags = {c for c in FLAG_TRIGGERS if self.summary[f"flag_{c}"]}

    def signed(self, kind: str) -> bool:
        return self.summary[f"signed_{kind}"]

    @property
    def declaration(self) -> SimpleNamespace | None:
        """The latest signed declaration's language, form version and signatory."""
        if self.summary["declaration_language"] is None:
            return None
        return SimpleNamespace(
            language=self.summary["declaration_language"],
            form_version=self.summary["declaration_version"],
            signatory=self.summary["declaration_signatory"],
        )

    def __getattr__(self, name):
        try:
            return self.__dict__["summary"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def is_minor(self) -> bool:
        age = age_on(self.case.person, self.case.today())
        return age is not None and age < 18

    @cached_property
    def languages(self) -> set:
        return person_languages(self.case)

    @cached_property
    def health(self):
        return HealthAssessment.objects.filter(case=self.case).first()

    @cached_property
    def child(self):
        return ChildProtection.objects.filter(case=self.case).first()

    @cached_property
    def protection(self):
        return ProtectionAssessment.objects.filter(case=self.case).first()

    @cached_property
    def medical_consent(self) -> bool:
        return has_active_consent(self.case, "medical_data_sharing")

    @cached_property
    def decisions(self) -> dict:
        rows = DuplicateDecision.objects.filter(case=self.case)
        return {str(d.candidate_id): d for d in rows}


def load_facts(actor, case: Case) -> Facts:
    """The facts, loaded once per case object and reader (a page shows the checklist and
    the register button from the same facts)."""
    key = getattr(actor, "pk", None)
    memo = case.__dict__.setdefault("_registration_facts", {})
    if key not in memo:
        memo[key] = Facts(actor, case)
    return memo[key]


def _exists(model, **conditions):
    return Exists(model.objects.filter(case=OuterRef("pk"), **conditions))


def _latest(model, field: str, order=("-created_at",), output=None, **conditions):
    rows = model.objects.filter(case=OuterRef("pk"), **conditions)
    rows = rows.order_by(*order).values(field)[:1]
    return Subquery(rows, output_field=output) if output else Subquery(rows)


def _covers(kind: str, country_field: str):
    return Exists(
        CountryAction.objects.filter(
            programme=OuterRef("programme"), kind=kind, country=OuterRef(country_field)
        )
    )


SUMMARY = {
    "host_covered": lambda: _covers(CountryAction.Kind.HOST, "host_office__country"),
    "origin_covered": lambda: _covers(CountryAction.Kind.ORIGIN, "origin_office__country"),
    "has_return_session": lambda: _exists(CounsellingSession, kind=SessionKind.RETURN),
    "has_free_session": lambda: _exists(
        CounsellingSession, kind=SessionKind.RETURN, direct_access=True, spoke_freely=True
    ),
    "asylum_pending": lambda: _exists(AsylumReferral, outcome=AsylumOutcome.PENDING),
    "asylum_pursuing": lambda: _exists(AsylumReferral, outcome=AsylumOutcome.PURSUING),
    "has_pre_departure_screening": lambda: _exists(Screening, stage=ScreeningStage.PRE_DEPARTURE),
    "latest_capacity": lambda: _latest(Screening, "capacity", ("-screened_on", "-created_at")),
    "has_confirmed_guardian": lambda: _exists(Guardian, identity_confirmed=True),
    "in_detention": lambda: _latest(CaseProfile, "in_detention"),
    "detention_grounds": lambda: _latest(CaseProfile, "detention_grounds"),
    "returns_with_one_parent": lambda: _latest(CaseProfile, "returns_with_one_parent"),
    "checked_at": lambda: _latest(DuplicateCheck, "checked_at", ("-checked_at", "-id")),
    "candidates": lambda: _latest(
        DuplicateCheck, "candidates", ("-checked_at", "-id"), output=JSONField()
    ),
}


DECLARATION = "voluntary_return_declaration"
SIGNED_FORMS = (*UMC_FORMS, *HEALTH_FORMS, "one_parent_declaration")
FLAG_TRIGGERS = (*sorted(HEALTH_TRIGGERS), *sorted(PROTECTION_TRIGGERS), C.UMC)
SIGNED_ORDER = ("-signed_on", "-created_at")
SUMMARY.update(
    {
        f"flag_{category}": (lambda c=category: _exists(VulnerabilityFlag, category=c))
        for category in FLAG_TRIGGERS
    }
)
SUMMARY.update(
    {f"signed_{kind}": (lambda k=kind: _exists(SignedDocument, kind=k)) for kind in SIGNED_FORMS}
)
SUMMARY.update(
    {
        f"declaration_{name}": (
            lambda f=field: _latest(SignedDocument, f, SIGNED_ORDER, kind=DECLARATION)
        )
        for name, field in (
            ("language", "language"),
            ("version", "form_version"),
            ("signatory", "signatory"),
        )
    }
)


def _summary_of(case_id) -> QuerySet:
    annotations = {name: build() for name, build in SUMMARY.items()}
    return Case.objects.filter(pk=case_id).annotate(**annotations).values(*SUMMARY)


# Compiled once: the ORM took ten times longer to build this statement than to run it.
_SUMMARY = PreparedValues(_summary_of)


def _summary(case: Case) -> dict:
    """One statement: which phase-1 records exist, and the few values the items compare."""
    summary = _SUMMARY.one(case.pk)
    if summary is None:
        raise Case.DoesNotExist(case.pk)
    return summary


def registration_checklist(actor, case: Case, facts: Facts | None = None) -> list[Item]:
    facts = facts or load_facts(actor, case)
    items = [
        _programme(facts),
        _counselling(facts),
        _declaration(facts),
        _screening(facts),
        _duplicates(facts),
    ]
    items += [item for item in _conditional_items(facts) if item is not None]
    return items


def _conditional_items(facts: Facts) -> list:
    items = [_detention(facts), _asylum(facts), _guardian(facts)]
    items += [_child(facts), _one_parent(facts)]
    items += _restricted_items(facts)
    return items


def unmet_for_transitions(actor, case: Case) -> dict:
    """The requirements provider registered with `cases.requirements` (see apps.py)."""
    from homeward.cases.models import Phase

    if case.phase not in (Phase.COUNSELLING, Phase.PRE_DEPARTURE):
        return {}
    items = registration_checklist(actor, case)
    if case.phase == Phase.COUNSELLING:
        return {"register": [r for item in items for r in item.reasons]}
    booking = [r for item in items if item.key in BOOKING_ITEMS for r in item.reasons]
    return {"book_travel": booking}


# --- Items that always apply --------------------------------------------------------------


def _programme(facts: Facts) -> Item:
    case = facts.case
    item = Item("programme", _("The programme covers the host and origin countries"), "")
    host = case.host_office.country_id if case.host_office_id else None
    if not (facts.origin_covered and (host is None or facts.host_covered)):
        item.reasons.append(
            _("Programme “%(programme)s” does not cover returns from %(host)s to %(origin)s.")
            % {
                "programme": case.programme.name,
                "host": host or "—",
                "origin": case.origin_office.country_id,
            }
        )
    return item


def _counselling(facts: Facts) -> Item:
    item = Item("counselling", _("Return counselling held"), "R-CNS-1", action="session_new")
    if not facts.has_return_session:
        item.reasons.append(_("No return counselling session is recorded."))
    return item


def _declaration(facts: Facts) -> Item:
    """R-VOL-1: the signed declaration, in a language the migrant understands."""
    item = Item(
        "declaration",
        _("Voluntary return declaration signed"),
        "R-VOL-1",
        action="case_consent",
    )
    doc = facts.declaration
    if doc is None:
        item.reasons.append(
            _("The signed voluntary return declaration and data authorization is missing.")
        )
    elif (doc.language or "").lower() not in (facts.languages or {doc.language.lower()}):
        item.reasons.append(
            _("The declaration was signed in a language the migrant does not understand.")
        )
    elif not doc.form_version:
        item.reasons.append(_("The declaration's form version is not recorded."))
    return item


def _screening(facts: Facts) -> Item:
    """R-VUL-1: a profile and vulnerability screening before departure."""
    item = Item("screening", _("Vulnerability screening done"), "R-VUL-1", action="screening_new")
    if not facts.has_pre_departure_screening:
        item.reasons.append(_("No profile and vulnerability screening before departure."))
    return item


def _duplicates(facts: Facts) -> Item:
    """R-DUP-1: a duplicate search since the person last changed, every likely match decided."""
    item = Item("duplicates", _("Duplicate check decided"), "R-DUP-1", action="duplicates")
    if facts.checked_at is None or facts.checked_at < facts.case.person.updated_at:
        item.reasons.append(_("Run the duplicate check (the person's details changed since)."))
        return item
    for candidate in facts.candidates or []:
        if not candidate.get("likely"):
            continue
        decision = facts.decisions.get(candidate["person_id"])
        name = candidate.get("display_name", "")
        if decision is None:
            item.reasons.append(_("Decide on the likely duplicate %(name)s.") % {"name": name})
        elif decision.verdict == DuplicateVerdict.REFUSE:
            item.reasons.append(
                _("Renewed assistance refused: already assisted as %(name)s.") % {"name": name}
            )
    return item


# --- Items that apply to some cases -------------------------------------------------------


def _detention(facts: Facts) -> Item | None:
    """R-CNS-4: detention only for breach of immigration rules; counselled freely."""
    if not facts.in_detention:
        return None
    item = Item("detention", _("Detention conditions"), "R-CNS-4", action="profile_edit")
    if facts.detention_grounds != DetentionGrounds.IMMIGRATION_ONLY:
        item.reasons.append(
            _("AVRR from detention only where detention is for breach of immigration rules.")
        )
    if not facts.has_free_session:
        item.reasons.append(
            _(
                "No counselling session confirms direct access to the migrant in conditions "
                "allowing them to speak freely."
            )
        )
    return item


def _asylum(facts: Facts) -> Item | None:
    """R-CNS-3: registration waits for the migrant's decision on asylum."""
    if not (facts.asylum_pending or facts.asylum_pursuing):
        return None
    item = Item("asylum", _("Asylum referral decided"), "R-CNS-3", action="asylum")
    if facts.asylum_pending:
        item.reasons.append(_("Waiting for the migrant's decision after the asylum referral."))
    if facts.asylum_pursuing:
        item.reasons.append(_("The migrant is pursuing asylum."))
    return item


def _guardian(facts: Facts) -> Item | None:
    """R-VOL-3: a child or a person unable to decide needs a legal guardian."""
    unable = facts.latest_capacity == Capacity.UNABLE
    if not (facts.is_minor or unable):
        return None
    item = Item("guardian", _("Legal guardian associated"), "R-VOL-3", action="guardian_new")
    if not facts.has_confirmed_guardian:
        item.reasons.append(_("No legal guardian with a confirmed identity is recorded."))
    doc = facts.declaration
    if doc is not None and doc.signatory not in GUARDIAN_SIGNATORIES:
        item.reasons.append(_("The declaration must be signed by the legal guardian."))
    return item


def _child(facts: Facts) -> Item | None:
    """R-UMC-1: conditions for an unaccompanied or separated child."""
    if C.UMC not in facts.flags:
        return None
    item = Item("child", _("Unaccompanied child procedure"), "R-UMC-1", action="child_edit")
    record = facts.child
    r = record
    checks = [
        (
            r and r.guardian_confirmed_host,
            _("Guardian's identity not confirmed in the host country."),
        ),
        (r and r.guardian_confirmed_origin, _("Guardian's identity not confirmed at origin.")),
        (r and r.family_assessment_on, _("Family assessment not completed.")),
        (
            r and r.best_interests == BestInterests.RETURN,
            _("The best-interests determination has not found return in the child's interests."),
        ),
        (r and r.child_willing, _("The child's willingness to return is not confirmed.")),
    ]
    item.reasons += [reason for ok, reason in checks if not ok]
    item.reasons += _missing_forms(facts, UMC_FORMS)
    return item


def _one_parent(facts: Facts) -> Item | None:
    """R-UMC-2: a child returning with one of two custodial parents."""
    if not (facts.returns_with_one_parent and facts.is_minor):
        return None
    item = Item("one_parent", _("One-parent declaration"), "R-UMC-2", action="case_consent")
    item.reasons += _missing_forms(facts, ("one_parent_declaration",))
    return item


def _missing_forms(facts: Facts, kinds) -> list:
    return [
        _("Signed form missing: %(form)s.") % {"form": DocumentKind(kind).label}
        for kind in kinds
        if not facts.signed(kind)
    ]


def _restricted_items(facts: Facts) -> list:
    """Health and protection items for their readers; one neutral item for everyone else."""
    items, hidden = [], False
    if facts.flags & HEALTH_TRIGGERS:
        if FieldGroup.MEDICAL in facts.readable:
            items.append(_health(facts))
        else:
            hidden = hidden or not _health(facts).done
    if facts.flags & PROTECTION_TRIGGERS:
        if FieldGroup.TRAFFICKING in facts.readable:
            items.append(_protection(facts))
        else:
            hidden = hidden or not _protection(facts).done
    if hidden:
        item = Item("confidential", _("Confidential procedures"), "")
        item.reasons.append(
            _("A confidential special procedure handled by a specialist is not cleared yet.")
        )
        items.append(item)
    return items


def _health(facts: Facts) -> Item:
    """R-HLT-1: health needs require forms, consent, treatment at origin and a decision."""
    item = Item("health", _("Health procedure"), "R-HLT-1", action="health_edit")
    record = facts.health
    item.reasons += _missing_forms(facts, HEALTH_FORMS)
    if not facts.medical_consent:
        item.reasons.append(_("No consent to share medical data with third parties."))
    if record is None or not record.treatment_at_origin:
        item.reasons.append(_("Availability of treatment at origin not recorded."))
    if record is None or record.decision == HealthDecision.PENDING:
        item.reasons.append(_("The medical decision is pending."))
    elif record.decision == HealthDecision.DO_NOT_RETURN:
        item.reasons.append(
            _("Medical decision: do not return (life-saving treatment unavailable at origin).")
        )
    return item


def _protection(facts: Facts) -> Item:
    """R-VOT-1: screening interview and risk assessment before booking."""
    item = Item("protection", _("Protection assessment"), "R-VOT-1", action="protection_edit")
    record = facts.protection
    if record is None or not record.interviewed_on:
        item.reasons.append(_("The screening interview is not recorded."))
    if record is None or record.outcome == ProtectionOutcome.PENDING:
        item.reasons.append(_("The risk assessment has no outcome yet."))
    elif record.outcome == ProtectionOutcome.UNSAFE:
        item.reasons.append(_("The risk assessment found return not safe or not sustainable."))
    return item
