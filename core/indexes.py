"""Indexes whose SQL depends on the database."""

from django.db import models
from django.db.models.expressions import OrderBy


class NullsLastIndex(models.Index):
    """An index in an order that puts unknown values last, where the database can say so.

    PostgreSQL writes ``DESC NULLS LAST`` in the index, so a listing that orders the same way
    reads it in order. SQLite (the quick start only) cannot put NULLS LAST in an index; there
    the index keeps the same columns without it. Every remade SQLite table recreates its
    indexes from this class, so a plain ``Index`` would break any later migration of the table.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = models.Index(
            *(
                OrderBy(expression.expression, descending=expression.descending)
                if isinstance(expression, OrderBy)
                else expression
                for expression in self.expressions
            ),
            name=self.name,
            condition=self.condition,
        )
        return plain.create_sql(model, schema_editor, using=using, **kwargs)
