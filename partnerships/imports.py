"""Checking and writing a whole import file in a number of queries that does not grow with it.

django-import-export checks and saves a file row by row: each row looks up its related
records, its own record, asks the database whether it is unique and meets each constraint,
and is saved with a history entry per link it sets; 1,500 rows took close to a minute to
preview, and again to import, past a worker's timeout. ``FileResource`` does the same work
for the whole file at once: look-ups and checks in a few queries, rows saved one query each.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import DatabaseError, connections, router, transaction
from django.db.models import CheckConstraint, Model, Q, UniqueConstraint, Value
from django.db.models.functions import Cast
from django.db.models.sql import Query
from django.utils.translation import gettext as _
from import_export import instance_loaders, resources, widgets
from import_export.resources import Diff
from import_export.results import RowResult


def rules_broken(instances: list[Model]) -> list[dict[str, list[ValidationError]]]:
    """What saving each of ``instances`` (of one model) would break: its uniqueness and its
    constraints, reported as ``validate_unique()`` and ``validate_constraints()`` do, by field.

    Asked of the database for all the instances at once, in one query for the constraints'
    conditions and one per unique set, instead of several queries for each. Instances are
    checked against each other too: two new rows cannot share a unique value either.
    """
    errors = [{} for _instance in instances]
    if not instances:
        return errors
    model = type(instances[0])
    opts = model._meta
    checks = [c for c in opts.constraints if isinstance(c, CheckConstraint)]
    unique_sets = [
        ((field.name,), None, None)
        for field in opts.local_concrete_fields
        if field.unique and not field.primary_key
    ]
    unique_sets += [(tuple(names), None, None) for names in opts.unique_together]
    unique_sets += [
        (tuple(c.fields), c.condition, c)
        for c in opts.constraints
        if isinstance(c, UniqueConstraint) and c.fields
    ]
    conditions = [check.condition for check in checks]
    conditions += [condition for _names, condition, _c in unique_sets if condition is not None]
    holds = conditions_held(instances, conditions) if conditions else [[] for _i in instances]

    for error, held in zip(errors, holds, strict=True):
        for check, ok in zip(checks, held, strict=False):
            if not ok:
                message = ValidationError(
                    check.get_violation_error_message(), code=check.violation_error_code
                )
                error.setdefault(NON_FIELD_ERRORS, []).append(message)

    condition_index = len(checks)
    for names, condition, constraint in unique_sets:
        attnames = [opts.get_field(name).attname for name in names]
        if condition is not None:
            applies = [held[condition_index] for held in holds]
            condition_index += 1
        else:
            applies = [True] * len(instances)
        keys = [tuple(getattr(instance, attname) for attname in attnames) for instance in instances]
        candidates = [i for i, key in enumerate(keys) if applies[i] and None not in key]
        if not candidates:
            continue
        taken = {}
        stored = model._default_manager.filter(condition or Q()).filter(
            **{
                f"{attname}__in": {keys[i][position] for i in candidates}
                for position, attname in enumerate(attnames)
            }
        )
        for pk, *values in stored.values_list("pk", *attnames):
            taken.setdefault(tuple(values), set()).add(pk)
        for i in candidates:
            instance, holders = instances[i], taken.setdefault(keys[i], set())
            if holders - {instance.pk}:
                if constraint is None or (
                    condition is None
                    and constraint.violation_error_message
                    == constraint.default_violation_error_message
                ):
                    message = instance.unique_error_message(model, names)
                else:
                    message = ValidationError(
                        constraint.get_violation_error_message(),
                        code=constraint.violation_error_code,
                    )
                unique_field = message.code == "unique" and len(names) == 1
                errors[i].setdefault(names[0] if unique_field else NON_FIELD_ERRORS, []).append(
                    message
                )
            holders.add(instance.pk if instance.pk is not None else ("row", i))
    return errors


def conditions_held(instances: list[Model], conditions: list[Q]) -> list[list[bool]]:
    """Whether each condition holds for each instance, as ``Q.check()`` answers it (an unknown
    counts as holding), in one query over the instances' values (``VALUES``).

    Each condition is written in SQL once, over the bare column names, as PostgreSQL's own
    constraint is; the instances' values are rows named by those columns.
    """
    model = type(instances[0])
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    names = {name for condition in conditions for name in Q(condition).referenced_base_fields}
    fields = [opts.pk if name == "pk" else opts.get_field(name) for name in sorted(names)]
    query = Query(model, alias_cols=False)
    compiler = query.get_compiler(connection=connection)
    tests, params = [], []
    for condition in conditions:
        sql, condition_params = query.build_where(Q(condition)).as_sql(compiler, connection)
        tests.append(f"COALESCE(({sql}), true)")
        params += condition_params
    rows = []
    for index, instance in enumerate(instances):
        # The first row gives each column its type, which a NULL or a bare string lacks.
        cells = [f"CAST(%s AS {f.cast_db_type(connection)})" if not index else "%s" for f in fields]
        rows.append(f"(%s, {', '.join(cells)})" if cells else "(%s)")
        params.append(index)
        params += [f.get_db_prep_value(getattr(instance, f.attname), connection) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ["import_row", *(f.column for f in fields)])
    sql = (
        f"SELECT {quote('import_row')}, {', '.join(tests)} "
        f"FROM (VALUES {', '.join(rows)}) AS {quote('imported')} ({columns})"
    )
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, params)
            answers = {row[0]: list(row[1:]) for row in cursor.fetchall()}
    except DatabaseError:
        # A condition the database cannot evaluate for some value: ask row by row, where
        # Q.check() counts such a condition as holding, as full_clean() would.
        return [
            [Q(c).check(values_of(instance, names), using=connection.alias) for c in conditions]
            for instance in instances
        ]
    return [answers[index] for index in range(len(instances))]


def values_of(instance: Model, names: set[str]) -> dict:
    """The instance's values of the fields ``names``, and its pk, as typed SQL values."""
    values = {}
    for field in instance._meta.local_concrete_fields:
        if field.name in names:
            value = getattr(instance, field.attname)
            # A NULL of the column's type: PostgreSQL cannot guess one inside a function.
            values[field.name] = Value(value, field) if value is not None else Cast(None, field)
    values["pk"] = Value(instance.pk, instance._meta.pk)
    return values


def history_record(saved: list[tuple[Model, bool]], user) -> None:
    """The change history of imported records: one entry each, links included, as
    django-simple-history records a save, written in a few queries for the whole file.

    Saved one by one, a partnership would get an entry for its save and another for each of
    its links set, each entry reading every link back: most of an import's queries.
    """
    if not saved:
        return
    model = type(saved[0][0])
    history = getattr(model, model._meta.simple_history_manager_attribute)
    for created in (True, False):
        records = [instance for instance, is_create in saved if is_create == created]
        if not records:
            continue
        entries = history.bulk_history_create(records, update=not created, default_user=user)
        # The links as they now are, for each many-to-many field the history keeps.
        for field in history.model._history_m2m_fields:
            through = field.remote_field.through
            owner = field.m2m_field_name()
            links = {}
            for link in through.objects.filter(**{f"{owner}__in": [r.pk for r in records]}):
                links.setdefault(getattr(link, f"{owner}_id"), []).append(link)
            columns = [f.attname for f in through._meta.concrete_fields]
            kept = getattr(history.model, field.name).model
            kept.objects.bulk_create(
                kept(history=entry, **{column: getattr(link, column) for column in columns})
                for record, entry in zip(records, entries, strict=True)
                for link in links.get(record.pk, [])
            )


class FileInstanceLoader(instance_loaders.ModelInstanceLoader):
    """Every record a file names, found in one query before its rows are read.

    Keyed by the values of the resource's ``import_id_fields`` (a related record by its id).
    """

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        wanted = [set() for _field in self.fields]
        if dataset is not None and all(f.column_name in dataset.headers for f in self.fields):
            for row in dataset.dict:
                try:
                    key = self.key(row)
                except (ValueError, ValidationError):
                    continue  # the row reports it
                for values, value in zip(wanted, key, strict=True):
                    # A NUL character can be in no key, and PostgreSQL refuses to be asked.
                    if not (isinstance(value, str) and "\x00" in value):
                        values.add(value)
        attnames = [resource._meta.model._meta.get_field(f.attribute).attname for f in self.fields]
        links = [
            field.attribute
            for field in resource.get_import_fields()
            if isinstance(field.widget, widgets.ManyToManyWidget)
        ]
        records = (
            self.get_queryset()
            .filter(
                **{
                    f"{attname}__in": values
                    for attname, values in zip(attnames, wanted, strict=True)
                }
            )
            .prefetch_related(*links)
        )
        self.found = {}
        for record in records:
            # Kept as lists: django-import-export compares each row with a deep copy of its
            # record, and a copied queryset forgets what was prefetched.
            record.links_before = {name: list(getattr(record, name).all()) for name in links}
            self.found[tuple(getattr(record, name) for name in attnames)] = record

    def key(self, row) -> tuple:
        values = (field.clean(row) for field in self.fields)
        return tuple(value.pk if isinstance(value, Model) else value for value in values)

    def get_instance(self, row):
        return self.found.get(self.key(row))


def links_before(instance, name: str) -> list:
    """The records ``instance`` was linked to through ``name`` when the file was read."""
    return getattr(instance, "links_before", {}).get(name, [])


class RowDiff(Diff):
    """A row's changes as the import pages show them, its links (``countries``…) included.

    Links are those read with the record (``FileInstanceLoader``) and those the row sets, not
    read again from the database for each row: a preview saves none anyway.
    """

    def __init__(self, resource, instance, new):
        self.new = new
        self.left = self.read(resource, instance, before=True)
        self.right = []

    def compare_with(self, resource, instance):
        self.right = self.read(resource, instance, before=False)

    @staticmethod
    def read(resource, instance, before: bool) -> list:
        values = []
        for field in resource.get_import_fields():
            if instance is None or not isinstance(field.widget, widgets.ManyToManyWidget):
                values.append(field.export(instance))
            elif before or field.column_name not in resource.row:
                values.append(field.widget.render(links_before(instance, field.attribute)))
            else:
                values.append(field.widget.render(field.clean(resource.row)))
        return values


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes or no, as the export writes it (1 or 0) or as a spreadsheet does (TRUE or FALSE);
    a value it does not know is the row's error, never read as no."""

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return None
        if isinstance(value, bool | int | float) and value in (0, 1):  # a spreadsheet's cell
            return bool(value)
        known = str(value).strip().lower()
        if known in ("1", "true"):
            return True
        if known in ("0", "false"):
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no: write 1 or 0 (or TRUE or FALSE).") % {"value": value}
        )


class FileResource(resources.ModelResource):
    """A resource whose files are checked whole, in a number of queries that does not grow with
    their rows, so that a large file previews and imports well within a worker's time.

    - Related records, and the records the rows match, are looked up once for the file
      (``SlugWidget.load()``, ``FileInstanceLoader``).
    - Each row is validated by its model's ``full_clean()`` without the checks that ask the
      database, one query per row each: whether related records exist (they were just found),
      uniqueness and constraints. Those are checked for all the valid rows together
      (``rules_broken()``): in a preview, which saves nothing; on confirmation the rows are
      saved and the database enforces them, and any row it refuses rolls the whole import back.
    - A file that names the same record twice is refused: the second row would silently win.
    """

    class Meta:
        instance_loader_class = FileInstanceLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": StrictBooleanWidget,
        "NullBooleanField": StrictBooleanWidget,
    }

    def get_diff_class(self):
        return RowDiff

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        """The whole file in one transaction: all of it is written, or none of it.

        Rows get no savepoint of their own (django-import-export's default without
        transactions): a savepoint per row costs two queries, and once a transaction holds
        more than 64 subtransactions PostgreSQL answers each query more slowly (twice as
        slowly by the 600th row of a partnerships file). Without transactions, a preview
        (``dry_run``) only validates and saves no row. An import with any invalid or failed
        row is rolled back, whatever ``rollback_on_validation_errors`` says.
        """
        self.previewing = dry_run
        using = self.get_db_connection_name()
        with transaction.atomic(using=using):
            result = self.import_data_inner(
                dataset, dry_run, raise_errors, False, collect_failed_rows, **kwargs
            )
            if dry_run or result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True, using=using)
        return result

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.seen, self.to_check, self.saved, self.new_links = {}, [], [], {}
        for field in self.get_import_fields():
            if hasattr(field.widget, "load") and field.column_name in dataset.headers:
                field.widget.load(dataset[field.column_name])

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self.row, self.valid = row, None
        key = tuple(str(row.get(name, "")).strip() for name in self._meta.import_id_fields)
        if key in self.seen:
            raise ValidationError(
                {
                    self._meta.import_id_fields[0]: _(
                        "The same record is already on row %(row)s of this file."
                    )
                    % {"row": self.seen[key]}
                }
            )
        self.seen[key] = kwargs.get("row_number")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # django-import-export's rule, with the links read with the record rather than
        # asked of the database for each row.
        if not self._meta.skip_unchanged or self._meta.skip_diff or import_validation_errors:
            return False
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget):
                if field.get_value(instance) != field.get_value(original):
                    return False
            elif field.column_name in row:
                wanted = {record.pk for record in field.clean(row)}
                if wanted != {record.pk for record in links_before(original, field.attribute)}:
                    return False
        return True

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        # Related records were found by their slugs a moment ago: no need to ask again.
        found = {
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation and getattr(instance, field.attname) is not None
        }
        try:
            instance.full_clean(
                exclude={*errors, *found}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # PostgreSQL stores no NUL character; say so by field rather than fail on saving.
        for field in instance._meta.concrete_fields:
            value = getattr(instance, field.attname)
            if field.name not in errors and isinstance(value, str):
                try:
                    ProhibitNullCharactersValidator()(value)
                except ValidationError as exc:
                    errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)
        self.valid = instance

    def save_instance(self, instance, is_create, row, **kwargs):
        self.created = is_create
        if not self.previewing:
            # Its history is written with the others' once the file is saved (after_import).
            instance.skip_history_when_saving = True
            self.saved.append((instance, is_create))
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if self.previewing:
            return
        for field in self.get_import_fields():
            if not isinstance(field.widget, widgets.ManyToManyWidget):
                continue
            if field.column_name not in row:
                continue
            if not self.created:
                getattr(instance, field.attribute).set(field.clean(row))
            else:
                # A new record's links are added with the others' once the file is saved.
                self.new_links.setdefault(field.attribute, []).append((instance, field.clean(row)))
        del instance.skip_history_when_saving

    def add_new_links(self) -> None:
        """The links of the file's new records, one query per kind of link for them all.

        No ``m2m_changed`` signal is sent: the records' own saves emptied the page cache, and
        their history is written afterwards, links included (``history_record()``).
        """
        for name, pairs in self.new_links.items():
            field = self._meta.model._meta.get_field(name)
            through = field.remote_field.through
            owner, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                through(**{f"{owner}_id": instance.pk, f"{target}_id": linked.pk})
                for instance, links in pairs
                for linked in links
            )

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if self.valid is not None and row_result.is_valid():
            self.to_check.append((kwargs["row_number"], row, row_result, self.valid))

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not self.previewing:
            # Each row was saved, and the database enforced its rules on each.
            if not result.has_errors() and not result.has_validation_errors():
                self.add_new_links()
                history_record(self.saved, kwargs.get("user"))
            return
        broken = rules_broken([instance for *_, instance in self.to_check])
        for (number, row, row_result, _instance), errors in zip(self.to_check, broken, strict=True):
            if errors:
                result.totals[row_result.import_type] -= 1
                result.totals[RowResult.IMPORT_TYPE_INVALID] += 1
                row_result.import_type = RowResult.IMPORT_TYPE_INVALID
                row_result.validation_error = ValidationError(errors)
                result.append_invalid_row(number, row, row_result.validation_error)
        result.invalid_rows.sort(key=lambda invalid: invalid.number)
