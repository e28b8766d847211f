"""Receipts go to a temporary private directory; a rate for the test world's programme."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeward.arrivals.models import PocketMoneyRate

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def receipt_upload(content: bytes = MINIMAL_PDF, name: str = "receipt.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


@pytest.fixture
def senegal_rate(world):
    """50 EUR, about 32,798 XOF (1 EUR = 655.957 XOF) for returnees to Senegal."""
    return PocketMoneyRate.objects.create(
        programme=world.programme,
        country_id="SN",
        amount_eur=Decimal("50.00"),
        amount_local=Decimal("32798.00"),
        currency="XOF",
        valid_from=datetime.date(2024, 1, 1),
    )


def paid(**overrides) -> dict:
    data = {
        "amount_local": "32798",
        "currency": "XOF",
        "exchange_rate": "655.957",
        "amount_eur": "50.00",
        "receipt_signed_in_presence": True,
    }
    data.update(overrides)
    return data
