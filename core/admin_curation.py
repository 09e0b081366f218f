"""What the curated models' admin adds for curators at scale: publishing a record with the
drafts its page shows, submitting it for review, and links that show a draft to readers
without an account."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .curation import PreviewLink, ReviewRequest, must_be_reviewed
from .models import PublicationStatus, Publishable


def nothing_changed(exc: ValidationError) -> str:
    """The message for a change refused as a whole: what was wrong, and that nothing was
    written."""
    return _("Nothing was changed: %(error)s") % {"error": " ".join(exc.messages)}


def record_key(record) -> str:
    """How a confirmation page names a record of any model in its form."""
    return f"{record._meta.label_lower}:{record.pk}"


class CurationAdmin:
    """A mixin of ``ContentAdmin``: publish together, review, preview links."""

    def drafts_shown(self, obj) -> list:
        """The draft records ``obj``'s public page shows once they are published (members,
        documents…), offered for publishing with it. Models whose pages show none: none."""
        return []

    def has_change_permission(self, request, obj=None):
        # A change to a published or archived record would reach the public unreviewed.
        if (
            isinstance(obj, Publishable)
            and obj.status != PublicationStatus.DRAFT
            and must_be_reviewed(request.user)
        ):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if must_be_reviewed(request.user):
            fields.append("status")  # a reviewer sets it, by approving
            if issubclass(self.model, Publishable):
                fields += ["publish_at", "unpublish_at"]  # a schedule would publish unreviewed
        return fields

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/publish/", wrap(self.publish_view), name=f"{name}_publish"),
            path(
                "<path:object_id>/submit-for-review/",
                wrap(self.submit_for_review_view),
                name=f"{name}_submit_for_review",
            ),
            path(
                "<path:object_id>/preview-links/",
                wrap(self.preview_links_view),
                name=f"{name}_preview_links",
            ),
            *super().get_urls(),
        ]

    def curation_url(self, obj, view: str) -> str:
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{view}",
            args=[obj.pk],
            current_app=self.admin_site.name,
        )

    def change_url(self, obj) -> str:
        return self.curation_url(obj, "change")

    def together(self, request, objects) -> list[tuple[object, str, bool, str]]:
        """The drafts ``objects``' pages show, each with its form key, whether the user may
        publish it (the right to publish its own model) and what kind of record it is."""
        found = {}
        for obj in objects:
            for draft in self.drafts_shown(obj):
                model_admin = self.admin_site._registry.get(type(draft))
                allowed = model_admin is not None and model_admin.has_publish_permission(
                    request, draft
                )
                found.setdefault(record_key(draft), (draft, allowed))
        return [
            (draft, key, allowed, draft._meta.verbose_name)
            for key, (draft, allowed) in found.items()
        ]

    def chosen_together(self, request, objects, status) -> list:
        """The drafts the confirmation page offered, the user may publish and kept checked."""
        if status != PublicationStatus.PUBLISHED:
            return []
        chosen = set(request.POST.getlist("together"))
        return [
            draft
            for draft, key, allowed, _kind in self.together(request, objects)
            if allowed and key in chosen
        ]

    def refuse_unreviewed(self, request) -> bool:
        """Whether the user must go through review; if so, says so."""
        if not must_be_reviewed(request.user):
            return False
        self.message_user(
            request,
            _(
                "Your records are published after a review: submit them for review, and a "
                "reviewer publishes them."
            ),
            messages.ERROR,
        )
        return True

    def curated_object(self, request, object_id, permission: str):
        obj = self.get_object(request, object_id)
        if not isinstance(obj, Publishable):  # none, or a record without a status
            raise Http404
        if not getattr(self, f"has_{permission}_permission")(request, obj):
            raise PermissionDenied
        return obj

    def publish_view(self, request, object_id):
        """The record's "Publish…": the confirmation page of the publish action, for it and
        the drafts its page shows."""
        obj = self.curated_object(request, object_id, "change")
        if self.refuse_unreviewed(request):
            return HttpResponseRedirect(self.change_url(obj))
        answer = self.confirm_status(
            request, self.model.objects.filter(pk=obj.pk), PublicationStatus.PUBLISHED
        )
        return answer or HttpResponseRedirect(self.change_url(obj))

    @admin.action(
        description=gettext_lazy("Submit the selected records for review"), permissions=["change"]
    )
    def submit_for_review(self, request, queryset):
        submitted = 0
        for obj in queryset:
            submitted += self.submit(request, obj)
        if submitted:
            self.message_user(
                request,
                _("%(count)s record(s) are waiting for a reviewer.") % {"count": submitted},
                messages.SUCCESS,
            )

    def submit(self, request, obj) -> bool:
        if obj.status != PublicationStatus.DRAFT:
            self.message_user(
                request,
                _("“%(record)s” is not a draft: only drafts are submitted for review.")
                % {"record": obj},
                messages.WARNING,
            )
            return False
        try:
            with transaction.atomic():
                ReviewRequest.objects.create(record=obj, author=request.user)
        except IntegrityError:
            self.message_user(
                request,
                _("“%(record)s” is already waiting for a review.") % {"record": obj},
                messages.WARNING,
            )
            return False
        return True

    def submit_for_review_view(self, request, object_id):
        obj = self.curated_object(request, object_id, "change")
        if request.method == "POST":
            if self.submit(request, obj):
                self.message_user(request, _("It is waiting for a reviewer."), messages.SUCCESS)
            return HttpResponseRedirect(self.change_url(obj))
        return TemplateResponse(
            request,
            "admin/curation/submit_for_review.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Submit “%(record)s” for review?") % {"record": obj},
                "opts": self.model._meta,
                "original": obj,
            },
        )

    def preview_links_view(self, request, object_id):
        """The record's preview links: make one (its address shown once), or revoke one."""
        obj = self.curated_object(request, object_id, "change")
        links = PreviewLink.of(obj)
        address = None
        if request.method == "POST":
            if "revoke" in request.POST:
                revoked = links.filter(pk=_number(request.POST["revoke"]), revoked_at=None)
                if revoked.update(revoked_at=timezone.now()):
                    self.message_user(
                        request, _("The link no longer opens the draft."), messages.SUCCESS
                    )
                return HttpResponseRedirect(request.path)
            if obj.status == PublicationStatus.DRAFT:
                _link, token = PreviewLink.create(record=obj, user=request.user)
                address = request.build_absolute_uri(reverse("preview", args=[token]))
        return TemplateResponse(
            request,
            "admin/curation/preview_links.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Preview links of “%(record)s”") % {"record": obj},
                "opts": self.model._meta,
                "original": obj,
                "links": links.select_related("created_by"),
                "address": address,
                "now": timezone.now(),
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = {}
        if isinstance(obj, Publishable) and request.method == "GET":
            extra["curation_links"] = self.curation_links(request, obj)
            self.tell_review_state(request, obj)
        return super().change_view(
            request, object_id, form_url, extra_context={**extra, **(extra_context or {})}
        )

    def curation_links(self, request, obj) -> list[tuple[str, str]]:
        if obj.status != PublicationStatus.DRAFT or not super().has_change_permission(request, obj):
            return []
        links = [(self.curation_url(obj, "preview_links"), _("Preview links"))]
        if must_be_reviewed(request.user):
            links.append((self.curation_url(obj, "submit_for_review"), _("Submit for review")))
        else:
            links.append((self.curation_url(obj, "publish"), _("Publish…")))
        return links

    def tell_review_state(self, request, obj):
        """Its latest review, on the record's page: its author reads a reviewer's comment."""
        latest = ReviewRequest.of(obj).select_related("reviewer").first()
        if latest is None or latest.state == ReviewRequest.State.APPROVED:
            return
        if latest.state == ReviewRequest.State.PENDING:
            self.message_user(request, _("This record is waiting for a review."), messages.INFO)
        else:
            self.message_user(
                request,
                _("Returned by %(reviewer)s: %(comment)s")
                % {"reviewer": latest.reviewer, "comment": latest.comment or "—"},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if "status" in form.changed_data and obj.is_published and self.drafts_shown(obj):
            # Published from the form: its page still hides the drafts it shows.
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Its page shows drafts the public does not see yet."),
                    self.curation_url(obj, "publish"),
                    _("Publish them too"),
                ),
                messages.WARNING,
            )


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None
