"""The registration checklist: what must hold before a case is registered (filled in below)."""


def unmet_for_transitions(actor, case) -> dict:
    return {}
