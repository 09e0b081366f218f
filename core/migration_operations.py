"""Migration operations of our own."""

from django.db.migrations.operations.base import Operation


class OnPostgreSQL(Operation):
    """Apply an operation's schema change on PostgreSQL only; its state change applies everywhere.

    For PostgreSQL-specific structures such as GIN indexes: production and the tests run on
    PostgreSQL, and the SQLite quick start must still migrate. The model state keeps the
    index either way, so ``makemigrations`` sees no difference.
    """

    reversible = True

    def __init__(self, operation: Operation):
        self.operation = operation

    def deconstruct(self):
        return f"{__name__}.{type(self).__name__}", [self.operation], {}

    def state_forwards(self, app_label, state):
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"{self.operation.describe()} (on PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return self.operation.migration_name_fragment
