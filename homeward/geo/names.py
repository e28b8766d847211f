import gettext
from functools import cache

import pycountry


@cache
def _catalogue(language: str):
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def localized_country_name(code: str, english_name: str, language: str | None) -> str:
    """The country's name in the user's language, from pycountry's ISO 3166 translations."""
    if not language or language.startswith("en"):
        return english_name
    return _catalogue(language.split("-")[0]).gettext(english_name)
