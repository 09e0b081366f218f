import pytest

from core.cache import generations


@pytest.fixture(autouse=True)
def _feed_without_delay(settings):
    # A test's writes are all committed (or all in its transaction) before it reads the feed.
    settings.CHANGE_FEED_SETTLE_SECONDS = 0


@pytest.fixture(autouse=True)
def _a_real_generation():
    # tests/conftest.py marks the database's content generation as just read, as 0, which no
    # PostgreSQL sequence ever reports (they start at 1); a test whose first request comes
    # before any content is saved would then meet an empty cache and that 0 together.
    generations.database.seen(1)
