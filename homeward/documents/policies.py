"""Who may print a case's forms: staff who prepare them (consent, upload or screening
permission at one of the case's offices) and may read the person's identity for the case.
Printing is an export of personal data and is audited."""

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.policies import readable_groups_for_case

PREPARING = frozenset({Perm.CONSENT_RECORD, Perm.DOCUMENT_UPLOAD, Perm.SCREENING_RECORD})


def can_print_documents(actor, case) -> bool:
    return bool(
        PREPARING & access_for(actor).perms_at(case.office_ids)
    ) and FieldGroup.IDENTITY in readable_groups_for_case(actor, case)
