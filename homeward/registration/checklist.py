"""The registration checklist: what must hold before `counselling → registered` (and, for the
special procedures, before travel is booked), each item with the reasons it is not done.

Items about medical or protection records are worded for the reader: someone who may not read
that field group learns only that a confidential procedure is pending (R-VOT-3, R-DAT-2).
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.roles import FieldGroup
from homeward.cases.models import Case, VulnerabilityCategory, VulnerabilityFlag
from homeward.cases.policies import readable_groups_for_case
from homeward.consent.models import DocumentKind, SignedDocument
from homeward.consent.selectors import has_active_consent
from homeward.programmes.selectors import programme_covers

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


@dataclass
class Facts:
    """Everything the checklist reads, loaded with a fixed number of queries."""

    case: Case
    readable: frozenset
    flags: set
    profile: object
    sessions: list
    asylum: list
    screenings: list
    health: object
    child: object
    protection: object
    guardians: list
    check: object
    decisions: dict
    documents: dict
    medical_consent: bool
    languages: set

    @property
    def is_minor(self) -> bool:
        age = age_on(self.case.person, timezone.localdate())
        return age is not None and age < 18


def load_facts(actor, case: Case) -> Facts:
    """The facts, loaded once per case object and reader (a page shows the checklist and
    the register button from the same facts)."""
    key = getattr(actor, "pk", None)
    memo = case.__dict__.setdefault("_registration_facts", {})
    if key not in memo:
        memo[key] = _load_facts(actor, case)
    return memo[key]


def _load_facts(actor, case: Case) -> Facts:
    return Facts(
        case=case,
        readable=readable_groups_for_case(actor, case),
        flags=set(VulnerabilityFlag.objects.filter(case=case).values_list("category", flat=True)),
        profile=CaseProfile.objects.filter(case=case).first(),
        sessions=list(CounsellingSession.objects.filter(case=case)),
        asylum=list(AsylumReferral.objects.filter(case=case)),
        screenings=list(Screening.objects.filter(case=case).prefetch_related("findings__other")),
        health=HealthAssessment.objects.filter(case=case).first(),
        child=ChildProtection.objects.filter(case=case).first(),
        protection=ProtectionAssessment.objects.filter(case=case).first(),
        guardians=list(Guardian.objects.filter(case=case)),
        check=DuplicateCheck.objects.filter(case=case).order_by("-checked_at", "-id").first(),
        decisions={str(d.candidate_id): d for d in DuplicateDecision.objects.filter(case=case)},
        documents=_latest_signed_documents(case),
        medical_consent=has_active_consent(case, "medical_data_sharing"),
        languages=person_languages(case),
    )


def _latest_signed_documents(case: Case) -> dict:
    """The most recently signed document of each kind."""
    latest: dict = {}
    for doc in SignedDocument.objects.filter(case=case).order_by("signed_on", "created_at"):
        latest[doc.kind] = doc
    return latest


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
    if not programme_covers(
        case.programme, host_country=host, origin_country=case.origin_office.country_id
    ):
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
    if not any(s.kind == SessionKind.RETURN for s in facts.sessions):
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
    doc = facts.documents.get("voluntary_return_declaration")
    if doc is None:
        item.reasons.append(
            _("The signed voluntary return declaration and data authorization is missing.")
        )
    elif facts.languages and (doc.language or "").lower() not in facts.languages:
        item.reasons.append(
            _("The declaration was signed in a language the migrant does not understand.")
        )
    elif not doc.form_version:
        item.reasons.append(_("The declaration's form version is not recorded."))
    return item


def _screening(facts: Facts) -> Item:
    """R-VUL-1: a profile and vulnerability screening before departure."""
    item = Item("screening", _("Vulnerability screening done"), "R-VUL-1", action="screening_new")
    if not any(s.stage == ScreeningStage.PRE_DEPARTURE for s in facts.screenings):
        item.reasons.append(_("No profile and vulnerability screening before departure."))
    return item


def _duplicates(facts: Facts) -> Item:
    """R-DUP-1: a duplicate search since the person last changed, every likely match decided."""
    item = Item("duplicates", _("Duplicate check decided"), "R-DUP-1", action="duplicates")
    check = facts.check
    if check is None or check.checked_at < facts.case.person.updated_at:
        item.reasons.append(_("Run the duplicate check (the person's details changed since)."))
        return item
    for candidate in check.candidates:
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
    if facts.profile is None or not facts.profile.in_detention:
        return None
    item = Item("detention", _("Detention conditions"), "R-CNS-4", action="profile_edit")
    if facts.profile.detention_grounds != DetentionGrounds.IMMIGRATION_ONLY:
        item.reasons.append(
            _("AVRR from detention only where detention is for breach of immigration rules.")
        )
    if not any(
        s.kind == SessionKind.RETURN and s.direct_access and s.spoke_freely for s in facts.sessions
    ):
        item.reasons.append(
            _(
                "No counselling session confirms direct access to the migrant in conditions "
                "allowing them to speak freely."
            )
        )
    return item


def _asylum(facts: Facts) -> Item | None:
    """R-CNS-3: registration waits for the migrant's decision on asylum."""
    if not facts.asylum:
        return None
    item = Item("asylum", _("Asylum referral decided"), "R-CNS-3", action="asylum")
    for referral in facts.asylum:
        if referral.outcome == AsylumOutcome.PENDING:
            item.reasons.append(
                _("Waiting for the migrant's decision after the referral to %(to)s.")
                % {"to": referral.referred_to}
            )
        elif referral.outcome == AsylumOutcome.PURSUING:
            item.reasons.append(_("The migrant is pursuing asylum."))
    return item


def _guardian(facts: Facts) -> Item | None:
    """R-VOL-3: a child or a person unable to decide needs a legal guardian."""
    latest = facts.screenings[0] if facts.screenings else None
    unable = latest is not None and latest.capacity == Capacity.UNABLE
    if not (facts.is_minor or unable):
        return None
    item = Item("guardian", _("Legal guardian associated"), "R-VOL-3", action="guardian_new")
    if not any(g.identity_confirmed for g in facts.guardians):
        item.reasons.append(_("No legal guardian with a confirmed identity is recorded."))
    doc = facts.documents.get("voluntary_return_declaration")
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
    if not (facts.is_minor and facts.profile and facts.profile.returns_with_one_parent):
        return None
    item = Item("one_parent", _("One-parent declaration"), "R-UMC-2", action="case_consent")
    item.reasons += _missing_forms(facts, ("one_parent_declaration",))
    return item


def _missing_forms(facts: Facts, kinds) -> list:
    return [
        _("Signed form missing: %(form)s.") % {"form": DocumentKind(kind).label}
        for kind in kinds
        if kind not in facts.documents
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
