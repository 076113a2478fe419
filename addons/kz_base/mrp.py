# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields

from .exceptions import MissingMRP


class MRP(ModelSQL, ModelView):
    "Monthly calculation index (MRP) of a year"
    __name__ = 'kz.mrp'
    __string__ = "Monthly Calculation Index (MRP)"
    _history = True
    year = fields.Integer(
        "Year", required=True,
        domain=[('year', '>=', 1990), ('year', '<=', 2200)])
    amount = fields.Numeric(
        "Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)],
        help="The MRP in tenge in force from 1 January of the year.")
    legal_basis = fields.Char(
        "Legal Basis", help="The budget law that set the amount.")
    _amount_cache = Cache('kz.mrp.amount', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('year_unique', Unique(t, t.year), 'kz_base.msg_mrp_year_unique'),
            ]
        cls._order.insert(0, ('year', 'DESC'))

    def get_rec_name(self, name):
        return str(self.year)

    @classmethod
    def on_write(cls, records, values):
        callbacks = super().on_write(records, values)
        if 'year' in values:
            # The former years lose their MRP
            years = {r.year for r in records}
            callbacks.append(lambda: cls.mrp_changed(years))
        return callbacks

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        if mode != 'delete':
            cls.mrp_changed({r.year for r in records})

    @classmethod
    def on_delete(cls, records):
        callbacks = super().on_delete(records)
        years = {r.year for r in records}
        # Once the records are gone
        callbacks.append(lambda: cls.mrp_changed(years))
        return callbacks

    @classmethod
    def mrp_changed(cls, years):
        """The MRP of the years was created, changed, moved to another year
        or deleted: addons extend it to recompute what depends on it"""
        cls._amount_cache.clear()

    @classmethod
    def amount_on(cls, date):
        "Return the MRP in force on 1 January of the date's year"
        year = date.year if isinstance(date, dt.date) else int(date)
        amount = cls._amount_cache.get(year, -1)
        if amount == -1:
            records = cls.search([('year', '=', year)], limit=1)
            amount = records[0].amount if records else None
            cls._amount_cache.set(year, amount)
        if amount is None:
            raise MissingMRP(gettext('kz_base.msg_mrp_missing', year=year))
        return amount

    @classmethod
    def multiple(cls, factor, date):
        "Return factor × MRP of 1 January of the date's year, in tenge"
        return Decimal(factor) * cls.amount_on(date)
