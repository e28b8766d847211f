"""R-TRV-3: the ABN reads in its reader's language, not its sender's. Codes are stored
(means, escorts, mobility, vulnerability categories) and labelled when the ABN is shown —
page, API and PDF; ABNs stored with labels only still show (their stored labels). R-VOT-3
still decides who sees the protection detail."""

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from homeward.cases.models import VulnerabilityFlag
from homeward.documents.tests.pdftext import pdf_text
from homeward.documents.travel import abn_pdf
from homeward.movements import services
from homeward.movements.abn_display import abn_display
from homeward.movements.models import AdvanceBookingNotification
from homeward.registration.models import HealthAssessment

from .travel import book, movement, ready_case

pytestmark = pytest.mark.django_db


def sent_in_french(world):
    """An ABN sent from a French screen: flight, medical escort, wheelchair, an elderly
    returnee who is also a victim of trafficking."""
    mv = movement(world)
    case = ready_case(world)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    VulnerabilityFlag.objects.create(case=case, category="trafficking", note="Recruiter in Thiès")
    HealthAssessment.objects.create(
        case=case,
        needs_wheelchair=True,
        needs_medical_escort=True,
        assessed_by=world.user("medical_officer"),
    )
    book(world, mv, case, medical_escort=True, needs_airport_assistance=True)
    with translation.override("fr"):
        abn = services.abn_send(actor=world.user("movement_officer"), movement_id=mv.pk)
    return abn, case


def page(client, user, abn, language) -> str:
    client.force_login(user)
    response = client.get(reverse("web:abn_detail", args=[abn.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def api(user, abn, language) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/abns/{abn.pk}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.json()


def words(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def make_old_style(abn):
    """The ABN as the code before R-TRV-3's codes stored it from a French screen: labels."""
    content = dict(abn.content)
    content["means_label"] = "Vol commercial"
    content["returnees"] = [
        {
            **row,
            "escorts": ["escorte médicale"],
            "mobility": ["fauteuil roulant"],
            "vulnerabilities": ["Personne âgée"],
        }
        for row in content["returnees"]
    ]
    protection = {
        reference: [{**item, "category": "Victime de traite"} for item in items]
        for reference, items in abn.protection.items()
    }
    AdvanceBookingNotification.objects.filter(pk=abn.pk).update(
        content=content, protection=protection
    )


def test_r_trv_3_the_abn_stores_codes_not_the_senders_labels(world):
    abn, case = sent_in_french(world)
    assert abn.content["means"] == "flight" and "means_label" not in abn.content
    row = abn.content["returnees"][0]
    assert row["escorts"] == ["medical"]
    assert row["mobility"] == ["wheelchair"]
    assert row["vulnerabilities"] == ["elderly"]
    assert abn.protection[case.reference] == [
        {"group": "trafficking", "category": "trafficking", "note": "Recruiter in Thiès"}
    ]
    assert "Vol commercial" not in str(abn.content) and "escorte" not in str(abn.content)


def test_r_trv_3_sent_in_french_reads_in_english_on_the_english_page(world, client):
    abn, _case = sent_in_french(world)
    html = page(client, world.user("reception_officer", "dakar"), abn, "en")
    assert "Commercial flight" in html and "medical escort" in html
    assert "wheelchair" in html and "Elderly" in html
    assert "Vol commercial" not in html and "escorte médicale" not in html
    assert "Personne âgée" not in html


def test_r_trv_3_and_in_french_on_the_french_page(world, client):
    abn, _case = sent_in_french(world)
    html = page(client, world.user("reception_officer", "dakar"), abn, "fr")
    assert "Vol commercial" in html and "escorte médicale" in html
    assert "fauteuil roulant" in html and "Personne âgée" in html
    assert "Commercial flight" not in html and "medical escort" not in html


def test_r_vot_3_protection_detail_labelled_for_its_readers_only(world, client):
    abn, case = sent_in_french(world)
    for language in ("en", "fr"):
        general = page(client, world.user("reception_officer", "dakar"), abn, language)
        assert "Recruiter" not in general
        assert "Victim of trafficking" not in general and "Victime de traite" not in general
    focal = world.user("avm_focal_point", "dakar")
    english = page(client, focal, abn, "en")
    assert f"{case.reference}: Victim of trafficking — Recruiter in Thiès" in english
    assert f"{case.reference}: Victime de traite — Recruiter in Thiès" in page(
        client, focal, abn, "fr"
    )
    assert api(world.user("reception_officer", "dakar"), abn, "en")["protection"] == {}


def test_r_trv_3_the_api_gives_codes_and_labels_in_the_requests_language(world):
    abn, case = sent_in_french(world)
    reception = world.user("reception_officer", "dakar")
    english = api(reception, abn, "en")["content"]
    assert english["means"] == "flight" and english["means_label"] == "Commercial flight"
    row = english["returnees"][0]
    assert row["escorts"] == [{"code": "medical", "label": "medical escort"}]
    assert row["mobility"] == [{"code": "wheelchair", "label": "wheelchair"}]
    assert row["vulnerabilities"] == [{"code": "elderly", "label": "Elderly"}]
    french = api(reception, abn, "fr")["content"]
    assert french["means_label"] == "Vol commercial"
    assert french["returnees"][0]["escorts"] == [{"code": "medical", "label": "escorte médicale"}]
    focal = api(world.user("avm_focal_point", "dakar"), abn, "en")["protection"]
    assert focal[case.reference] == [
        {
            "group": "trafficking",
            "category": "trafficking",
            "category_label": "Victim of trafficking",
            "note": "Recruiter in Thiès",
        }
    ]


def test_r_trv_3_the_pdf_reads_in_its_document_language(world):
    abn, _case = sent_in_french(world)
    focal = world.user("avm_focal_point", "dakar")
    french = words(abn_pdf(actor=focal, abn_id=abn.pk, language="fr"))
    assert "Vol commercial" in french and "escorte médicale" in french
    assert "fauteuil roulant" in french and "Victime de traite" in french
    assert "Commercial flight" not in french
    english = words(abn_pdf(actor=focal, abn_id=abn.pk, language="en"))
    assert "Commercial flight" in english and "medical escort" in english
    assert "Victim of trafficking" in english and "Vol commercial" not in english


def test_r_trv_3_an_abn_stored_with_labels_only_still_shows(world, client):
    abn, case = sent_in_french(world)
    make_old_style(abn)
    reception = world.user("reception_officer", "dakar")
    html = page(client, reception, abn, "en")
    # The means had its code already; the rest shows as the sender's screen stored it.
    assert "Commercial flight" in html
    assert "escorte médicale" in html and "fauteuil roulant" in html and "Personne âgée" in html
    row = api(reception, abn, "en")["content"]["returnees"][0]
    assert row["escorts"] == [{"code": None, "label": "escorte médicale"}]
    assert row["vulnerabilities"] == [{"code": None, "label": "Personne âgée"}]
    focal = world.user("avm_focal_point", "dakar")
    assert f"{case.reference}: Victime de traite" in page(client, focal, abn, "en")
    text = words(abn_pdf(actor=focal, abn_id=abn.pk, language="en"))
    assert "escorte médicale" in text and "Victime de traite" in text
    stored = AdvanceBookingNotification.objects.get(pk=abn.pk)
    assert stored.content["returnees"][0]["escorts"] == ["escorte médicale"]  # not rewritten


def test_r_trv_3_labels_only_without_a_means_code_fall_back_to_the_stored_label():
    content = {
        "means_label": "Vol commercial",
        "returnees": [{"escorts": ["escorte opérationnelle"], "vulnerabilities": []}],
    }
    protection = {"SN-1": [{"group": "gbv", "category": "Victime de violence", "note": ""}]}
    with translation.override("en"):
        shown = abn_display(content, protection)
    assert shown.content["means_label"] == "Vol commercial"
    assert shown.content["returnees"][0]["escorts"] == [
        {"code": None, "label": "escorte opérationnelle"}
    ]
    assert shown.content["returnees"][0]["mobility"] == []
    assert shown.protection["SN-1"][0]["category_label"] == "Victime de violence"
    assert shown.protection["SN-1"][0]["category"] is None
    assert content["returnees"][0]["escorts"] == ["escorte opérationnelle"]  # not changed
