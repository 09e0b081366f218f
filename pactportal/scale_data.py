"""Synthetic records in proportion to the real data, for benchmarks and query-plan checks.

Every generated row has a slug starting with ``SCALE_PREFIX``, so the set can be removed again
without touching real or curated content. The generator is seeded: the same factor and seed
give the same rows.
"""

import datetime
import hashlib
import itertools
import random
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from alliances.eligibility import Role
from alliances.models import Alliance, AllianceMember, Involvement
from core.cache import content_changed
from core.models import Confidence, PublicationStatus
from core.partial_dates import DatePrecision
from ecosystems.models import Ecosystem
from partnerships.models import (
    Document,
    DocumentFile,
    DocumentPage,
    Engagement,
    Headcount,
    Language,
    Membership,
    Organisation,
    OrganisationType,
    Partnership,
    Presence,
    TextStatus,
    text_search_config,
)

SCALE_PREFIX = "scale-"
BATCH = 5_000

# Per unit of factor: factor 100 gives about 3,000 partnerships, 60,000 organisations,
# 300,000 memberships and 10,000 documents.
PARTNERSHIPS_PER_FACTOR = 30
ORGANISATIONS_PER_FACTOR = 600
MEMBERS_PER_PARTNERSHIP = (40, 160)
DOCUMENTS_PER_FACTOR = 100
ALLIANCES_PER_FACTOR = 26
ALLIANCE_MEMBERS = (10, 30)

# Roughly how the Pact's members are spread: most in the large Member States.
COUNTRY_WEIGHTS = {
    "DE": 14, "FR": 13, "IT": 12, "ES": 11, "PL": 7, "NL": 5, "BE": 5, "PT": 4, "AT": 3,
    "SE": 3, "CZ": 3, "RO": 3, "GR": 3, "HU": 2, "FI": 2, "DK": 2, "IE": 2, "SK": 1,
    "BG": 1, "HR": 1, "SI": 1, "LT": 1, "LV": 1, "EE": 1, "LU": 1, "CY": 1, "MT": 1,
    "NO": 1, "IS": 1, "TR": 1, "RS": 1, "MK": 1,
}  # fmt: skip
TYPE_WEIGHTS = {
    OrganisationType.SME: 30,
    OrganisationType.LARGE_ENTERPRISE: 10,
    OrganisationType.VET_PROVIDER: 14,
    OrganisationType.HEI: 9,
    OrganisationType.SECTORAL_ASSOCIATION: 7,
    OrganisationType.CHAMBER: 5,
    OrganisationType.SOCIAL_PARTNER: 4,
    OrganisationType.PUBLIC_BODY: 5,
    OrganisationType.RESEARCH_INSTITUTE: 4,
    OrganisationType.NGO: 4,
    OrganisationType.VET_NETWORK: 2,
    OrganisationType.DEVELOPMENT_AGENCY: 2,
    OrganisationType.OTHER: 4,
}
STATUS_WEIGHTS = {
    PublicationStatus.PUBLISHED: 90,
    PublicationStatus.DRAFT: 7,
    PublicationStatus.ARCHIVED: 3,
}
# Two of the 33 real partnerships are not confirmed and six only reported.
CONFIDENCE_WEIGHTS = {
    Confidence.CONFIRMED: 25,
    Confidence.REPORTED: 6,
    Confidence.UNCONFIRMED: 2,
}
NAME_PARTS = {
    OrganisationType.SME: ("Technik", "Solutions", "Systems", "Works", "Lab"),
    OrganisationType.LARGE_ENTERPRISE: ("Industries", "Group", "Holding", "Manufacturing"),
    OrganisationType.VET_PROVIDER: ("Vocational School", "Training Centre", "Skills Academy"),
    OrganisationType.HEI: ("University", "University of Applied Sciences", "Polytechnic"),
}
# The text of each generated language version, written as its pages directly rather than as a
# PDF: making 15,000 PDFs and reading them back would spend the generator's minutes in pypdf,
# and search reads only the pages. The versions are uploads whose files are never written (a
# download of one is a 404); each page holds TEXT_WORDS words drawn as in real prose (the
# n-th most common word n times as often as the first, Zipf) and RARE_PER_PAGE of
# RARE_WORDS made-up terms, as an agreement names its programmes and places.
TEXT_WORDS = (
    "skills", "training", "partners", "partnership", "workers", "employers", "education",
    "apprenticeships", "regional", "commitment", "digital", "green", "sector", "companies",
    "providers", "upskilling", "reskilling", "programme", "industry", "agreement", "members",
    "national", "european", "quality", "learners", "qualifications", "curriculum", "funding",
    "transition", "employment", "vocational", "higher", "network", "innovation", "objectives",
    "development", "cooperation", "chambers", "associations", "certification", "workforce",
    "courses", "mobility", "jobs", "needs", "shortages", "labour", "market", "support",
    "youth", "adults", "teachers", "trainers", "platform", "monitoring", "targets", "pledge",
    "energy", "automotive", "tourism", "construction", "health", "textiles", "aerospace",
    "microcredentials", "guidance", "validation", "inclusion", "women", "rural", "strategy",
)  # fmt: skip
RARE_WORDS = 5_000
RARE_PER_PAGE = 3
WORDS_PER_PAGE = 90
PAGES_PER_VERSION = (2, 8)
_SYLLABLES = ("ka", "lo", "mi", "ren", "tu", "vas", "pel", "dor", "sin", "qua", "bel", "tro",
              "nix", "fal", "gor", "hem", "jut", "wex", "zan", "cor")  # fmt: skip

PLACES = (
    "Nord", "Sud", "Rhein", "Danube", "Baltic", "Alpine", "Atlantic", "Adriatic", "Iberia",
    "Carpathia", "Flanders", "Bohemia", "Pomerania", "Tuscany", "Provence", "Lapland",
)  # fmt: skip


@dataclass(frozen=True)
class ScaleReport:
    counts: dict[str, int]

    def lines(self) -> list[str]:
        return [f"{name}: {number:,}" for name, number in self.counts.items()]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _partial_date(rng: random.Random, first_year: int, last_year: int):
    precision = rng.choices(
        [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR], weights=[70, 20, 10]
    )[0]
    year = rng.randint(first_year, last_year)
    month = rng.randint(1, 12) if precision != DatePrecision.YEAR else 1
    day = rng.randint(1, 28) if precision == DatePrecision.DAY else 1
    return datetime.date(year, month, day), precision


def _pledge(rng: random.Random) -> dict:
    """A number of people, with its basis when the number is there (as the model requires)."""
    people = rng.choice([None, rng.randrange(1_000, 500_000, 500)])
    basis = rng.choice(["", *Partnership.PledgeBasis.values]) if people else ""
    return {"commitment_people": people, "commitment_basis": basis}


def _confidence(rng: random.Random) -> dict:
    """Mostly confirmed, as in the real data; a doubt always says why."""
    level = _pick(rng, CONFIDENCE_WEIGHTS)
    note = "" if level == Confidence.CONFIRMED else "Generated record: its sources are doubtful."
    return {"confidence": level, "confidence_note": note}


def rare_words() -> list[str]:
    """The made-up terms of the generated text: found in a few dozen pages each at factor 100."""
    combos = itertools.product(_SYLLABLES, repeat=3)
    return ["".join(parts) + "ine" for parts in itertools.islice(combos, RARE_WORDS)]


def _page_texts(rng: random.Random, rare: list[str], weights: list[float]) -> list[str]:
    pages = []
    for _ in range(rng.randint(*PAGES_PER_VERSION)):
        words = rng.choices(TEXT_WORDS, weights=weights, k=WORDS_PER_PAGE)
        words += rng.sample(rare, RARE_PER_PAGE)
        rng.shuffle(words)
        pages.append(" ".join(words).capitalize() + ".")
    return pages


def scale_data_generate(*, factor: int, seed: int = 2020) -> ScaleReport:
    """Add ``factor`` times the real data's size in synthetic records, in one transaction."""
    if factor < 1:
        raise ValueError("The factor must be a positive whole number.")
    if scale_data_exists():
        raise ValueError("Scale data is already loaded; remove it first (--remove).")
    rng = random.Random(seed)
    now = timezone.now()
    ecosystems = list(Ecosystem.objects.values_list("pk", flat=True))
    countries = list(COUNTRY_WEIGHTS)

    def status_fields():
        status = _pick(rng, STATUS_WEIGHTS)
        return {"status": status, "published_at": None if status == "draft" else now}

    with transaction.atomic():
        organisations = []
        for n in range(ORGANISATIONS_PER_FACTOR * factor):
            kind = _pick(rng, TYPE_WEIGHTS)
            country = _pick(rng, COUNTRY_WEIGHTS)
            suffix = rng.choice(NAME_PARTS.get(kind, ("Association", "Agency", "Network")))
            organisations.append(
                Organisation(
                    name=f"{rng.choice(PLACES)} {suffix} {n + 1}",
                    slug=f"{SCALE_PREFIX}organisation-{n + 1}",
                    type=kind,
                    country_id=country,
                    eche_holder=kind == OrganisationType.HEI and rng.random() < 0.9,
                    **status_fields(),
                )
            )
        organisations = Organisation.objects.bulk_create(organisations, batch_size=BATCH)

        partnerships = []
        for n in range(PARTNERSHIPS_PER_FACTOR * factor):
            regional = rng.random() < 0.4
            launched, precision = _partial_date(rng, 2020, 2026)
            partnerships.append(
                Partnership(
                    name=f"{rng.choice(PLACES)} Skills Partnership {n + 1}",
                    slug=f"{SCALE_PREFIX}partnership-{n + 1}",
                    kind=Partnership.Kind.REGIONAL if regional else Partnership.Kind.LARGE_SCALE,
                    scope=rng.choice(Partnership.Scope.values) if regional else "",
                    # As in the real data: large-scale partnerships work EU-wide and name no
                    # country; regional ones name their countries.
                    coverage=Partnership.Coverage.REGIONS
                    if regional
                    else Partnership.Coverage.EU_WIDE,
                    ecosystem_id=None if regional else rng.choice(ecosystems),
                    summary="Employers, training providers and public bodies working together "
                    "on the skills their workforce needs.",
                    launched_on=launched,
                    launched_on_precision=precision,
                    **_pledge(rng),
                    commitment_target_year=rng.choice([None, 2025, 2027, 2030]),
                    **_confidence(rng),
                    **status_fields(),
                )
            )
        partnerships = Partnership.objects.bulk_create(partnerships, batch_size=BATCH)

        country_links, ecosystem_links, memberships = [], [], []
        roles = [Membership.Role.MEMBER] * 8 + [Membership.Role.SUPPORTING_PARTNER]
        for partnership in partnerships:
            for code in rng.sample(countries, rng.randint(1, 3) if partnership.scope else 0):
                country_links.append(
                    Partnership.countries.through(partnership_id=partnership.pk, country_id=code)
                )
            if partnership.kind == Partnership.Kind.REGIONAL:
                for ecosystem_id in rng.sample(ecosystems, rng.randint(0, 3)):
                    ecosystem_links.append(
                        Partnership.linked_ecosystems.through(
                            partnership_id=partnership.pk, ecosystem_id=ecosystem_id
                        )
                    )
            members = rng.sample(organisations, rng.randint(*MEMBERS_PER_PARTNERSHIP))
            for position, organisation in enumerate(members):
                memberships.append(
                    Membership(
                        partnership_id=partnership.pk,
                        organisation_id=organisation.pk,
                        role=Membership.Role.COORDINATOR if position == 0 else rng.choice(roles),
                    )
                )
        Partnership.countries.through.objects.bulk_create(country_links, batch_size=BATCH)
        Partnership.linked_ecosystems.through.objects.bulk_create(ecosystem_links, batch_size=BATCH)
        Membership.objects.bulk_create(memberships, batch_size=BATCH)

        documents, versions = [], []
        kinds = Document.Kind.values
        for n in range(DOCUMENTS_PER_FACTOR * factor):
            partnership = rng.choice(partnerships)
            issued, precision = _partial_date(rng, 2020, 2026)
            documents.append(
                Document(
                    title=f"{rng.choice(kinds).capitalize()} of {partnership.name}",
                    slug=f"{SCALE_PREFIX}document-{n + 1}",
                    kind=rng.choice(kinds),
                    issued_on=issued,
                    issued_on_precision=precision,
                    partnership_id=partnership.pk,
                    ecosystem_id=partnership.ecosystem_id,
                    **status_fields(),
                )
            )
        documents = Document.objects.bulk_create(documents, batch_size=BATCH)
        languages = Language.values
        rare, weights = rare_words(), [1 / rank for rank in range(1, len(TEXT_WORDS) + 1)]
        texts = []
        for document in documents:
            for language in sorted({"en", *rng.sample(languages, rng.randint(0, 3))}):
                pages = _page_texts(rng, rare, weights)
                sha256 = hashlib.sha256(f"{document.slug}-{language}".encode()).hexdigest()
                versions.append(
                    DocumentFile(
                        document_id=document.pk,
                        language=language,
                        file=f"documents/scale/{document.slug}-{language}.pdf",
                        file_format=DocumentFile.Format.PDF,
                        size_bytes=rng.randint(80_000, 6_000_000),
                        page_count=len(pages),
                        sha256=sha256,
                        text_status=TextStatus.READ,
                        text_sha256=sha256,
                    )
                )
                texts.append(pages)
        versions = DocumentFile.objects.bulk_create(versions, batch_size=BATCH)
        pages = DocumentPage.objects.bulk_create(
            (
                DocumentPage(
                    version_id=version.pk,
                    number=number,
                    text=text,
                    search_config=text_search_config(version.language),
                )
                for version, version_pages in zip(versions, texts, strict=True)
                for number, text in enumerate(version_pages, start=1)
            ),
            batch_size=BATCH,
        )

        alliances, alliance_members = [], []
        large_scale = [p for p in partnerships if p.kind == Partnership.Kind.LARGE_SCALE]
        for n in range(ALLIANCES_PER_FACTOR * factor):
            starts, precision = _partial_date(rng, 2018, 2025)
            alliances.append(
                Alliance(
                    acronym=f"SCALE{n + 1}",
                    name=f"{rng.choice(PLACES)} Alliance for Skills {n + 1}",
                    slug=f"{SCALE_PREFIX}alliance-{n + 1}",
                    ecosystem_id=rng.choice(ecosystems),
                    duration_months=48,
                    starts_on=starts,
                    starts_on_precision=precision,
                    **status_fields(),
                )
            )
        alliances = Alliance.objects.bulk_create(alliances, batch_size=BATCH)
        supported = []
        for alliance in alliances:
            members = rng.sample(organisations, rng.randint(*ALLIANCE_MEMBERS))
            for position, organisation in enumerate(members):
                alliance_members.append(
                    AllianceMember(
                        alliance_id=alliance.pk,
                        organisation_id=organisation.pk,
                        role=Role.COORDINATOR
                        if position == 0
                        else rng.choice([Role.FULL_PARTNER] * 6 + [Role.ASSOCIATED_PARTNER]),
                    )
                )
            if large_scale:
                supported.append(
                    Alliance.supported_partnerships.through(
                        alliance_id=alliance.pk, partnership_id=rng.choice(large_scale).pk
                    )
                )
        AllianceMember.objects.bulk_create(alliance_members, batch_size=BATCH)
        Alliance.supported_partnerships.through.objects.bulk_create(supported, batch_size=BATCH)
        # Bulk inserts send no signals, so the cached pages are made out of date here.
        content_changed()
    # Presence, Engagement, Headcount and Involvement too: the triggers wrote them row by
    # row, a dead row for each count they raised.
    _vacuum_analyze([Organisation, Partnership, Membership, Presence, Engagement, Headcount,
                     Involvement, Document, DocumentFile, DocumentPage, Alliance, AllianceMember,
                     Partnership.countries.through,
                     Partnership.linked_ecosystems.through])  # fmt: skip

    return ScaleReport(
        {
            "Organisations": len(organisations),
            "Partnerships": len(partnerships),
            "Memberships": len(memberships),
            "Documents": len(documents),
            "Language versions": len(versions),
            "Page texts": len(pages),
            "Country links": len(country_links),
            "Ecosystem links": len(ecosystem_links),
            "Alliances": len(alliances),
            "Alliance members": len(alliance_members),
        }
    )


def _vacuum_analyze(models) -> None:
    """Refresh PostgreSQL's statistics of freshly bulk-loaded tables, and tidy them.

    Until autovacuum gets to them the planner believes the tables are nearly empty and picks
    nested loops: the home page took 55 seconds at factor 100 instead of a fraction of one.
    And bulk-inserted rows wait in each full-text (GIN) index's pending list, which every
    search reads from end to end: VACUUM moves them into the index (a rare word's search, from
    a scan of the whole table in 3.8 ms to the index in 0.1 ms).
    """
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run inside a transaction, such as a test's; ANALYZE can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'{command} "{model._meta.db_table}"')


def scale_data_exists() -> bool:
    return Partnership.objects.filter(slug__startswith=SCALE_PREFIX).exists()


def scale_data_remove() -> Counter:
    """Delete every generated record (and only those); say how many of each went.

    Bulk SQL deletes, in one transaction: the generated rows have no history to keep, and
    deleting them one by one through the ORM's signals (history, cache) takes minutes at
    factor 100 and writes a history row for each. Links that real records hold to generated
    ones (a curator's membership, a document's partnership) are removed or cleared first.
    """
    generated = {"slug__startswith": SCALE_PREFIX}
    partnerships = Partnership.objects.filter(**generated)
    organisations = Organisation.objects.filter(**generated)
    documents = Document.objects.filter(**generated)
    alliances = Alliance.objects.filter(**generated)
    steps = [
        ("Page texts", DocumentPage.objects.filter(version__document__in=documents)),
        ("Language versions", DocumentFile.objects.filter(document__in=documents)),
        ("Documents", documents),
        (
            "Memberships",
            Membership.objects.filter(
                Q(partnership__in=partnerships) | Q(organisation__in=organisations)
            ),
        ),
        *[
            (label, through.objects.filter(partnership__in=partnerships))
            for label, through in [
                ("Country links", Partnership.countries.through),
                ("Ecosystem links", Partnership.linked_ecosystems.through),
                ("Region links", Partnership.regions.through),
                ("Alliance links", Partnership.alliances.through),
            ]
        ],
        (
            "Alliance members",
            AllianceMember.objects.filter(
                Q(alliance__in=alliances) | Q(organisation__in=organisations)
            ),
        ),
        (
            "Supported partnerships",
            Alliance.supported_partnerships.through.objects.filter(alliance__in=alliances),
        ),
        ("Alliances", alliances),
        ("Partnerships", partnerships),
        ("Organisations", organisations),
    ]
    removed = Counter()
    with transaction.atomic():
        Document.objects.filter(partnership__in=partnerships).exclude(**generated).update(
            partnership=None
        )
        for label, queryset in steps:
            removed[label] = queryset._raw_delete(queryset.db)
    content_changed()
    return removed
