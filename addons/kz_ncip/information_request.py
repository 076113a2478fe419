# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Investor information requests (N§12.7, 16.5)"
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.tools import not_in_groups
from trytond.modules.kz_base.who import (
    user_organization, users_of, users_of_kind)
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import InformationRequestError

# The tiers of the front offices that answer investors (N§12.7: regional,
# N§16.5: central)
ANSWERING_TIERS = ['regional', 'central']
# The kz_base groups of the answering front offices
ANSWERING_GROUPS = ['group_regional_front_office',
    'group_central_front_office', 'group_central_state_body',
    'group_national_chamber', 'group_kz_admin']


class InformationRequest(
        DraftDeleteMixin, DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Investor information request"
    __name__ = 'ncip.information.request'
    __string__ = "Investor Information Request"
    _rec_name = 'subject'
    _deadline_fields = {'submitted_date', 'state'}
    _deadline_states = ('submitted',)
    _delete_message = 'kz_ncip.msg_information_request_delete', 'request'
    _delete_error = InformationRequestError
    _states = {'readonly': Eval('state') != 'draft'}

    investor = fields.Many2One(
        'party.party', "Investor", required=True, ondelete='RESTRICT',
        states=_states,
        help="The investor company that asks for the information.")
    front_office = fields.Many2One(
        'kz.organization', "Front Office", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[('tier', 'in', ANSWERING_TIERS)],
        help="The regional or central front office that answers "
        "(N§12.7, 16.5).")
    project = fields.Many2One(
        'ncip.project', "Project", ondelete='SET NULL', states=_states,
        domain=[('investor', '=', Eval('investor', -1))],
        help="The project the request is about, if any.")
    subject = fields.Char("Subject", required=True, states=_states)
    question = fields.Text("Request", required=True, states=_states)
    organization = fields.Many2One(
        'kz.organization', "Registered by", readonly=True,
        ondelete='RESTRICT',
        help="The investor or the front office that registered the "
        "request on the investor's behalf.")
    on_behalf = fields.Function(
        fields.Boolean("On the Investor's Behalf",
            help="Registered by a front office for the investor."),
        'get_on_behalf')
    submitted_by = fields.Many2One(
        'res.user', "Submitted by", readonly=True, ondelete='RESTRICT')
    submitted_date = fields.Date(
        "Registration Date", readonly=True,
        help="The answer is due within the working days of the setting "
        "from this date.")
    answer = fields.Text(
        "Answer", states={
            'readonly': (Eval('state') != 'submitted')
            | not_in_groups(*ANSWERING_GROUPS),
            'required': Eval('state') == 'answered',
            })
    answered_by = fields.Many2One(
        'res.user', "Answered by", readonly=True, ondelete='RESTRICT')
    answer_date = fields.Date("Answer Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ('answered', "Answered"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.investor, Index.Equality())),
                Index(t, (t.front_office, Index.Equality())),
                Index(t, (t.state, Index.Equality())),
                })
        cls._order.insert(0, ('submitted_date', 'DESC NULLS FIRST'))
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'answered'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'answer_request': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_organization(cls):
        organization = user_organization()
        return organization.id if organization else None

    @classmethod
    def default_investor(cls):
        "An investor's user asks for its own company"
        organization = user_organization()
        if (organization and organization.kind == 'investor'
                and organization.party):
            return organization.party.id

    @classmethod
    def default_front_office(cls):
        "A front office registering for an investor usually answers"
        organization = user_organization()
        if organization and organization.tier in ANSWERING_TIERS:
            return organization.id

    def get_on_behalf(self, name):
        return bool(self.organization
            and self.organization.kind != 'investor')

    def get_deadline_start(self):
        return self.submitted_date

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        return config.information_request_days, 'working'

    def get_deadline_recipients(self):
        return users_of([self.front_office])

    def get_deadline_escalation_recipients(self):
        # The authorized body monitors the front offices' services (N§8)
        return self.get_deadline_recipients() + users_of_kind(
            'authorized_body')

    def investor_users(self):
        Organization = Pool().get('kz.organization')
        return users_of(Organization.search([
                    ('kind', '=', 'investor'),
                    ('party', '=', self.investor.id),
                    ]))

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, requests):
        "Register the request: the answer is due in 5 working days"
        Date = Pool().get('ir.date')
        for request in requests:
            if not (request.question or '').strip():
                raise InformationRequestError(gettext(
                        'kz_ncip.msg_information_request_question',
                        request=request.rec_name))
        cls.write(list(requests), {
                'submitted_by': Transaction().user,
                'submitted_date': Date.today(),
                })
        for request in requests:
            notify_users(users_of([request.front_office]),
                gettext('kz_ncip.msg_information_request_submitted_label',
                    request=request.rec_name),
                gettext(
                    'kz_ncip.msg_information_request_submitted_description',
                    investor=request.investor.rec_name,
                    request=request.rec_name, due_date=request.due_date),
                [request])

    @classmethod
    @ModelView.button
    @Workflow.transition('answered')
    def answer_request(cls, requests):
        "The front office sends its answer to the investor"
        Date = Pool().get('ir.date')
        for request in requests:
            if not (request.answer or '').strip():
                raise InformationRequestError(gettext(
                        'kz_ncip.msg_information_request_answer',
                        request=request.rec_name))
        cls.write(list(requests), {
                'answered_by': Transaction().user,
                'answer_date': Date.today(),
                })
        for request in requests:
            users = set(request.investor_users())
            if request.submitted_by:
                users.add(request.submitted_by)
            notify_users(users,
                gettext('kz_ncip.msg_information_request_answered_label',
                    request=request.rec_name),
                gettext(
                    'kz_ncip.msg_information_request_answered_description',
                    front_office=request.front_office.rec_name,
                    request=request.rec_name),
                [request])

