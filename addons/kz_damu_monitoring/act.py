# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Act of impossibility (Annex 6) and Act of refusal to sign (Annex 7)."""
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .notice import DocumentReport


class Act(Workflow, ModelSQL, ModelView):
    "Damu monitoring act"
    __name__ = 'damu.act'
    __string__ = "Damu Monitoring Act"
    _states = {'readonly': Eval('state') != 'draft'}
    monitoring = fields.Many2One('damu.monitoring', "Monitoring",
        required=True, ondelete='CASCADE', states=_states)
    kind = fields.Selection([
            ('impossibility', "Act of impossibility of monitoring"),
            ('refusal', "Act of refusal to sign"),
            ], "Kind", required=True, states=_states)
    kind_string = kind.translated('kind')
    date = fields.Date("Date", states={
            'readonly': _states['readonly'],
            'required': Eval('state') == 'issued',
            })
    director = fields.Char("Director", states=_states,
        help="Full name of the director or deputy director of the regional "
        "branch, printed in the act and under the signature.")
    specialists = fields.Char("Specialists", states=_states,
        help="Full names of the specialists of the regional branch.")
    non_provision_date = fields.Date("Not Provided On", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'impossibility',
            }, help="The date the information was not provided or refused "
        "(Annex 6).")
    counterparty = fields.Function(fields.Char("Counterparty"),
        'get_counterparty')
    document = fields.Char("Document", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            })
    sent_date = fields.Date("Sent On", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            })
    sent_method = fields.Char("Sent By", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            }, help="Mail, registered letter, courier...")
    receiving_unit = fields.Char("Received By (Unit)", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            }, help="The unit of the bank or entrepreneur that received the "
        "document.")
    received_date = fields.Date("Received On", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            })
    receipt_proof = fields.Char("Proof of Receipt", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            }, help="Delivery receipt, registry stamp of receipt...")
    sign_by_date = fields.Date("To Sign By", states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'refusal',
            })
    state = fields.Selection([
            ('draft', "Draft"),
            ('issued', "Issued"),
            ], "State", readonly=True, required=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('monitoring')
        cls._order.insert(0, ('date', 'DESC'))
        cls._transitions |= {('draft', 'issued')}
        cls._buttons.update({
                'issue': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_document(cls):
        return gettext('kz_damu_monitoring.msg_act_document_default')

    def get_rec_name(self, name):
        return f'{self.kind_string} — {self.monitoring.rec_name}'

    def get_counterparty(self, name):
        contract = self.monitoring.contract
        if self.kind == 'refusal' and contract.kind != 'grant':
            return contract.bank.rec_name
        return contract.entrepreneur

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def issue(cls, acts):
        "Issue the act; the 1 working day deadline of D§39 is met"
        pool = Pool()
        Monitoring = pool.get('damu.monitoring')
        today = pool.get('ir.date').today()
        cls.write([a for a in acts if not a.date], {'date': today})
        Monitoring._close_deadlines(
            [a.monitoring for a in acts if a.kind == 'refusal'],
            {'refusal_act'})


class ActReport(DocumentReport):
    "Act of impossibility of monitoring (Annex 6)"
    __name__ = 'damu.act.impossibility'


class RefusalActReport(ActReport):
    "Act of refusal to sign (Annex 7)"
    __name__ = 'damu.act.refusal'
