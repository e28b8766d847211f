from .models import CountryAction, Programme


def programme_list():
    return Programme.objects.filter(is_active=True).prefetch_related("actions")


def programme_covers(
    programme: Programme, *, host_country: str | None, origin_country: str
) -> bool:
    kinds = {(a.kind, a.country_id) for a in programme.actions.all()}
    host_ok = host_country is None or (CountryAction.Kind.HOST, host_country) in kinds
    return host_ok and (CountryAction.Kind.ORIGIN, origin_country) in kinds
