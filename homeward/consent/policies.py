"""Who may record, see and download consents and signed documents.

A consent or document is seen by those who see the case and may read its field group for
that case (`readable_groups_for_case`, which includes the R-VOT-3 consent exception); it is
recorded by holders of the permission at one of the case's offices who may read its group.
"""

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.cases.policies import can_view_case, readable_groups_for_case


def can_record_consent(actor, case, group) -> bool:
    return Perm.CONSENT_RECORD in access_for(actor).perms_at(
        case.office_ids
    ) and group in readable_groups_for_case(actor, case)


def can_upload_document(actor, case, group) -> bool:
    return Perm.DOCUMENT_UPLOAD in access_for(actor).perms_at(
        case.office_ids
    ) and group in readable_groups_for_case(actor, case)


def can_read_group(actor, case, group) -> bool:
    return can_view_case(actor, case) and group in readable_groups_for_case(actor, case)


def may_record_consents(actor, case) -> bool:
    """Whether the page offers the consent form at all (the purposes are filtered too)."""
    return Perm.CONSENT_RECORD in access_for(actor).perms_at(case.office_ids)


def may_upload_documents(actor, case) -> bool:
    return Perm.DOCUMENT_UPLOAD in access_for(actor).perms_at(case.office_ids)
