"""The data quality dashboard's scores: what a reader needs of each published record.

Each kind of record has its checks, conditions on the row (``Check``); a record's score is the
share it passes. Every kind is read in one query, its checks annotated as booleans, whatever
the number of records: the dashboard costs as many queries as there are kinds. Whether a
source link works comes from the nightly link check (``core.linkcheck``): no page fetches one.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliances.models import Alliance, AllianceMember
from core.models import LinkCheck
from partnerships.models import (
    Document,
    DocumentFile,
    Membership,
    Organisation,
    Partnership,
    TextStatus,
)

# The threshold a record's score is measured against when none is chosen: every check passed.
THRESHOLDS = (100, 80, 60)
# Records listed of each kind, lowest scores first; the rest are counted.
LISTED = 200


@dataclass(frozen=True)
class Check:
    missing: str  # what the reader lacks when the check fails
    passes: Q


def has_text(column: str) -> Q:
    return Q(**{f"{column}__isnull": False}) & ~Q(**{column: ""})


def link_works() -> Q:
    broken = LinkCheck.objects.filter(
        Q(status_code__isnull=True) | Q(status_code__gte=400), url=OuterRef("source_url")
    )
    return ~Q(Exists(broken))


def source_checks() -> list[Check]:
    return [
        Check(_("a source link"), ~Q(source_url="")),
        Check(_("a working source link"), link_works()),
    ]


def translations(field: str) -> list[Check]:
    return [
        Check(_("the French text"), has_text(f"{field}_fr")),
        Check(_("the German text"), has_text(f"{field}_de")),
    ]


@dataclass(frozen=True)
class Kind:
    model: type
    name_field: str
    checks: list[Check]

    def records(self):
        annotations = {
            f"check_{n}": ExpressionWrapper(check.passes, output_field=BooleanField())
            for n, check in enumerate(self.checks)
        }
        return (
            self.model.objects.published()
            .annotate(**annotations)
            .values("pk", self.name_field, *annotations)
            .order_by(self.name_field, "pk")
        )


def kinds() -> list[Kind]:
    areas = Partnership.regions.through.objects.filter(partnership=OuterRef("pk"))
    countries = Partnership.countries.through.objects.filter(partnership=OuterRef("pk"))
    members = Membership.objects.filter(partnership=OuterRef("pk"))
    consortium = AllianceMember.objects.filter(alliance=OuterRef("pk"))
    unreadable = DocumentFile.objects.filter(
        document=OuterRef("pk"), text_status__in=[TextStatus.NO_TEXT, TextStatus.FAILED]
    )
    return [
        Kind(
            Partnership,
            "name",
            [
                *source_checks(),
                *translations("summary"),
                Check(
                    _("a country or region"),
                    Q(kind=Partnership.Kind.LARGE_SCALE) | Q(Exists(areas)) | Q(Exists(countries)),
                ),
                Check(_("members"), Q(Exists(members))),
            ],
        ),
        Kind(
            Organisation,
            "name",
            [
                *source_checks(),
                Check(_("a country or region"), Q(country__isnull=False) | Q(region__isnull=False)),
            ],
        ),
        Kind(
            Document,
            "title_en",
            [
                *source_checks(),
                *translations("title"),
                Check(_("a text layer in every PDF"), ~Q(Exists(unreadable))),
            ],
        ),
        Kind(
            Alliance,
            "name",
            [
                *source_checks(),
                Check(_("a consortium"), Q(Exists(consortium))),
            ],
        ),
    ]


@dataclass
class Scored:
    name: str
    score: int  # percent of the checks passed
    missing: list[str]
    change_url: str


@dataclass
class Section:
    kind: Kind
    records: list[Scored]
    below: int  # how many records score under the threshold, listed or not

    @property
    def title(self) -> str:
        return self.kind.model._meta.verbose_name_plural


def section(kind: Kind, threshold: int) -> Section:
    opts = kind.model._meta
    below = []
    for row in kind.records():
        passed = [row[f"check_{n}"] for n in range(len(kind.checks))]
        score = round(100 * sum(passed) / len(passed))
        if score < threshold:
            below.append((score, row, passed))
    below.sort(key=lambda found: found[0])
    # Only the listed records get a link: the directory may hold tens of thousands below.
    listed = [
        Scored(
            row[kind.name_field],
            score,
            [str(c.missing) for c, ok in zip(kind.checks, passed, strict=True) if not ok],
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row["pk"]]),
        )
        for score, row, passed in below[:LISTED]
    ]
    return Section(kind, listed, len(below))


def sections(user, threshold: int) -> list[Section]:
    """The kinds ``user`` may view, each with its published records under ``threshold``."""
    return [
        section(kind, threshold)
        for kind in kinds()
        if user.has_perm(f"{kind.model._meta.app_label}.view_{kind.model._meta.model_name}")
    ]


def broken_links():
    return LinkCheck.objects.filter(Q(status_code__isnull=True) | Q(status_code__gte=400))
