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

    @classmethod
    def default_national_pool_mrp(cls):
        return Decimal(150000)

    @classmethod
    def default_passport_fill_days(cls):
        return 30
