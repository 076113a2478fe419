# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Test-only model of the Excel export of lists (kz.list.xlsx)"
from trytond.model import ModelSQL, ModelView, fields


class TestList(ModelSQL, ModelView):
    __name__ = 'kz.test.list'
    __string__ = "Test List"
    name = fields.Char("Name")
    day = fields.Date("Day")
    moment = fields.DateTime("Moment")
    amount = fields.Numeric("Amount", digits=(16, 2))
    quantity = fields.Integer("Quantity")
    done = fields.Boolean("Done")
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State")
    party = fields.Many2One('party.party', "Party")
    secret = fields.Char("Secret")
    extra = fields.Char("Extra")
    lines = fields.One2Many('kz.test.guarded.line', None, "Lines")
