# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)

PRIORITY_LEVELS = [
    ('medium', "Medium"),
    ('high', "High"),
    ]


class PriorityGood(DeactivableMixin, ModelSQL, ModelView):
    """Priority good

    The list of priority goods of order No. 306 of the Minister of Industry
    and Infrastructure Development of 30 March 2022, with their
    technological level; administrators keep it up to date."""
    __name__ = 'green_corridor.priority_good'
    __string__ = "Priority Good (Order No. 306)"
    code = fields.Char(
        "Code", required=True,
        help="The code of the good in the commodity nomenclature "
        "(TN VED EAEU).")
    name = fields.Char("Name", required=True, translate=True)
    level = fields.Selection(
        PRIORITY_LEVELS, "Technological Level", required=True)
    level_string = level.translated('level')
    legal_basis = fields.Char(
        "Legal Basis",
        help="The order that lists the good, e.g. order No. 306 of "
        "30 March 2022.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'kz_green_corridor.msg_priority_good_code_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.code, Index.Equality())))
        cls._order.insert(0, ('code', 'ASC'))

    @classmethod
    def default_legal_basis(cls):
        return "Order No. 306 of 30 March 2022"

    def get_rec_name(self, name):
        return f'[{self.code}] {self.name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('code', operator, operand, *extra),
            ('name', operator, operand, *extra),
            ]
