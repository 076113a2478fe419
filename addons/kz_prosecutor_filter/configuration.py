# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'
    prosecutor_decision_days = fields.Integer(
        "Prosecutor Decision Days", required=True,
        domain=[('prosecutor_decision_days', '>', 0)],
        help="Working days the prosecutor's office has to decide on a "
        "draft restrictive measure. 5 is the platform's default, not a "
        "legal period: the rules set none and refer to the General "
        "Prosecutor's recommendations (N§60).")

    @classmethod
    def default_prosecutor_decision_days(cls):
        return 5
