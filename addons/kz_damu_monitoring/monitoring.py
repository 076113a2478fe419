# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Monitoring of one project (D§9-40): notices, document checklist, site
visit, subjects, report, signature, acts, remediation and, for grants,
the competition commission's decision."""
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.feedback import open_records
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.who import users_of, users_of_role
from trytond.modules.kz_base.workflow import DraftDeleteMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import MonitoringError
from .notice import DocumentReport

# Annex 1 (subsidy), Annex 2 (guarantee), Annex 3 (grant)
DOCUMENTS = [
    ('a1_1', "Annex 1.1 Business plan, feasibility study or economic "
        "report"),
    ('a1_2', "Annex 1.2 Statement of the loan debt with the overdue part "
        "and account arrests"),
    ('a1_3', "Annex 1.3 Proof of intended use: payments, deliveries, "
        "construction documents"),
    ('a1_4', "Annex 1.4 Own participation of at least 10% (projects over "
        "180 million tenge)"),
    ('a1_5', "Annex 1.5 Proof that loan commissions were returned"),
    ('a2_1', "Annex 2.1 Business plan, feasibility study or economic "
        "report"),
    ('a2_2', "Annex 2.2 Statement of the loan debt with the overdue part "
        "and account arrests"),
    ('a2_3', "Annex 2.3 Collateral agreements with amendments"),
    ('a2_4', "Annex 2.4 Fulfilment of the special conditions of the "
        "guarantee"),
    ('a2_5', "Annex 2.5 Certificate of registered rights on the pledged "
        "real estate"),
    ('a2_6', "Annex 2.6 Bank loan agreements and tranches with "
        "amendments"),
    ('a2_7', "Annex 2.7 Proof of disbursement to the borrower"),
    ('a2_8', "Annex 2.8 Proof of intended use: payments, deliveries, "
        "construction documents"),
    ('a2_9', "Annex 2.9 Own participation of at least 10% (projects over "
        "180 million tenge)"),
    ('a2_10', "Annex 2.10 Proof that loan commissions were returned"),
    ('a3_1', "Annex 3.1 Business plan or feasibility study"),
    ('a3_2', "Annex 3.2 Proof of intended use of the grant"),
    ('a3_3', "Annex 3.3 Co-financing of at least 10% of the grant"),
    ('a3_4', "Annex 3.4 Execution of the business project action plan"),
    ('a3_5', "Annex 3.5 Tax declarations confirming the new jobs"),
    ('a3_6', "Annex 3.6 Sales of the products, works or services"),
    ]
KIND_DOCUMENTS = {
    'subsidy': [c for c, _ in DOCUMENTS if c.startswith('a1_')],
    'guarantee': [c for c, _ in DOCUMENTS if c.startswith('a2_')],
    'grant': [c for c, _ in DOCUMENTS if c.startswith('a3_')],
    }

SUBJECTS = [
    ('intended_use', "Intended use of the loan"),
    ('payment_discipline', "Payment discipline"),
    ('implementation', "Implementation of the project"),
    ('compliance', "Compliance with the programme and the decision"),
    ('growth', "Revenue and average jobs growth after the growth period"),
    ('grant_use', "Intended use of the grant"),
    ('grant_activity', "Activity within 1 year of receiving the grant"),
    ('grant_jobs', "Creation of the new jobs"),
    ('grant_terms', "Terms of the grant agreement"),
    ]
KIND_SUBJECTS = {
    # D§12
    'subsidy': ['intended_use', 'payment_discipline', 'implementation',
        'compliance', 'growth'],
    # D§13
    'guarantee': ['intended_use', 'payment_discipline', 'growth',
        'compliance'],
    # D§14
    'grant': ['grant_use', 'grant_activity', 'grant_jobs', 'grant_terms'],
    }

DEADLINE_KINDS = [
    ('bank_notice', "Notice to the bank"),
    ('entrepreneur_notice', "Notice to the entrepreneur"),
    ('grant_notice', "Notice to the grantee and the grantor"),
    ('documents', "Documents before the start"),
    ('site_visit', "Site visit"),
    ('signing', "Signing of the report"),
    ('refusal_act', "Act of refusal to sign"),
    ('remediation', "Remediation of the comments"),
    ('misuse_notice', "Misuse notice to the coordinator and commission"),
    ('commission_decision', "Decision of the competition commission"),
    ('commission_notice', "Notice of the commission's decision"),
    ]
REMEDIATION_REASONS = [
    (None, ""),
    ('not_disbursed', "Loan not or partly disbursed"),
    ('not_delivered', "Goods not delivered or equipment not installed"),
    ('works_unfinished', "Construction or repair works not completed"),
    ('no_acceptance', "No acceptance or commissioning certificate"),
    ('documents_incomplete', "Supporting documents not complete"),
    ('jobs_unconfirmed', "Job creation not confirmed"),
    ]
STATES = [
    ('draft', "Draft"),
    ('notified', "Notified"),
    ('in_progress', "In progress"),
    ('reporting', "Report for signature"),
    ('signed', "Signed"),
    ('refused', "Signature refused"),
    ('impossible', "Impossible"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['draft', 'notified', 'in_progress', 'reporting']


def _config():
    return Pool().get('kz.configuration')(1)


class Monitoring(DraftDeleteMixin, Workflow, ModelSQL, ModelView):
    "Damu project monitoring"
    __name__ = 'damu.monitoring'
    __string__ = "Damu Project Monitoring"
    _delete_states = {'draft', 'cancelled'}
    _delete_message = 'kz_damu_monitoring.msg_monitoring_delete', 'monitoring'
    _delete_error = MonitoringError
    _states = {'readonly': ~Eval('state').in_(['draft', 'notified'])}

    contract = fields.Many2One('damu.contract', "Contract", required=True,
        ondelete='RESTRICT', states=_states,
        domain=[If(Eval('state') == 'draft',
                ('state', '=', 'active'), ())])
    kind = fields.Function(fields.Selection(
            'get_kinds', "Kind"), 'get_contract_field',
        searcher='search_contract_field')
    kind_string = kind.translated('kind')
    bank = fields.Function(fields.Many2One('kz.organization', "Bank"),
        'get_contract_field', searcher='search_contract_field')
    region = fields.Function(fields.Many2One('kz.region', "Region"),
        'get_contract_field', searcher='search_contract_field')
    plan = fields.Many2One('damu.plan', "Plan", ondelete='CASCADE',
        states={'readonly': True})
    origin = fields.Selection([
            ('planned', "Planned"),
            ('request', "On request"),
            ('overdue', "Overdue principal"),
            ], "Origin", required=True, states=_states)
    requester = fields.Selection([
            (None, ""),
            ('regional_coordinator', "Regional coordinator"),
            ('court', "Court"),
            ('law_enforcement', "Law enforcement"),
            ('state_body', "Other state body"),
            ], "Requested By",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('origin') != 'request',
            'required': Eval('origin') == 'request',
            })
    officer = fields.Many2One('res.user', "Officer", states=_states,
        domain=[('kz_roles', 'in', ['damu_officer', 'damu_manager'])])
    start_date = fields.Date("Start", required=True, states=_states)
    end_date = fields.Date("End", required=True, states=_states,
        domain=[('end_date', '>=', Eval('start_date', None))])
    bank_notice_date = fields.Function(fields.Date("Notify Bank By",
            states={'invisible': Eval('kind') == 'grant'}),
        'get_notice_dates')
    entrepreneur_notice_date = fields.Function(fields.Date(
            "Notify Entrepreneur By",
            states={'invisible': Eval('kind') == 'grant'}),
        'get_notice_dates')
    grant_notice_date = fields.Function(fields.Date(
            "Notify Grantee and Grantor By",
            states={'invisible': Eval('kind') != 'grant'}),
        'get_notice_dates')
    documents_date = fields.Function(fields.Date("Documents By"),
        'get_notice_dates')
    notified_date = fields.Date("Notified On", readonly=True)
    site_visit = fields.Function(fields.Boolean("Site Visit",
            help="Investment projects and grants are visited; working-"
            "capital loans are monitored at the desk (D§9)."),
        'get_site_visit')
    site_visit_from = fields.Function(fields.Date("Visit From",
            help="The end of the investment phase: the visit comes after "
            "it (D§9)."),
        'get_site_visit')
    site_visit_due = fields.Function(fields.Date("Visit By",
            help="The end of the window of the visit: at the latest the "
            "limit after the loan was issued, or the further term of the "
            "contract (D§9)."),
        'get_site_visit')
    site_visit_date = fields.Date("Visited On",
        domain=[If(Bool(Eval('site_visit_from')),
                ['OR', ('site_visit_date', '=', None),
                    ('site_visit_date', '>=', Eval('site_visit_from'))],
                [])],
        states={'invisible': ~Eval('site_visit')})
    documents = fields.One2Many('damu.monitoring.document', 'monitoring',
        "Documents")
    missing_documents = fields.Function(fields.Integer("Missing Documents"),
        'get_missing_documents')
    subjects = fields.One2Many('damu.monitoring.subject', 'monitoring',
        "Subjects")
    revenue_actual = fields.Numeric("Revenue at Reporting Date",
        digits=(16, 2), states={'invisible': Eval('kind') == 'grant'})
    jobs_actual = fields.Integer("Average Jobs at Reporting Date",
        states={'invisible': Eval('kind') == 'grant'})
    growth_met = fields.Function(fields.Boolean("Growth Obligation Met",
            states={'invisible': Eval('kind') == 'grant'}),
        'get_growth_met')
    # Grants: the new jobs of the business project (D§14.3)
    jobs_planned = fields.Function(fields.Integer("New Jobs Planned",
            states={'invisible': Eval('kind') != 'grant'}),
        'get_contract_field')
    jobs_created = fields.Integer("New Jobs Created",
        domain=['OR', ('jobs_created', '=', None),
            ('jobs_created', '>=', 0)],
        states={'invisible': Eval('kind') != 'grant'},
        help="The new jobs confirmed by the tax declarations (Annex 3.5).")
    jobs_met = fields.Function(fields.Boolean("New Jobs Obligation Met",
            states={'invisible': Eval('kind') != 'grant'}),
        'get_jobs_met')
    result = fields.Selection([
            (None, ""),
            ('compliant', "Compliant"),
            ('comments', "Comments to remedy"),
            ('violation', "Violation"),
            ], "Result", states={
            'readonly': ~Eval('state').in_(['in_progress']),
            'required': Eval('state').in_(['reporting', 'signed', 'refused']),
            })
    result_string = result.translated('result')
    conclusion = fields.Text("Conclusion",
        states={'readonly': ~Eval('state').in_(['in_progress'])})
    report_date = fields.Date("Report Sent On", readonly=True)
    report_received_date = fields.Date("Report Received On", readonly=True,
        help="The bank or grantor received the report: the signing period "
        "counts from this date (D§38).")
    counterparty_signatory = fields.Char("Signed by the Bank / Grantor",
        states={
            'readonly': Eval('state') != 'reporting',
            'invisible': ~Eval('state').in_(['reporting', 'signed']),
            },
        help="Name of the representative of the bank or grantor who "
        "signed the report.")
    counterparty_signed_date = fields.Date("Bank / Grantor Signed On",
        states={
            'readonly': Eval('state') != 'reporting',
            'invisible': ~Eval('state').in_(['reporting', 'signed']),
            })
    damu_signed_by = fields.Many2One('res.user', "Signed for Damu By",
        readonly=True, states={'invisible': Eval('state') != 'signed'})
    signed_date = fields.Date("Signed On", readonly=True)
    refusal_date = fields.Date("Refused On", readonly=True)
    refusal_reason = fields.Selection([
            (None, ""),
            ('disagreement', "Disagreement with the conclusions"),
            ('no_information', "Information not provided"),
            ], "Refusal Reason",
        states={
            'invisible': ~Eval('state').in_(['reporting', 'refused']),
            'readonly': Eval('state') != 'reporting',
            'required': Eval('state') == 'refused',
            },
        help="Why the counterparty did not sign the report (D§39); "
        "choose it before recording the refusal.")
    # Grants (D§34-37)
    misuse = fields.Boolean("Misuse Found",
        states={
            'invisible': Eval('kind') != 'grant',
            'readonly': ~Eval('state').in_(['in_progress']),
            })
    misused_amount = fields.Numeric("Misused Amount", digits=(16, 2),
        domain=['OR', ('misused_amount', '=', None),
            ('misused_amount', '>=', 0)],
        states={
            'invisible': ~Eval('misuse'),
            'required': Bool(Eval('misuse')),
            'readonly': ~Eval('state').in_(['in_progress']),
            })
    project_not_implemented = fields.Boolean(
        "Business Project Not Carried Out",
        states={
            'invisible': Eval('kind') != 'grant',
            'readonly': ~Eval('state').in_(['in_progress']),
            })
    terms_breached = fields.Boolean("Grant Agreement Terms Breached",
        states={
            'invisible': Eval('kind') != 'grant',
            'readonly': ~Eval('state').in_(['in_progress']),
            })
    grant_breach = fields.Function(fields.Boolean("Commission to Notify",
            states={'invisible': Eval('kind') != 'grant'},
            help="Misuse, business project not carried out, new jobs not "
            "created or agreement terms breached (D§34)."),
        'get_grant_breach')
    results_sent_date = fields.Date("Results Sent On", readonly=True,
        help="The results went to the authorized body (D§41).")
    coordinator_report_date = fields.Date("Reported to the Coordinator On",
        readonly=True, states={'invisible': Eval('kind') != 'grant'},
        help="The report on the grantee's business project went to the "
        "regional coordinator (D§29.2).")
    notices = fields.Function(fields.Many2Many('damu.notice', None, None,
            "Notices"), 'get_notices')
    commission_decision = fields.Selection([
            (None, ""),
            ('extension', "Additional period"),
            ('termination', "Termination of the agreement"),
            ], "Commission Decision", readonly=True,
        states={'invisible': Eval('kind') != 'grant'})
    commission_decision_date = fields.Date("Decided On", readonly=True,
        states={'invisible': Eval('kind') != 'grant'})
    extensions = fields.Integer("Extensions Granted", readonly=True,
        states={'invisible': Eval('kind') != 'grant'})
    refund_amount = fields.Function(fields.Numeric("Refund Amount",
            digits=(16, 2),
            help="Only the misused amount is refunded (D§37).",
            states={'invisible': Eval('kind') != 'grant'}),
        'get_refund_amount')
    deadlines = fields.One2Many('damu.monitoring.deadline', 'monitoring',
        "Deadlines")
    acts = fields.One2Many('damu.act', 'monitoring', "Acts", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            # One monitoring (and report) per project in a plan, whatever
            # the number of tranches (D§38)
            ('plan_contract_unique', Unique(t, t.plan, t.contract),
                'kz_damu_monitoring.msg_monitoring_plan_contract_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.contract, Index.Range())),
                })
        cls._order.insert(0, ('start_date', 'DESC'))
        cls._transitions |= {
            ('draft', 'notified'),
            ('notified', 'in_progress'),
            ('in_progress', 'reporting'),
            ('reporting', 'in_progress'),
            ('reporting', 'signed'),
            ('reporting', 'refused'),
            ('notified', 'impossible'),
            ('in_progress', 'impossible'),
            ('draft', 'cancelled'),
            ('notified', 'cancelled'),
            }
        cls._buttons.update({
                'notify': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'notified',
                    'depends': ['state'],
                    },
                'submit_report': {
                    'invisible': Eval('state') != 'in_progress',
                    'depends': ['state'],
                    },
                'back_to_work': {
                    'invisible': Eval('state') != 'reporting',
                    'depends': ['state'],
                    },
                'sign': {
                    'invisible': Eval('state') != 'reporting',
                    'depends': ['state'],
                    },
                'refuse': {
                    'invisible': Eval('state') != 'reporting',
                    'depends': ['state'],
                    },
                'declare_impossible': {
                    'invisible': ~Eval('state').in_(
                        ['notified', 'in_progress']),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'notified']),
                    'depends': ['state'],
                    },
                'receive_report': {
                    'invisible': ((Eval('state') != 'reporting')
                        | Eval('report_received_date')),
                    'depends': ['state', 'report_received_date'],
                    },
                'communicate_results': {
                    'invisible': (~Eval('state').in_(
                            ['signed', 'refused', 'impossible'])
                        | Eval('results_sent_date')),
                    'depends': ['state', 'results_sent_date'],
                    },
                'notify_commission': {
                    'invisible': ~Eval('deadlines_pending', []).contains(
                        'misuse_notice'),
                    'depends': ['deadlines_pending'],
                    },
                'commission_extend': {
                    'invisible': ~Eval('deadlines_pending', []).contains(
                        'commission_decision'),
                    'depends': ['deadlines_pending'],
                    },
                'commission_terminate': {
                    'invisible': ~Eval('deadlines_pending', []).contains(
                        'commission_decision'),
                    'depends': ['deadlines_pending'],
                    },
                'commission_notified': {
                    'invisible': ~Eval('deadlines_pending', []).contains(
                        'commission_notice'),
                    'depends': ['deadlines_pending'],
                    },
                })

    deadlines_pending = fields.Function(fields.MultiSelection(
            DEADLINE_KINDS, "Pending Deadlines"), 'get_deadlines_pending')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_origin(cls):
        return 'request'

    @classmethod
    def default_officer(cls):
        return Transaction().user or None

    @classmethod
    def default_extensions(cls):
        return 0

    @classmethod
    def default_misuse(cls):
        return False

    @classmethod
    def default_project_not_implemented(cls):
        return False

    @classmethod
    def default_terms_breached(cls):
        return False

    @classmethod
    def get_kinds(cls):
        Contract = Pool().get('damu.contract')
        return Contract.fields_get(['kind'])['kind']['selection']

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('contract.rec_name',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return f'{self.contract.rec_name} ({self.start_date})'

    def get_contract_field(self, name):
        value = getattr(self.contract, name)
        if isinstance(value, ModelSQL):
            return value.id
        return value

    @classmethod
    def search_contract_field(cls, name, clause):
        nested = clause[0][len(name):]
        return [('contract.' + name + nested, *clause[1:])]

    @classmethod
    def get_notice_dates(cls, monitorings, names):
        "Notice dates counted back from the start in working days (D§16-30)"
        Calendar = Pool().get('kz.calendar')
        config = _config()
        leads = {
            'bank_notice_date': config.damu_bank_notice_days,
            'entrepreneur_notice_date': config.damu_entrepreneur_notice_days,
            'grant_notice_date': config.damu_grant_notice_days,
            'documents_date': config.damu_documents_days,
            }
        result = {n: {} for n in names}
        for monitoring in monitorings:
            for name in names:
                value = None
                grant = monitoring.contract.kind == 'grant'
                if monitoring.start_date and (
                        name == 'documents_date'
                        or (name == 'grant_notice_date') == grant):
                    value = Calendar.add_working_days(
                        monitoring.start_date, -leads[name])
                result[name][monitoring.id] = value
        return result

    def get_site_visit(self, name):
        start, end = self.site_visit_window()
        if name == 'site_visit':
            return bool(end)
        elif name == 'site_visit_from':
            return start
        return end

    def site_visit_window(self):
        """Return (from, by) of the site visit of this monitoring (D§9)

        The first visit of an investment project comes after the end of
        its investment phase, within the limit after the loan was issued;
        a later one only by the further term of the contract."""
        contract = self.contract
        if not contract or not contract.needs_site_visit:
            return None, None
        visits = [m.site_visit_date for m in contract.monitorings
            if m.site_visit_date and m.id != self.id
            and (not self.start_date or not m.start_date
                or m.start_date <= self.start_date)]
        if not visits:
            return contract.site_visit_window()
        if (contract.further_visit_date
                and contract.further_visit_date > max(visits)):
            return None, contract.further_visit_date
        return None, None

    def get_missing_documents(self, name):
        return len([d for d in self.documents
                if d.required and not d.received])

    def get_growth_met(self, name):
        """The growth obligation of D§12.5: under the Programme revenue and
        average jobs grow by the percentage; under the Mechanism the jobs
        are kept or increased, or the revenue grows by the percentage"""
        contract = self.contract
        obligation = contract.growth_obligation
        if (not obligation or not contract.growth_due_date
                or not self.start_date
                or self.start_date < contract.growth_due_date):
            return None
        factor = 1 + _config().damu_growth_percent / 100
        revenue = None
        if contract.revenue_base and self.revenue_actual is not None:
            revenue = self.revenue_actual >= contract.revenue_base * factor
        if obligation == 'jobs_or_revenue':
            kept = None
            if contract.jobs_base is not None and (
                    self.jobs_actual is not None):
                kept = self.jobs_actual >= contract.jobs_base
            if kept or revenue:
                return True
            if kept is None or revenue is None:
                return None
            return False
        checks = [] if revenue is None else [revenue]
        if contract.jobs_base and self.jobs_actual is not None:
            checks.append(
                Decimal(self.jobs_actual) >= contract.jobs_base * factor)
        if not checks:
            return None
        return all(checks)

    def get_jobs_met(self, name):
        "Whether the grantee created the new jobs planned (D§14.3)"
        contract = self.contract
        if (contract.kind != 'grant' or not contract.jobs_planned
                or self.jobs_created is None):
            return None
        return self.jobs_created >= contract.jobs_planned

    def get_grant_breach(self, name):
        "Facts the coordinator and the commission are told of (D§34)"
        if self.kind != 'grant':
            return None
        return bool(self.misuse or self.project_not_implemented
            or self.terms_breached or self.jobs_met is False)

    def get_notices(self, name):
        NoticeLine = Pool().get('damu.notice.line')
        return sorted({l.notice.id for l in NoticeLine.search([
                        ('monitoring', '=', self.id)])})

    def get_refund_amount(self, name):
        if self.commission_decision == 'termination' and self.misuse:
            return min(self.misused_amount or 0, self.contract.amount)

    def get_deadlines_pending(self, name):
        return sorted({d.kind for d in self.deadlines if d.state == 'open'})

    @classmethod
    def validate_fields(cls, monitorings, field_names):
        super().validate_fields(monitorings, field_names)
        for monitoring in monitorings:
            amount = monitoring.misused_amount
            if amount and amount > monitoring.contract.amount:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_misuse_amount',
                        monitoring=monitoring.rec_name))

    @classmethod
    def validate(cls, monitorings):
        super().validate(monitorings)
        cls.check_one_per_period(monitorings)

    @classmethod
    def check_one_per_period(cls, monitorings):
        """One monitoring and report per project and period also outside a
        plan (D§38); the plan has its own constraint"""
        for monitoring in monitorings:
            if monitoring.state == 'cancelled' or monitoring.plan:
                continue
            others = cls.search([
                    ('id', '!=', monitoring.id),
                    ('contract', '=', monitoring.contract.id),
                    ('plan', '=', None),
                    ('state', '!=', 'cancelled'),
                    ('start_date', '<=', monitoring.end_date),
                    ('end_date', '>=', monitoring.start_date),
                    ], limit=1)
            if others:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_one_per_period',
                        monitoring=monitoring.rec_name,
                        other=others[0].rec_name))

    @classmethod
    def on_modification(cls, mode, monitorings, field_names=None):
        super().on_modification(mode, monitorings, field_names=field_names)
        if mode == 'create':
            cls.fill_checklists(monitorings)

    @classmethod
    def copy(cls, monitorings, default=None):
        default = default.copy() if default is not None else {}
        for name in ['plan', 'documents', 'subjects', 'deadlines', 'acts',
                'notified_date', 'report_date', 'signed_date',
                'report_received_date', 'counterparty_signatory',
                'counterparty_signed_date', 'damu_signed_by',
                'results_sent_date', 'coordinator_report_date',
                'refusal_date', 'refusal_reason', 'jobs_created',
                'commission_decision',
                'commission_decision_date', 'site_visit_date']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        default.setdefault('extensions', 0)
        return super().copy(monitorings, default=default)

    @classmethod
    def fill_checklists(cls, monitorings):
        "Add the Annex 1/2/3 documents and the D§12-14 subjects"
        pool = Pool()
        Document = pool.get('damu.monitoring.document')
        Subject = pool.get('damu.monitoring.subject')
        Lang = pool.get('ir.lang')
        documents, subjects = [], []
        for monitoring in monitorings:
            contract = monitoring.contract
            if not monitoring.documents:
                for i, code in enumerate(KIND_DOCUMENTS[contract.kind]):
                    values = {
                        'monitoring': monitoring.id, 'item': code,
                        'sequence': i,
                        }
                    if code == 'a2_5':
                        required, valid_since = (
                            monitoring.certificate_required())
                        if not required:
                            values['required'] = False
                            values['note'] = gettext(
                                'kz_damu_monitoring'
                                '.msg_document_certificate_valid',
                                date=Lang.get().strftime(valid_since))
                    documents.append(values)
            if not monitoring.subjects:
                codes = list(KIND_SUBJECTS[contract.kind])
                if contract.is_portfolio:
                    # No check of the intended use of portfolio loans (D§11)
                    codes.remove('intended_use')
                if (contract.kind != 'grant'
                        and (not contract.growth_due_date
                            or monitoring.start_date
                            < contract.growth_due_date)):
                    codes.remove('growth')
                subjects.extend({
                        'monitoring': monitoring.id, 'subject': code,
                        'sequence': i,
                        } for i, code in enumerate(codes))
        Document.create(documents)
        Subject.create(subjects)

    def certificate_required(self):
        """Return (required, date of the last certificate) of the
        certificate of registered rights (Annex 2, item 5): requested at
        the first monitoring of the project and again when the last one
        received is older than the validity; always in an unplanned
        monitoring of a principal not repaid on time"""
        pool = Pool()
        Document = pool.get('damu.monitoring.document')
        contract = self.contract
        if self.origin == 'overdue' or (self.origin != 'planned'
                and (contract.principal_overdue_days or 0) > 0):
            return True, None
        documents = Document.search([
                ('monitoring.contract', '=', contract.id),
                ('monitoring', '!=', self.id),
                ('item', '=', 'a2_5'),
                ('received', '=', True),
                ('received_date', '!=', None),
                ], order=[('received_date', 'DESC')], limit=1)
        if not documents:
            return True, None
        last = documents[0].received_date
        valid_until = last + relativedelta(
            months=_config().damu_certificate_months)
        if not self.start_date or self.start_date > valid_until:
            return True, last
        return False, last

    def _deadline(self, kind, base_date, days, unit='working', state='open',
            **values):
        values.update({
                'monitoring': self.id,
                'kind': kind,
                'base_date': base_date,
                'days': days,
                'unit': unit,
                'state': state,
                })
        if state == 'done':
            values['done_date'] = Pool().get('ir.date').today()
        return values

    @classmethod
    def _close_deadlines(cls, monitorings, kinds):
        pool = Pool()
        Deadline = pool.get('damu.monitoring.deadline')
        today = pool.get('ir.date').today()
        deadlines = [d for m in monitorings for d in m.deadlines
            if d.kind in kinds and d.state == 'open']
        Deadline.write(deadlines, {'state': 'done', 'done_date': today})

    @classmethod
    def _create_deadlines(cls, values):
        Deadline = Pool().get('damu.monitoring.deadline')
        return Deadline.create(values)

    @classmethod
    @ModelView.button
    @Workflow.transition('notified')
    def notify(cls, monitorings):
        "Send the notices; the start must leave the lead time (D§16, 24, 30)"
        pool = Pool()
        Calendar = pool.get('kz.calendar')
        today = pool.get('ir.date').today()
        config = _config()
        deadlines = []
        for monitoring in monitorings:
            grant = monitoring.kind == 'grant'
            lead = (config.damu_grant_notice_days if grant
                else config.damu_bank_notice_days)
            due = Calendar.add_working_days(monitoring.start_date, -lead)
            if today > due:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_notice_late',
                        monitoring=monitoring.rec_name,
                        due=due, days=lead,
                        earliest=Calendar.add_working_days(today, lead)))
            if grant:
                deadlines.append(monitoring._deadline('grant_notice',
                        monitoring.start_date, -lead, state='done'))
            else:
                deadlines.append(monitoring._deadline('bank_notice',
                        monitoring.start_date, -lead, state='done'))
                deadlines.append(monitoring._deadline('entrepreneur_notice',
                        monitoring.start_date,
                        -config.damu_entrepreneur_notice_days))
            deadlines.append(monitoring._deadline('documents',
                    monitoring.start_date, -config.damu_documents_days))
            visit_due = monitoring.site_visit_due
            if visit_due:
                deadlines.append(monitoring._deadline('site_visit',
                        visit_due, 0, unit='calendar'))
        deadlines = cls._create_deadlines(deadlines)
        cls._flag_late_visits([d for d in deadlines
                if d.kind == 'site_visit' and d.due_date < today])
        cls.write(monitorings, {'notified_date': today})
        notices = cls._send_notices('bank', [m for m in monitorings
                if m.kind != 'grant'])
        notices += cls._send_notices('grant', [m for m in monitorings
                if m.kind == 'grant'])
        if notices:
            return open_records(notices, 'kz_damu_monitoring.act_notice_form',
                gettext('kz_damu_monitoring.msg_monitoring_notified_feedback',
                    monitorings=', '.join(m.rec_name for m in monitorings),
                    notices=len(notices),
                    start=pool.get('ir.lang').get().strftime(
                        min(m.start_date for m in monitorings))))

    @classmethod
    def _send_notices(cls, kind, monitorings):
        "Create the notices of kind for the monitorings and send them"
        Notice = Pool().get('damu.notice')
        if not monitorings:
            return []
        notices = Notice.create_for(kind, monitorings)
        Notice.send(notices)
        return notices

    @classmethod
    def _flag_late_visits(cls, deadlines):
        """A visit already late when its monitoring opens is flagged and
        told once, here: the daily check does not escalate it again"""
        Deadline = Pool().get('damu.monitoring.deadline')
        for deadline in deadlines:
            notify_users(deadline.get_deadline_escalation_recipients(),
                gettext('kz_damu_monitoring.msg_monitoring_visit_late',
                    monitoring=deadline.monitoring.rec_name,
                    due=deadline.due_date),
                records=[deadline.monitoring])
        if deadlines:
            Deadline.write(deadlines, {
                    'overdue': True,
                    'deadline_escalated': True,
                    'deadline_reminded': True,
                    })

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, monitorings):
        cls._close_deadlines(monitorings, {'entrepreneur_notice'})

    @classmethod
    @ModelView.button
    @Workflow.transition('reporting')
    def submit_report(cls, monitorings):
        "Send the one report of the project for signature (D§38)"
        pool = Pool()
        today = pool.get('ir.date').today()
        config = _config()
        for monitoring in monitorings:
            if not monitoring.result:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_result_required',
                        monitoring=monitoring.rec_name))
            if (monitoring.site_visit and not monitoring.site_visit_date):
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_visit_required',
                        monitoring=monitoring.rec_name))
        cls._close_deadlines(
            [m for m in monitorings if m.site_visit_date], {'site_visit'})
        cls._close_deadlines(monitorings, {'documents'})
        # Counted from the sending until the receipt is known (D§38)
        cls._create_deadlines([m._deadline('signing', today,
                    config.damu_signing_days) for m in monitorings])
        cls.write(monitorings, {
                'report_date': today,
                'report_received_date': None,
                })
        for monitoring in monitorings:
            cls._send_notices('report', [monitoring])

    @classmethod
    @ModelView.button
    def receive_report(cls, monitorings):
        "The report was received on paper today"
        cls.report_received(monitorings)

    @classmethod
    def report_received(cls, monitorings, date=None):
        "The signing period counts from the receipt of the report (D§38)"
        pool = Pool()
        Deadline = pool.get('damu.monitoring.deadline')
        date = date or pool.get('ir.date').today()
        monitorings = [m for m in monitorings
            if m.state == 'reporting' and not m.report_received_date]
        if not monitorings:
            return
        cls.write(monitorings, {'report_received_date': date})
        Deadline.write([d for m in monitorings for d in m.deadlines
                if d.kind == 'signing' and d.state == 'open'],
            {'base_date': date})

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def back_to_work(cls, monitorings):
        pool = Pool()
        Deadline = pool.get('damu.monitoring.deadline')
        Deadline.write([d for m in monitorings for d in m.deadlines
                if d.kind == 'signing' and d.state == 'open'],
            {'state': 'cancelled'})
        cls.write(monitorings, {
                'refusal_reason': None,
                'report_received_date': None,
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('signed')
    def sign(cls, monitorings):
        """Damu signs after the bank/grantor (both recorded, D§38); a grant
        breach is notified (D§34)"""
        pool = Pool()
        today = pool.get('ir.date').today()
        config = _config()
        for monitoring in monitorings:
            if not monitoring.counterparty_signed_date:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_counterparty_sign',
                        monitoring=monitoring.rec_name))
        cls._close_deadlines(monitorings, {'signing'})
        cls.write(monitorings, {
                'signed_date': today,
                'damu_signed_by': Transaction().user or None,
                })
        cls._create_deadlines([m._deadline('misuse_notice', today,
                    config.damu_misuse_notice_days)
                for m in monitorings if m.grant_breach])

    @classmethod
    @ModelView.button
    @Workflow.transition('refused')
    def refuse(cls, monitorings):
        "The counterparty refuses to sign: Act of refusal (Annex 7, D§39)"
        pool = Pool()
        Act = pool.get('damu.act')
        today = pool.get('ir.date').today()
        config = _config()
        for monitoring in monitorings:
            if not monitoring.refusal_reason:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_refusal_reason',
                        monitoring=monitoring.rec_name))
        cls._close_deadlines(monitorings, {'signing'})
        cls.write(monitorings, {'refusal_date': today})
        Act.create([{
                    'monitoring': m.id,
                    'kind': 'refusal',
                    'sent_date': m.report_date,
                    'received_date': m.report_received_date,
                    'sign_by_date': m.deadlines and max(
                        (d.due_date for d in m.deadlines
                            if d.kind == 'signing' and d.due_date),
                        default=None),
                    } for m in monitorings])
        cls._create_deadlines([m._deadline('refusal_act', today,
                    config.damu_refusal_act_days) for m in monitorings])
        cls._create_deadlines([m._deadline('misuse_notice', today,
                    config.damu_misuse_notice_days)
                for m in monitorings if m.grant_breach])

    @classmethod
    @ModelView.button
    @Workflow.transition('impossible')
    def declare_impossible(cls, monitorings):
        """Documents not provided or the grantee cannot be found: Act of
        impossibility (Annex 6, D§33), sent to the coordinator"""
        pool = Pool()
        Act = pool.get('damu.act')
        today = pool.get('ir.date').today()
        config = _config()
        cls._close_deadlines(monitorings, {
                'entrepreneur_notice', 'documents', 'site_visit'})
        Act.create([{
                    'monitoring': m.id,
                    'kind': 'impossibility',
                    'date': today,
                    'non_provision_date': m.documents_date or today,
                    'state': 'issued',
                    } for m in monitorings])
        cls._create_deadlines([m._deadline('misuse_notice', today,
                    config.damu_misuse_notice_days)
                for m in monitorings if m.kind == 'grant'])
        # To the coordinator, then forwarded to the authorized body (D§33)
        for monitoring in monitorings:
            cls._send_notices('impossibility', [monitoring])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, monitorings):
        Deadline = Pool().get('damu.monitoring.deadline')
        Deadline.write([d for m in monitorings for d in m.deadlines
                if d.state == 'open'], {'state': 'cancelled'})

    @classmethod
    @ModelView.button
    def notify_commission(cls, monitorings):
        "The coordinator and the commission are notified (D§34)"
        config = _config()
        today = Pool().get('ir.date').today()
        monitorings = [m for m in monitorings
            if 'misuse_notice' in m.deadlines_pending]
        cls._close_deadlines(monitorings, {'misuse_notice'})
        cls._create_deadlines([m._deadline('commission_decision', today,
                    config.damu_commission_decision_days)
                for m in monitorings])
        for monitoring in monitorings:
            cls._send_notices('misuse', [monitoring])

    @classmethod
    @ModelView.button
    def communicate_results(cls, monitorings):
        """The results go to the authorized body (D§41); for grants the
        report on the business project to the coordinator (D§29.2)"""
        today = Pool().get('ir.date').today()
        monitorings = [m for m in monitorings if not m.results_sent_date
            and m.state in {'signed', 'refused', 'impossible'}]
        for monitoring in monitorings:
            cls._send_notices('results', [monitoring])
        cls.write(monitorings, {'results_sent_date': today})
        grants = [m for m in monitorings if m.kind == 'grant']
        if grants:
            cls.write(grants, {'coordinator_report_date': today})

    @classmethod
    def _commission_decide(cls, monitorings, decision):
        config = _config()
        today = Pool().get('ir.date').today()
        monitorings = [m for m in monitorings
            if 'commission_decision' in m.deadlines_pending]
        cls._close_deadlines(monitorings, {'commission_decision'})
        deadlines = [m._deadline('commission_notice', today,
                config.damu_commission_notice_days) for m in monitorings]
        to_write = []
        for monitoring in monitorings:
            values = {
                'commission_decision': decision,
                'commission_decision_date': today,
                }
            if decision == 'extension':
                values['extensions'] = (monitoring.extensions or 0) + 1
                deadlines.append(monitoring._deadline('remediation', today,
                        config.damu_remediation_days))
            to_write.extend([[monitoring], values])
        if to_write:
            cls.write(*to_write)
        cls._create_deadlines(deadlines)
        return monitorings

    @classmethod
    @ModelView.button
    def commission_extend(cls, monitorings):
        "One additional period to remedy (D§35)"
        for monitoring in monitorings:
            if monitoring.extensions:
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_monitoring_one_extension',
                        monitoring=monitoring.rec_name))
        cls._commission_decide(monitorings, 'extension')

    @classmethod
    @ModelView.button
    def commission_terminate(cls, monitorings):
        "Terminate the grant agreement; the misused amount is refunded"
        Contract = Pool().get('damu.contract')
        monitorings = cls._commission_decide(monitorings, 'termination')
        Contract.terminate(list({m.contract for m in monitorings
                    if m.contract.state == 'active'}))

    @classmethod
    @ModelView.button
    def commission_notified(cls, monitorings):
        cls._close_deadlines(monitorings, {'commission_notice'})

    @classmethod
    def create_overdue_monitorings(cls):
        """Create an unplanned monitoring for each guarantee whose principal
        is overdue (D§4), portfolio ones after the threshold (D§22)"""
        pool = Pool()
        Contract = pool.get('damu.contract')
        Calendar = pool.get('kz.calendar')
        today = pool.get('ir.date').today()
        config = _config()
        contracts = Contract.search([
                ('kind', '=', 'guarantee'),
                ('principal_overdue_days', '>', 0),
                ('monitorings', 'not where', [
                        ('state', 'in', OPEN_STATES)]),
                ] + Contract.monitorable_domain(today))
        start = Calendar.add_working_days(today, config.damu_bank_notice_days)
        end = Calendar.add_working_days(start, config.damu_monitoring_days)
        return cls.create([{
                    'contract': c.id,
                    'origin': 'overdue',
                    'start_date': start,
                    'end_date': end,
                    'officer': None,
                    } for c in contracts])


class MonitoringReport(DocumentReport):
    "Monitoring report of one project (D§38)"
    __name__ = 'damu.monitoring.report'


class MonitoringDocument(ModelSQL, ModelView):
    "Damu monitoring document"
    __name__ = 'damu.monitoring.document'
    __string__ = "Damu Monitoring Document"
    monitoring = fields.Many2One('damu.monitoring', "Monitoring",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    item = fields.Selection(DOCUMENTS, "Document", required=True,
        sort=False)
    required = fields.Boolean("Required", readonly=True,
        help="A certificate of registered rights still valid is not "
        "requested again (Annex 2, item 5).")
    item_string = item.translated('item')
    received = fields.Boolean("Received")
    received_date = fields.Date("Received On",
        states={'invisible': ~Eval('received')})
    note = fields.Char("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('monitoring')
        cls._order.insert(0, ('sequence', 'ASC'))

    @classmethod
    def default_required(cls):
        return True

    @classmethod
    def default_received(cls):
        return False

    @fields.depends('received', 'received_date')
    def on_change_received(self):
        if self.received and not self.received_date:
            self.received_date = Pool().get('ir.date').today()
        elif not self.received:
            self.received_date = None


class MonitoringSubject(ModelSQL, ModelView):
    "Damu monitoring subject"
    __name__ = 'damu.monitoring.subject'
    __string__ = "Damu Monitoring Subject"
    monitoring = fields.Many2One('damu.monitoring', "Monitoring",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    subject = fields.Selection(SUBJECTS, "Subject", required=True,
        sort=False)
    subject_string = subject.translated('subject')
    finding = fields.Selection([
            (None, ""),
            ('compliant', "Compliant"),
            ('comments', "Comments"),
            ('violation', "Violation"),
            ('not_applicable', "Not applicable"),
            ], "Finding", sort=False)
    finding_string = finding.translated('finding')
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('monitoring')
        cls._order.insert(0, ('sequence', 'ASC'))


class MonitoringDeadline(DeadlineMixin, ModelSQL, ModelView):
    "Damu monitoring deadline"
    __name__ = 'damu.monitoring.deadline'
    __string__ = "Damu Monitoring Deadline"
    _deadline_fields = {'base_date', 'days', 'unit'}
    _deadline_states = {'open'}
    # A site visit window that has not opened is not shown yet
    _deadline_hidden_before_start = True
    monitoring = fields.Many2One('damu.monitoring', "Monitoring",
        required=True, ondelete='CASCADE')
    kind = fields.Selection(DEADLINE_KINDS, "Kind", required=True,
        sort=False)
    base_date = fields.Date("Counted From", required=True)
    days = fields.Integer("Days", required=True,
        help="Negative: before the date counted from.")
    unit = fields.Selection([
            ('working', "Working days"),
            ('calendar', "Calendar days"),
            ], "Unit", required=True)
    reason = fields.Selection(REMEDIATION_REASONS, "Reason", sort=False,
        states={
            'invisible': Eval('kind') != 'remediation',
            },
        help="The objective reason for the additional period (D§40).")
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", required=True, readonly=True)
    done_date = fields.Date("Done On", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('monitoring')
        cls._order.insert(0, ('due_date', 'ASC'))
        cls._buttons.update({
                'complete': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_unit(cls):
        return 'working'

    @classmethod
    def default_kind(cls):
        return 'remediation'

    @classmethod
    def default_base_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_days(cls):
        return _config().damu_remediation_days

    def get_rec_name(self, name):
        return '%s: %s' % (
            self.monitoring.rec_name, self.kind_string_value)

    @property
    def kind_string_value(self):
        return dict(self._fields['kind'].selection).get(self.kind, '')

    def get_deadline_start(self):
        return self.base_date

    def get_deadline_duration(self):
        if self.days is None:
            return None
        return self.days, self.unit

    def get_deadline_recipients(self):
        if self.kind == 'entrepreneur_notice':
            # The bank's own duty to notify the entrepreneur (D§17, 25)
            return self._bank_users()
        return [self.monitoring.officer] if self.monitoring.officer else []

    def _bank_users(self):
        return users_of([self.monitoring.contract.bank])

    def get_deadline_escalation_recipients(self):
        managers = users_of_role('kz_base', 'group_damu_manager')
        officer = [self.monitoring.officer] if self.monitoring.officer else []
        return list(set(self.get_deadline_recipients() + officer + managers))

    @classmethod
    def validate_fields(cls, deadlines, field_names):
        super().validate_fields(deadlines, field_names)
        for deadline in deadlines:
            if deadline.kind == 'remediation' and not deadline.reason and (
                    deadline.monitoring.kind != 'grant'):
                raise MonitoringError(gettext(
                        'kz_damu_monitoring.msg_deadline_reason_required',
                        monitoring=deadline.monitoring.rec_name))

    @classmethod
    @ModelView.button
    def complete(cls, deadlines):
        today = Pool().get('ir.date').today()
        cls.write([d for d in deadlines if d.state == 'open'], {
                'state': 'done', 'done_date': today})
