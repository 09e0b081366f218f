import datetime
import logging

import pytest
from django.core.exceptions import ValidationError

from core.partial_dates import DatePrecision, PartialDate
from partnerships.models import Partnership
from tests.factories import PartnershipFactory


@pytest.mark.parametrize(
    ("text", "date", "precision", "shown"),
    [
        ("2020-11-10", datetime.date(2020, 11, 10), DatePrecision.DAY, "10 November 2020"),
        ("2022-12", datetime.date(2022, 12, 1), DatePrecision.MONTH, "December 2022"),
        ("2021", datetime.date(2021, 1, 1), DatePrecision.YEAR, "2021"),
    ],
)
def test_parse_keeps_exactly_what_is_known(text, date, precision, shown):
    value = PartialDate.parse(text)
    assert (value.date, value.precision) == (date, precision)
    assert value.isoformat() == text
    assert str(value) == shown
    assert value.year == date.year


@pytest.mark.parametrize(
    "text", ["", "2021-13", "2023-02-29", "21", "2021/05", "2021-5-1", "next year", None, 2021]
)
def test_parse_refuses_what_is_not_a_date(text):
    with pytest.raises(ValidationError):
        PartialDate.parse(text)


def test_the_model_attribute_reads_and_writes_both_columns():
    partnership = Partnership()
    assert partnership.launched is None

    partnership.launched = "2024-11"
    assert partnership.launched_on == datetime.date(2024, 11, 1)
    assert partnership.launched_on_precision == DatePrecision.MONTH
    assert partnership.launched.isoformat() == "2024-11"

    partnership.launched = None
    assert (partnership.launched_on, partnership.launched_on_precision) == (None, "")


def test_precision_errors_name_the_field_to_fix():
    partnership = Partnership(launched_on=datetime.date(2024, 11, 5), launched_on_precision="year")
    assert "launched_on" in Partnership.launched.errors(partnership)
    partnership.launched_on_precision = "day"
    assert Partnership.launched.errors(partnership) == {}
    partnership.launched_on = None
    assert "launched_on_precision" in Partnership.launched.errors(partnership)


@pytest.mark.django_db
def test_validating_a_record_without_dates_asks_the_database_nothing_it_cannot_answer(caplog):
    partnership = PartnershipFactory.build(launched_on=None, agreement_signed_on=None)
    with caplog.at_level(logging.WARNING, logger="django.db.models"):
        partnership.full_clean()
    assert caplog.records == []


@pytest.mark.django_db
def test_the_database_side_check_still_refuses_an_invented_day():
    partnership = PartnershipFactory.build(
        launched_on=datetime.date(2022, 12, 13), launched_on_precision=DatePrecision.MONTH
    )
    with pytest.raises(ValidationError) as caught:
        partnership.validate_constraints()
    assert "stored as its 1st day" in str(caught.value)
