from rest_framework import serializers

from ..changes import CURSOR_PATTERN, Position

MAX_LIMIT = 500


class ChangeQuerySerializer(serializers.Serializer):
    since = serializers.RegexField(
        CURSOR_PATTERN,
        required=False,
        trim_whitespace=False,
        help_text="The cursor of the last event you have (`next_cursor` of the last page, or "
        "an event's `cursor`); leave it out to start from the first change.",
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        default=100,
        help_text="How many events a page holds at most.",
    )

    def validate_since(self, value):
        try:
            return Position.from_cursor(value)
        except ValueError as error:
            raise serializers.ValidationError("Not a cursor this feed gave out.") from error


class ChangeEventSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Unique and stable; webhooks send it as webhook-id.")
    cursor = serializers.CharField(help_text="Resume after this event with `?since=`.")
    type = serializers.CharField(help_text="`<record type>.<created|updated|deleted>`.")
    dataset = serializers.CharField(help_text="The table of the bulk download it belongs to.")
    record = serializers.IntegerField(help_text="The record's id (`id` in its table).")
    time = serializers.DateTimeField()
    data = serializers.DictField(
        allow_null=True,
        help_text="The record's published columns after the change, as in the bulk "
        "download's data dictionary; null for a removal (a tombstone).",
    )


class ChangePageSerializer(serializers.Serializer):
    events = ChangeEventSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text="Pass it as `since` for the events after this page; null when the feed "
        "holds no event yet.",
    )
    more = serializers.BooleanField(help_text="Whether more events follow already.")
    next = serializers.URLField(allow_null=True, help_text="The next page, while `more`.")
