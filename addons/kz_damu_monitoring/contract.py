# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Support contracts monitored by Damu (D-1): interest-rate subsidies,
guarantees and grants."""
import datetime as dt
from decimal import Decimal

from sql.conditionals import Coalesce

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.kz_base.identifier import BINMixin
from trytond.modules.kz_base.tools import (
    rec_name_domain, selection_domain)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from .exceptions import ContractValidationError

KINDS = [
    ('subsidy', "Subsidy"),
    ('guarantee', "Guarantee"),
    ('grant', "Grant"),
    ]
SUB_KINDS = [
    ('loan', "Loan"),
    ('leasing', "Leasing"),
    ('islamic', "Islamic financing"),
    ('bond', "Bond coupon"),
    ('individual', "Individual guarantee"),
    ('portfolio', "Portfolio guarantee"),
    ('business_idea', "Grant for a new business idea"),
    ]
KIND_SUB_KINDS = {
    'subsidy': ['loan', 'leasing', 'islamic', 'bond'],
    'guarantee': ['individual', 'portfolio'],
    'grant': ['business_idea'],
    }
STATES = [
    ('active', "Active"),
    ('repaid', "Repaid"),
    ('terminated', "Terminated"),
    ('returned', "Returned"),
    ]
PURPOSES = [
    (None, ""),
    ('investment', "Investment"),
    ('working_capital', "Working capital"),
    ]
LEGAL_STATUSES = [
    (None, ""),
    ('llp', "Limited liability partnership"),
    ('ie', "Individual entrepreneur"),
    ('farm', "Peasant farm"),
    ('cooperative', "Entrepreneurial cooperative"),
    ('jsc', "Joint-stock company"),
    ]
INSTRUMENTS = [
    ('programme', "Programme"),
    ('mechanism', "Mechanism"),
    ]
DIRECTIONS = [
    (None, ""),
    ('1', "First direction"),
    ('2', "Second direction"),
    ]
PROJECT_TYPES = [
    (None, ""),
    ('new', "New production"),
    ('modernisation', "Modernisation"),
    ('expansion', "Expansion"),
    ]
# The Annex 4 report a contract belongs to: one per programme (D§21)
PROGRAMMES = [
    ('programme_1', "Programme, first direction"),
    ('programme_2', "Programme, second direction"),
    ('mechanism', "Mechanism"),
    ]
AMOUNT = dict(digits=(16, 2))


def programme_of(instrument, direction):
    "Return the Annex 4 programme of a contract's instrument and direction"
    if instrument == 'mechanism':
        return 'mechanism'
    return 'programme_%s' % (direction or '1')


class Contract(BINMixin, Workflow, ModelSQL, ModelView):
    "Damu support contract"
    __name__ = 'damu.contract'
    __string__ = "Damu Support Contract"
    _bin_fields = ('entrepreneur_bin',)
    _states = {'readonly': Eval('state') != 'active'}

    number = fields.Char("Number", required=True, states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, sort=False,
        states=_states)
    sub_kind = fields.Selection(SUB_KINDS, "Sub-kind", required=True,
        sort=False, states=_states,
        domain=[
            If(Eval('kind') == 'subsidy',
                ('sub_kind', 'in', KIND_SUB_KINDS['subsidy']),
                If(Eval('kind') == 'guarantee',
                    ('sub_kind', 'in', KIND_SUB_KINDS['guarantee']),
                    ('sub_kind', 'in', KIND_SUB_KINDS['grant']))),
            ])
    entrepreneur = fields.Char("Entrepreneur", required=True,
        states=_states,
        help="The entrepreneur, grantee or bond issuer.")
    entrepreneur_bin = fields.Char("BIN/IIN", size=12, required=True,
        strip=True, states=_states)
    legal_status = fields.Selection(LEGAL_STATUSES, "Legal Status",
        states=_states)
    bank = fields.Many2One('kz.organization', "Bank / Grantor",
        required=True, ondelete='RESTRICT', states=_states,
        help="The bank, leasing company, Islamic bank or grantor.")
    region = fields.Many2One('kz.region', "Region", required=True,
        ondelete='RESTRICT', states=_states)
    instrument = fields.Selection(INSTRUMENTS, "Support Instrument",
        required=True, sort=False,
        states={
            'readonly': _states['readonly'],
            },
        help="The Programme (Business Roadmap) or the Mechanism of "
        "lending priority projects (D§3.13, D§12.5).")
    direction = fields.Selection(DIRECTIONS, "Programme Direction",
        sort=False,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('instrument') != 'programme',
            'required': Eval('instrument') == 'programme',
            },
        help="The reports are made per direction (D§21, D§23).")
    project_type = fields.Selection(PROJECT_TYPES, "Project Type",
        sort=False,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') == 'grant',
            },
        help="Under the Programme the growth obligation applies to "
        "modernisation and expansion projects only (D§12.5).")
    purpose = fields.Selection(PURPOSES, "Loan Purpose", sort=False,
        states={
            'readonly': _states['readonly'],
            'required': Eval('kind') != 'grant',
            },
        help="Working-capital loans are monitored at the desk only; "
        "investment loans get a site visit (D§9).")
    activity_code = fields.Char("Activity Code (CCEA)", states=_states)
    amount = fields.Numeric("Amount", **AMOUNT, required=True,
        domain=[('amount', '>', 0)], states=_states)
    interest_rate = fields.Numeric("Interest Rate (%)", digits=(5, 2),
        domain=['OR', ('interest_rate', '=', None),
            ('interest_rate', '>=', 0)], states=_states)
    contract_date = fields.Date("Contract Date", required=True,
        states=_states)
    decision_date = fields.Date("Decision Date", required=True,
        states=_states,
        help="The date of the decision of Damu or of the competition "
        "commission.")
    maturity_date = fields.Date("Maturity Date", states=_states,
        domain=['OR', ('maturity_date', '=', None),
            ('maturity_date', '>=', Eval('contract_date', None))])
    investment_end_date = fields.Date("End of Investment Phase",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('purpose') != 'investment',
            },
        help="When the supply or works contracts financed by the loan are "
        "to be fulfilled: the site visit comes after it (D§9).")
    further_visit_date = fields.Date("Further Site Visit By",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('purpose') != 'investment',
            },
        help="The additional term for a later site visit given by Damu "
        "under the financing agreement; without it the project is visited "
        "once (D§9).")
    guarantee_number = fields.Char("Guarantee Agreement",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'guarantee',
            })
    guarantee_date = fields.Date("Guarantee Agreement Date",
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'guarantee',
            })
    guarantee_amount = fields.Numeric("Guarantee Amount", **AMOUNT,
        domain=['OR', ('guarantee_amount', '=', None),
            ('guarantee_amount', '>=', 0)],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'guarantee',
            'required': Eval('kind') == 'guarantee',
            })
    portfolio_overdue_days = fields.Integer("Overdue Threshold (cd)",
        domain=['OR', ('portfolio_overdue_days', '=', None),
            ('portfolio_overdue_days', '>=', 0)],
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('sub_kind') != 'portfolio',
            },
        help="The period of overdue principal set by the guarantee "
        "agreement after which the project is monitored; empty: the "
        "period of the settings (D§22).")
    guarantee_balance = fields.Numeric("Guarantee Balance", **AMOUNT,
        readonly=True,
        states={'invisible': Eval('kind') != 'guarantee'},
        help="The guarantee amount less what Damu paid under it, at the "
        "last report (Annex 5, column 7).")
    guarantee_paid = fields.Numeric("Guarantee Paid", **AMOUNT,
        readonly=True,
        states={'invisible': Eval('kind') != 'guarantee'},
        help="What Damu paid under the guarantee, at the last report "
        "(Annex 4, column 20).")
    tranches = fields.One2Many('damu.contract.tranche', 'contract',
        "Tranches", states=_states)
    disbursed_amount = fields.Function(fields.Numeric(
            "Disbursed", **AMOUNT), 'get_disbursed')
    first_disbursement = fields.Function(fields.Date(
            "First Disbursement"), 'get_disbursed')
    outstanding_debt = fields.Numeric("Outstanding Debt", **AMOUNT,
        help="Updated by the banks' monthly reports (Annex 4).")
    overdue_principal = fields.Numeric("Overdue Principal", **AMOUNT)
    principal_overdue_days = fields.Integer("Principal Overdue Days")
    interest_overdue_days = fields.Integer("Interest Overdue Days")
    debt_date = fields.Date("Debt Reported On", readonly=True)
    revenue_base = fields.Numeric("Revenue at Decision", **AMOUNT,
        states={'invisible': Eval('kind') == 'grant'})
    jobs_base = fields.Integer("Jobs at Decision")
    growth_due_date = fields.Function(fields.Date(
            "Growth Reporting Date",
            help="The start of the fiscal year after the growth period "
            "(D§12.5)."), 'get_growth_due_date')
    jobs_planned = fields.Integer("New Jobs Planned",
        states={'invisible': Eval('kind') != 'grant'})
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')
    closed_date = fields.Date("Closed On", readonly=True,
        states={'invisible': Eval('state') == 'active'},
        help="When the contract was repaid, terminated or returned.")
    monitorings = fields.One2Many('damu.monitoring', 'contract',
        "Monitorings", readonly=True)
    programme = fields.Function(fields.Selection(PROGRAMMES,
            "Report Programme"), 'get_programme',
        searcher='search_programme')
    beyond_overdue_threshold = fields.Function(fields.Boolean(
            "Beyond Overdue Threshold"),
        'get_beyond_overdue_threshold',
        searcher='search_beyond_overdue_threshold')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_bank_unique', Unique(t, t.bank, t.kind, t.number),
                'kz_damu_monitoring.msg_contract_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.bank, Index.Equality())),
                Index(t, (t.entrepreneur_bin, Index.Equality())),
                # The list's order: its first page without a sort
                Index(t, (t.contract_date, Index.Range(order='DESC'))),
                })
        cls._order.insert(0, ('contract_date', 'DESC'))
        cls._transitions |= {
            ('active', 'repaid'),
            ('active', 'terminated'),
            ('active', 'returned'),
            ('repaid', 'active'),
            ('terminated', 'active'),
            }
        cls._buttons.update({
                'repay': {
                    'invisible': ((Eval('state') != 'active')
                        | (Eval('kind') == 'grant')),
                    'depends': ['state', 'kind'],
                    },
                'terminate': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'return_grant': {
                    'invisible': ((Eval('state') != 'active')
                        | (Eval('kind') != 'grant')),
                    'depends': ['state', 'kind'],
                    },
                'reactivate': {
                    'invisible': ~Eval('state').in_(['repaid', 'terminated']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module_name):
        table_h = cls.__table_handler__(module_name)
        created = not table_h.column_exist('instrument')
        super().__register__(module_name)
        if created:
            cls._migrate_instrument()

    @classmethod
    def _migrate_instrument(cls):
        '''Contracts recorded before the support instrument was known:
        the Programme's first direction, where the grants and most
        guarantees belong; their growth obligation stays checked
        (modernisation) until the officer records the project type'''
        # Migration from 8.0.0: instrument, direction and project type
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.update(
                [table.instrument, table.direction],
                ['programme', '1']))
        cursor.execute(*table.update(
                [table.project_type], ['modernisation'],
                where=table.kind != 'grant'))
        cursor.execute(*table.update(
                [table.project_type], ['new'],
                where=table.kind == 'grant'))

    @classmethod
    def default_state(cls):
        return 'active'

    @classmethod
    def default_instrument(cls):
        return 'programme'

    @classmethod
    def default_direction(cls):
        return '1'

    @classmethod
    def default_project_type(cls):
        return 'modernisation'

    @fields.depends('instrument', 'direction')
    def on_change_instrument(self):
        if self.instrument == 'mechanism':
            self.direction = None
        elif not self.direction:
            self.direction = '1'

    @classmethod
    def default_kind(cls):
        return 'subsidy'

    @classmethod
    def default_sub_kind(cls):
        return 'loan'

    @fields.depends('kind', 'sub_kind', 'instrument',
        methods=['on_change_instrument'])
    def on_change_kind(self):
        if self.kind and self.sub_kind not in KIND_SUB_KINDS[self.kind]:
            self.sub_kind = KIND_SUB_KINDS[self.kind][0]
        if self.kind == 'grant':
            # Grants are given under the Programme only (D§3.5)
            self.instrument = 'programme'
            self.on_change_instrument()

    def get_rec_name(self, name):
        return f'{self.number} — {self.entrepreneur}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(
            clause, ('number', 'entrepreneur', 'entrepreneur_bin'))

    @classmethod
    def get_disbursed(cls, contracts, names):
        result = {n: {} for n in names}
        for contract in contracts:
            dates = [t.date for t in contract.tranches if t.date]
            if 'disbursed_amount' in names:
                result['disbursed_amount'][contract.id] = sum(
                    (t.amount or 0 for t in contract.tranches), Decimal(0))
            if 'first_disbursement' in names:
                result['first_disbursement'][contract.id] = (
                    min(dates) if dates else None)
        return result

    def get_programme(self, name):
        return programme_of(self.instrument, self.direction)

    @classmethod
    def search_programme(cls, name, clause):
        return selection_domain(clause, {
                'mechanism': [('instrument', '=', 'mechanism')],
                'programme_1': [('instrument', '=', 'programme'),
                    ('direction', 'in', ['1', None])],
                'programme_2': [('instrument', '=', 'programme'),
                    ('direction', '=', '2')],
                })

    @classmethod
    def _overdue_threshold_condition(cls, table):
        "The SQL condition of a principal overdue beyond its threshold"
        Configuration = Pool().get('kz.configuration')
        days = Configuration(1).damu_portfolio_overdue_days
        return (Coalesce(table.principal_overdue_days, 0)
            > Coalesce(table.portfolio_overdue_days, days))

    @classmethod
    def get_beyond_overdue_threshold(cls, contracts, name):
        Configuration = Pool().get('kz.configuration')
        days = Configuration(1).damu_portfolio_overdue_days
        return {c.id: (c.principal_overdue_days or 0) > (
                c.portfolio_overdue_days
                if c.portfolio_overdue_days is not None else days)
            for c in contracts}

    @classmethod
    def search_beyond_overdue_threshold(cls, name, clause):
        "The threshold of the guarantee agreement, else the setting (D§22)"
        table = cls.__table__()
        _, operator, value = clause[:3]
        query = table.select(table.id,
            where=cls._overdue_threshold_condition(table))
        if (operator == '=') == bool(value):
            return [('id', 'in', query)]
        return [('id', 'not in', query)]

    @property
    def growth_obligation(self):
        '''The growth obligation of the contract (D§12.5), or None

        'all': revenue and average jobs grow by the percentage (Programme,
        modernisation and expansion projects); 'jobs_or_revenue': jobs
        kept or increased, or revenue grown by the percentage
        (Mechanism)'''
        if self.kind == 'grant':
            return None
        if self.instrument == 'mechanism':
            return 'jobs_or_revenue'
        if self.project_type in {'modernisation', 'expansion'}:
            return 'all'
        return None

    def get_growth_due_date(self, name):
        Configuration = Pool().get('kz.configuration')
        if not self.decision_date or not self.growth_obligation:
            return None
        years = Configuration(1).damu_growth_years
        # The reporting date is the start of the next fiscal year,
        # whatever the date of the decision (D§12.5)
        return dt.date(self.decision_date.year + years + 1, 1, 1)

    @property
    def is_portfolio(self):
        return self.sub_kind == 'portfolio'

    @property
    def needs_site_visit(self):
        "Investment loans get a site visit, working capital does not (D§9)"
        return self.kind == 'grant' or self.purpose == 'investment'

    def site_visit_window(self):
        """Return (from, by) of the first site visit (D§9): after the end
        of the investment phase, at the latest the limit after the loan
        was issued; the due date is the end of the window"""
        Configuration = Pool().get('kz.configuration')
        if not self.needs_site_visit:
            return None, None
        issue = self.first_disbursement or self.contract_date
        limit = issue + dt.timedelta(
            days=Configuration(1).damu_site_visit_days)
        start = self.investment_end_date
        if start and start > limit:
            # An investment phase longer than the limit: the limit wins
            start = limit
        return start, limit

    def site_visit_due_date(self):
        "The end of the window of the first visit (D§9)"
        return self.site_visit_window()[1]

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        for contract in contracts:
            if contract.sub_kind not in KIND_SUB_KINDS.get(
                    contract.kind, []):
                raise ContractValidationError(gettext(
                        'kz_damu_monitoring.msg_contract_sub_kind',
                        contract=contract.rec_name))
            if (contract.kind == 'guarantee' and contract.guarantee_amount
                    and contract.guarantee_amount > contract.amount):
                raise ContractValidationError(gettext(
                        'kz_damu_monitoring.msg_contract_guarantee_amount',
                        contract=contract.rec_name))
            for name in ['outstanding_debt', 'overdue_principal',
                    'principal_overdue_days', 'interest_overdue_days']:
                value = getattr(contract, name)
                if value is not None and value < 0:
                    raise ContractValidationError(gettext(
                            'kz_damu_monitoring.msg_contract_negative',
                            contract=contract.rec_name,
                            field=cls.__names__(name)['field']))

    @classmethod
    def monitorable_domain(cls, date):
        """Return the domain of the contracts to monitor on date (D§8, 11,
        16, 22): active, signed by then, portfolio guarantees only when
        their principal is overdue beyond the threshold of their guarantee
        agreement, else of the settings"""
        return [
            ('state', '=', 'active'),
            ('contract_date', '<=', date),
            ['OR',
                ('sub_kind', '!=', 'portfolio'),
                ('beyond_overdue_threshold', '=', True),
                ],
            ]

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('monitorings', None)
        default.setdefault('number', lambda d: d['number'] + ' (copy)')
        default.setdefault('state', 'active')
        default.setdefault('closed_date', None)
        return super().copy(contracts, default=default)

    @classmethod
    def _close(cls, contracts):
        "Record when the contracts ended (the Annex 5 report as of a date)"
        today = Pool().get('ir.date').today()
        cls.write([c for c in contracts if c.state == 'active'],
            {'closed_date': today})

    @classmethod
    @ModelView.button
    @Workflow.transition('repaid')
    def repay(cls, contracts):
        cls._close(contracts)

    @classmethod
    @ModelView.button
    @Workflow.transition('terminated')
    def terminate(cls, contracts):
        cls._close(contracts)

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def return_grant(cls, contracts):
        cls._close(contracts)

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def reactivate(cls, contracts):
        cls.write(contracts, {'closed_date': None})


class Tranche(ModelSQL, ModelView):
    "Damu contract tranche"
    __name__ = 'damu.contract.tranche'
    __string__ = "Damu Contract Tranche"
    contract = fields.Many2One('damu.contract', "Contract", required=True,
        ondelete='CASCADE')
    date = fields.Date("Date", required=True)
    amount = fields.Numeric("Amount", **AMOUNT, required=True,
        domain=[('amount', '>', 0)])
    reference = fields.Char("Reference")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')
        cls._order.insert(0, ('date', 'ASC'))
