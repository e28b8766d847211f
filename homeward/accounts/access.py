"""What a user may do where: memberships resolved once per request."""

from dataclasses import dataclass, field

from django.db import connection

from .models import Office
from .roles import FieldGroup, Perm, Role, permissions_of, readable_groups, writable_groups

_CACHE_ATTR = "_homeward_access"


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles_by_office: dict = field(default_factory=dict)
    office_names: dict = field(default_factory=dict)
    origin_office_ids: frozenset = frozenset()

    @property
    def office_ids(self) -> frozenset:
        return frozenset(self.roles_by_office)

    @property
    def all_roles(self) -> frozenset[str]:
        return frozenset(r for roles in self.roles_by_office.values() for r in roles)

    def roles_at(self, office_ids) -> frozenset[str]:
        return frozenset(
            r for oid in office_ids if oid is not None for r in self.roles_by_office.get(oid, ())
        )

    def perms_at(self, office_ids) -> frozenset[Perm]:
        return permissions_of(self.roles_at(office_ids))

    def readable_at(self, office_ids) -> frozenset[FieldGroup]:
        return readable_groups(self.roles_at(office_ids))

    def writable_at(self, office_ids) -> frozenset[FieldGroup]:
        return writable_groups(self.roles_at(office_ids))

    def has_at_origin(self, *perms: Perm) -> bool:
        """Whether the user holds one of `perms` at an office acting as origin office."""
        return any(
            oid in self.origin_office_ids and set(perms) & permissions_of(roles)
            for oid, roles in self.roles_by_office.items()
        )

    def has_anywhere(self, perm: Perm) -> bool:
        return perm in permissions_of(self.all_roles)

    def offices_with(self, perm: Perm) -> frozenset:
        return frozenset(
            oid for oid, roles in self.roles_by_office.items() if perm in permissions_of(roles)
        )

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.all_roles


# Written out: every page asks, and the ORM took longer to build this statement than the
# database took to answer it.
_MEMBERSHIPS_SQL = (
    "SELECT m.office_id, m.role, o.name, o.is_origin FROM accounts_membership m "
    "JOIN accounts_office o ON o.id = m.office_id WHERE m.user_id = %s"
)


def access_for(user) -> Access:
    """The user's roles per office, loaded with one query and cached on the user object."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        access = Access(user_id=None)
    else:
        roles: dict = {}
        names: dict = {}
        origins = set()
        office_pk = Office._meta.pk
        with connection.cursor() as cursor:
            cursor.execute(_MEMBERSHIPS_SQL, [user.pk])
            rows = cursor.fetchall()
        for raw_office_id, role, office_name, is_origin in rows:
            office_id = office_pk.to_python(raw_office_id)  # SQLite gives the UUID as text
            roles.setdefault(office_id, set()).add(role)
            names[office_id] = office_name
            if is_origin:
                origins.add(office_id)
        by_office = {k: frozenset(v) for k, v in roles.items()}
        access = Access(user.pk, by_office, names, frozenset(origins))
    if user is not None:
        setattr(user, _CACHE_ATTR, access)
    return access
