# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""A request that one body sends and another decides alone: draft →
requested → approved or refused.

For decisions by several parties use approval.ApprovalMixin.  A model mixes
in DecisionRequestMixin before Workflow and extends request, approve and
refuse (re-decorated like any Tryton button) with its own checks and
effects; the mixin records who decided and when, refuses a refusal without
a note and the deletion of a request that left the draft."""
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import DecisionRequestError
from .workflow import DraftDeleteMixin

REQUEST_STATES = [
    ('draft', "Draft"),
    ('requested', "Requested"),
    ('approved', "Approved"),
    ('refused', "Refused"),
    ]


class DecisionRequestMixin(DraftDeleteMixin):
    __slots__ = ()
    _delete_message = 'kz_base.msg_decision_request_delete', 'request'
    _delete_error = DecisionRequestError
    decision_note = fields.Text(
        "Decision Note", states={'readonly': Eval('state') != 'requested'},
        help="Required to refuse.")
    decided_by = fields.Many2One(
        'res.user', "Decided by", readonly=True, ondelete='RESTRICT')
    decision_date = fields.Date("Decision Date", readonly=True)
    state = fields.Selection(
        REQUEST_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._transitions |= {
            ('draft', 'requested'),
            ('requested', 'approved'),
            ('requested', 'refused'),
            }
        cls._buttons.update({
                'request': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        cls._record_decision(requests)

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        for request in requests:
            if not (request.decision_note or '').strip():
                raise DecisionRequestError(gettext(
                        'kz_base.msg_decision_request_note',
                        request=request.rec_name))
        cls._record_decision(requests)

    @classmethod
    def _record_decision(cls, requests):
        Date = Pool().get('ir.date')
        cls.write(list(requests), {
                'decided_by': Transaction().user,
                'decision_date': Date.today(),
                })
