# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields

from .tools import rec_name_domain


class Region(DeactivableMixin, ModelSQL, ModelView):
    "Top-level administrative unit of Kazakhstan"
    __name__ = 'kz.region'
    __string__ = "Region"
    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The KATO code of the unit.")
    kind = fields.Selection([
            ('oblast', "Oblast"),
            ('city', "City of republican significance"),
            ], "Kind", required=True)
    capital = fields.Char("Administrative Centre", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code), 'kz_base.msg_region_code_unique'),
            ]
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_kind(cls):
        return 'oblast'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ('name', 'code'))
