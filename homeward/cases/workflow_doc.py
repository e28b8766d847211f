"""Render docs/workflow.md from the phase table, so the document cannot drift from the code."""

from django.utils import translation

from homeward.accounts.roles import ROLE_PERMISSIONS, Role

from .models import Phase
from .workflow import TRANSITIONS, Transition, initial_phase


def _roles_with(transition: Transition) -> str:
    return ", ".join(
        str(Role(r).label)
        for r, perms in ROLE_PERMISSIONS.items()
        if transition.permission in perms
    )


def _guards(transition: Transition) -> str:
    return "; ".join((g.__doc__ or g.__name__).strip().splitlines()[0] for g in transition.guards)


def render_workflow_markdown() -> str:
    with translation.override("en"):
        lines = [
            "# Case workflow",
            "",
            "Generated from `homeward/cases/workflow.py` by `manage.py workflow_doc`; "
            "do not edit by hand.",
            "",
            "## Phases",
            "",
            *[f"- `{p.value}` — {p.label}" for p in Phase],
            "",
            f"A case opens at `{initial_phase('avrr')}`; forced and other-actor returns open at "
            f"`{initial_phase('forced')}` (R-ARR-3).",
            "",
            "## Transitions",
            "",
            "| action | from | to | permission (roles) | reason required | guards | rule |",
            "|---|---|---|---|---|---|---|",
        ]
        for t in TRANSITIONS:
            sources = ", ".join(f"`{s}`" for s in sorted(t.sources))
            lines.append(
                f"| `{t.name}` ({t.label}{'' if t.offered else '; taken by its service only'}) "
                f"| {sources} | `{t.target}` | `{t.permission}` "
                f"({_roles_with(t)}) | {'yes' if t.reason_required else 'no'} | "
                f"{_guards(t) or '—'} | {t.rule or '—'} |"
            )
        lines += ["", "## Diagram", "", "```mermaid", "stateDiagram-v2"]
        lines += [
            f"    [*] --> {initial_phase('avrr')}",
            f"    [*] --> {Phase.ARRIVED.value}: PARA",
        ]
        for t in TRANSITIONS:
            lines += [f"    {s} --> {t.target}: {t.name}" for s in sorted(t.sources)]
        lines += ["```", ""]
    return "\n".join(lines)
