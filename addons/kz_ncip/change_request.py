# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Changes of the investment volume and of the investment contract of a
project past its roadmap approval (N§63-64, 70)"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.request import DecisionRequestMixin
from trytond.modules.kz_base.who import users_of, users_of_kind
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import ChangeRequestError
from .project import CHANGE_FIELDS, CHANGE_STATES


class ChangeRequest(DecisionRequestMixin, Workflow, ModelSQL, ModelView):
    "Project change request"
    __name__ = 'ncip.project.change_request'
    __string__ = "Project Change Request"
    _states = {'readonly': Eval('state') != 'draft'}
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='RESTRICT',
        domain=[('state', 'in', CHANGE_STATES)], states=_states,
        help="A project with an approved roadmap or in post-investment "
        "monitoring.")
    old_cost = fields.Numeric(
        "Current Cost", digits=(16, 2), readonly=True)
    old_investment_contract = fields.Boolean(
        "Current Investment Contract", readonly=True)
    old_contract_start = fields.Date("Current Contract Start", readonly=True)
    old_contract_end = fields.Date("Current Contract End", readonly=True)
    new_cost = fields.Numeric(
        "New Cost", digits=(16, 2), states=_states,
        domain=[If(Bool(Eval('new_cost')), ('new_cost', '>=', 0), ())],
        help="The new estimated cost of the project in tenge (KZT).")
    new_investment_contract = fields.Boolean(
        "New Investment Contract", states=_states)
    new_contract_start = fields.Date(
        "New Contract Start", states={
            'readonly': _states['readonly'],
            'required': Bool(Eval('new_investment_contract')),
            'invisible': ~Eval('new_investment_contract'),
            })
    new_contract_end = fields.Date(
        "New Contract End", states={
            'readonly': _states['readonly'],
            'required': Bool(Eval('new_investment_contract')),
            'invisible': ~Eval('new_investment_contract'),
            },
        domain=[If(Bool(Eval('new_contract_end'))
                & Bool(Eval('new_contract_start')),
                ('new_contract_end', '>=', Eval('new_contract_start')), ())])
    reason = fields.Text("Reason", required=True, states=_states)
    investor_consent = fields.Boolean(
        "Investor Consent", states=_states,
        help="The akimat changes the investment volume or the contract "
        "only with the consent of the investor (N§63-64).")
    requested_by = fields.Many2One(
        'res.user', "Requested by", readonly=True, ondelete='RESTRICT')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))
        cls._order.insert(0, ('create_date', 'DESC'))

    @classmethod
    def default_investor_consent(cls):
        return False

    @fields.depends('project', *('new_%s' % f for f in CHANGE_FIELDS),
        *('old_%s' % f for f in CHANGE_FIELDS))
    def on_change_project(self):
        "Start from the current values of the project"
        for name in CHANGE_FIELDS:
            value = getattr(self.project, name, None) if self.project else None
            if name == 'investment_contract':
                value = bool(value)
            setattr(self, 'old_%s' % name, value)
            setattr(self, 'new_%s' % name, value)

    def get_rec_name(self, name):
        reason = (self.reason or '').strip().splitlines()
        if reason:
            return '%s: %s' % (self.project.rec_name, reason[0][:60])
        return self.project.rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('project.rec_name', operator, value),
            ('reason', operator, value),
            ]

    @staticmethod
    def current_values(project):
        "Return the values of the project the request may change"
        return {
            name: getattr(project, name) for name in CHANGE_FIELDS}

    @classmethod
    def preprocess_values(cls, mode, values):
        """Copy the current values of the project; a new value left empty
        keeps the current one"""
        Project = Pool().get('ncip.project')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('project'):
            current = cls.current_values(Project(values['project']))
            for name, value in current.items():
                values['old_%s' % name] = value
                if values.get('new_%s' % name) is None:
                    values['new_%s' % name] = value
        return values

    def project_values(self):
        "Return the values of the project that change"
        current = self.current_values(self.project)
        values = {}
        for name in CHANGE_FIELDS:
            new = getattr(self, 'new_%s' % name)
            if name == 'investment_contract':
                new = bool(new)
            elif name in {'contract_start', 'contract_end'} and not (
                    self.new_investment_contract):
                new = None
            if new != current[name]:
                values[name] = new
        return values

    @classmethod
    def check_project(cls, requests):
        for request in requests:
            if request.project.state not in CHANGE_STATES:
                raise ChangeRequestError(gettext(
                        'kz_ncip.msg_change_request_project_state',
                        request=request.rec_name,
                        project=request.project.rec_name))

    @classmethod
    def check_modification(cls, mode, requests, values=None, external=False):
        super().check_modification(
            mode, requests, values=values, external=external)
        if mode == 'write' and external and values.keys() & (
                {'project', 'reason', 'investor_consent'}
                | {'new_%s' % f for f in CHANGE_FIELDS}
                | {'old_%s' % f for f in CHANGE_FIELDS}):
            for request in requests:
                if request.state != 'draft':
                    raise ChangeRequestError(gettext(
                            'kz_ncip.msg_change_request_modify',
                            request=request.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, requests):
        "The akimat sends the values agreed with the investor (N§63-64)"
        cls.check_project(requests)
        for request in requests:
            if not request.investor_consent:
                raise ChangeRequestError(gettext(
                        'kz_ncip.msg_change_request_investor',
                        request=request.rec_name))
            if not request.project_values():
                raise ChangeRequestError(gettext(
                        'kz_ncip.msg_change_request_nothing',
                        request=request.rec_name))
        super().request(requests)
        to_write = []
        for request in requests:
            to_write.extend([[request], {
                        'requested_by': Transaction().user or None,
                        **{'old_%s' % n: v for n, v in cls.current_values(
                                request.project).items()},
                        }])
        if to_write:
            cls.write(*to_write)
        notify_users(users_of_kind('authorized_body'),
            gettext('kz_ncip.msg_change_request_label'),
            gettext('kz_ncip.msg_change_request_description',
                projects=', '.join(r.project.rec_name for r in requests)),
            list(requests))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, requests):
        """The authorized body approves: the new values apply to the
        project and its change log keeps them (N§63, 70)"""
        Project = Pool().get('ncip.project')
        cls.check_project(requests)
        for request in requests:
            project = request.project
            values = request.project_values()
            if values:
                Project.write([project], values)
            project = Project(project.id)
            if project.monitoring_start:
                # The contract term bounds the monitoring (N§34, 69)
                end = project.compute_monitoring_end(project.monitoring_start)
                if end != project.monitoring_end:
                    Project.write([project], {'monitoring_end': end})
        super().approve(requests)
        cls._notify_decision(requests, 'kz_ncip.msg_change_request_approved')

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, requests):
        super().refuse(requests)
        cls._notify_decision(requests, 'kz_ncip.msg_change_request_refused')

    @classmethod
    def _notify_decision(cls, requests, message):
        for request in requests:
            notify_users(
                list(users_of([request.project.akimat]))
                + ([request.requested_by] if request.requested_by else []),
                gettext(message, request=request.rec_name),
                request.decision_note or '',
                [request])
