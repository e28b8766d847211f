"""Requirements that apps above `cases` contribute to workflow guards.

`cases` may not import the apps that hold registration, consent or movement records (the
layers run the other way), yet guards in `workflow.py` must know whether those records are
complete. Each such app registers a provider in its `AppConfig.ready()`; the provider returns,
per transition name, the reasons it is blocked, worded for the actor (a reason must never
reveal a field group the actor may not read). `case_facts` collects them into `CaseFacts`.
"""

from collections.abc import Callable

Provider = Callable[[object, object], dict]

_providers: list[Provider] = []


def register_requirements(provider: Provider) -> None:
    """Add a provider `(actor, case) -> {transition_name: [reason, ...]}` (idempotent)."""
    if provider not in _providers:
        _providers.append(provider)


def unmet_requirements(actor, case) -> dict[str, tuple]:
    """Every registered provider's reasons, merged per transition name."""
    merged: dict[str, list] = {}
    for provider in _providers:
        for name, reasons in provider(actor, case).items():
            merged.setdefault(name, []).extend(reasons)
    return {name: tuple(reasons) for name, reasons in merged.items() if reasons}
