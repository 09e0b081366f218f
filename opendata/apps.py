from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from simple_history.signals import post_create_historical_record

from . import tasks


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        # Webhooks are a concern apart from the content's own flow: each change the history
        # records is handed to the subscriptions in the same transaction.
        post_create_historical_record.connect(
            tasks.history_recorded, dispatch_uid="opendata.webhooks"
        )
