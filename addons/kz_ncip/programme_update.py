# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The quarterly update of the country investment programmes (N§15.2) and
the semi-annual data of the niche projects (N§12.2, 16.4)"""
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.who import users_of, users_of_kind
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .exceptions import ProgrammeError
from .rating import previous_quarter, quarter_end


class ProgrammeUpdate(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Quarterly update of a country investment programme"
    __name__ = 'ncip.investment.programme.update'
    __string__ = "Country Programme Update"
    _deadline_fields = {'year', 'quarter', 'state'}
    _deadline_states = ('pending',)

    programme = fields.Many2One(
        'ncip.investment.programme', "Programme", required=True,
        ondelete='CASCADE', readonly=True,
        domain=[('kind', '=', 'country')])
    year = fields.Integer("Year", required=True, readonly=True)
    quarter = fields.Integer("Quarter", required=True, readonly=True)
    note = fields.Text(
        "What Changed", states={'readonly': Eval('state') != 'pending'},
        help="The projects, niches and investors updated in the quarter.")
    updated_by = fields.Many2One(
        'res.user', "Updated by", readonly=True, ondelete='RESTRICT')
    update_date = fields.Date("Update Date", readonly=True)
    state = fields.Selection([
            ('pending', "Pending"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The access rights and record rules of the programme apply
        cls.__access__.add('programme')
        t = cls.__table__()
        cls._sql_constraints += [
            ('programme_quarter_unique',
                Unique(t, t.programme, t.year, t.quarter),
                'kz_ncip.msg_programme_update_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.programme, Index.Equality())))
        cls._order.insert(0, ('year', 'DESC'))
        cls._order.insert(1, ('quarter', 'DESC'))
        cls._transitions |= {('pending', 'done')}
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'pending',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'pending'

    def get_rec_name(self, name):
        return '%s %s Q%s' % (
            self.programme.rec_name, self.year, self.quarter)

    # Due by the 15th of the month after the quarter (N§15.2)
    def get_deadline_start(self):
        if self.year and self.quarter:
            return quarter_end(self.year, self.quarter)

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        return config.country_programme_update_day, 'calendar'

    def get_deadline_recipients(self):
        return users_of([self.programme.organization])

    def get_deadline_escalation_recipients(self):
        # Formed with the national company (N§15.2)
        return self.get_deadline_recipients() + users_of_kind(
            'national_company')

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, updates):
        "The foreign office confirms the programme is up to date"
        Date = Pool().get('ir.date')
        for update in updates:
            if not (update.note or '').strip():
                raise ProgrammeError(gettext(
                        'kz_ncip.msg_programme_update_note',
                        update=update.rec_name))
        cls.write(list(updates), {
                'updated_by': Transaction().user,
                'update_date': Date.today(),
                })

    @classmethod
    def plan_quarterly(cls, date=None):
        """Cron: after each quarter, an update is due for every country
        programme of that quarter's year"""
        pool = Pool()
        Date = pool.get('ir.date')
        Programme = pool.get('ncip.investment.programme')
        year, quarter = previous_quarter(date or Date.today())
        existing = {u.programme.id for u in cls.search([
                    ('year', '=', year), ('quarter', '=', quarter)])}
        return cls.create([{
                    'programme': p.id, 'year': year, 'quarter': quarter,
                    } for p in Programme.search([
                        ('kind', '=', 'country'),
                        ('year', '=', year),
                        ]) if p.id not in existing])


class NicheData(ModelSQL, ModelView):
    "Semi-annual data of a niche project"
    __name__ = 'ncip.investment.programme.niche'
    __string__ = "Niche Project Data"
    line = fields.Many2One(
        'ncip.investment.programme.line', "Niche Project", required=True,
        ondelete='CASCADE')
    year = fields.Integer(
        "Year", required=True,
        domain=[('year', '>=', 2000), ('year', '<=', 2100)])
    half = fields.Selection([
            ('1', "First half-year"),
            ('2', "Second half-year"),
            ], "Half-year", required=True, sort=False)
    # Financial indicators
    revenue = fields.Numeric(
        "Annual Revenue", digits=(16, 2),
        domain=['OR', ('revenue', '=', None), ('revenue', '>=', 0)],
        help="The expected annual revenue in tenge (KZT).")
    payback_years = fields.Numeric(
        "Payback Period (Years)", digits=(16, 1),
        domain=['OR', ('payback_years', '=', None),
            ('payback_years', '>=', 0)])
    irr = fields.Numeric(
        "Internal Rate of Return (%)", digits=(16, 2))
    # The market of the product
    consumption = fields.Numeric(
        "Domestic Consumption", digits=(16, 2),
        domain=['OR', ('consumption', '=', None), ('consumption', '>=', 0)],
        help="The consumption of the product in Kazakhstan a year (KZT).")
    import_amount = fields.Numeric(
        "Import", digits=(16, 2),
        domain=['OR', ('import_amount', '=', None),
            ('import_amount', '>=', 0)],
        help="The import of the product a year (KZT).")
    export_amount = fields.Numeric(
        "Export", digits=(16, 2),
        domain=['OR', ('export_amount', '=', None),
            ('export_amount', '>=', 0)],
        help="The export of the product a year (KZT).")
    export_potential = fields.Text(
        "Export Potential",
        help="The markets and volumes the product could be exported to.")
    notes = fields.Text("Other Information")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # The access rights and record rules of the programme apply; the
        # data is reported every half-year whatever the programme's state
        cls.__access__.add('line')
        t = cls.__table__()
        cls._sql_constraints += [
            ('line_half_unique', Unique(t, t.line, t.year, t.half),
                'kz_ncip.msg_programme_niche_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.line, Index.Equality())))
        cls._order.insert(0, ('year', 'DESC'))
        cls._order.insert(1, ('half', 'DESC'))

    @classmethod
    def default_year(cls):
        return Pool().get('ir.date').today().year

    @classmethod
    def default_half(cls):
        return '1' if Pool().get('ir.date').today().month <= 6 else '2'

    def get_rec_name(self, name):
        return '%s %s/%s' % (self.line.rec_name, self.year, self.half)


class ProgrammeLine(metaclass=PoolMeta):
    __name__ = 'ncip.investment.programme.line'
    niche_data = fields.One2Many(
        'ncip.investment.programme.niche', 'line', "Semi-annual Data",
        readonly=True,
        help="Financial indicators, consumption, export and import and "
        "export potential, every half-year (N§12.2, 16.4).")


class Programme(metaclass=PoolMeta):
    __name__ = 'ncip.investment.programme'
    updates = fields.One2Many(
        'ncip.investment.programme.update', 'programme',
        "Quarterly Updates", readonly=True,
        states={'invisible': Eval('kind') != 'country'},
        help="A country programme is updated in the platform by the 15th "
        "of the month after each quarter (N§15.2).")

