# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The roadmap templates: the standard stages and tasks of N§48 with their
usual durations, which pre-fill the roadmap of a project"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import RoadmapError, RoadmapWarning
from .roadmap import STAGES, TASK_KINDS

RESPONSIBLE = [
    (None, ""),
    ('akimat', "Akimat of the project"),
    ('investor', "Investor"),
    ]


class Template(DeactivableMixin, ModelSQL, ModelView):
    "Roadmap template"
    __name__ = 'ncip.roadmap.template'
    __string__ = "Roadmap Template"
    name = fields.Char("Name", required=True, translate=True)
    lines = fields.One2Many(
        'ncip.roadmap.template.line', 'template', "Tasks")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    def stage_values(self, project, start):
        """Return the values to create the stages of the project with their
        tasks, the deadlines counted from the start date"""
        stages = {}
        for line in self.lines:
            stages.setdefault(line.stage, []).append(
                line.task_values(project, start))
        values = []
        for sequence, (kind, _) in enumerate(STAGES, 1):
            if kind not in stages:
                continue
            values.append({
                    'project': project.id,
                    'kind': kind,
                    'sequence': sequence * 10,
                    'tasks': [('create', stages[kind])],
                    })
        return values


class TemplateLine(sequence_ordered(), ModelSQL, ModelView):
    "Roadmap template task"
    __name__ = 'ncip.roadmap.template.line'
    __string__ = "Roadmap Template Task"
    template = fields.Many2One(
        'ncip.roadmap.template', "Template", required=True,
        ondelete='CASCADE')
    stage = fields.Selection(STAGES, "Stage", required=True, sort=False)
    kind = fields.Selection(TASK_KINDS, "Kind", required=True, sort=False)
    name = fields.Char("Description", translate=True)
    days = fields.Integer(
        "Days", required=True, domain=[('days', '>=', 0)],
        help="The deadline of the task in calendar days after the start "
        "of the roadmap.")
    responsible = fields.Selection(
        RESPONSIBLE, "Responsible Body", sort=False,
        help="The organisation the task is assigned to.")
    expected_result = fields.Text("Expected Result", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.template, Index.Equality())))

    @classmethod
    def default_stage(cls):
        return 'pre_investment'

    @classmethod
    def default_kind(cls):
        return 'other'

    @classmethod
    def default_days(cls):
        return 0

    def get_rec_name(self, name):
        return self.name or dict(self._fields['kind'].selection)[self.kind]

    def task_values(self, project, start):
        return {
            'kind': self.kind,
            'name': self.name,
            'sequence': self.sequence,
            'deadline': start + dt.timedelta(days=self.days),
            'responsible_organization': getattr(
                self.responsible_organization(project), 'id', None),
            'expected_result': self.expected_result,
            }

    def responsible_organization(self, project):
        Organization = Pool().get('kz.organization')
        if self.responsible == 'akimat':
            return project.akimat
        elif self.responsible == 'investor':
            # The investor may have no organisation yet
            organizations = Organization.search([
                    ('party', '=', project.investor.id),
                    ], limit=1)
            return organizations[0] if organizations else None


class Project(metaclass=PoolMeta):
    __name__ = 'ncip.project'
    roadmap_template = fields.Many2One(
        'ncip.roadmap.template', "Roadmap Template", ondelete='RESTRICT',
        states={
            'readonly': ~Eval('state').in_(['passport', 'roadmap']),
            },
        help="The standard stages and tasks the roadmap is filled from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'fill_roadmap': {
                    'invisible': Eval('state') != 'roadmap',
                    'readonly': ~Eval('roadmap_template'),
                    'depends': ['state', 'roadmap_template'],
                    },
                })

    @classmethod
    def default_roadmap_template(cls):
        Configuration = Pool().get('kz.configuration')
        template = Configuration(1).roadmap_template
        return template.id if template else None

    @classmethod
    @ModelView.button
    def fill_roadmap(cls, projects):
        """Replace the stages and tasks by those of the template, with
        their deadlines counted from the start of the roadmap"""
        pool = Pool()
        Stage = pool.get('ncip.roadmap.stage')
        Warning = pool.get('res.user.warning')
        # Check every project first: nothing is written when one fails
        for project in projects:
            if project.state != 'roadmap':
                raise RoadmapError(gettext(
                        'kz_ncip.msg_roadmap_fill_state',
                        project=project.rec_name))
            if not project.roadmap_template:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_roadmap_no_template',
                        project=project.rec_name))
        filled = [p for p in projects if p.tasks]
        if filled:
            key = Warning.format('ncip_roadmap_fill', filled)
            if Warning.check(key):
                raise RoadmapWarning(key, gettext(
                        'kz_ncip.msg_roadmap_fill_replace',
                        projects=', '.join(p.rec_name for p in filled)))
        Stage.delete([s for p in projects for s in p.stages])
        Stage.create_standard(projects)


class Stage(metaclass=PoolMeta):
    __name__ = 'ncip.roadmap.stage'

    @classmethod
    def standard_values(cls, project):
        "Use the template of the project; without one, the bare N§48 tasks"
        pool = Pool()
        Date = pool.get('ir.date')
        template = project.roadmap_template
        if not template:
            return super().standard_values(project)
        start = project.roadmap_date or Date.today()
        return template.stage_values(project, start)

