"""Registering and editing a person (names, identity, one phone, one document, household)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup, Perm
from homeward.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from homeward.people.selectors import person_get_for, person_offices
from homeward.people.services import person_create, person_update, person_viewed

from ..forms.people import (
    HouseholdFormSet,
    NameFormSet,
    PersonForm,
    household_initial,
    name_initial,
    person_data,
    person_initial,
)
from ._common import client_ip, maps_errors, private_page, safe_next, show_service_errors


def _forms(request, *, person=None, **form_kwargs):
    data = request.POST if request.method == "POST" else None
    initial = person_initial(person) if person is not None else None
    form = PersonForm(data, initial=initial, editing=person is not None, **form_kwargs)
    names = NameFormSet(data, prefix="names", initial=name_initial(person))
    household = HouseholdFormSet(data, prefix="household", initial=household_initial(person))
    return form, names, household


def _all_valid(*forms) -> bool:
    results = [f.is_valid() for f in forms]  # validate every form, to show every error
    return all(results)


@private_page
def person_create_view(request):
    access = access_for(request.user)
    offices = list(Office.objects.filter(pk__in=access.offices_with(Perm.PERSON_EDIT)))
    if not offices:
        raise DjangoPermissionDenied(_("You may not register people."))
    show_phone = FieldGroup.CONTACT in access.writable_at([o.pk for o in offices])
    form, names, household = _forms(request, offices=offices, show_phone=show_phone)
    status = 200
    if request.method == "POST":
        status = 400
        if _all_valid(form, names, household):
            chosen = form.cleaned_data.get("office")
            office = next((o for o in offices if str(o.pk) == chosen), offices[0])
            try:
                person = person_create(
                    actor=request.user, office=office, data=person_data(form, names, household)
                )
            except (ValidationFailed, PermissionDenied) as exc:
                _show(exc, form, names, household)
                status = exc.status_code
            else:
                messages.success(
                    request, _("%(name)s was registered. Now open a case.") % {"name": person}
                )
                return redirect("web:case_open", person_id=person.pk)
    context = {"form": form, "names": names, "household": household, "person": None}
    return render(request, "web/person_form.html", context, status=status)


@private_page
@maps_errors
def person_edit_view(request, person_id):
    person = person_get_for(request.user, person_id=person_id)
    access = access_for(request.user)
    offices = person_offices(person)
    if Perm.PERSON_EDIT not in access.perms_at(offices):
        raise DjangoPermissionDenied(_("You may not change this person's record."))
    show_phone = FieldGroup.CONTACT in access.writable_at(offices) & access.readable_at(offices)
    form, names, household = _forms(request, person=person, show_phone=show_phone)
    if request.method == "GET":
        person_viewed(actor=request.user, person=person, ip_address=client_ip(request))
    conflict, status = "", 200
    done_url = safe_next(request, resolve_url("web:my_work"))
    if request.method == "POST":
        status = 400
        if _all_valid(form, names, household):
            data = person_data(form, names, household, person=person)
            if not data:
                messages.info(request, _("Nothing was changed."))
                return redirect(done_url)
            try:
                person_update(
                    actor=request.user,
                    person_id=person.pk,
                    version=form.cleaned_data.get("version"),
                    data=data,
                )
            except VersionConflict as exc:
                conflict, status = exc.message, exc.status_code
            except (ValidationFailed, PermissionDenied) as exc:
                _show(exc, form, names, household)
                status = exc.status_code
            else:
                messages.success(request, _("The person's record was saved."))
                return redirect(done_url)
    context = {
        "form": form,
        "names": names,
        "household": household,
        "person": person,
        "conflict": conflict,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "web/person_form.html", context, status=status)


def _show(exc, form, names, household) -> None:
    show_service_errors(
        exc,
        form,
        field_map=PersonForm.FIELD_MAP,
        formsets={"names": names, "household": household},
    )
