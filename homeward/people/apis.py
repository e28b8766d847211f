"""API of people: list, register, read and change a migrant's record.

Output carries only the field groups the actor may read where the person is held
(identity: names, birth, nationalities, languages, documents, household; contact: contacts).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup

from .models import Contact, HouseholdMember, IdentityDocument, Script, Sex
from .selectors import person_get_for, person_list_for, readable_groups_for_person
from .services import person_create, person_update, person_viewed

# Output keys per field group; keys not listed here (id, version, ...) are always shown.
OUTPUT_GROUPS = {
    **dict.fromkeys(
        (
            "name",
            "sex",
            "date_of_birth",
            "estimated_age",
            "age_estimated_on",
            "place_of_birth",
            "nationalities",
            "names",
            "languages",
            "documents",
            "household",
        ),
        FieldGroup.IDENTITY,
    ),
    "contacts": FieldGroup.CONTACT,
}
PERSON_ID = OpenApiParameter(
    "person_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The person's id."
)


def _group_field(field):
    """A field shown only when its group is readable: optional in the schema."""
    field.required = False
    return field


# ---- parts, as read and as written -------------------------------------------------------


class NameSerializer(serializers.Serializer):
    given_names = serializers.CharField(max_length=150)
    family_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    script = serializers.ChoiceField(Script.choices, required=False)
    is_transliteration = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "PersonName"


class NameOutputSerializer(NameSerializer):
    is_primary = serializers.BooleanField()

    class Meta:
        ref_name = "PersonNameOutput"


class LanguageSerializer(serializers.Serializer):
    language = serializers.CharField(max_length=8, help_text="ISO 639 code")
    preferred_for_counselling = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "PersonLanguage"


class ContactSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(Contact.Kind.choices)
    value = serializers.CharField(max_length=255, help_text="Phones are stored in E.164.")
    label = serializers.CharField(max_length=80, required=False, allow_blank=True)

    class Meta:
        ref_name = "PersonContact"


class DocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(IdentityDocument.Kind.choices)
    number = serializers.CharField(max_length=64, required=False, allow_blank=True)
    issuing_country = serializers.CharField(
        max_length=2,
        required=False,
        allow_blank=True,
        allow_null=True,
        source="issuing_country_id",
        help_text="ISO 3166-1 alpha-2",
    )
    issued_on = serializers.DateField(required=False, allow_null=True)
    expires_on = serializers.DateField(required=False, allow_null=True)

    class Meta:
        ref_name = "PersonDocument"

    def to_internal_value(self, data):
        row = super().to_internal_value(data)
        if "issuing_country_id" in row:  # the service takes the country code by this name
            row["issuing_country"] = row.pop("issuing_country_id")
        return row


class HouseholdSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    relationship = serializers.ChoiceField(HouseholdMember.Relationship.choices)
    sex = serializers.ChoiceField(Sex.choices, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    is_dependant = serializers.BooleanField(required=False)
    migrated = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "PersonHouseholdMember"


class PersonDataSerializer(serializers.Serializer):
    """Parts of a person's record; a list given replaces the whole stored list."""

    sex = serializers.ChoiceField(Sex.choices, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    estimated_age = serializers.IntegerField(
        min_value=0, max_value=32767, required=False, allow_null=True
    )
    place_of_birth = serializers.CharField(
        max_length=150, required=False, allow_blank=True, allow_null=True
    )
    nationalities = serializers.ListField(
        child=serializers.CharField(max_length=2), required=False, help_text="ISO alpha-2 codes"
    )
    names = NameSerializer(many=True, required=False)
    languages = LanguageSerializer(many=True, required=False)
    contacts = ContactSerializer(many=True, required=False)
    documents = DocumentSerializer(many=True, required=False)
    household = HouseholdSerializer(many=True, required=False)


# ---- output --------------------------------------------------------------------------------


class OfficeRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "OfficeRef"


class GroupFilteredSerializer(serializers.Serializer):
    # Drops the keys of field groups the actor may not read for this person; the context
    # holds `groups_of(person) -> frozenset[FieldGroup]`.

    def to_representation(self, person):
        data = super().to_representation(person)
        readable = self.context["groups_of"](person)
        for key, group in OUTPUT_GROUPS.items():
            if group not in readable:
                data.pop(key, None)
        return data


class CountryCodesField(serializers.ListField):
    """Countries of a many-to-many relation (prefetched) as sorted ISO codes."""

    child = serializers.CharField()

    def to_representation(self, data):
        return sorted(country.code for country in data.all())


class PersonSummarySerializer(GroupFilteredSerializer):
    """A person; identity fields appear only if the user may read the identity group."""

    id = serializers.UUIDField()
    name = _group_field(
        serializers.CharField(source="display_name", allow_null=True, help_text="Primary name")
    )
    sex = _group_field(serializers.CharField())
    date_of_birth = _group_field(serializers.DateField(allow_null=True))
    estimated_age = _group_field(serializers.IntegerField(allow_null=True))
    nationalities = _group_field(CountryCodesField(help_text="ISO alpha-2 codes"))

    class Meta:
        ref_name = "PersonSummary"


class PersonDetailSerializer(PersonSummarySerializer):
    """A person's record: identity fields appear only if the user may read the identity
    group where the person is held, `contacts` only if they may read the contact group."""

    version = serializers.IntegerField()
    registered_by = OfficeRefSerializer()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    age_estimated_on = _group_field(serializers.DateField(allow_null=True))
    place_of_birth = _group_field(serializers.CharField())
    names = _group_field(NameOutputSerializer(many=True))
    languages = _group_field(LanguageSerializer(many=True))
    documents = _group_field(DocumentSerializer(many=True))
    household = _group_field(HouseholdSerializer(many=True))
    contacts = _group_field(ContactSerializer(many=True))

    class Meta:
        ref_name = "PersonDetail"


def _groups_of(actor):
    return lambda person: readable_groups_for_person(actor, person)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _person_detail_response(request, person_id, status=200) -> Response:
    person = person_get_for(request.user, person_id=person_id)
    context = {"groups_of": _groups_of(request.user)}
    return Response(PersonDetailSerializer(person, context=context).data, status=status)


# ---- views ---------------------------------------------------------------------------------


class PersonListCreateApi(APIView):
    """GET lists the people of the user's offices; POST registers a person."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, help_text="Any spelling")

    class InputSerializer(PersonDataSerializer):
        office = serializers.PrimaryKeyRelatedField(
            queryset=Office.objects.all(),
            pk_field=serializers.UUIDField(),
            help_text="The registering office (the user needs the person.edit permission).",
        )

        class Meta:
            ref_name = "PersonCreateInput"

    @extend_schema(
        operation_id="people_list",
        summary="People of the user's offices",
        parameters=[FilterSerializer],
        responses={200: PersonSummarySerializer(many=True)},
    )
    def get(self, request):
        """Newest first; `q` matches every word of any spelling, accents and case ignored."""
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        query = filters.validated_data.get("q", "")
        people = person_list_for(request.user, q=query).prefetch_related("cases")
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(people, request, view=self)
        context = {"groups_of": _groups_of(request.user)}
        data = PersonSummarySerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="people_create",
        summary="Register a person",
        request=InputSerializer,
        responses={
            201: PersonDetailSerializer,
            400: OpenApiResponse(description="Invalid data (field messages in `errors`)."),
            403: OpenApiResponse(description="No permission to register people there."),
        },
    )
    def post(self, request):
        """At least one name, the sex and a date of birth or estimated age are needed; phone
        numbers are stored in E.164 (a number without country code is read as one of the
        registering office's country)."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        office = data.pop("office")
        person = person_create(actor=request.user, office=office, data=data)
        return _person_detail_response(request, person.pk, status=201)


class PersonDetailApi(APIView):
    """GET reads a person (audited); PATCH changes the parts given."""

    class InputSerializer(PersonDataSerializer):
        version = serializers.IntegerField(
            help_text="Required: the version you read; a stale one answers 409."
        )

        class Meta:
            ref_name = "PersonUpdateInput"

    @extend_schema(
        operation_id="people_retrieve",
        summary="A person's record (readable field groups only)",
        parameters=[PERSON_ID],
        responses={200: PersonDetailSerializer, 404: OpenApiResponse(description="Not found.")},
    )
    def get(self, request, person_id):
        """Each read is recorded in the audit log."""
        person = person_get_for(request.user, person_id=person_id)
        person_viewed(actor=request.user, person=person, ip_address=_client_ip(request))
        context = {"groups_of": _groups_of(request.user)}
        return Response(PersonDetailSerializer(person, context=context).data)

    @extend_schema(
        operation_id="people_partial_update",
        summary="Change a person's record",
        parameters=[PERSON_ID],
        request=InputSerializer,
        responses={
            200: PersonDetailSerializer,
            400: OpenApiResponse(description="Invalid data (field messages in `errors`)."),
            403: OpenApiResponse(description="A field group the user may not change."),
            404: OpenApiResponse(description="Not found."),
            409: OpenApiResponse(description="The record changed since it was read."),
        },
    )
    def patch(self, request, person_id):
        """Send the `version` you read and only the parts to change; a list (names, contacts,
        ...) replaces the stored list. A stale version answers 409."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        person = person_update(actor=request.user, person_id=person_id, version=version, data=data)
        return _person_detail_response(request, person.pk)
