# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.identifier import BINMixin
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction

from .exceptions import ProjectValidationError

# The life of a project (N§43-71); Module 2 fills in the transitions.
STATES = [
    ('passport', "Passport"),
    ('roadmap', "Roadmap"),
    ('approval', "Approval"),
    ('verification', "Verification"),
    ('with_roadmap', "With Roadmap"),
    ('post_investment', "Post-investment Monitoring"),
    ('suspended', "Suspended"),
    ('closed', "Closed"),
    ('excluded', "Excluded"),
    ('returned', "Returned to Initiative"),
    ]
POOLS = [
    ('regional', "Regional"),
    ('national', "National"),
    ]


class Project(BINMixin, DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Investment project"
    __name__ = 'ncip.project'
    _rec_name = 'name'
    _deadline_fields = {'passport_date', 'state'}
    _deadline_states = ('passport',)

    _states = {
        'readonly': ~Eval('state').in_(['passport', 'roadmap']),
        }

    name = fields.Char("Name", required=True, states=_states)
    number = fields.Char("Number", readonly=True)
    investor = fields.Many2One(
        'party.party', "Investor Company", required=True, states=_states,
        ondelete='RESTRICT')
    bin = fields.Char(
        "BIN", size=12, states=_states,
        help="The BIN of the investor company in Kazakhstan (12 digits).")
    industry = fields.Char(
        "Industry", states=_states,
        help="The economic activity (OKED) of the project.")
    product = fields.Char("Product", states=_states)
    region = fields.Many2One(
        'kz.region', "Region", required=True, states=_states,
        ondelete='RESTRICT')
    cost = fields.Numeric(
        "Estimated Cost", digits=(16, 2), states=_states,
        help="The estimated cost of the project in tenge (KZT).")
    financing_scheme = fields.Text("Financing Scheme", states=_states)
    contacts = fields.Text("Contacts", states=_states)
    description = fields.Text("Short Description", states=_states)
    company_registration_date = fields.Date(
        "Company Registration Date", states=_states,
        help="The date the company was registered in Kazakhstan.")
    investment_contract = fields.Boolean(
        "Investment Contract", states=_states,
        help="A project under an investment contract is in the national "
        "pool whatever its cost.")
    contract_start = fields.Date(
        "Contract Start", states={
            'invisible': ~Eval('investment_contract'),
            'required': Bool(Eval('investment_contract')),
            'readonly': _states['readonly'],
            })
    contract_end = fields.Date(
        "Contract End", states={
            'invisible': ~Eval('investment_contract'),
            'required': Bool(Eval('investment_contract')),
            'readonly': _states['readonly'],
            },
        domain=[If(Bool(Eval('contract_end')) & Bool(Eval('contract_start')),
                ('contract_end', '>=', Eval('contract_start')), ())])
    passport_date = fields.Date(
        "Passport Date", required=True, readonly=True,
        help="The date the passport was created; its deadlines count "
        "from it.")
    pool = fields.Selection(
        POOLS, "Pool", readonly=True,
        help="National: cost at least the threshold in MRP of 1 January "
        "of the passport year, or an investment contract; else regional.")
    initiator = fields.Many2One(
        'kz.organization', "Initiator", readonly=True, ondelete='RESTRICT',
        help="The front office that created the initiative or project.")
    akimat = fields.Many2One(
        'kz.organization', "Akimat", ondelete='RESTRICT', states=_states,
        domain=[('kind', '=', 'akimat'), ('region', '=', Eval('region', -1))],
        help="The akimat of the region that implements the project.")
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality())),
                Index(t, (t.region, Index.Equality())),
                Index(t, (t.pool, Index.Equality())),
                })
        cls._order.insert(0, ('passport_date', 'DESC'))

    @classmethod
    def default_state(cls):
        return 'passport'

    @classmethod
    def default_passport_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_pool(cls):
        return 'regional'

    @classmethod
    def default_investment_contract(cls):
        return False

    @classmethod
    def default_initiator(cls):
        User = Pool().get('res.user')
        user = User(Transaction().user)
        return user.kz_organization.id if user.kz_organization else None

    def get_deadline_start(self):
        return self.passport_date

    def get_deadline_duration(self):
        Configuration = Pool().get('kz.configuration')
        return Configuration(1).passport_fill_days, 'calendar'

    def compute_pool(self):
        "Return the pool of the project from its cost and contract (N§23)"
        pool = Pool()
        MRP = pool.get('kz.mrp')
        Configuration = pool.get('kz.configuration')
        if self.investment_contract:
            return 'national'
        if self.cost is None or not self.passport_date:
            return 'regional'
        threshold = MRP.multiple(
            Configuration(1).national_pool_mrp, self.passport_date)
        return 'national' if self.cost >= threshold else 'regional'

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or field_names & {'cost', 'investment_contract',
                    'passport_date'}):
            pool = self.compute_pool()
            if getattr(self, 'pool', None) != pool:
                values['pool'] = pool
        return values

    @classmethod
    def recompute_pools(cls, projects=None):
        "Recompute the pools, e.g. after the MRP or the threshold changed"
        if projects is None:
            projects = cls.search([])
        to_write = []
        for project in projects:
            pool = project.compute_pool()
            if project.pool != pool:
                to_write.extend([[project], {'pool': pool}])
        if to_write:
            cls.write(*to_write)

    @classmethod
    def validate_fields(cls, projects, field_names):
        super().validate_fields(projects, field_names)
        if field_names is None or 'cost' in field_names:
            for project in projects:
                if project.cost is not None and project.cost < 0:
                    raise ProjectValidationError(gettext(
                            'kz_ncip.msg_project_cost_negative',
                            project=project.rec_name))
