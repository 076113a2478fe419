# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""BIN/IIN (12-digit business/individual identification number).

The check digit is the weighted sum of the first 11 digits modulo 11 with
weights 1..11; when that gives 10, the weights 3..11, 1, 2 are used instead;
when it gives 10 again, the number is invalid.
"""
import operator

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta

from .exceptions import InvalidBIN

_WEIGHTS = (
    tuple(range(1, 12)),
    (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2),
    )


def compact(code):
    "Remove the separators people type in a BIN/IIN"
    return ''.join((code or '').split()).replace('-', '')


def checksum(digits):
    "Return the check digit of the first 11 digits or None when undefined"
    digits = list(map(int, digits))
    for weights in _WEIGHTS:
        value = sum(map(operator.mul, digits, weights)) % 11
        if value != 10:
            return value
    return None


def is_valid(code):
    code = compact(code)
    if len(code) != 12 or not code.isdigit():
        return False
    return checksum(code[:11]) == int(code[11])


def validate(code):
    "Return the compact code or raise a translated InvalidBIN"
    compacted = compact(code)
    if len(compacted) != 12 or not compacted.isdigit():
        raise InvalidBIN(gettext(
                'kz_base.msg_bin_invalid_length', code=code))
    if checksum(compacted[:11]) != int(compacted[11]):
        raise InvalidBIN(gettext(
                'kz_base.msg_bin_invalid_checksum', code=code))
    return compacted


class BINMixin:
    "Validate and compact the BIN/IIN fields listed in _bin_fields"
    __slots__ = ()
    _bin_fields = ('bin',)

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in cls._bin_fields:
            if values.get(name):
                values[name] = compact(values[name])
        return values

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        for name in cls._bin_fields:
            if field_names and name not in field_names:
                continue
            for record in records:
                code = getattr(record, name)
                if code:
                    validate(code)


class PartyConfiguration(metaclass=PoolMeta):
    __name__ = 'party.configuration'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.identifier_types.selection
        if ('kz_bin', "Kazakhstan BIN/IIN") not in selection:
            selection.append(('kz_bin', "Kazakhstan BIN/IIN"))


class PartyIdentifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if values.get('type') == 'kz_bin' and values.get('code'):
            values['code'] = values['code_compact'] = compact(values['code'])
        return values

    @fields.depends('type', 'code')
    def check_code(self):
        super().check_code()
        if self.type == 'kz_bin':
            validate(self.code)
