# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"The roadmap of a project: stages and tasks (N§47-48, 61-66)"
from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.notification import notify_users
from trytond.modules.kz_base.request import DecisionRequestMixin
from trytond.modules.kz_base.who import (
    user_organization_id, users_of, users_of_kind)
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import RoadmapError
from .project import MODULE3_TASK

STAGES = [
    ('pre_investment', "Pre-investment"),
    ('investment', "Investment"),
    ('post_investment', "Post-investment"),
    ]
TASK_KINDS = [
    ('feasibility_study', "Feasibility study"),
    ('technical_conditions', "Technical conditions"),
    ('land_plot', "Land plot"),
    ('design_documents', "Design and estimate documents"),
    ('financing', "Financing"),
    ('construction', "Construction and installation works"),
    ('state_support', "State support measures"),
    ('commissioning_works', "Commissioning works"),
    ('commissioning', "Commissioning"),
    ('design_capacity', "Design capacity or serial production"),
    ('other', "Other"),
    ]
# The standard tasks of each stage (N§48)
TEMPLATES = {
    'pre_investment': ['feasibility_study', 'technical_conditions',
        'land_plot', 'design_documents', 'financing'],
    'investment': ['construction', 'state_support', 'commissioning_works',
        'commissioning'],
    'post_investment': ['design_capacity'],
    }
# The tasks the National Chamber validates (N§65)
VALIDATED_KINDS = {'construction', 'commissioning_works', 'commissioning',
    'design_capacity'}
# The project states in which the roadmap is planned
PLANNING_STATES = {'passport', 'roadmap'}
# The project states in which the tasks are carried out
RUNNING_STATES = {'with_roadmap', 'post_investment'}


class Stage(sequence_ordered(), ModelSQL, ModelView):
    "Roadmap stage"
    __name__ = 'ncip.roadmap.stage'
    __string__ = "Roadmap Stage"
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='CASCADE')
    kind = fields.Selection(STAGES, "Stage", required=True, sort=False)
    tasks = fields.One2Many(
        'ncip.roadmap.task', 'stage', "Tasks",
        context={'project': Eval('project', -1)}, depends=['project'])
    start = fields.Function(fields.Date("Start"), 'get_dates')
    end = fields.Function(fields.Date("End"), 'get_dates')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.project, Index.Equality())))

    def get_rec_name(self, name):
        # Within its project the stage is named by its kind only
        if Transaction().context.get('project') == self.project.id:
            return self.kind_string
        return '%s: %s' % (self.project.rec_name, self.kind_string)

    kind_string = kind.translated('kind')

    @classmethod
    def get_dates(cls, stages, names):
        result = {n: {} for n in names}
        for stage in stages:
            deadlines = [t.deadline for t in stage.tasks if t.deadline]
            if 'start' in names:
                result['start'][stage.id] = (
                    min(deadlines) if deadlines else None)
            if 'end' in names:
                result['end'][stage.id] = max(deadlines) if deadlines else None
        return result

    @classmethod
    def standard_values(cls, project):
        "Return the values of the three stages with their standard tasks"
        values = []
        for sequence, (kind, _) in enumerate(STAGES, 1):
            values.append({
                    'project': project.id,
                    'kind': kind,
                    'sequence': sequence * 10,
                    'tasks': [('create', [{
                                    'kind': k,
                                    'sequence': i * 10,
                                    } for i, k in enumerate(
                                    TEMPLATES[kind], 1)])],
                    })
        return values

    @classmethod
    def create_standard(cls, projects):
        "Create the three stages with their standard tasks (N§48)"
        to_create = []
        for project in projects:
            to_create.extend(cls.standard_values(project))
        with Transaction().set_context(_ncip_roadmap_planning=True):
            return cls.create(to_create)

    @classmethod
    def check_modification(cls, mode, stages, values=None, external=False):
        super().check_modification(
            mode, stages, values=values, external=external)
        if Transaction().context.get('_ncip_roadmap_planning'):
            return
        if mode in {'write', 'delete'}:
            for stage in stages:
                if stage.project.state not in PLANNING_STATES:
                    raise RoadmapError(gettext(
                            'kz_ncip.msg_roadmap_not_planning',
                            project=stage.project.rec_name))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('project')
                and not Transaction().context.get('_ncip_roadmap_planning')):
            Project = Pool().get('ncip.project')
            project = Project(values['project'])
            if project.state not in PLANNING_STATES:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_roadmap_not_planning',
                        project=project.rec_name))
        return values


class Task(DeadlineMixin, Workflow, sequence_ordered(), ModelSQL, ModelView):
    "Roadmap task"
    __name__ = 'ncip.roadmap.task'
    __string__ = "Roadmap Task"
    _deadline_fields = {'deadline', 'actual_end', 'state', 'kind'}
    _deadline_states = ('planned', 'done')

    _plan = {
        'readonly': Eval('project_state').in_(
            ['approval', 'verification', 'with_roadmap', 'post_investment',
                'suspended', 'closed', 'excluded', 'returned']),
        }
    stage = fields.Many2One(
        'ncip.roadmap.stage', "Stage", required=True, ondelete='CASCADE',
        domain=[('project', '=', Eval('project', -1))],
        states={'readonly': Eval('id', -1) >= 0})
    project = fields.Many2One(
        'ncip.project', "Project", readonly=True, ondelete='CASCADE')
    project_state = fields.Function(
        fields.Selection('get_project_states', "Project State"),
        'on_change_with_project_state')
    region = fields.Function(
        fields.Many2One('kz.region', "Region"), 'get_region',
        searcher='search_region')
    stage_kind = fields.Function(
        fields.Selection(STAGES, "Stage Kind"), 'get_stage_kind')
    kind = fields.Selection(
        TASK_KINDS, "Kind", required=True, sort=False, states=_plan)
    kind_string = kind.translated('kind')
    name = fields.Char("Description", states=_plan)
    deadline = fields.Date(
        "Deadline", states={
            'readonly': _plan['readonly'],
            'required': Eval('project_state') == 'approval',
            },
        help="Agreed with the investor (N§47); once approved it changes "
        "only through a deadline change approved by the authorized body "
        "(N§63).")
    expected_result = fields.Text("Expected Result", states=_plan)
    support_measures = fields.Text("State Support Measures", states=_plan)
    risks = fields.Text("Risks", states=_plan)
    mitigation = fields.Text("Risk Mitigation", states=_plan)
    responsible_organization = fields.Many2One(
        'kz.organization', "Responsible Organisation", states=_plan,
        ondelete='RESTRICT')
    # A user of the responsible body, whose name fills the person
    responsible_user = fields.Many2One(
        'res.user', "Responsible User", ondelete='SET NULL',
        states={
            'readonly': (_plan['readonly']
                | ~Eval('responsible_organization')),
            },
        domain=[
            ('kz_organization', '=', Eval('responsible_organization', -1)),
            ],
        help="A user of the responsible organisation.")
    responsible_person = fields.Char(
        "Responsible Person", states=_plan,
        help="The name of the responsible person: the chosen user or "
        "someone without an account, such as the investor's staff.")
    actual_end = fields.Date(
        "Actual End",
        states={
            'readonly': ((Eval('state') != 'planned')
                | ~Eval('project_state').in_(list(RUNNING_STATES))),
            })
    investor_consent = fields.Boolean(
        "Investor Consent",
        states={'readonly': Eval('state') != 'planned'},
        help="The akimat updates the progress only with the consent of "
        "the investor (N§64).")
    needs_validation = fields.Boolean(
        "Validated by the National Chamber", readonly=True,
        help="The National Chamber validates the task within 5 working "
        "days of its actual end (N§65).")
    state = fields.Selection([
            ('planned', "Planned"),
            ('done', "Done"),
            ('validated', "Validated"),
            ], "State", readonly=True, required=True, sort=False)
    validated_by = fields.Many2One(
        'res.user', "Validated by", readonly=True, ondelete='RESTRICT')
    validated_date = fields.Date("Validation Date", readonly=True)
    validation_note = fields.Text(
        "Validation Note",
        states={'readonly': Eval('state') != 'done'},
        help="Why the National Chamber refused the completion.")
    delay_days = fields.Integer(
        "Days Late", readonly=True,
        help="The days between the deadline and the actual end.")
    comments = fields.One2Many(
        'ncip.roadmap.task.comment', 'task', "Comments")
    deadline_changes = fields.One2Many(
        'ncip.roadmap.deadline_change', 'task', "Deadline Changes",
        readonly=True)
    counter = fields.Function(fields.Integer("Tasks"), 'get_counter')
    # One series per colour of the dashboard graphs (N§61)
    overdue_counter = fields.Function(
        fields.Integer("Overdue"), 'get_state_counter')
    warning_counter = fields.Function(
        fields.Integer("Due Soon"), 'get_state_counter')
    ok_counter = fields.Function(
        fields.Integer("On Time"), 'get_state_counter')

    del _plan

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.project, Index.Equality())),
                Index(t, (t.stage, Index.Equality())),
                Index(t, (t.deadline, Index.Range())),
                # The deadline filters (overdue, due soon)
                Index(t, (t.due_date, Index.Range())),
                })
        cls._order.insert(0, ('deadline', 'ASC NULLS LAST'))
        cls.rec_name.getter = 'get_rec_names'
        cls._transitions |= {
            ('planned', 'done'),
            ('planned', 'validated'),
            ('done', 'validated'),
            ('done', 'planned'),
            }
        cls._buttons.update({
                'complete': {
                    'invisible': ((Eval('state') != 'planned')
                        | ~Eval('project_state').in_(list(RUNNING_STATES))),
                    'depends': ['state', 'project_state'],
                    },
                'validate_task': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                'refuse_validation': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def default_kind(cls):
        return 'other'

    @classmethod
    def default_investor_consent(cls):
        return False

    @classmethod
    def default_project(cls):
        return Transaction().context.get('project')

    @classmethod
    def get_project_states(cls):
        Project = Pool().get('ncip.project')
        return [(None, "")] + Project.fields_get(['state'])['state'][
            'selection']

    @fields.depends('project', '_parent_project.state')
    def on_change_with_project_state(self, name=None):
        return self.project.state if self.project else None

    @fields.depends('responsible_organization', 'responsible_user')
    def on_change_responsible_organization(self):
        if (self.responsible_user
                and self.responsible_user.kz_organization
                != self.responsible_organization):
            self.responsible_user = None

    @fields.depends('responsible_user', 'responsible_person')
    def on_change_responsible_user(self):
        if self.responsible_user:
            self.responsible_person = self.responsible_user.name

    def get_region(self, name):
        return self.project.region.id if self.project else None

    @classmethod
    def search_region(cls, name, clause):
        return [('project.region',) + tuple(clause[1:])]

    def get_counter(self, name):
        return 1

    def get_state_counter(self, name):
        return int(self.deadline_state == name[:-len('_counter')])

    @classmethod
    def get_stage_kind(cls, tasks, name):
        pool = Pool()
        Stage = pool.get('ncip.roadmap.stage')
        task = cls.__table__()
        stage = Stage.__table__()
        cursor = Transaction().connection.cursor()
        result = {t.id: None for t in tasks}
        for sub_ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
            cursor.execute(*task.join(stage,
                    condition=task.stage == stage.id).select(
                    task.id, stage.kind,
                    where=reduce_ids(task.id, sub_ids)))
            result.update(cursor)
        return result

    def get_rec_name(self, name):
        label = self.name or self.kind_string
        if self.project:
            return '%s: %s' % (self.project.rec_name, label)
        return label

    @classmethod
    def get_rec_names(cls, tasks, name):
        """The rec_name of get_rec_name for many tasks in one query: a list
        of tasks shows it on every row"""
        pool = Pool()
        Project = pool.get('ncip.project')
        task = cls.__table__()
        project = Project.__table__()
        cursor = Transaction().connection.cursor()
        kinds = dict(cls.fields_get(['kind'])['kind']['selection'])
        result = {}
        for sub_ids in grouped_slice(
                [t.id for t in tasks], backend.MAX_QUERY_PARAMS):
            cursor.execute(*task.join(project, 'LEFT',
                    condition=task.project == project.id).select(
                    task.id, task.name, task.kind, project.id, project.name,
                    where=reduce_ids(task.id, sub_ids)))
            for id_, task_name, kind, project_id, project_name in cursor:
                label = task_name or kinds.get(kind, kind)
                if project_id is not None:
                    # The project's rec_name (its name)
                    label = '%s: %s' % (
                        project_name or f'({project_id})', label)
                result[id_] = label
        return result

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') or operator.startswith(
            'not ') else 'OR'
        return [bool_op,
            ('name', operator, value),
            ('project.rec_name', operator, value),
            ]

    # Deadline: the planned deadline, then the validation (N§61, 65)
    def get_deadline_start(self):
        if self.state == 'done':
            return self.actual_end if self.needs_validation else None
        return self.deadline

    def get_deadline_duration(self):
        if self.state == 'done':
            config = Pool().get('kz.configuration')(1)
            return config.task_validation_days, 'working'
        return 0, 'calendar'

    def get_deadline_recipients(self):
        if self.state == 'done':
            return users_of_kind('national_chamber')
        return users_of(filter(None, [
                    self.project.akimat if self.project else None,
                    self.responsible_organization]))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'kind' in field_names:
            needs = self.kind in VALIDATED_KINDS
            if getattr(self, 'needs_validation', None) != needs:
                values['needs_validation'] = needs
        if field_names is None or field_names & {'deadline', 'actual_end'}:
            delay = None
            if self.deadline and self.actual_end:
                delay = (self.actual_end - self.deadline).days
            if getattr(self, 'delay_days', None) != delay:
                values['delay_days'] = delay
        return values

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Stage = pool.get('ncip.roadmap.stage')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('stage'):
            values['project'] = Stage(values['stage']).project.id
        if (mode == 'create' and values.get('stage')
                and not Transaction().context.get('_ncip_roadmap_planning')):
            stage = Stage(values['stage'])
            if stage.project.state not in PLANNING_STATES:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_roadmap_not_planning',
                        project=stage.project.rec_name))
        return values

    @classmethod
    def check_modification(cls, mode, tasks, values=None, external=False):
        super().check_modification(
            mode, tasks, values=values, external=external)
        context = Transaction().context
        if mode == 'delete':
            for task in tasks:
                if task.project.state not in PLANNING_STATES:
                    raise RoadmapError(gettext(
                            'kz_ncip.msg_roadmap_not_planning',
                            project=task.project.rec_name))
        elif mode == 'write' and 'deadline' in values and not (
                context.get('_ncip_deadline_change')):
            for task in tasks:
                if (task.project.state not in PLANNING_STATES
                        and task.deadline != values['deadline']):
                    raise RoadmapError(gettext(
                            'kz_ncip.msg_task_deadline_change',
                            task=task.rec_name))

    @classmethod
    @ModelView.button
    def complete(cls, tasks):
        "The akimat records the actual end with the investor (N§64)"
        Date = Pool().get('ir.date')
        today = Date.today()
        for task in tasks:
            if task.project.state not in RUNNING_STATES:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_task_not_running', task=task.rec_name))
            if not task.actual_end or task.actual_end > today:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_task_actual_end', task=task.rec_name))
            if not task.investor_consent:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_task_investor_consent',
                        task=task.rec_name))
        to_validate = [t for t in tasks if t.needs_validation]
        # Nothing to validate: the task is final at once
        final = [t for t in tasks if not t.needs_validation]
        if to_validate:
            cls._to_done(to_validate)
        if final:
            cls._to_final(final)
        if to_validate:
            notify_users(users_of_kind('national_chamber'),
                gettext('kz_ncip.msg_task_validation_label'),
                gettext('kz_ncip.msg_task_validation_description',
                    tasks=', '.join(t.rec_name for t in to_validate)),
                to_validate)

    @classmethod
    @ModelView.button
    def validate_task(cls, tasks):
        """The National Chamber validates the task (N§65); validated design
        capacity or serial production moves the project to Module 3 (N§68)"""
        Project = Pool().get('ncip.project')
        cls._to_validated(tasks)
        projects = {t.project.id for t in cls.browse(tasks)
            if t.kind == MODULE3_TASK and t.state == 'validated'
            and t.project.state == 'with_roadmap'}
        if projects:
            Project.start_monitoring(Project.browse(sorted(projects)))

    @classmethod
    @Workflow.transition('done')
    def _to_done(cls, tasks):
        pass

    @classmethod
    @Workflow.transition('validated')
    def _to_final(cls, tasks):
        "A task that needs no validation is final once completed"
        pass

    @classmethod
    @Workflow.transition('validated')
    def _to_validated(cls, tasks):
        Date = Pool().get('ir.date')
        cls.write(list(tasks), {
                'validated_by': Transaction().user,
                'validated_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def refuse_validation(cls, tasks):
        for task in tasks:
            if not (task.validation_note or '').strip():
                raise RoadmapError(gettext(
                        'kz_ncip.msg_task_refuse_note', task=task.rec_name))
        cls.write(list(tasks), {'actual_end': None})


class TaskComment(ModelSQL, ModelView):
    "Roadmap task comment"
    __name__ = 'ncip.roadmap.task.comment'
    __string__ = "Roadmap Task Comment"
    task = fields.Many2One(
        'ncip.roadmap.task', "Task", required=True, ondelete='CASCADE')
    author = fields.Many2One(
        'res.user', "Author", readonly=True, ondelete='RESTRICT')
    organization = fields.Many2One(
        'kz.organization', "Organisation", readonly=True,
        ondelete='RESTRICT')
    date = fields.Function(fields.DateTime("Date"), 'get_date')
    text = fields.Text("Comment", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    file = fields.Binary("File", filename='file_name',
        states={'readonly': Eval('id', -1) >= 0})
    file_name = fields.Char("File Name",
        states={
            'readonly': Eval('id', -1) >= 0,
            'invisible': ~Bool(Eval('file')),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.task, Index.Equality())))
        cls._order.insert(0, ('create_date', 'ASC'))

    @classmethod
    def default_author(cls):
        return Transaction().user or None

    @classmethod
    def default_organization(cls):
        return user_organization_id()

    def get_date(self, name):
        if self.create_date:
            return self.create_date.replace(microsecond=0)

    @classmethod
    def participants(cls, task):
        "Return the organisations competent to comment on the task (N§66)"
        Organization = Pool().get('kz.organization')
        project = task.project
        organizations = {o for o in [project.akimat, project.initiator,
                task.responsible_organization] if o}
        organizations.update(Organization.search(['OR',
                    ('party', '=', project.investor.id),
                    ('kind', 'in', ['national_chamber', 'authorized_body',
                            'national_company']),
                    ]))
        organizations.update(
            a.organization for a in project.approvals if a.organization)
        return organizations

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Task = pool.get('ncip.roadmap.task')
        User = pool.get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            user_id = Transaction().user
            values['author'] = user_id or None
            values['organization'] = user_organization_id()
            if user_id and values.get('task'):
                task = Task(values['task'])
                context = User.kz_rule_context()
                mine = set(context['kz_organizations']) | {
                    context['kz_organization']}
                if not mine & {o.id for o in cls.participants(task)}:
                    raise RoadmapError(gettext(
                            'kz_ncip.msg_task_comment_competence',
                            task=task.rec_name))
        return values

    @classmethod
    def check_modification(cls, mode, comments, values=None,
            external=False):
        super().check_modification(
            mode, comments, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            raise RoadmapError(gettext('kz_ncip.msg_task_comment_modify'))


class DeadlineChange(DecisionRequestMixin, Workflow, ModelSQL, ModelView):
    "Roadmap task deadline change"
    __name__ = 'ncip.roadmap.deadline_change'
    __string__ = "Roadmap Task Deadline Change"
    _states = {'readonly': Eval('state') != 'draft'}
    task = fields.Many2One(
        'ncip.roadmap.task', "Task", required=True, ondelete='CASCADE',
        states=_states)
    project = fields.Function(
        fields.Many2One('ncip.project', "Project"), 'get_project',
        searcher='search_project')
    old_deadline = fields.Date("Old Deadline", readonly=True)
    new_deadline = fields.Date("New Deadline", required=True, states=_states)
    reason = fields.Text("Reason", required=True, states=_states)
    investor_agreed = fields.Boolean(
        "Agreed with the Investor", states=_states,
        help="The akimat revises deadlines together with the investor "
        "(N§63).")
    requested_by = fields.Many2One(
        'res.user', "Requested by", readonly=True, ondelete='RESTRICT')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.task, Index.Equality())))
        cls._order.insert(0, ('create_date', 'DESC'))

    @classmethod
    def default_investor_agreed(cls):
        return False

    def get_project(self, name):
        return self.task.project.id if self.task.project else None

    @classmethod
    def search_project(cls, name, clause):
        return [('task.project',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return '%s → %s' % (self.task.rec_name, self.new_deadline)

    @classmethod
    def preprocess_values(cls, mode, values):
        Task = Pool().get('ncip.roadmap.task')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('task'):
            values['old_deadline'] = Task(values['task']).deadline
        return values

    @classmethod
    @ModelView.button
    @Workflow.transition('requested')
    def request(cls, changes):
        for change in changes:
            if not change.investor_agreed:
                raise RoadmapError(gettext(
                        'kz_ncip.msg_deadline_change_investor',
                        task=change.task.rec_name))
        super().request(changes)
        cls.write(list(changes), {'requested_by': Transaction().user})
        notify_users(users_of_kind('authorized_body'),
            gettext('kz_ncip.msg_deadline_change_label'),
            gettext('kz_ncip.msg_deadline_change_description',
                tasks=', '.join(c.task.rec_name for c in changes)),
            list(changes))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, changes):
        "The authorized body approves: the new deadline applies (N§63)"
        Task = Pool().get('ncip.roadmap.task')
        with Transaction().set_context(_ncip_deadline_change=True):
            for change in changes:
                Task.write([change.task], {'deadline': change.new_deadline})
        super().approve(changes)
