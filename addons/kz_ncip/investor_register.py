# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The register of investors (N§3.19): the investors implementing
projects of the national pool, one line per investor, computed by one SQL
query from the projects."""
from sql import Literal
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.kz_base.xlsx import XlsxReport
from trytond.pool import Pool
from trytond.transaction import check_access

from .project import ACTIVE_STATES


class InvestorRegister(ModelSQL, ModelView):
    "Register of investors"
    __name__ = 'ncip.investor.register'
    __string__ = "Register of Investors"
    investor = fields.Many2One('party.party', "Investor", readonly=True)
    bin = fields.Char("BIN", readonly=True)
    origin_country = fields.Many2One(
        'country.country', "Country of Origin", readonly=True)
    project_count = fields.Integer(
        "National Pool Projects", readonly=True,
        help="The investor's projects of the national pool that are "
        "prepared, implemented or monitored (N§3.8).")
    contract_count = fields.Integer(
        "Under Investment Contract", readonly=True)
    total_cost = fields.Numeric(
        "Total Estimated Cost", digits=(16, 2), readonly=True)
    first_passport_date = fields.Date("First Passport", readonly=True)
    regions = fields.Function(fields.Char("Regions"), 'get_projects_info')
    projects = fields.Function(
        fields.Many2Many('ncip.project', None, None, "Projects"),
        'get_projects_info')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('investor', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        # A row of the register is its investor
        return self.investor.rec_name if self.investor else str(self.id)

    @classmethod
    def project_domain(cls):
        "The projects that put their investor in the register"
        return [('pool', '=', 'national'), ('state', 'in', ACTIVE_STATES)]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Project = pool.get('ncip.project')
        Party = pool.get('party.party')
        project = Project.__table__()
        party = Party.__table__()
        return project.join(party, condition=project.investor == party.id
            ).select(
            party.id.as_('id'),
            Max(project.create_uid).as_('create_uid'),
            Max(project.create_date).as_('create_date'),
            Max(project.write_uid).as_('write_uid'),
            Max(project.write_date).as_('write_date'),
            party.id.as_('investor'),
            Max(project.bin).as_('bin'),
            Max(party.origin_country).as_('origin_country'),
            Count(project.id).as_('project_count'),
            Sum(Case((project.investment_contract == Literal(True),
                        Literal(1)), else_=Literal(0))).as_('contract_count'),
            Sum(project.cost).as_('total_cost'),
            Min(project.passport_date).as_('first_passport_date'),
            where=(project.pool == 'national')
            & project.state.in_(ACTIVE_STATES),
            group_by=[party.id])

    @classmethod
    def get_projects_info(cls, lines, names):
        """The projects the user may read (its record rules apply); a
        line's id is its investor's"""
        Project = Pool().get('ncip.project')
        # Getters run without access checks: the user's record rules apply
        with check_access():
            projects = Project.search(cls.project_domain() + [
                    ('investor', 'in', [l.investor.id for l in lines]),
                    ], order=[('name', 'ASC'), ('id', 'ASC')])
        result = {n: {l.id: None if n == 'regions' else [] for l in lines}
            for n in names}
        regions = {}
        for project in projects:
            if 'projects' in result:
                result['projects'][project.investor.id].append(project.id)
            regions.setdefault(project.investor.id, set()).add(
                project.region.rec_name)
        if 'regions' in result:
            for investor, names_ in regions.items():
                result['regions'][investor] = ', '.join(sorted(names_))
        return result


class InvestorRegisterXlsx(XlsxReport):
    "Register of investors (Excel)"
    __name__ = 'ncip.investor.register.xlsx'
    _fields = ['investor', 'bin', 'origin_country', 'project_count',
        'contract_count', 'total_cost', 'first_passport_date', 'regions']

    @classmethod
    def get_rows(cls, records, data):
        Register = Pool().get('ncip.investor.register')
        # Nothing selected: the whole register
        if not records:
            records = Register.search([])
        rows = [[getattr(r, n) for n in cls._fields] for r in records]
        return cls.title(Register), cls.headers(Register, cls._fields), rows
