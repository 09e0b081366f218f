"""Numbers written into SVG attributes.

Django's templates localise every number they print: in French and German 4.5 becomes "4,5",
which no SVG attribute can read (the shape is not drawn). Drawings hand their templates these
strings instead, so the numbers stay numbers whatever language draws the page and whatever
cache keeps the drawing.
"""


def svg_number(value: float) -> str:
    """``value`` to one decimal, without a trailing ``.0``: ``"228"``, ``"4.5"``."""
    return f"{value:.1f}".removesuffix(".0")
