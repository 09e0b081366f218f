from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import WebhookDelivery, WebhookSubscription, event_type_choices
from .tasks import queue_delivery


class WebhookSubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=_("event types"),
        choices=event_type_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every event."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "url", "event_types", "secret", "active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["name", "url", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["name", "url", "event_types", "secret", "active", "created_at", "updated_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["message_id", "event_type", "subscription", "status", "attempts", "created_at"]
    list_filter = ["status", "subscription", "event_type"]
    search_fields = ["message_id", "record"]
    list_select_related = ["subscription"]
    readonly_fields = [
        "subscription",
        "message_id",
        "event_type",
        "record",
        "payload",
        "status",
        "attempts",
        "attempt_log",
        "created_at",
        "delivered_at",
    ]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        # Deliveries come from changes only.
        return False

    @admin.action(description=_("Deliver again"), permissions=["change"])
    def redeliver(self, request, queryset):
        """Send the events again under their own webhook-id, so a receiver that already has
        one can tell; each goes behind its record's earlier deliveries."""
        with transaction.atomic():
            deliveries = list(queryset.select_for_update())
            for delivery in deliveries:
                delivery.status = WebhookDelivery.Status.PENDING
                delivery.save(update_fields=["status"])
                queue_delivery(delivery)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.",
                "%(count)d deliveries queued again.",
                len(deliveries),
            )
            % {"count": len(deliveries)},
            messages.SUCCESS,
        )
