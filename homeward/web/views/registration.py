"""Registration pages (SOP steps 1–2): the checklist, and one form per record.

Every page loads the case through `case_get_for` (404 for missing or forbidden) and saves
through a registration service; the forms only parse input.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.models import Phase
from homeward.cases.policies import writable_groups_for_case
from homeward.cases.selectors import case_get_for, transition_options
from homeward.cases.services import case_viewed
from homeward.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from homeward.registration import duplicate_services, procedures, selectors, services
from homeward.registration.checklist import load_facts, registration_checklist
from homeward.registration.models import (
    AsylumReferral,
    CaseProfile,
    ChildProtection,
    HealthAssessment,
    ProtectionAssessment,
    Referral,
)

from ..forms.registration import (
    AsylumDecisionForm,
    AsylumReferralForm,
    ChildProtectionForm,
    DuplicateDecisionForm,
    GuardianForm,
    HealthForm,
    ProfileForm,
    ProtectionForm,
    ReferralForm,
    ScreeningForm,
    SessionForm,
)
from ._common import client_ip, maps_errors, private_page, show_service_errors


def _case(request, reference: str):
    return case_get_for(request.user, reference=reference)


@private_page
@maps_errors
def registration_overview(request, reference: str):
    case = _case(request, reference)
    facts = load_facts(request.user, case)
    items = registration_checklist(request.user, case, facts)
    register = next(
        (o for o in transition_options(request.user, case) if o.transition.name == "register"), None
    )
    case_viewed(actor=request.user, case=case, ip_address=client_ip(request))
    actor = request.user
    context = {
        "case": case,
        "items": items,
        "done_count": sum(1 for i in items if i.done),
        "register": register,
        "sessions": selectors.sessions_for(actor, case),
        "screenings": selectors.screenings_for(actor, case),
        "referrals": selectors.referrals_for(actor, case),
        "asylum_referrals": selectors.asylum_referrals_for(actor, case),
        "guardians": selectors.guardians_for(actor, case),
        "writable": writable_groups_for_case(request.user, case),
        "perms": access_for(request.user).perms_at(case.office_ids),
        "in_counselling": case.phase in (Phase.IDENTIFIED, Phase.COUNSELLING),
        "consent_url": _consent_url(case),
    }
    return render(request, "web/registration.html", context)


def _consent_url(case) -> str:
    try:
        return reverse("web:case_consent", args=[case.reference])
    except NoReverseMatch:
        return ""


def _form_page(request, case, form, save, *, title, rule="", intro="", success=None):
    """Show the form; on a valid POST call `save(form)` and go back to the checklist."""
    conflict, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form)
            except VersionConflict as exc:
                conflict, status = exc.message, exc.status_code
            except ValidationFailed as exc:
                show_service_errors(exc, form)
                status = exc.status_code
            else:
                messages.success(request, success or _("Saved."))
                return redirect("web:registration", reference=case.reference)
        else:
            status = 400
    context = {
        "case": case,
        "form": form,
        "title": title,
        "rule": rule,
        "intro": intro,
        "conflict": conflict,
    }
    return render(request, "web/registration_form.html", context, status=status)


@private_page
@maps_errors
def session_new(request, reference: str):
    case = _case(request, reference)
    form = SessionForm(
        request.POST or None,
        case=case,
        initial={"place": case.host_office.name if case.host_office_id else ""},
    )

    def save(form):
        services.counselling_session_record(
            actor=request.user, case_id=case.pk, data=form.service_data()
        )

    return _form_page(
        request,
        case,
        form,
        save,
        title=_("Record a counselling session"),
        rule="R-CNS-1",
        intro=_(
            "Counsel in a language the migrant understands, or record the interpreter and the "
            "language they used."
        ),
        success=_("Counselling session recorded."),
    )


@private_page
@maps_errors
def profile_edit(request, reference: str):
    case = _case(request, reference)
    profile = CaseProfile.objects.filter(case=case).first()
    form = ProfileForm(request.POST or None, case=case, initial=ProfileForm.initial_for(profile))

    def save(form):
        services.case_profile_save(
            actor=request.user,
            case_id=case.pk,
            version=form.cleaned_data.get("version"),
            data=form.service_data(),
        )

    return _form_page(
        request,
        case,
        form,
        save,
        title=_("Situation and migration history"),
        rule="R-CNS-2, R-CNS-4",
    )


@private_page
@maps_errors
def screening_new(request, reference: str):
    case = _case(request, reference)
    from homeward.cases.policies import readable_groups_for_case

    readable = readable_groups_for_case(request.user, case)
    stage = (
        "pre_departure"
        if case.phase
        in (Phase.IDENTIFIED, Phase.COUNSELLING, Phase.REGISTERED, Phase.PRE_DEPARTURE)
        else "arrival"
    )
    form = ScreeningForm(
        request.POST or None,
        case=case,
        readable=readable,
        initial={"stage": stage, "capacity": "able"},
    )

    def save(form):
        services.screening_record(actor=request.user, case_id=case.pk, data=form.service_data())

    return _form_page(
        request,
        case,
        form,
        save,
        title=_("Profile and vulnerability screening"),
        rule="R-VUL-1, R-VUL-2",
        intro=_("Tick every vulnerability identified. Each one proposes a referral to a service."),
        success=_("Screening recorded."),
    )


@private_page
@maps_errors
def asylum_new(request, reference: str):
    case = _case(request, reference)
    form = AsylumReferralForm(request.POST or None, case=case, initial={"referred_to": "UNHCR"})

    def save(form):
        services.asylum_referral_record(
            actor=request.user, case_id=case.pk, data=form.service_data()
        )

    return _form_page(
        request,
        case,
        form,
        save,
        title=_("Refer a potential asylum seeker"),
        rule="R-CNS-3",
        intro=_("Registration waits until the migrant confirms they do not wish to pursue asylum."),
    )


@private_page
@maps_errors
def asylum_decide(request, reference: str, referral_id):
    case = _case(request, reference)
    referral = AsylumReferral.objects.filter(case=case, pk=referral_id).first()
    if referral is None:
        raise Http404
    form = AsylumDecisionForm(request.POST or None, initial={"version": referral.version})

    def save(form):
        services.asylum_referral_decide(
            actor=request.user,
            referral_id=referral.pk,
            version=form.cleaned_data["version"],
            outcome=form.cleaned_data["outcome"],
            decided_on=form.cleaned_data["decided_on"],
        )

    return _form_page(
        request, case, form, save, title=_("The migrant's decision on asylum"), rule="R-CNS-3"
    )


@private_page
@maps_errors
def guardian_new(request, reference: str):
    case = _case(request, reference)
    form = GuardianForm(request.POST or None, case=case)

    def save(form):
        procedures.guardian_record(actor=request.user, case_id=case.pk, data=form.service_data())

    return _form_page(
        request,
        case,
        form,
        save,
        title=_("Record the legal guardian"),
        rule="R-VOL-3",
        intro=_(
            "Needed for a child, or for a person assessed as unable to make an informed decision. "
            "The guardian signs the declaration."
        ),
    )


@require_POST
@private_page
@maps_errors
def guardian_confirm(request, reference: str, guardian_id):
    case = _case(request, reference)
    guardian = case.guardians.filter(pk=guardian_id).first()
    if guardian is None:
        raise Http404
    try:
        procedures.guardian_confirm_identity(
            actor=request.user,
            guardian_id=guardian.pk,
            version=int(request.POST.get("version") or 0),
        )
    except (VersionConflict, PermissionDenied) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The guardian's identity is confirmed."))
    return redirect("web:registration", reference=case.reference)


def _procedure_page(
    request, reference, *, model, form_class, group, save_service, title, rule, intro=""
):
    case = _case(request, reference)
    if group not in writable_groups_for_case(request.user, case):
        raise Http404
    record = model.objects.filter(case=case).first()
    form = form_class(request.POST or None, case=case, initial=form_class.initial_for(record))

    def save(form):
        save_service(
            actor=request.user,
            case_id=case.pk,
            version=form.cleaned_data.get("version"),
            data=form.service_data(),
        )

    return _form_page(request, case, form, save, title=title, rule=rule, intro=intro)


@private_page
@maps_errors
def health_edit(request, reference: str):
    return _procedure_page(
        request,
        reference,
        model=HealthAssessment,
        form_class=HealthForm,
        group=FieldGroup.MEDICAL,
        save_service=procedures.health_assessment_save,
        title=_("Health: fitness to travel and decision"),
        rule="R-HLT-1",
        intro=_(
            "The fitness to travel form, the medical questionnaire and the consent to share "
            "medical data are recorded on the consent and documents page."
        ),
    )


@private_page
@maps_errors
def child_edit(request, reference: str):
    return _procedure_page(
        request,
        reference,
        model=ChildProtection,
        form_class=ChildProtectionForm,
        group=FieldGroup.VULNERABILITY,
        save_service=procedures.child_protection_save,
        title=_("Unaccompanied or separated child"),
        rule="R-UMC-1",
        intro=_(
            "The UMC declarations, the consent for family tracing and the guardian's travel "
            "consent are recorded on the consent and documents page."
        ),
    )


@private_page
@maps_errors
def protection_edit(request, reference: str):
    return _procedure_page(
        request,
        reference,
        model=ProtectionAssessment,
        form_class=ProtectionForm,
        group=FieldGroup.TRAFFICKING,
        save_service=procedures.protection_assessment_save,
        title=_("Protection: screening interview and risk assessment"),
        rule="R-VOT-1, R-VOT-2",
        intro=_(
            "An outcome of “not safe” declines the return. Only AVM focal points see this page."
        ),
    )


@private_page
@maps_errors
def referral_edit(request, reference: str, referral_id):
    case = _case(request, reference)
    referral = Referral.objects.filter(case=case, pk=referral_id).first()
    if referral is None or referral.field_group not in writable_groups_for_case(request.user, case):
        raise Http404
    form = ReferralForm(request.POST or None, case=case, initial=ReferralForm.initial_for(referral))

    def save(form):
        services.referral_update(
            actor=request.user,
            referral_id=referral.pk,
            version=form.cleaned_data.get("version"),
            data=form.service_data(),
        )

    title = _("Referral: %(need)s") % {"need": referral.get_category_display()}
    return _form_page(request, case, form, save, title=title, rule="R-VUL-3")


@private_page
@maps_errors
def duplicates_page(request, reference: str):
    case = _case(request, reference)
    if Perm.DUPLICATE_DECIDE not in access_for(request.user).perms_at(case.office_ids):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    if request.method == "POST":
        duplicate_services.duplicates_check(actor=request.user, case_id=case.pk)
        messages.success(request, _("Duplicate check run."))
        return redirect("web:duplicates", reference=case.reference)
    check = selectors.latest_duplicate_check(case)
    decisions = {str(d.candidate_id): d for d in selectors.duplicate_decisions_for(case)}
    form = DuplicateDecisionForm()
    rows = [
        {"candidate": candidate, "decision": decisions.get(candidate["person_id"])}
        for candidate in (check.candidates if check else [])
    ]
    can_decide = Perm.DUPLICATE_DECIDE in access_for(request.user).perms_at(case.office_ids)
    context = {
        "case": case,
        "check": check,
        "rows": rows,
        "form": form,
        "can_decide": can_decide,
    }
    return render(request, "web/registration_duplicates.html", context)


@require_POST
@private_page
@maps_errors
def duplicate_decide(request, reference: str):
    case = _case(request, reference)
    form = DuplicateDecisionForm(request.POST)
    if form.is_valid():
        try:
            duplicate_services.duplicate_decide(
                actor=request.user,
                case_id=case.pk,
                candidate_id=form.cleaned_data["candidate"],
                verdict=form.cleaned_data["verdict"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationFailed as exc:
            messages.error(
                request, " ".join(m for ms in exc.field_errors.values() for m in ms) or exc.message
            )
        except PermissionDenied as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
    else:
        problems = [
            f"{form.fields[k].label}: {' '.join(v)}"
            for k, v in form.errors.items()
            if k in form.fields
        ]
        messages.error(
            request,
            _("The decision was not recorded. %(problems)s") % {"problems": " ".join(problems)},
        )
    return redirect("web:duplicates", reference=case.reference)
