"""R-DAT-2: which people an actor may see."""

import uuid

from homeward.people.selectors import person_list_for, visible_person_ids
from homeward.testing.factories import make_case, make_person


def test_r_dat_2_visible_person_ids_are_those_the_person_list_shows(world):
    reception = world.user("reception_officer", "dakar")
    registered_here = make_person(world.dakar, "Awa", "Ndiaye")
    returning_here = make_person(world.niamey, "Moussa", "Keita")
    make_case(
        person=returning_here, programme=world.programme, host=world.niamey, origin=world.dakar
    )
    elsewhere = make_person(world.rabat, "Fatou", "Fall")
    make_case(person=elsewhere, programme=world.programme, host=world.rabat, origin=world.conakry)
    not_yet_returning = make_person(world.niamey, "Ousmane", "Sow")
    ids = [registered_here.pk, returning_here.pk, elsewhere.pk, not_yet_returning.pk, uuid.uuid4()]

    visible = visible_person_ids(reception, ids)

    assert visible == {registered_here.pk, returning_here.pk}
    assert visible == set(
        person_list_for(reception).filter(pk__in=ids).values_list("pk", flat=True)
    )
    assert visible_person_ids(world.user("reception_officer", "conakry"), ids) == {elsewhere.pk}
    assert visible_person_ids(reception, []) == set()
