"""HTML templates to PDF with WeasyPrint, in one of the document languages.

Templates live in `templates/documents/`; they are rendered with the document's language
active (dates, country names and every string follow it), and Arabic is laid out right to
left. WeasyPrint fetches nothing: every style is inline and no URL is followed.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

RTL_LANGUAGES = {"ar"}


def document_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.DOCUMENT_LANGUAGES]


def is_document_language(language: str) -> bool:
    return language in dict(settings.DOCUMENT_LANGUAGES)


def language_label(language: str) -> str:
    """The language's name, in the active language."""
    return str(dict(settings.DOCUMENT_LANGUAGES).get(language, language))


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"documents fetch nothing: {url}")


def render_pdf(template: str, context: dict, *, language: str) -> bytes:
    """Render `template` with `language` active and return the PDF's bytes."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            template,
            {
                "lang": language,
                "dir": "rtl" if language in RTL_LANGUAGES else "ltr",
                "language_name": language_label(language),
                "printed_on": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
                **context,
            },
        )
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
