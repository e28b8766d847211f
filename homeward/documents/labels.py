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
    # homeward.cases.models.VulnerabilityCategory (screening findings and referrals)
    gettext_noop("Chronic illness"),
    gettext_noop("Significant medical condition"),
    gettext_noop("Mental health needs"),
    gettext_noop("Victim of trafficking"),
    gettext_noop("Victim of violence, exploitation or abuse (incl. GBV)"),
    gettext_noop("Elderly"),
    gettext_noop("Unaccompanied or separated child"),
    gettext_noop("Single-headed household"),
    gettext_noop("Female-headed household"),
    gettext_noop("Pregnancy"),
    gettext_noop("Disability"),
    gettext_noop("Other vulnerability"),
    # homeward.registration.models: screening stage, capacity, education, referral status
    gettext_noop("Before departure"),
    gettext_noop("On arrival"),
    gettext_noop("Later reassessment"),
    gettext_noop("Able to make an informed decision"),
    gettext_noop("Not able to make an informed decision"),
    gettext_noop("None"),
    gettext_noop("Primary"),
    gettext_noop("Secondary"),
    gettext_noop("Vocational"),
    gettext_noop("University"),
    gettext_noop("Proposed"),
    gettext_noop("Sent"),
    gettext_noop("Accepted"),
    gettext_noop("Completed"),
    gettext_noop("Declined"),
)
