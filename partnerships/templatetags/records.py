"""Parts of pages drawn once per content change: ``{% rendered_each %}`` for listed records,
``{% remembered %}`` for blocks of the layout."""

from django import template

from core.cache import rendered_until_content_changes, until_content_changes

register = template.Library()


@register.simple_tag
def rendered_each(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items``, as a list of fragments.

    ``{% rendered_each "includes/document_item.html" documents "document" as fragments %}``
    then ``{% for fragment in fragments %}{{ fragment }}{% empty %}…{% endfor %}``. The
    fragment template sees only its record (as ``name``) and ``extra``.
    """
    return rendered_until_content_changes(template_name, items, name, **extra)


class RememberedNode(template.Node):
    def __init__(self, nodelist, name: str, vary: list):
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context):
        key = ".".join([self.name, *(str(value.resolve(context)) for value in self.vary)])
        return until_content_changes(f"block.{key}", lambda: self.nodelist.render(context))


@register.tag
def remembered(parser, token):
    """``{% remembered "name" value… %}…{% endremembered %}``: the block rendered once per
    content change, language and combination of the values it names.

    For the parts of the layout that are the same on many pages (the main navigation, the
    footer): the block must depend on nothing but those values, the language and content.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% remembered %} takes a name")
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(
        nodelist, bits[1].strip("\"'"), [parser.compile_filter(bit) for bit in bits[2:]]
    )
