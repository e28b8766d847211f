"""Strings that documents print but that are declared elsewhere (settings, other apps).

Listed here so that `makemessages`, run in this directory for the document languages, puts
them in the Arabic catalogue too (`homeward/locale/ar` holds the document strings only).
"""

from django.utils.translation import gettext_noop

EXTERNAL_STRINGS = (
    # settings.DOCUMENT_LANGUAGES
    gettext_noop("English"),
    gettext_noop("French"),
    gettext_noop("Arabic"),
    # homeward.people.models.Sex
    gettext_noop("Female"),
    gettext_noop("Male"),
    gettext_noop("Other / not stated"),
)
