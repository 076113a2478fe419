# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Test-only models of the client guard"
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pyson import Eval


class TestGuarded(Workflow, ModelSQL, ModelView):
    "Test Guarded"
    __name__ = 'kz.test.guarded'
    _client_writable = {'note'}
    name = fields.Char("Name")
    number = fields.Char("Number", readonly=True)
    decided_by = fields.Many2One('res.user', "Decided by", readonly=True)
    note = fields.Char("Note", readonly=True)
    amount = fields.Integer("Amount", states={
            'readonly': Eval('state') != 'draft',
            })
    locked = fields.Boolean("Locked")
    locked_text = fields.Char("Locked Text", states={
            'readonly': Eval('locked', False),
            })
    lines = fields.One2Many('kz.test.guarded.line', 'parent', "Lines")
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {('draft', 'done')}

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, records):
        cls.write(records, {'number': 'N-1', 'note': 'by button'})


class TestGuardedLine(ModelSQL):
    "Test Guarded Line"
    __name__ = 'kz.test.guarded.line'
    parent = fields.Many2One('kz.test.guarded', "Parent", required=True)
    name = fields.Char("Name")
    validated = fields.Boolean("Validated", readonly=True)
