"""The review requests in the admin: the list, and each request's review page."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_curation import nothing_changed
from .curation import ReviewRequest, changes_to_review
from .models import PublicationStatus
from .services import publication_set_status


def may_decide(user, review: ReviewRequest) -> bool:
    """A reviewer (the right to change review requests) with the right to change the record's
    model, who is not its author, decides a request still waiting."""
    opts = review.content_type.model_class()._meta
    return (
        review.state == ReviewRequest.State.PENDING
        and review.author_id != user.pk
        and user.has_perm("core.change_reviewrequest")
        and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


@admin.register(ReviewRequest)
class ReviewRequestAdmin(SimpleHistoryAdmin):
    """Requests are made from a record's page ("Submit for review") and decided on their own
    page, which shows what changed since the record was last published."""

    list_display = ["__str__", "state", "author", "reviewer", "created_at", "decided_at"]
    list_filter = ["state", "content_type"]
    list_select_related = ["author", "reviewer", "content_type"]
    search_fields = ["comment", "author__username"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, object_id)
        if review is None or review.record is None:
            raise Http404
        if not self.has_view_or_change_permission(request, review):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        allowed = may_decide(request.user, review)
        if request.method == "POST" and allowed and (answer := self.decide(request, review)):
            return answer
        record = review.record
        return TemplateResponse(
            request,
            "admin/core/reviewrequest/review.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Review of “%(record)s”") % {"record": record},
                "opts": self.opts,
                "original": review,
                "review": review,
                "record": record,
                "record_url": reverse(
                    f"admin:{record._meta.app_label}_{record._meta.model_name}_change",
                    args=[record.pk],
                    current_app=self.admin_site.name,
                ),
                "changes": changes_to_review(record),
                "may_decide": allowed,
                "is_author": review.author_id == request.user.pk,
            },
        )

    def decide(self, request, review):
        """Approve (publish the record) or return it with a comment; None if refused."""
        decision, comment = request.POST.get("decision"), request.POST.get("comment", "").strip()
        if decision == "return" and not comment:
            self.message_user(
                request, _("Say what to change: a returned record needs a comment."), messages.ERROR
            )
            return None
        if decision not in ("approve", "return"):
            return None
        try:
            with transaction.atomic():
                review = ReviewRequest.objects.select_for_update().get(pk=review.pk)
                if review.state != ReviewRequest.State.PENDING:
                    raise ValidationError(_("This request was decided already."))
                if decision == "approve":
                    publication_set_status(
                        objects=[review.record], status=PublicationStatus.PUBLISHED
                    )
                review.state = (
                    ReviewRequest.State.APPROVED
                    if decision == "approve"
                    else ReviewRequest.State.RETURNED
                )
                review.reviewer, review.comment = request.user, comment
                review.decided_at = timezone.now()
                review.full_clean()
                review.save()
        except ValidationError as exc:
            self.message_user(request, nothing_changed(exc), messages.ERROR)
            return None
        self.message_user(
            request,
            _("“%(record)s” is published.") % {"record": review.record}
            if decision == "approve"
            else _("“%(record)s” is returned to its author.") % {"record": review.record},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:core_reviewrequest_changelist", current_app=self.admin_site.name)
        )
