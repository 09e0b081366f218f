import pytest


@pytest.fixture(autouse=True)
def _feed_without_delay(settings):
    # A test's writes are all committed (or all in its transaction) before it reads the feed.
    settings.CHANGE_FEED_SETTLE_SECONDS = 0
