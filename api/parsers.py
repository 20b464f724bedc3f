"""The API's JSON parser (the default, see REST_FRAMEWORK in settings): DRF's, reading with
definitions.strict_json, so that a key given twice or nesting deeper than 32 levels is a 400 in the
API's error shape naming where, never a silently dropped value or a server error."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser, get_encoding

from definitions import strict_json


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError:
            raise ParseError(
                _("The body is not text in %(encoding)s.") % {"encoding": encoding}
            ) from None
        try:
            return strict_json.loads(text)
        except strict_json.Refused as refused:
            raise ValidationError({refused.path or "detail": [refused.message]}) from None
