# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.model import fields
from trytond.pool import PoolMeta


class Configuration(metaclass=PoolMeta):
    __name__ = 'kz.configuration'
    national_pool_mrp = fields.Numeric(
        "National Pool Threshold (MRP)", digits=(16, 0), required=True,
        domain=[('national_pool_mrp', '>', 0)],
        help="A project costing at least this many MRP of 1 January of "
        "its year belongs to the national pool (N§23).")
    passport_fill_days = fields.Integer(
        "Passport Filling Days", required=True,
        domain=[('passport_fill_days', '>', 0)],
        help="Calendar days to fill the project passport (N§45).")
    # Module 1
    initiative_handover_days = fields.Integer(
        "Initiative Hand-over Days", required=True,
        domain=[('initiative_handover_days', '>', 0)],
        help="Working days after the visit to hand the initiative over to "
        "the akimat (N§39).")
    initiative_decision_days = fields.Integer(
        "Initiative Decision Days", required=True,
        domain=[('initiative_decision_days', '>', 0)],
        help="Calendar days the akimat has to return, extend or convert "
        "an initiative (N§40).")
    initiative_extension_days = fields.Integer(
        "Initiative Maximum Extension", required=True,
        domain=[('initiative_extension_days', '>', 0)],
        help="The most calendar days an initiative can be extended by, "
        "once (N§40.2).")

    @classmethod
    def default_national_pool_mrp(cls):
        return Decimal(150000)

    @classmethod
    def default_passport_fill_days(cls):
        return 30

    @classmethod
    def default_initiative_handover_days(cls):
        return 3

    @classmethod
    def default_initiative_decision_days(cls):
        return 30

    @classmethod
    def default_initiative_extension_days(cls):
        return 30
