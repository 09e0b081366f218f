"""Who may import and export through the admin: every admin with import or export, walked.

Staff status alone opens the admin's door, nothing behind it: import needs the model's add
and change permissions (change is also what publishing needs, and an import can publish),
export its view permission.
"""

import io

import pytest
import tablib
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from partnerships.models import Commitment, Organisation, ProgressReport
from tests.alliances.builders import make_alliance
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)

pytestmark = pytest.mark.django_db


def admins_with(mixin) -> list:
    return sorted(
        (
            model_admin
            for model_admin in admin.site._registry.values()
            if isinstance(model_admin, mixin)
        ),
        key=lambda model_admin: model_admin.opts.label_lower,
    )


IMPORTERS = admins_with(ImportMixin)
EXPORTERS = admins_with(ExportMixin)


def url(model_admin, name: str) -> str:
    return reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_{name}")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def content():
    """A draft and a published record of every content model."""
    for status in ("draft", "published"):
        organisation = OrganisationFactory(status=status)
        partnership = PartnershipFactory(status=status)
        MembershipFactory(partnership=partnership, organisation=organisation)
        DocumentFactory(status=status, partnership=partnership)
        make_alliance(None, slug=f"alliance-{status}", status=status)
        pledge = Commitment.objects.create(
            partnership=partnership,
            slug=f"pledge-{status}",
            amount=1000,
            basis=Commitment.Basis.TOTAL,
            statement_en="Train 1,000 people.",
            source_url="https://example.eu/pledge",
        )
        ProgressReport.objects.create(
            commitment=pledge,
            year=2024,
            value=100,
            kind=ProgressReport.Kind.CUMULATIVE,
            source_url="https://example.eu/report",
            reported_on="2025-01-15",
        )


@pytest.fixture
def staffer():
    """A staff account that was given no permission at all."""
    return User.objects.create_user("staffer", is_staff=True)


@pytest.fixture
def curator():
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    return User.objects.get(username="cora")


def a_file_that_changes_records(model_admin) -> bytes:
    """The model's first records exported by its own resource, each altered visibly:
    drafts published, published records archived, roles changed, figures corrected."""
    resource = model_admin.get_import_resource_classes(None)[0]()
    exported = resource.export(queryset=model_admin.model.objects.all()[:3])
    rows = exported.dict
    for row in rows:
        if "status" in row:
            row["status"] = "archived" if row["status"] == "published" else "published"
        elif "value" in row:  # a progress report's figure, corrected
            row["value"] = str(float(row["value"]) + 1)
        else:
            row["role"] = "member" if row["role"] != "member" else "supporting-partner"
    return tablib.Dataset(
        *[list(row.values()) for row in rows], headers=exported.headers
    ).csv.encode()


def everything(model_admin) -> list:
    return list(model_admin.model.objects.order_by("pk").values())


def test_every_content_model_with_import_or_export_is_walked():
    labels = {model_admin.opts.label_lower for model_admin in IMPORTERS + EXPORTERS}
    assert {
        "partnerships.organisation",
        "partnerships.partnership",
        "partnerships.membership",
        "partnerships.document",
        "alliances.alliance",
    } <= labels


@pytest.mark.parametrize("model_admin", IMPORTERS, ids=lambda a: a.opts.label_lower)
def test_staff_without_permissions_cannot_import(content, staffer, admin_user, model_admin):
    rows = a_file_that_changes_records(model_admin)
    before = everything(model_admin)
    upload = {"format": "0", "resource": "0"}

    # What a curator's preview would offer to confirm: the file, already stored.
    preview = client_for(admin_user).post(
        url(model_admin, "import"),
        {**upload, "import_file": SimpleUploadedFile("rows.csv", rows)},
    )
    confirm = preview.context["confirm_form"].initial
    assert everything(model_admin) == before

    staff = client_for(staffer)
    assert staff.get(url(model_admin, "import")).status_code == 403
    assert (
        staff.post(
            url(model_admin, "import"),
            {**upload, "import_file": SimpleUploadedFile("rows.csv", rows)},
        ).status_code
        == 403
    )
    assert staff.post(url(model_admin, "process_import"), {**upload, **confirm}).status_code == 403
    assert everything(model_admin) == before


@pytest.mark.parametrize("model_admin", EXPORTERS, ids=lambda a: a.opts.label_lower)
def test_staff_without_permissions_cannot_export(content, staffer, model_admin):
    staff = client_for(staffer)
    assert staff.get(url(model_admin, "export")).status_code == 403
    response = staff.post(url(model_admin, "export"), {"format": "0", "resource": "0"})
    assert response.status_code == 403
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("model_admin", IMPORTERS, ids=lambda a: a.opts.label_lower)
def test_a_curator_may_import(curator, model_admin):
    assert client_for(curator).get(url(model_admin, "import")).status_code == 200


@pytest.mark.parametrize("model_admin", EXPORTERS, ids=lambda a: a.opts.label_lower)
def test_a_curator_may_export_drafts_included(content, curator, model_admin):
    publishable = hasattr(model_admin.model, "status")
    client = client_for(curator)
    form = client.get(url(model_admin, "export")).context["form"]
    every_column = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field, "is_selectable_field", 0)
    }
    response = client.post(
        url(model_admin, "export"), {"format": "0", "resource": "0", **every_column}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    exported = tablib.Dataset().load(response.content.decode(), format="csv")
    assert len(exported) == model_admin.model.objects.count()
    if publishable:
        assert "draft" in exported["status"]


def test_a_published_organisation_imported_by_staff_without_rights_is_never_served(staffer):
    csv = b"slug,name,country,type,status\nrogue,Rogue Organisation,IT,sme,published\n"
    staff = client_for(staffer)
    importer = reverse("admin:partnerships_organisation_import")
    preview = staff.post(
        importer, {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("o.csv", csv)}
    )
    assert preview.status_code == 403
    assert not Organisation.objects.exists()
    assert Client().get("/en/organisations/rogue/").status_code == 404


def test_viewing_allows_export_but_not_import(content):
    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.set(
        Permission.objects.filter(codename__in=["view_partnership", "view_organisation"])
    )
    client = client_for(viewer)
    assert client.get(reverse("admin:partnerships_partnership_export")).status_code == 200
    assert client.get(reverse("admin:partnerships_partnership_import")).status_code == 403
    # Adding alone is not enough: an import also changes records, and can publish them.
    adder = User.objects.create_user("adder", is_staff=True)
    adder.user_permissions.set(Permission.objects.filter(codename="add_partnership"))
    assert (
        client_for(adder).get(reverse("admin:partnerships_partnership_import")).status_code == 403
    )
