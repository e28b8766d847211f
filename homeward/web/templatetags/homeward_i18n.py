"""`{% translate %}` of a constant text, translated once per language.

Load after Django's i18n (`{% load i18n homeward_i18n %}`): the later library's tag wins.
A `{% translate "Programme" %}` node otherwise looks the text up on every render (about
ten microseconds, and a case page holds some fifty). Its output depends on the active
language only (the literal is safe, so escaping does not change it), so it is kept per
language on the compiled node. Every other form (`as`, `context`, `noop`, filters,
variables) is Django's own node, unchanged.
"""

from django import template
from django.template.base import Node, Variable
from django.templatetags.i18n import TranslateNode, do_translate
from django.utils.translation import get_language

register = template.Library()


class ConstantTranslateNode(Node):
    def __init__(self, node: TranslateNode):
        self.node = node
        self.by_language: dict = {}

    def render(self, context):
        language = get_language()
        text = self.by_language.get(language)
        if text is None:
            text = self.by_language[language] = self.node.render(context)
        return text


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    node = do_translate(parser, token)
    return ConstantTranslateNode(node) if _constant(node) else node


def _constant(node: TranslateNode) -> bool:
    expression = node.filter_expression
    return (
        not node.noop
        and node.asvar is None
        and node.message_context is None
        and not expression.filters
        and isinstance(expression.var, Variable)
        and isinstance(expression.var.literal, str)
    )
