"""People: the searchable list (people with or without a case), registering and editing a
person (names, identity, one phone, one document, household)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.models import Case
from homeward.cases.selectors import case_list_for
from homeward.core.errors import PermissionDenied, ValidationFailed, VersionConflict
from homeward.people.models import Person
from homeward.people.selectors import person_get_for, person_list_for, person_offices
from homeward.people.services import person_create, person_update, person_viewed

from ..forms.people import (
    HouseholdFormSet,
    NameFormSet,
    PersonForm,
    PersonSearchForm,
    household_initial,
    name_initial,
    person_data,
    person_initial,
)
from ._common import (
    client_ip,
    is_htmx_fragment,
    maps_errors,
    paginate,
    private_page,
    safe_next,
    show_service_errors,
)

PER_PAGE = 25


@dataclass(frozen=True)
class PersonRow:
    person: Person
    can_read_identity: bool
    can_edit: bool
    case_count: int


@private_page
def person_list(request):
    """Everyone registered in the user's offices, found by any spelling of a name: a
    person registered without a case is found here again."""
    form = PersonSearchForm(request.GET)
    people = (
        person_list_for(request.user, q=form.query())
        .select_related("registered_by")
        .prefetch_related(None)  # the list shows the stored display name only
        .prefetch_related(_case_offices())
    )
    page = paginate(request, people, PER_PAGE)
    context = {
        "form": form,
        "page": page,
        "rows": _rows(request.user, list(page.object_list)),
        "can_open_cases": access_for(request.user).has_anywhere(Perm.CASE_CREATE),
    }
    template = "web/_person_results.html" if is_htmx_fragment(request) else "web/person_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _case_offices() -> Prefetch:
    """Every case's offices, so `person_offices` needs no query per person."""
    cases = Case.objects.only("id", "person_id", "host_office_id", "origin_office_id")
    return Prefetch("cases", queryset=cases)


def _rows(actor, people) -> list[PersonRow]:
    access = access_for(actor)
    visible_cases = dict(
        case_list_for(actor)
        .filter(person__in=[p.pk for p in people])
        .order_by()
        .values_list("person_id")
        .annotate(n=Count("id"))
    )
    rows = []
    for person in people:
        offices = person_offices(person)
        rows.append(
            PersonRow(
                person=person,
                can_read_identity=FieldGroup.IDENTITY in access.readable_at(offices),
                can_edit=Perm.PERSON_EDIT in access.perms_at(offices),
                case_count=visible_cases.get(person.pk, 0),
            )
        )
    return rows


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
    offices = list(
        Office.objects.filter(pk__in=access.offices_with(Perm.PERSON_EDIT)).order_by("name")
    )
    if not offices:
        raise DjangoPermissionDenied(_("You may not register people."))
    show_phone = FieldGroup.CONTACT in access.writable_at([o.pk for o in offices])
    form, names, household = _forms(request, offices=offices, show_phone=show_phone)
    status = 200
    if request.method == "POST":
        status = 400
        if _all_valid(form, names, household):
            try:
                person = person_create(
                    actor=request.user,
                    office=form.chosen_office(),
                    data=person_data(form, names, household),
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
    form, names, household = _forms(
        request,
        person=person,
        show_phone=show_phone,
        phone_region=person.registered_by.country_id,
        registering_office=person.registered_by,
    )
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
