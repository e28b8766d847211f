"""R-DUP-1 for many people at once: the same candidates as one person at a time."""

import datetime

from homeward.registration import duplicates
from homeward.registration.duplicates import find_candidates
from homeward.registration.duplicates_many import _namesakes_many, find_candidates_many
from homeward.testing.factories import make_person

PEOPLE = [
    ("Mamadou", "Diallo", "M", datetime.date(1990, 4, 2)),
    ("Mamadou", "Jallow", "M", datetime.date(1990, 4, 2)),
    ("Mamadu", "Dialo", "M", datetime.date(1991, 1, 1)),
    ("Aïssatou", "Diallo", "F", datetime.date(1995, 3, 14)),
    ("Aissatou", "Jallo", "F", datetime.date(1995, 3, 14)),
    ("Awa", "Ndiaye", "F", datetime.date(1988, 7, 9)),
    ("Hawa", "N'Diaye", "F", datetime.date(1988, 9, 7)),
    ("Ousmane", "Sow", "M", datetime.date(1979, 12, 1)),
    ("Usman", "Sowe", "M", datetime.date(1979, 12, 1)),
    ("Mohamed", "El Amrani", "M", datetime.date(1993, 5, 5)),
    ("محمد", "العمراني", "M", datetime.date(1993, 5, 5)),
    ("Fatou", "Fall", "F", datetime.date(2001, 2, 2)),
]


def test_r_dup_1_many_finds_what_one_at_a_time_finds(world):
    people = [
        make_person(world.dakar, given, family, sex=sex, date_of_birth=dob)
        for given, family, sex, dob in PEOPLE
    ]
    many = find_candidates_many(people, programme=world.programme)
    assert set(many) == {p.pk for p in people}
    for person in people:
        one = find_candidates(person, programme=world.programme)
        assert many[person.pk] == one, person.display_name
    assert any(c.likely for cs in many.values() for c in cs)


def test_r_dup_1_many_counts_namesakes_as_one_at_a_time_counts_them(world):
    people = [
        make_person(world.dakar, given, family, sex=sex, date_of_birth=dob)
        for given, family, sex, dob in PEOPLE + PEOPLE[:4]
    ]
    queries = {p.pk: duplicates._profile_of(p) for p in people}

    many = _namesakes_many(queries)

    assert many == {pk: duplicates._namesakes(q, pk) for pk, q in queries.items()}
    # Listed twice, with a variant spelling (Mamadu Dialo): two others share the name.
    assert max(many.values()) >= 2
