"""Large imports in the admin: checked whole, in a number of queries that does not grow with the
file; limited in size, with the limit stated before upload; all or nothing."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import PublicationStatus
from partnerships.models import Membership, Organisation, Partnership
from tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"
# Queries of a preview, whatever the number of rows: the session and the user, the look-ups
# of the file's related and matched records, the check of its rows against the database.
PREVIEW_QUERIES = {"organisation": 13, "partnership": 17, "membership": 14}


def preview(client, model: str, content: bytes):
    return client.post(
        reverse(f"admin:partnerships_{model}_import"),
        {
            "import_file": SimpleUploadedFile(f"{model}.csv", content),
            "format": CSV_FORMAT,
            "resource": "0",
        },
    )


def confirm(client, model: str, previewed, follow=True):
    return client.post(
        reverse(f"admin:partnerships_{model}_process_import"),
        {**previewed.context["confirm_form"].initial, "resource": "0"},
        follow=follow,
    )


def csv(header: str, lines: list[str]) -> bytes:
    return "\n".join([header, *lines]).encode()


def organisations_file(rows: int) -> bytes:
    """Half the rows change existing organisations, half add new ones."""
    existing = OrganisationFactory.create_batch(rows // 2, country_id="ES")
    lines = [f"{o.slug},{o.name} (renamed),ES,hei,1,published" for o in existing]
    lines += [f"new-org-{n},New Organisation {n},PT,sme,0,draft" for n in range(rows // 2)]
    return csv("slug,name,country,type,eche_holder,status", lines)


def partnerships_file(rows: int) -> bytes:
    existing = PartnershipFactory.create_batch(rows // 2, regional=True)
    for partnership in existing:
        partnership.countries.set(["IT"])
    lines = [
        f"{p.slug},{p.name},regional,regional,,digital;health,IT;SI,2024-03,published"
        for p in existing
    ]
    lines += [
        f"new-lsp-{n},New Partnership {n},large-scale,,digital,,FR,2021,draft"
        for n in range(rows // 2)
    ]
    return csv("slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,status", lines)


def memberships_file(rows: int) -> bytes:
    partnership = PartnershipFactory()
    existing = MembershipFactory.create_batch(rows // 2, partnership=partnership)
    newcomers = OrganisationFactory.create_batch(rows // 2)
    lines = [f"{partnership.slug},{m.organisation.slug},coordinator" for m in existing]
    lines += [f"{partnership.slug},{o.slug},member" for o in newcomers]
    return csv("partnership,organisation,role", lines)


FILES = {
    "organisation": organisations_file,
    "partnership": partnerships_file,
    "membership": memberships_file,
}


@pytest.mark.parametrize("rows", [20, 200])
@pytest.mark.parametrize("model", FILES)
def test_a_preview_runs_as_many_queries_for_200_rows_as_for_20(
    curator_client, django_assert_max_num_queries, model, rows
):
    content = FILES[model](rows)
    with django_assert_max_num_queries(PREVIEW_QUERIES[model]):
        response = preview(curator_client, model, content)
    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    assert (result.totals["new"], result.totals["update"]) == (rows // 2, rows // 2)
    assert response.context["confirm_form"] is not None


@pytest.mark.parametrize("rows", [20, 200])
def test_confirming_new_partnerships_writes_each_in_one_query(
    curator_client, django_assert_max_num_queries, rows
):
    lines = [
        f"p-{n},Partnership {n},regional,regional,,digital;health,IT;SI,2024,draft"
        for n in range(rows)
    ]
    previewed = preview(
        curator_client,
        "partnership",
        csv("slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,status", lines),
    )
    # One INSERT a partnership; its links and history for the whole file at once.
    with django_assert_max_num_queries(rows + 20):
        confirm(curator_client, "partnership", previewed, follow=False)
    assert Partnership.objects.count() == rows
    assert set(Partnership.objects.get(slug="p-0").countries.values_list("code", flat=True)) == {
        "IT",
        "SI",
    }


def test_the_import_page_states_the_row_limit_before_upload(curator_client, settings):
    settings.IMPORT_MAX_ROWS = 2000
    page = curator_client.get(reverse("admin:partnerships_organisation_import"))
    assert "At most 2,000 rows in one file" in page.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_file_over_the_limit_is_refused_with_a_message_and_nothing_is_written(
    curator_client, settings, file_format
):
    settings.IMPORT_MAX_ROWS = 10
    header = ["slug", "name", "country", "type", "status"]
    rows = [[f"org-{n}", f"Organisation {n}", "IT", "sme", "published"] for n in range(11)]
    if file_format == "csv":
        content, chosen = csv(",".join(header), [",".join(row) for row in rows]), CSV_FORMAT
    else:
        import openpyxl

        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        content, chosen = buffer.getvalue(), "1"
    response = curator_client.post(
        reverse("admin:partnerships_organisation_import"),
        {
            "import_file": SimpleUploadedFile(f"o.{file_format}", content),
            "format": chosen,
            "resource": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "This file has 11 rows; at most 10 can be imported at once. Split it into smaller files."
    ]
    assert not response.context.get("confirm_form")
    assert not Organisation.objects.exists()


def test_the_limit_itself_is_accepted(curator_client, settings):
    settings.IMPORT_MAX_ROWS = 10
    lines = [f"org-{n},Organisation {n},IT,sme,draft" for n in range(10)]
    response = preview(curator_client, "organisation", csv("slug,name,country,type,status", lines))
    assert response.context["confirm_form"] is not None


def test_the_database_rules_are_checked_for_the_whole_file(curator_client):
    OrganisationFactory(slug="taken", pic="123456789")
    content = csv(
        "slug,name,country,type,pic,eche_holder,status",
        [
            "good,Good Organisation,IT,hei,,1,draft",
            "eche-sme,ECHE SME,IT,sme,,1,draft",  # a check constraint
            "pic-taken,PIC Taken,IT,sme,123456789,0,draft",  # unique against the database
            "pic-once,PIC Once,IT,sme,987654321,0,draft",
            "pic-twice,PIC Twice,IT,sme,987654321,0,draft",  # unique within the file
            "no-pic,No PIC,IT,sme,,0,draft",  # empty PICs are not compared
        ],
    )
    result = preview(curator_client, "organisation", content).context["result"]
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(invalid) == [2, 3, 5]
    assert invalid[2] == {"__all__": ["Only a higher education institution can hold an ECHE."]}
    assert invalid[3] == {"__all__": ["Another organisation already has this PIC."]}
    assert invalid[5] == {"__all__": ["Another organisation already has this PIC."]}
    assert (result.totals["new"], result.totals["invalid"]) == (3, 3)
    assert Organisation.objects.count() == 1


def test_a_rule_of_a_partnership_only_the_database_holds_is_reported(curator_client):
    content = csv(
        "slug,name,kind,scope,ecosystem,commitment_people,status",
        ["zero,Zero Pledged,large-scale,,digital,0,draft", "one,One,large-scale,,digital,1,draft"],
    )
    result = preview(curator_client, "partnership", content).context["result"]
    assert [(row.number, row.error_dict) for row in result.invalid_rows] == [
        (1, {"__all__": ["The number of people pledged must be positive."]})
    ]


def test_each_imported_record_gets_one_history_entry_with_its_links(curator, curator_client):
    header = "slug,name,kind,scope,ecosystem,linked_ecosystems,countries,launched,status"
    row = "alps,Alps Skills,regional,regional,,digital,{countries},2024,published"
    confirm(
        curator_client,
        "partnership",
        preview(curator_client, "partnership", csv(header, [row.format(countries="IT;SI")])),
    )
    alps = Partnership.objects.get(slug="alps")
    entry = alps.history.get()
    assert (entry.history_type, entry.history_user) == ("+", curator)
    assert {link.country_id for link in entry.countries.all()} == {"IT", "SI"}
    assert {link.ecosystem.slug for link in entry.linked_ecosystems.all()} == {"digital"}

    confirm(
        curator_client,
        "partnership",
        preview(curator_client, "partnership", csv(header, [row.format(countries="IT;AT")])),
    )
    changed = alps.history.first()
    assert (changed.history_type, alps.history.count()) == ("~", 2)
    assert [c.field for c in changed.diff_against(entry).changes] == ["countries"]
    assert set(alps.countries.values_list("code", flat=True)) == {"IT", "AT"}


def test_a_file_whose_records_changed_since_its_preview_writes_nothing(curator_client):
    partnership = PartnershipFactory()
    staying, leaving = OrganisationFactory.create_batch(2)
    content = csv(
        "partnership,organisation,role",
        [f"{partnership.slug},{staying.slug},member", f"{partnership.slug},{leaving.slug},member"],
    )
    previewed = preview(curator_client, "membership", content)
    leaving.delete()  # between the preview and its confirmation

    done = confirm(curator_client, "membership", previewed)
    assert "Nothing was imported" in done.content.decode()
    assert not Membership.objects.exists()


def test_an_unchanged_file_previews_as_unchanged(curator_client):
    content = partnerships_file(10)
    response = preview(curator_client, "partnership", content)
    confirm(curator_client, "partnership", response)
    again = preview(curator_client, "partnership", content).context["result"]
    assert again.totals["skip"] == 10
    assert Partnership.objects.filter(status=PublicationStatus.PUBLISHED).count() == 5


def test_a_nul_character_is_a_field_error_not_a_failure(curator_client):
    content = csv(
        "slug,name,country,type,status",
        ["nul\x00slug,Fine Name,IT,sme,draft", "fine-slug,Nul\x00Name,IT,sme,draft"],
    )
    response = preview(curator_client, "organisation", content)
    assert response.status_code == 200
    invalid = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert list(invalid[1]) == ["slug"]  # not a slug, which is checked first
    assert invalid[2] == {"name": ["Null characters are not allowed."]}
    assert not Organisation.objects.exists()


def test_values_an_import_does_not_understand_are_row_errors(curator_client):
    content = csv(
        "slug,name,country,type,eche_holder,status",
        [
            "yes,Yes University,IT,hei,TRUE,draft",
            "maybe,Maybe University,IT,hei,maybe,draft",
            "kind,Unknown Kind,IT,castle,0,draft",
            "state,Unknown Status,IT,hei,0,pending",
        ],
    )
    result = preview(curator_client, "organisation", content).context["result"]
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert sorted(invalid) == [2, 3, 4]
    assert "“maybe” is not yes or no" in str(invalid[2]["eche_holder"])
    assert "type" in invalid[3] and "status" in invalid[4]


def test_an_import_reads_the_format_from_the_file_not_the_choice(curator_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["slug", "name", "country", "type", "eche_holder", "status"])
    workbook.active.append(["from-xlsx", "From XLSX", "IT", "hei", True, "draft"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    as_json = b'\xef\xbb\xbf [{"slug": "from-json", "name": "From JSON", "country": "IT", ' + (
        b'"type": "sme", "eche_holder": false, "status": "draft"}]'
    )
    for name, content, chosen in (("a.csv", xlsx.getvalue(), CSV_FORMAT), ("b.txt", as_json, "")):
        previewed = curator_client.post(
            reverse("admin:partnerships_organisation_import"),
            {"import_file": SimpleUploadedFile(name, content), "format": chosen, "resource": "0"},
        )
        assert previewed.context["result"].totals["new"] == 1, previewed.context.get("form")
        confirm(curator_client, "organisation", previewed)
    assert set(Organisation.objects.values_list("slug", "eche_holder")) == {
        ("from-xlsx", True),
        ("from-json", False),
    }
