"""Logging filters named in ``settings.LOGGING``."""

import logging


class AsWarning(logging.Filter):
    """Logs a record at WARNING, without its traceback.

    For what a client causes and the portal answers correctly (a 400), which Django logs at
    ERROR: ERROR is for what someone must fix, and a traceback of Django's own host check
    says nothing the message does not.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info, record.exc_text = None, None
        return True
