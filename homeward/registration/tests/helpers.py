"""Test setup for phase 1: a counselling case that meets every registration requirement.

Documents and consents are created directly (set-up, not a write path); everything the
tests are about goes through the services.
"""

import datetime

from homeward.cases.models import Phase
from homeward.consent.models import Consent, SignedDocument
from homeward.people.models import PersonLanguage
from homeward.registration import services
from homeward.registration.models import DuplicateCheck

TODAY = datetime.date(2026, 11, 2)


def sign(case, kind: str, *, by, signatory="migrant", language="fr", version="2026-1"):
    return SignedDocument.objects.create(
        case=case,
        kind=kind,
        language=language,
        form_version=version,
        signed_on=TODAY,
        signatory=signatory,
        signatory_name="Signatory",
        witnessed_by=by,
        uploaded_by=by,
    )


def consent(case, purpose: str, *, by, language="fr"):
    return Consent.objects.create(
        case=case,
        purpose=purpose,
        scope="health data",
        recipients="medical escort",
        language=language,
        form_version="2026-1",
        given_on=TODAY,
        signatory_name="Signatory",
        recorded_by=by,
    )


def speaks(person, *languages):
    for code in languages:
        PersonLanguage.objects.create(person=person, language=code)


def ready_case(world, *, categories=(), **case_kwargs):
    """A counselling case in Niamey → Dakar with session, declaration, screening and a
    duplicate check without candidates: registrable unless `categories` trigger procedures."""
    counsellor = world.user("counsellor", "niamey")
    case = world.case(phase=Phase.COUNSELLING, **case_kwargs)
    speaks(case.person, "fr")
    services.counselling_session_record(
        actor=counsellor,
        case_id=case.pk,
        data={
            "kind": "return",
            "held_on": TODAY,
            "place": "Niamey office",
            "mode": "in_person",
            "language": "fr",
        },
    )
    sign(case, "voluntary_return_declaration", by=counsellor)
    services.screening_record(
        actor=counsellor,
        case_id=case.pk,
        data={
            "stage": "pre_departure",
            "screened_on": TODAY,
            "capacity": "able",
            "categories": list(categories),
        },
    )
    DuplicateCheck.objects.create(case=case, checked_by=counsellor, candidates=[])
    return case
