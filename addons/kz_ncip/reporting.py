# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The quarterly reports of the front offices (N§24, 72-77)"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.who import (
    user_organization_id, users_of, users_of_kind)
from trytond.modules.kz_base.xlsx import XlsxReport
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction

from .exceptions import ReportingError
from .project import ACTIVE_STATES
from .rating import previous_quarter, quarter_end

REPORT_KINDS = [
    ('regional', "Regional front office"),
    ('external', "External front office"),
    ('consolidated', "Consolidated (national company)"),
    ]
# The organisation kinds that report, by kind of report (N§74-75): every
# regional front office of N§4, the regional representatives of central
# bodies and support organisations included
REPORTING_KINDS = {
    'regional': ['akimat', 'regional_organization',
        'central_state_body_regional', 'support_organization_regional'],
    'external': ['embassy', 'national_company_foreign'],
    'consolidated': ['national_company'],
    }
class QuarterlyReport(DeadlineMixin, Workflow, ModelSQL, ModelView):
    "Quarterly report"
    __name__ = 'ncip.quarterly.report'
    __string__ = "Quarterly Report"
    _deadline_fields = {'year', 'quarter', 'kind', 'state'}
    _deadline_states = ('draft',)
    _states = {'readonly': Eval('state') != 'draft'}

    kind = fields.Selection(
        REPORT_KINDS, "Kind", required=True, sort=False, states=_states)
    organization = fields.Many2One(
        'kz.organization', "Organisation", required=True,
        ondelete='RESTRICT', states=_states)
    region = fields.Many2One(
        'kz.region', "Region", ondelete='RESTRICT',
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('kind') != 'regional',
            'required': Eval('kind') == 'regional',
            })
    year = fields.Integer("Year", required=True, states=_states)
    quarter = fields.Integer(
        "Quarter", required=True, states=_states,
        domain=[('quarter', '>=', 1), ('quarter', '<=', 4)])
    summary = fields.Text(
        "Work Done", states=_states,
        help="The work done in the quarter, problems and proposals.")
    lines = fields.One2Many(
        'ncip.quarterly.report.line', 'report', "Projects", readonly=True)
    received_reports = fields.Function(fields.Many2Many(
            'ncip.quarterly.report', None, None, "Received Reports",
            states={'invisible': Eval('kind') != 'consolidated'},
            help="The submitted reports of the regional and external front "
            "offices for the quarter, which the consolidated report "
            "consolidates."),
        'get_front_office_reports')
    pending_reports = fields.Function(fields.Many2Many(
            'ncip.quarterly.report', None, None, "Reports Not Received",
            states={'invisible': Eval('kind') != 'consolidated'},
            help="The reports of the front offices for the quarter that are "
            "not submitted yet."),
        'get_front_office_reports')
    submitted_by = fields.Many2One(
        'res.user', "Submitted by", readonly=True, ondelete='RESTRICT')
    submitted_date = fields.Date("Submission Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('submitted', "Submitted"),
            ], "State", readonly=True, required=True, sort=False)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.year, Index.Equality()),
                (t.quarter, Index.Equality())))
        cls._order.insert(0, ('year', 'DESC'))
        cls._order.insert(1, ('quarter', 'DESC'))
        cls._transitions |= {('draft', 'submitted')}
        cls._buttons.update({
                'generate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'submit': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'regional'

    @classmethod
    def default_year(cls):
        return previous_quarter(Pool().get('ir.date').today())[0]

    @classmethod
    def default_quarter(cls):
        return previous_quarter(Pool().get('ir.date').today())[1]

    @classmethod
    def default_organization(cls):
        return user_organization_id()

    def get_rec_name(self, name):
        return '%s %s Q%s' % (
            self.organization.rec_name, self.year, self.quarter)

    # Due by the 15th (20th for the consolidated report) of the month after
    # the quarter (N§74-75, 28)
    def get_deadline_start(self):
        if self.year and self.quarter:
            return quarter_end(self.year, self.quarter)

    def get_deadline_duration(self):
        config = Pool().get('kz.configuration')(1)
        if self.kind == 'consolidated':
            return config.consolidated_report_day, 'calendar'
        return config.quarterly_report_day, 'calendar'

    def get_deadline_recipients(self):
        return users_of([self.organization])

    def get_front_office_reports(self, name):
        if self.kind != 'consolidated':
            return []
        state = 'submitted' if name == 'received_reports' else 'draft'
        return [r.id for r in self.search([
                    ('kind', 'in', ['regional', 'external']),
                    ('year', '=', self.year),
                    ('quarter', '=', self.quarter),
                    ('state', '=', state),
                    ], order=[('kind', 'ASC'), ('id', 'ASC')])]

    def get_recipients(self):
        "The users the submitted report goes to (N§74-75, 7.4)"
        Organization = Pool().get('kz.organization')
        if self.kind == 'regional':
            # The national company and its office in the region
            return users_of(Organization.search(['OR',
                        ('kind', '=', 'national_company'),
                        [('kind', '=', 'national_company_regional'),
                            ('region', '=', self.region.id)],
                        ]))
        return users_of_kind('authorized_body')

    def project_domain(self):
        date = quarter_end(self.year, self.quarter)
        domain = [
            ('passport_date', '<=', date),
            ('state', 'in', ACTIVE_STATES + ['closed', 'excluded']),
            ]
        if self.kind == 'regional':
            domain.append(('region', '=', self.region.id))
        elif self.kind == 'external':
            domain.append(('initiator', 'child_of', [self.organization.id],
                    'parent'))
        return domain

    @classmethod
    @ModelView.button
    def generate(cls, reports):
        "Fill the report from the projects and their roadmaps"
        pool = Pool()
        Project = pool.get('ncip.project')
        Line = pool.get('ncip.quarterly.report.line')
        Line.delete([l for r in reports for l in r.lines])
        to_create = []
        for report in reports:
            if report.kind == 'consolidated':
                to_create.extend(report._consolidated_lines())
                continue
            date = quarter_end(report.year, report.quarter)
            start = dt.date(report.year, report.quarter * 3 - 2, 1)
            for project in Project.search(report.project_domain()):
                tasks = [t for t in project.tasks if t.deadline]
                done = [t for t in tasks
                    if t.actual_end and start <= t.actual_end <= date]
                late = [t for t in tasks
                    if (t.actual_end and t.actual_end <= date
                        and t.actual_end > t.deadline)
                    or ((not t.actual_end or t.actual_end > date)
                        and t.deadline < date)]
                to_create.append({
                        'report': report.id,
                        'project': project.id,
                        'region': project.region.id,
                        'pool': project.pool,
                        'state': project.state,
                        'cost': project.cost,
                        'tasks': len(tasks),
                        'done_tasks': len(done),
                        'late_tasks': len(late),
                        })
        Line.create(to_create)

    def _consolidated_lines(self):
        """The lines of the front-office reports received: a project that
        several reports list keeps the line of the last one submitted"""
        by_project = {}
        received = sorted(self.received_reports,
            key=lambda r: (r.submitted_date, r.id))
        for report in received:
            for line in report.lines:
                by_project[line.project.id] = line
        return [{
                'report': self.id,
                'source': line.report.id,
                'project': line.project.id,
                'region': line.region.id if line.region else None,
                'pool': line.pool,
                'state': line.state,
                'cost': line.cost,
                'tasks': line.tasks,
                'done_tasks': line.done_tasks,
                'late_tasks': line.late_tasks,
                } for line in by_project.values()]

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, reports):
        Date = Pool().get('ir.date')
        for report in reports:
            if not report.lines and not (report.summary or '').strip():
                raise ReportingError(gettext(
                        'kz_ncip.msg_report_empty', report=report.rec_name))
        cls.write(list(reports), {
                'submitted_by': Transaction().user,
                'submitted_date': Date.today(),
                })
        for report in reports:
            notify_users(report.get_recipients(),
                gettext('kz_ncip.msg_report_submitted_label',
                    report=report.rec_name),
                gettext('kz_ncip.msg_report_submitted_description',
                    report=report.rec_name,
                    organization=report.organization.rec_name),
                [report])

    @classmethod
    def on_modification(cls, mode, reports, field_names=None):
        super().on_modification(mode, reports, field_names=field_names)
        if mode == 'write' and 'state' in (field_names or ()):
            cls.consolidate(cls.browse([r.id for r in reports]))

    @classmethod
    def consolidate(cls, reports):
        "Regenerate the draft consolidated reports of the reports' quarters"
        periods = {(r.year, r.quarter) for r in reports
            if r.kind != 'consolidated' and r.state == 'submitted'}
        if not periods:
            return
        consolidated = cls.search(['OR'] + [[
                    ('kind', '=', 'consolidated'),
                    ('state', '=', 'draft'),
                    ('year', '=', y), ('quarter', '=', q),
                    ] for y, q in periods])
        if consolidated:
            cls.generate(consolidated)

    @classmethod
    def create_quarterly(cls, date=None):
        "Cron: open the reports of the last quarter for every front office"
        pool = Pool()
        Organization = pool.get('kz.organization')
        Date = pool.get('ir.date')
        year, quarter = previous_quarter(date or Date.today())
        existing = {(r.organization.id, r.kind) for r in cls.search([
                    ('year', '=', year), ('quarter', '=', quarter)])}
        to_create = []
        for kind, kinds in REPORTING_KINDS.items():
            for organization in Organization.search([('kind', 'in', kinds)]):
                if (organization.id, kind) in existing:
                    continue
                if kind == 'regional' and not organization.region:
                    continue
                to_create.append({
                        'kind': kind,
                        'organization': organization.id,
                        'region': (organization.region.id
                            if kind == 'regional' else None),
                        'year': year,
                        'quarter': quarter,
                        })
        reports = cls.create(to_create)
        if reports:
            cls.generate(reports)
        return reports


class QuarterlyReportLine(ModelSQL, ModelView):
    "Quarterly report line"
    __name__ = 'ncip.quarterly.report.line'
    __string__ = "Quarterly Report Line"
    report = fields.Many2One(
        'ncip.quarterly.report', "Report", required=True,
        ondelete='CASCADE')
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='CASCADE')
    source = fields.Many2One(
        'ncip.quarterly.report', "Source Report", ondelete='SET NULL',
        help="The front-office report a consolidated line comes from.")
    region = fields.Many2One('kz.region', "Region", ondelete='RESTRICT')
    pool = fields.Char("Pool")
    state = fields.Char("State")
    cost = fields.Numeric("Estimated Cost", digits=(16, 2))
    tasks = fields.Integer("Tasks")
    done_tasks = fields.Integer("Tasks Done in the Quarter")
    late_tasks = fields.Integer("Late Tasks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.report, Index.Equality())))

    def get_rec_name(self, name):
        # A line reports on its project
        return self.project.rec_name

    def _translated(self, name):
        Project = Pool().get('ncip.project')
        selection = dict(Project.fields_get([name])[name]['selection'])
        return selection.get(getattr(self, name), getattr(self, name))

    @property
    def pool_string(self):
        return self._translated('pool')

    @property
    def state_string(self):
        return self._translated('state')


class QuarterlyReportXlsx(XlsxReport):
    "Quarterly report (Excel)"
    __name__ = 'ncip.quarterly.report.xlsx'
    _fields = ['project', 'region', 'pool', 'state', 'cost', 'tasks',
        'done_tasks', 'late_tasks']

    @classmethod
    def get_rows(cls, records, data):
        Line = Pool().get('ncip.quarterly.report.line')
        sheets = []
        for report in records:
            rows = [[l.project.rec_name, l.region, l.pool_string,
                    l.state_string, l.cost, l.tasks, l.done_tasks,
                    l.late_tasks] for l in report.lines]
            sheets.append((report.rec_name, cls.headers(Line, cls._fields),
                    rows))
        return sheets


class QuarterlyReportDocument(Report):
    "Quarterly report (document)"
    __name__ = 'ncip.quarterly.report.document'

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Report_ = pool.get('ncip.quarterly.report')
        Line = pool.get('ncip.quarterly.report.line')
        context = super().get_context(records, header, data)
        fields_ = ['kind', 'organization', 'region', 'year', 'quarter',
            'summary', 'state', 'submitted_date', 'due_date']
        report_strings = Report_.fields_get(fields_)
        line_strings = Line.fields_get(QuarterlyReportXlsx._fields)
        context['label'] = {n: v['string'] for n, v in (
                list(report_strings.items()) + list(line_strings.items()))}
        context['kinds'] = dict(report_strings['kind']['selection'])
        context['title'] = pool.get('ir.model').get_name(Report_.__name__)
        return context
