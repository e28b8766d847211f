"""Roles (DOMAIN §1), the permission catalogue, and the role × field-group matrix."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Return counsellor")
    MOVEMENT_OFFICER = "movement_officer", _("Movement officer")
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    CASE_MANAGER = "case_manager", _("Case manager")
    AVM_FOCAL_POINT = "avm_focal_point", _("AVM focal point")
    MEDICAL_OFFICER = "medical_officer", _("Medical officer")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    FINANCE_OFFICER = "finance_officer", _("Procurement / finance officer")
    ME_OFFICER = "me_officer", _("M&E officer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    PARTNER = "partner", _("Partner / service provider")
    AUDITOR = "auditor", _("Auditor")


class Perm(StrEnum):
    CASE_VIEW = "case.view"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    PERSON_EDIT = "person.edit"
    CASE_COUNSEL = "case.counsel"
    CASE_REGISTER = "case.register"
    CASE_DECIDE_ELIGIBILITY = "case.decide_eligibility"
    CASE_DECLINE_UNSAFE = "case.decline_unsafe"
    CASE_WITHDRAW = "case.withdraw"
    CASE_REOPEN = "case.reopen"
    TRAVEL_PREPARE = "travel.prepare"
    TRAVEL_BOOK = "travel.book"
    TRAVEL_DEPART = "travel.depart"
    ARRIVAL_RECORD = "arrival.record"
    REINTEGRATION_MANAGE = "reintegration.manage"
    CASE_CLOSE = "case.close"
    AUDIT_VIEW = "audit.view"
    SCREENING_RECORD = "screening.record"
    CONSENT_RECORD = "consent.record"
    DOCUMENT_UPLOAD = "document.upload"
    DUPLICATE_DECIDE = "duplicate.decide"
    ABN_CONFIRM = "abn.confirm"
    SUSPENSION_MANAGE = "suspension.manage"
    POCKET_MONEY_PAY = "pocket_money.pay"


_COUNSELLING = {
    Perm.CASE_VIEW,
    Perm.CASE_CREATE,
    Perm.CASE_EDIT,
    Perm.PERSON_EDIT,
    Perm.CASE_COUNSEL,
    Perm.CASE_REGISTER,
    Perm.CASE_DECIDE_ELIGIBILITY,
    Perm.CASE_DECLINE_UNSAFE,
    Perm.CASE_WITHDRAW,
    Perm.CASE_REOPEN,
    Perm.SCREENING_RECORD,
    Perm.CONSENT_RECORD,
    Perm.DOCUMENT_UPLOAD,
    Perm.DUPLICATE_DECIDE,
}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.COUNSELLOR: frozenset(_COUNSELLING),
    Role.MOVEMENT_OFFICER: frozenset(
        {
            Perm.CASE_VIEW,
            Perm.TRAVEL_PREPARE,
            Perm.TRAVEL_BOOK,
            Perm.TRAVEL_DEPART,
            Perm.CASE_WITHDRAW,
            Perm.DOCUMENT_UPLOAD,
        }
    ),
    Role.RECEPTION_OFFICER: frozenset(
        {
            Perm.CASE_VIEW,
            Perm.CASE_CREATE,
            Perm.CASE_EDIT,
            Perm.PERSON_EDIT,
            Perm.ARRIVAL_RECORD,
            Perm.POCKET_MONEY_PAY,
            Perm.ABN_CONFIRM,
            Perm.SCREENING_RECORD,
            Perm.CONSENT_RECORD,
            Perm.DOCUMENT_UPLOAD,
            Perm.DUPLICATE_DECIDE,
        }
    ),
    Role.CASE_MANAGER: frozenset(
        {
            Perm.CASE_VIEW,
            Perm.CASE_CREATE,
            Perm.CASE_EDIT,
            Perm.PERSON_EDIT,
            Perm.CASE_DECIDE_ELIGIBILITY,
            Perm.ABN_CONFIRM,
            Perm.REINTEGRATION_MANAGE,
            Perm.CASE_CLOSE,
            Perm.SCREENING_RECORD,
            Perm.CONSENT_RECORD,
            Perm.DOCUMENT_UPLOAD,
            Perm.DUPLICATE_DECIDE,
        }
    ),
    Role.AVM_FOCAL_POINT: frozenset(
        {
            Perm.CASE_VIEW,
            Perm.CASE_DECLINE_UNSAFE,
            Perm.SCREENING_RECORD,
            Perm.CONSENT_RECORD,
            Perm.DOCUMENT_UPLOAD,
        }
    ),
    Role.MEDICAL_OFFICER: frozenset(
        {Perm.CASE_VIEW, Perm.SCREENING_RECORD, Perm.CONSENT_RECORD, Perm.DOCUMENT_UPLOAD}
    ),
    Role.COMMITTEE_MEMBER: frozenset({Perm.CASE_VIEW}),
    Role.FINANCE_OFFICER: frozenset({Perm.CASE_VIEW, Perm.POCKET_MONEY_PAY}),
    Role.ME_OFFICER: frozenset({Perm.CASE_VIEW}),
    Role.PROGRAMME_MANAGER: frozenset(
        {
            Perm.CASE_VIEW,
            Perm.CASE_DECIDE_ELIGIBILITY,
            Perm.CASE_REOPEN,
            Perm.CASE_CLOSE,
            Perm.SUSPENSION_MANAGE,
        }
    ),
    # Partners see only the referrals sent to them (a later capability), never case files.
    Role.PARTNER: frozenset(),
    Role.AUDITOR: frozenset({Perm.CASE_VIEW, Perm.AUDIT_VIEW}),
}


class FieldGroup(StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    VULNERABILITY = "vulnerability"
    MEDICAL = "medical"
    TRAFFICKING = "trafficking"
    GBV = "gbv"
    FINANCIAL = "financial"


# R-DAT-2: categories restricted to the roles named for them.
SENSITIVE_GROUPS = frozenset({FieldGroup.MEDICAL, FieldGroup.TRAFFICKING, FieldGroup.GBV})

R, RW = "r", "rw"
G = FieldGroup
ROLE_FIELD_ACCESS: dict[str, dict[FieldGroup, str]] = {
    Role.COUNSELLOR: {G.IDENTITY: RW, G.CONTACT: RW, G.VULNERABILITY: RW, G.FINANCIAL: R},
    Role.MOVEMENT_OFFICER: {G.IDENTITY: R, G.CONTACT: R, G.VULNERABILITY: R},
    Role.RECEPTION_OFFICER: {G.IDENTITY: RW, G.CONTACT: RW, G.VULNERABILITY: R, G.FINANCIAL: RW},
    Role.CASE_MANAGER: {G.IDENTITY: RW, G.CONTACT: RW, G.VULNERABILITY: RW, G.FINANCIAL: RW},
    Role.AVM_FOCAL_POINT: {
        G.IDENTITY: R,
        G.CONTACT: R,
        G.VULNERABILITY: RW,
        G.TRAFFICKING: RW,
        G.GBV: RW,
    },
    Role.MEDICAL_OFFICER: {G.IDENTITY: R, G.CONTACT: R, G.VULNERABILITY: R, G.MEDICAL: RW},
    Role.COMMITTEE_MEMBER: {G.IDENTITY: R},
    Role.FINANCE_OFFICER: {G.IDENTITY: R, G.FINANCIAL: RW},
    Role.ME_OFFICER: {G.IDENTITY: R, G.VULNERABILITY: R},
    Role.PROGRAMME_MANAGER: {G.IDENTITY: R, G.VULNERABILITY: R, G.FINANCIAL: R},
    Role.PARTNER: {},
    Role.AUDITOR: {G.IDENTITY: R, G.CONTACT: R, G.VULNERABILITY: R, G.FINANCIAL: R},
}


# Roles that work on case files and may therefore be assigned a case.
CASE_WORKER_ROLES = frozenset(
    {
        Role.COUNSELLOR,
        Role.MOVEMENT_OFFICER,
        Role.RECEPTION_OFFICER,
        Role.CASE_MANAGER,
        Role.AVM_FOCAL_POINT,
        Role.MEDICAL_OFFICER,
    }
)


def permissions_of(roles) -> frozenset[Perm]:
    return frozenset().union(*(ROLE_PERMISSIONS[r] for r in roles)) if roles else frozenset()


def readable_groups(roles) -> frozenset[FieldGroup]:
    return frozenset(g for r in roles for g in ROLE_FIELD_ACCESS[r])


def writable_groups(roles) -> frozenset[FieldGroup]:
    return frozenset(g for r in roles for g, mode in ROLE_FIELD_ACCESS[r].items() if mode == RW)
