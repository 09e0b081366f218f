"""Curation in the admin: roles, publishing, history and revert, import/export, uploads."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.models import PublicationStatus
from partnerships.models import Document, DocumentFile, Organisation, Partnership
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    make_pdf,
)

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


MODELS = ["organisation", "partnership", "document", "membership", "region"]


@pytest.mark.parametrize("model", MODELS)
def test_a_curator_opens_every_page_of_the_content_admin(curator_client, model):
    partnership = PartnershipFactory()
    membership = MembershipFactory(partnership=partnership)
    objects = {
        "organisation": membership.organisation,
        "partnership": partnership,
        "document": DocumentFactory(partnership=partnership),
        "membership": membership,
        "region": partnership.regions.create(name="Lombardy", slug="lombardy", country_id="IT"),
    }
    pk = objects[model].pk
    urls = [
        reverse(f"admin:partnerships_{model}_changelist"),
        reverse(f"admin:partnerships_{model}_add"),
        reverse(f"admin:partnerships_{model}_change", args=[pk]),
        reverse(f"admin:partnerships_{model}_history", args=[pk]),
    ]
    if model in ("organisation", "partnership", "membership"):
        urls += [
            reverse(f"admin:partnerships_{model}_import"),
            reverse(f"admin:partnerships_{model}_export"),
        ]
    for url in urls:
        assert curator_client.get(url).status_code == 200, url


def test_a_curator_cannot_manage_accounts_or_add_ecosystems(curator_client):
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_group_changelist"),
        reverse("admin:ecosystems_ecosystem_add"),
    ]:
        assert curator_client.get(url).status_code == 403, url
    assert curator_client.get(reverse("admin:ecosystems_ecosystem_changelist")).status_code == 200


def test_changelist_filters_and_search(curator_client):
    PartnershipFactory(name="Lombardy Regional Skills", regional=True)
    PartnershipFactory(name="Digital Skills Alliance")
    changelist = reverse("admin:partnerships_partnership_changelist")

    def names(query):
        response = curator_client.get(changelist, query)
        return {p.name for p in response.context["cl"].result_list}

    assert names({"kind__exact": "regional"}) == {"Lombardy Regional Skills"}
    assert names({"q": "digital"}) == {"Digital Skills Alliance"}
    assert names({"status__exact": "draft"}) == set()


def test_bulk_publish_asks_first_then_publishes_and_records_who(curator, curator_client):
    drafts = PartnershipFactory.create_batch(2, status=PublicationStatus.DRAFT)
    changelist = reverse("admin:partnerships_partnership_changelist")
    selection = {"action": "publish", "_selected_action": [p.pk for p in drafts]}

    asked = curator_client.post(changelist, selection)
    assert asked.status_code == 200
    assert "These 2 records will become “Published”" in asked.content.decode()
    assert set(Partnership.objects.values_list("status", flat=True)) == {"draft"}

    done = curator_client.post(changelist, {**selection, "confirmed": "yes"}, follow=True)
    assert "2 record(s) are now “Published”" in done.content.decode()
    for partnership in Partnership.objects.all():
        assert partnership.status == "published" and partnership.published_at
        latest = partnership.history.first()
        assert latest.history_user == curator
        assert latest.prev_record.status == "draft"
    assert "Skills Partnership" in Client().get(reverse("partnerships:list")).content.decode()


def test_bulk_archive_refuses_all_when_one_record_is_invalid(curator_client):
    good = PartnershipFactory()
    bad = PartnershipFactory()
    # Broken outside the admin, in a way only validation (not the database) catches.
    Partnership.objects.filter(pk=bad.pk).update(website="not a web address")
    curator_client.post(
        reverse("admin:partnerships_partnership_changelist"),
        {"action": "archive", "_selected_action": [good.pk, bad.pk], "confirmed": "yes"},
    )
    assert set(Partnership.objects.values_list("status", flat=True)) == {"published"}


def test_every_change_is_in_history_and_can_be_reverted(curator, curator_client):
    partnership = PartnershipFactory(name="Original name", summary="First summary.")
    change_url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    form = curator_client.get(change_url).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)},
        "name": "Renamed by a curator",
        "linked_ecosystems": [],
        "countries": [],
        "regions": [],
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "member_counts-TOTAL_FORMS": 0,
        "member_counts-INITIAL_FORMS": 0,
        "commitments-TOTAL_FORMS": 0,
        "commitments-INITIAL_FORMS": 0,
    }
    data["ecosystem"] = partnership.ecosystem_id
    response = curator_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    partnership.refresh_from_db()
    assert partnership.name == "Renamed by a curator"

    history = curator_client.get(
        reverse("admin:partnerships_partnership_history", args=[partnership.pk])
    ).content.decode()
    assert "cora" in history
    assert "Original name" in history and "Renamed by a curator" in history

    first = partnership.history.earliest()
    revert_url = reverse(
        "admin:partnerships_partnership_simple_history", args=[partnership.pk, first.pk]
    )
    revert_form = curator_client.get(revert_url).context["adminform"].form
    revert = {
        **{
            k: v
            for k, v in revert_form.initial.items()
            if v is not None and not isinstance(v, list)
        },
        "linked_ecosystems": [],
        "countries": [],
        "regions": [],
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "member_counts-TOTAL_FORMS": 0,
        "member_counts-INITIAL_FORMS": 0,
        "commitments-TOTAL_FORMS": 0,
        "commitments-INITIAL_FORMS": 0,
    }
    assert curator_client.post(revert_url, revert).status_code == 302
    partnership.refresh_from_db()
    assert partnership.name == "Original name"
    assert partnership.history.count() == 3


def test_view_on_site_opens_the_public_page_or_the_staff_preview(curator_client):
    draft = PartnershipFactory(status=PublicationStatus.DRAFT)
    change = curator_client.get(reverse("admin:partnerships_partnership_change", args=[draft.pk]))
    shortcut = re.search(r'href="([^"]+)" class="viewsitelink"', change.content.decode()).group(1)
    preview = curator_client.get(shortcut, follow=True)
    assert preview.redirect_chain[-1][0].endswith(draft.get_absolute_url())
    assert "only curators can see this page" in preview.content.decode()


def upload(client, model, content: bytes, name: str, file_format: str, confirm=True):
    """The admin's two import steps: preview, then (if clean) confirm."""
    url = reverse(f"admin:partnerships_{model}_import")
    preview = client.post(
        url,
        {"import_file": SimpleUploadedFile(name, content), "format": file_format, "resource": 0},
    )
    assert preview.status_code == 200
    confirm_form = preview.context.get("confirm_form")
    if confirm and confirm_form is not None:
        client.post(
            reverse(f"admin:partnerships_{model}_process_import"),
            {**confirm_form.initial, "resource": 0},
        )
    return preview


ORGANISATIONS_CSV = (
    "slug,name,acronym,country,type,pic,eche_holder,website,source_url,status\n"
    "deusto,Universidad de Deusto,,es,hei,,1,https://www.deusto.es,,published\n"
    "mondragon,Mondragon Unibertsitatea,MU,ES,hei,,0,,,draft\n"
)


def test_a_valid_csv_imports_after_preview_and_a_second_import_changes_nothing(curator_client):
    preview = upload(
        curator_client, "organisation", ORGANISATIONS_CSV.encode(), "o.csv", "0", confirm=False
    )
    assert "Universidad de Deusto" in preview.content.decode()
    assert not Organisation.objects.exists()  # the preview writes nothing

    upload(curator_client, "organisation", ORGANISATIONS_CSV.encode(), "o.csv", CSV_FORMAT)
    deusto = Organisation.objects.get(slug="deusto")
    assert (deusto.country_id, deusto.eche_holder, deusto.status) == ("ES", True, "published")
    stamp = deusto.updated_at

    again = upload(curator_client, "organisation", ORGANISATIONS_CSV.encode(), "o.csv", CSV_FORMAT)
    assert again.context["result"].totals["skip"] == 2
    deusto.refresh_from_db()
    assert deusto.updated_at == stamp and deusto.history.count() == 1


def test_an_invalid_csv_names_each_bad_row_and_field_and_writes_nothing(curator_client):
    content = (
        b"slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,status\n"
        b"good-one,Good Partnership,regional,regional,,digital,IT,2024-03,draft\n"
        b"bad-country,Bad Country,regional,local,,,XX;IT,,draft\n"
        b"bad-ecosystem,Bad Ecosystem,large-scale,,space,,,,draft\n"
        b"good-one,Duplicate,regional,regional,,,IT,,draft\n"
        b"no-scope,No Scope,regional,,,,,,draft\n"
        b"linked-lsp,Linked LSP,large-scale,,digital,health,,,draft\n"
    )

    preview = upload(curator_client, "partnership", content, "p.csv", CSV_FORMAT)
    html = preview.content.decode()
    result = preview.context["result"]

    invalid = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert set(invalid) == {2, 3, 4, 5, 6}
    assert "countries" in invalid[2] and "XX" in str(invalid[2]["countries"])
    assert "ecosystem" in invalid[3] and "space" in str(invalid[3]["ecosystem"])
    assert "slug" in invalid[4] and "row 1" in str(invalid[4]["slug"])
    assert "scope" in invalid[5]
    assert "linked_ecosystems" in invalid[6]
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert "Errors" in html or "errors" in html
    assert not Partnership.objects.exists()


def test_partnerships_and_memberships_import_from_xlsx(curator_client):
    OrganisationFactory(slug="bosch")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["slug", "name", "kind", "scope", "ecosystem", "countries", "launched", "status"])
    sheet.append(
        [
            "auto-lsp",
            "Automotive LSP",
            "large-scale",
            "",
            "mobility-transport-automotive",
            "",
            "2021-11",
            "published",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    upload(curator_client, "partnership", buffer.getvalue(), "p.xlsx", XLSX_FORMAT)

    lsp = Partnership.objects.get(slug="auto-lsp")
    assert lsp.ecosystem.slug == "mobility-transport-automotive"
    assert lsp.launched.isoformat() == "2021-11"

    members = b"partnership,organisation,role\nauto-lsp,bosch,coordinator\n"
    upload(curator_client, "membership", members, "m.csv", CSV_FORMAT)
    assert lsp.memberships.get().role == "coordinator"
    again = upload(curator_client, "membership", members, "m.csv", CSV_FORMAT)
    assert again.context["result"].totals["skip"] == 1


@pytest.mark.parametrize(("file_format", "kind"), [(CSV_FORMAT, "csv"), (XLSX_FORMAT, "xlsx")])
def test_export_writes_the_filtered_list(curator_client, file_format, kind):
    PartnershipFactory(slug="lombardy", regional=True)
    PartnershipFactory(slug="digital-lsp")
    url = reverse("admin:partnerships_partnership_export") + "?kind__exact=regional"
    response = curator_client.post(
        url,
        {
            "format": file_format,
            "resource": 0,
            "partnershipresource_slug": True,
            "partnershipresource_name": True,
            "partnershipresource_kind": True,
        },
    )
    assert response.status_code == 200
    if kind == "csv":
        text = response.content.decode()
        assert "lombardy" in text and "digital-lsp" not in text
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
        assert [row[0] for row in rows[1:]] == ["lombardy"]


def post_version(client, document, content: bytes, language="it"):
    """Adds one language version through the document's change page."""
    url = reverse("admin:partnerships_document_change", args=[document.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "files-TOTAL_FORMS": 1,
            "files-INITIAL_FORMS": 0,
            "files-0-language": language,
            "files-0-file": SimpleUploadedFile("anything.pdf", content, "application/pdf"),
        }
    )
    return client.post(url, data, follow=True)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf at all", "This file is not a PDF."),
        (make_pdf(password="secret"), "encrypted or password-protected"),
    ],
)
def test_uploads_that_are_not_readable_pdfs_are_refused(curator_client, content, message):
    document = DocumentFactory()
    response = post_version(curator_client, document, content)
    assert message in response.content.decode()
    assert not DocumentFile.objects.exists()


def test_an_oversized_upload_is_refused(curator_client, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 2_000
    response = post_version(curator_client, DocumentFactory(), make_pdf(pages=40))
    assert "The file is larger than" in response.content.decode()
    assert not DocumentFile.objects.exists()


def test_a_real_pdf_is_measured_and_a_second_copy_is_flagged(curator_client):
    content = make_pdf(pages=4)
    first = DocumentFactory(title="Signed agreement")
    post_version(curator_client, first, content)
    version = DocumentFile.objects.get(document=first)
    assert version.page_count == 4 and version.size_bytes == len(content)
    change = curator_client.get(reverse("admin:partnerships_document_change", args=[first.pk]))
    assert version.sha256 in change.content.decode()

    second = DocumentFactory(title="Another document")
    response = post_version(curator_client, second, content)
    assert "is the same file as on “Signed agreement”" in response.content.decode()


def test_writes_through_the_api_are_in_the_same_history(curator):
    token = Token.objects.create(user=curator)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.post(
        "/api/v1/organisations/",
        {"slug": "new-org", "name": "New Org", "type": "sme"},
        content_type="application/json",
    )
    record = Organisation.objects.get(slug="new-org").history.get()
    assert record.history_type == "+" and record.history_user == curator


@pytest.mark.parametrize("rows", [20, 200])
def test_changelists_run_a_constant_number_of_queries(
    curator_client, django_assert_max_num_queries, rows
):
    for _ in range(rows // 10):
        partnership = PartnershipFactory()
        MembershipFactory.create_batch(9, partnership=partnership)
        DocumentFactory(partnership=partnership)
    for model in ["partnership", "organisation", "document", "membership"]:
        with django_assert_max_num_queries(14):
            response = curator_client.get(
                reverse(f"admin:partnerships_{model}_changelist"), {"all": ""}
            )
        assert response.status_code == 200


def test_create_curator_creates_then_updates_an_account(monkeypatch):
    out = io.StringIO()
    call_command("create_curator", "--username", "ines", "--email", "i@example.eu", stdout=out)
    password = re.search(r"Password \(shown once\): (\S+)", out.getvalue()).group(1)
    user = User.objects.get(username="ines")
    assert user.is_staff and not user.is_superuser and user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == ["Curators"]

    monkeypatch.setenv("CURATOR_PASSWORD", "a-long-enough-passphrase-2026")
    call_command(
        "create_curator",
        "--username",
        "ines",
        "--password-from-env",
        "CURATOR_PASSWORD",
        stdout=io.StringIO(),
    )
    user.refresh_from_db()
    assert user.check_password("a-long-enough-passphrase-2026")

    monkeypatch.setenv("CURATOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "create_curator", "--username", "ines", "--password-from-env", "CURATOR_PASSWORD"
        )
    assert Document.objects.count() == 0


def test_an_import_carries_french_and_german_summaries_and_keeps_those_it_does_not_give(
    curator_client,
):
    header = b"slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,status,"
    upload(
        curator_client,
        "partnership",
        header + b"summary,summary_fr\n"
        b"alps,Alps Skills,regional,regional,,,IT,2024,draft,Skills in the Alps.,"
        b"Des comp\xc3\xa9tences dans les Alpes.\n",
        "p.csv",
        CSV_FORMAT,
    )
    alps = Partnership.objects.get(slug="alps")
    assert (alps.summary_en, alps.summary_fr) == (
        "Skills in the Alps.",
        "Des compétences dans les Alpes.",
    )

    upload(
        curator_client,
        "partnership",
        header
        + b"summary\nalps,Alps Skills,regional,regional,,,IT,2024,draft,Skills of the Alps.\n",
        "p.csv",
        CSV_FORMAT,
    )
    alps.refresh_from_db()
    assert (alps.summary_en, alps.summary_fr) == (
        "Skills of the Alps.",
        "Des compétences dans les Alpes.",
    )


README = Path(__file__).resolve().parents[2] / "README.md"


def curator_rights_in_the_readme() -> set[tuple[str, str]]:
    """The rights README's "Curation" table gives curators, as (app label, codename) pairs.

    Records are named as the models name themselves (their verbose plural), so a name the
    table uses that no model has fails here instead of being skipped.
    """
    curation = README.read_text().split("\n## Curation\n", 1)[1].split("\n## ", 1)[0]
    table = curation[curation.index("| Rights | Records |") :].split("\n\n", 1)[0]
    models = {str(model._meta.verbose_name_plural): model for model in apps.get_models()}
    rights = set()
    for line in table.splitlines()[2:]:
        actions, records = (cell.strip() for cell in line.strip().strip("|").split("|"))
        for name in records.split(", "):
            assert name in models, f"README's curator rights name {name!r}: no such records"
            opts = models[name]._meta
            rights |= {
                (opts.app_label, f"{action}_{opts.model_name}") for action in actions.split(", ")
            }
    return rights


def test_the_curators_group_holds_exactly_the_rights_the_readme_lists(curator):
    granted = set(
        Group.objects.get(name="Curators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    written = curator_rights_in_the_readme()
    assert granted - written == set(), "granted, but not in README's table"
    assert written - granted == set(), "in README's table, but not granted"
    assert curator.groups.get().name == "Curators"
