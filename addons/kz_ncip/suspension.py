# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Suspension and exclusion of a project from the pool (N§31-34)"
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.request import DecisionRequestMixin
from trytond.modules.kz_base.who import (
    user_organization_id, users_of, users_of_kind)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval

from .exceptions import SuspensionError
from .project import SUSPENDABLE_STATES

GROUNDS = [
    ('violations', "Repeated unremedied violations of technical "
        "requirements"),
    ('financing', "Financing stopped or significantly reduced"),
    ('bankruptcy', "Bankruptcy or liquidation"),
    ('permits', "Permits and approvals impossible to obtain"),
    ('legal', "Judicial or other legal restrictions"),
    ('request', "Written request of the investor or the initiator"),
    ]


class Suspension(
        DecisionRequestMixin, DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Project suspension or exclusion request"
    __name__ = 'ncip.project.suspension'
    __string__ = "Project Suspension or Exclusion Request"
    _deadline_fields = {'request_date', 'state'}
    _deadline_states = ('requested',)
    _states = {'readonly': Eval('state') != 'draft'}

    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='RESTRICT',
        domain=[
            ('pool', '=', 'national'),
            ('state', 'in', SUSPENDABLE_STATES + ['suspended']),
            ],
        states=_states,
        help="A project of the national pool at any stage (N§31).")
    kind = fields.Selection([
            ('suspension', "Suspension"),
            ('exclusion', "Exclusion"),
            ], "Request", required=True, states=_states)
    ground = fields.Selection(
        GROUNDS, "Ground", required=True, sort=False, states=_states,
        help="One of the six grounds of N§31.")
    justification = fields.Text(
        "Justification", required=True, states=_states)
    investor_agreed = fields.Boolean(
        "Investor Agreed", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'exclusion',
            },
        help="The investor agreed to remove the project from the pool "
        "(N§63).")
    investor_agreement_date = fields.Date(
        "Agreement Date", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'exclusion',
            'required': Bool(Eval('investor_agreed')),
            })
    investor_agreement_document = fields.Char(
        "Agreement Document", states={
            'readonly': Eval('state') != 'draft',
            'invisible': Eval('kind') != 'exclusion',
            'required': Bool(Eval('investor_agreed')),
            },
        help="The letter or minutes in which the investor agreed.")
    requested_by = fields.Many2One(
        'kz.organization', "Requested by", readonly=True,
        ondelete='RESTRICT')
    request_date = fields.Date("Request Date", readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))
        cls._order.insert(0, ('request_date', 'DESC NULLS FIRST'))

    @classmethod
    def default_kind(cls):
        return 'suspension'

    @classmethod
    def default_investor_agreed(cls):
        return False

    def get_rec_name(self, name):
        return '%s: %s' % (self.project.rec_name, self.kind_string)

    kind_string = kind.translated('kind')

    def get_deadline_start(self):
        return self.request_date

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        return config.suspension_decision_days, 'working'

    def get_deadline_recipients(self):
        return users_of_kind('authorized_body')

    def check_project(self):
        """Any project of the national pool, whatever its stage, never one of
        the regional pool (N§31); removal needs the investor (N§63)"""
        if self.project.pool != 'national':
            raise SuspensionError(gettext(
                    'kz_ncip.msg_suspension_regional_pool',
                    request=self.rec_name))
        if self.project.state not in SUSPENDABLE_STATES + ['suspended']:
            raise SuspensionError(gettext(
                    'kz_ncip.msg_suspension_project_state',
                    request=self.rec_name))
        if self.kind == 'exclusion' and not self.investor_agreed:
            raise SuspensionError(gettext(
                    'kz_ncip.msg_suspension_investor_agreement',
                    request=self.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        "The akimat sends the justified request (N§32)"
        pool = Pool()
        Date = pool.get('ir.date')
        for request in requests:
            if not (request.justification or '').strip():
                raise SuspensionError(gettext(
                        'kz_ncip.msg_suspension_justification',
                        request=request.rec_name))
            request.check_project()
        super().request(requests)
        cls.write(list(requests), {
                'request_date': Date.today(),
                'requested_by': user_organization_id(),
                })
        notify_users(users_of_kind('authorized_body'),
            gettext('kz_ncip.msg_suspension_label'),
            gettext('kz_ncip.msg_suspension_description',
                requests=', '.join(r.rec_name for r in requests)),
            list(requests))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        "The authorized body decides within 5 working days (N§33)"
        Project = Pool().get('ncip.project')
        for request in requests:
            request.check_project()
        for request in requests:
            project = request.project
            if request.kind == 'exclusion':
                Project.exclude([project], reason='%s: %s' % (
                        request.ground_string, request.justification))
            elif project.state in SUSPENDABLE_STATES:
                Project.suspend([project])
        super().approve(requests)
        cls._notify_decision(requests, 'kz_ncip.msg_suspension_approved')

    ground_string = ground.translated('ground')

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        super().refuse(requests)
        cls._notify_decision(requests, 'kz_ncip.msg_suspension_refused')

    @classmethod
    def _notify_decision(cls, requests, message):
        for request in requests:
            notify_users(
                users_of(filter(None, [
                            request.requested_by, request.project.akimat])),
                gettext(message, request=request.rec_name),
                request.decision_note or '',
                [request])
