"""Every public page type, the API's documentation and the curators' forms are valid HTML, by
the Nu HTML Checker (vnu.jar, run once)."""

import json
import os
import subprocess
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse

from alliances.models import Alliance, FundingCall
from core.curation import ReviewRequest
from ecosystems.models import Ecosystem
from pactportal.models import InformationPage
from partnerships.models import Document, DocumentFile, Organisation, Partnership
from partnerships.services import document_text_refresh
from tests.alliances.builders import checker_query
from tests.factories import DocumentFactory, MembershipFactory, make_text_pdf

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"))


def public_pages() -> dict[str, str]:
    madrid = Partnership.objects.published().regional().first()
    document = DocumentFactory(partnership=madrid)
    version = DocumentFile(document=document, language="en")
    text = ["The partners agree.", "Annex: training for 4,000 welders."]
    version.file = ContentFile(make_text_pdf(text, outline={2: "Annex"}), name="charter.pdf")
    version.full_clean()
    version.save()
    document_text_refresh(version=version)
    return {
        "home": reverse("ecosystems:home"),
        "ecosystems": reverse("ecosystems:list"),
        "ecosystem": reverse("ecosystems:detail", kwargs={"slug": "digital"}),
        "partnerships": reverse("partnerships:list") + "?kind=regional&year_from=abc",
        "partnership": madrid.get_absolute_url(),
        "large-scale-partnership": Partnership.objects.published()
        .large_scale()
        .first()
        .get_absolute_url(),
        "organisations": reverse("partnerships:organisation_list"),
        "organisation": Organisation.objects.published().first().get_absolute_url(),
        "documents": reverse("partnerships:document_list"),
        "document": document.get_absolute_url(),
        "document-text": version.get_text_url(),
        "document-text-search": reverse("partnerships:search") + "?q=welders",
        "search-empty": reverse("partnerships:search"),
        "alliances": reverse("alliances:list"),
        "alliance": Alliance.objects.published().first().get_absolute_url(),
        "consortium-checker": reverse("alliances:check"),
        # A check by address, one VET provider and more short: the report and its suggestions.
        "consortium-suggestions": reverse("alliances:check") + "?" + checker_query(),
        "match": reverse("match:page") + "?region=DE71&type=hei&ecosystem=digital",
        "figures": reverse("figures:index"),
        "regions": reverse("regions:map") + "?country=ZZ",
        "white-spots": reverse("regions:gaps") + "?ecosystem=digital",
        "region": reverse("regions:detail", args=["ITH4"]),
        "information-page": reverse("information_page", kwargs={"slug": "accessibility"}),
        "open-data": reverse("data:page"),
        "not-found": "/no-such-page/",
        "api-docs": reverse("api-docs"),
        "api-redoc": reverse("api-redoc"),
    }


def admin_pages() -> dict[str, str]:
    """The curators' add and change forms of each kind of record they edit."""
    records = {
        ("partnerships", "partnership"): Partnership.objects.first(),
        ("partnerships", "document"): Document.objects.first(),
        ("partnerships", "organisation"): Organisation.objects.first(),
        ("alliances", "alliance"): Alliance.objects.first(),
        ("alliances", "fundingcall"): FundingCall.objects.first(),
        ("ecosystems", "ecosystem"): Ecosystem.objects.first(),
        ("pactportal", "informationpage"): InformationPage.objects.first(),
    }
    pages = {
        f"admin-{model}-change": reverse(f"admin:{app}_{model}_change", args=[record.pk])
        for (app, model), record in records.items()
    }
    for app, model in [
        ("partnerships", "partnership"),
        ("partnerships", "document"),
        ("partnerships", "organisation"),
        ("alliances", "alliance"),
        ("alliances", "fundingcall"),
    ]:
        pages[f"admin-{model}-add"] = reverse(f"admin:{app}_{model}_add")
    # A draft with a draft member and document: its form's tools, its publish page with the
    # drafts offered, its preview links, the review of it, and its page as curators see it.
    draft = MembershipFactory(partnership__status="draft", organisation__status="draft").partnership
    DocumentFactory(partnership=draft, status="draft")
    review = ReviewRequest.objects.create(
        record=draft, author=get_user_model().objects.create_user("author")
    )
    for view in ("change", "publish", "preview_links"):
        pages[f"admin-draft-{view}"] = reverse(
            f"admin:partnerships_partnership_{view}", args=[draft.pk]
        )
    pages["admin-review"] = reverse("admin:core_reviewrequest_change", args=[review.pk])
    pages["draft-preview"] = draft.get_absolute_url()
    pages["admin-data-quality"] = reverse("data_quality")
    return pages


def test_every_public_page_type_is_valid_html(pact_data, client, tmp_path):
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: scripts/test installs it (npm ci)"
    files = {}
    for name, url in public_pages().items():
        response = client.get(url)
        assert response.status_code in (200, 404), (name, response.status_code)
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)
    # The checker's report after a submission, with its error messages.
    response = client.post(
        reverse("alliances:check"),
        {
            "call": "blueprint-2025",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "Politecnico di Milano",
            "members-0-country": "IT",
            "members-0-type": "hei",
            "members-0-role": "coordinator",
            "check": "1",
        },
    )
    files["consortium-report"] = tmp_path / "consortium-report.html"
    files["consortium-report"].write_bytes(response.content)
    # The checker refusing a row, with its error summary and messages by each field.
    response = client.post(
        reverse("alliances:check"),
        {
            "call": "blueprint-2025",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-0-name": "Politecnico di Milano",
            "check": "1",
        },
    )
    files["consortium-errors"] = tmp_path / "consortium-errors.html"
    files["consortium-errors"].write_bytes(response.content)
    # The curators' forms, signed in.
    client.force_login(get_user_model().objects.create_superuser("ines", "ines@example.eu", "x"))
    for name, url in admin_pages().items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        files[name] = tmp_path / f"{name}.html"
        files[name].write_bytes(response.content)

    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *map(str, files.values()),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{Path(m['url']).stem}, line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]
    assert not errors, "\n".join(errors)
