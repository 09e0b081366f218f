"""The partnerships app's models, one module per concept, in the order they depend on each other:
places, organisations (with their memberships), documents, partnerships, their member counts,
their commitments and progress reports."""

from .commitments import Commitment, CommitmentQuerySet, ProgressReport
from .documents import (
    Document,
    DocumentFile,
    DocumentQuerySet,
    Language,
    TextStatus,
    document_upload_path,
)
from .nuts import NutsRegion, NutsRegionQuerySet
from .organisations import (
    CATEGORY_BY_TYPE,
    Membership,
    Organisation,
    OrganisationCategory,
    OrganisationQuerySet,
    OrganisationType,
    category_of,
)
from .partnerships import Partnership, PartnershipQuerySet, hosting
from .places import (
    NUTS_PATTERN,
    NUTS_PREFIX_BY_COUNTRY,
    PIC_PATTERN,
    Country,
    CountryQuerySet,
    Region,
    alphabetical,
    not_empty,
)
from .presence import Engagement, Headcount, Presence
from .texts import DocumentPage, MatchesOf, TextMatch, text_search_config

__all__ = [
    "CATEGORY_BY_TYPE",
    "NUTS_PATTERN",
    "NUTS_PREFIX_BY_COUNTRY",
    "PIC_PATTERN",
    "Commitment",
    "CommitmentQuerySet",
    "Country",
    "CountryQuerySet",
    "Document",
    "DocumentFile",
    "DocumentPage",
    "DocumentQuerySet",
    "Engagement",
    "Headcount",
    "Language",
    "MatchesOf",
    "Membership",
    "NutsRegion",
    "NutsRegionQuerySet",
    "Organisation",
    "OrganisationCategory",
    "OrganisationQuerySet",
    "OrganisationType",
    "Partnership",
    "PartnershipQuerySet",
    "Presence",
    "ProgressReport",
    "Region",
    "TextMatch",
    "TextStatus",
    "alphabetical",
    "category_of",
    "document_upload_path",
    "hosting",
    "not_empty",
    "text_search_config",
]
