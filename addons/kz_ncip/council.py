# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The Investment Council's meetings and their agenda (N§7.2): questions of
the investment climate and of projects, among them the projects without
progress that the authorized body puts on the next meeting"""
import datetime as dt

from sql import Null
from sql.conditionals import Coalesce
from sql.functions import CurrentDate

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Workflow, fields, sequence_ordered)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import CouncilError, CouncilValidationError

# The states in which a project is expected to progress (Module 2)
PROGRESS_STATES = ['passport', 'roadmap', 'approval', 'verification',
    'with_roadmap']
# The task fields whose change is progress (not the deadline flags the
# daily cron writes)
TASK_PROGRESS_FIELDS = {'state', 'actual_end', 'deadline'}

AGENDA_KINDS = [
    ('no_progress', "Project without progress"),
    ('project', "Project question"),
    ('climate', "Investment climate"),
    ]


def rename_table(old, new):
    "Rename the table of a model moved from another module"
    TableHandler = backend.TableHandler
    if TableHandler.table_exist(old) and not TableHandler.table_exist(new):
        TableHandler.table_rename(old, new)


class CouncilMeeting(Workflow, ModelSQL, ModelView):
    "Investment Council meeting"
    __name__ = 'ncip.council.meeting'
    __string__ = "Investment Council Meeting"
    _states = {
        'readonly': Eval('state') != 'planned',
        }
    name = fields.Char("Name", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    agenda = fields.One2Many(
        'ncip.council.agenda_item', 'meeting', "Agenda",
        states=_states)
    minutes = fields.Text("Minutes")
    state = fields.Selection([
            ('planned', "Planned"),
            ('held', "Held"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __register__(cls, module):
        # Migration from 8.0.0: the meetings moved from kz_green_corridor
        rename_table('green_corridor_council_meeting', cls._table)
        super().__register__(module)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order.insert(0, ('date', 'DESC'))
        cls._transitions |= {
            ('planned', 'held'),
            ('held', 'planned'),
            }
        cls._buttons.update({
                'generate_agenda': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'hold': {
                    'invisible': Eval('state') != 'planned',
                    'depends': ['state'],
                    },
                'plan': {
                    'invisible': Eval('state') != 'held',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'planned'

    @classmethod
    def next_meeting(cls):
        "Return the next planned meeting from today or None"
        Date = Pool().get('ir.date')
        meetings = cls.search([
                ('state', '=', 'planned'),
                ('date', '>=', Date.today()),
                ], order=[('date', 'ASC'), ('id', 'ASC')], limit=1)
        return meetings[0] if meetings else None

    def add_items(self, items):
        """Append the agenda items (dicts) not yet on the agenda of a
        planned meeting, as told by agenda_key"""
        AgendaItem = Pool().get('ncip.council.agenda_item')
        with without_check_access():
            keys = [AgendaItem.agenda_key(i) for i in items]
            listed = {i.key for i in AgendaItem.search([
                        ('meeting.state', '=', 'planned'),
                        ('project', 'in', list(filter(None,
                                    (i.get('project') for i in items)))),
                        ])}
            sequence = max((i.sequence or 0 for i in self.agenda), default=0)
            to_create = []
            for key, item in zip(keys, items):
                if key in listed:
                    continue
                listed.add(key)
                sequence += 10
                to_create.append(
                    {'meeting': self.id, 'sequence': sequence, **item})
            return AgendaItem.create(to_create)

    @classmethod
    def agenda_candidates(cls):
        """Return the agenda items (dicts) that generate_agenda adds: the
        projects without progress (N§7.2); other modules add theirs"""
        Project = Pool().get('ncip.project')
        projects = Project.search([('stalled', '=', True)],
            order=[('progress_date', 'ASC'), ('id', 'ASC')])
        return [p.agenda_values() for p in projects]

    @classmethod
    @ModelView.button
    def generate_agenda(cls, meetings):
        "Put the pending questions on the agenda of the planned meetings"
        items = cls.agenda_candidates()
        for meeting in meetings:
            if meeting.state == 'planned':
                meeting.add_items(items)

    @classmethod
    @ModelView.button
    @Workflow.transition('held')
    def hold(cls, meetings):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('planned')
    def plan(cls, meetings):
        pass


class AgendaItem(sequence_ordered(), ModelSQL, ModelView):
    "Investment Council agenda item"
    __name__ = 'ncip.council.agenda_item'
    __string__ = "Investment Council Agenda Item"
    meeting = fields.Many2One(
        'ncip.council.meeting', "Meeting", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(
        AGENDA_KINDS, "Kind", required=True, sort=False)
    kind_string = kind.translated('kind')
    project = fields.Many2One(
        'ncip.project', "Project", ondelete='CASCADE',
        states={
            'required': Eval('kind').in_(['no_progress', 'project']),
            })
    subject = fields.Char("Subject")
    decision = fields.Text("Decision")

    @classmethod
    def __register__(cls, module):
        # Migration from 8.0.0: the agenda moved from kz_green_corridor
        rename_table('green_corridor_council_agenda_item', cls._table)
        super().__register__(module)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.meeting, Index.Equality())),
                Index(t, (t.project, Index.Equality())),
                })

    @classmethod
    def default_kind(cls):
        return 'project'

    @classmethod
    def agenda_key(cls, values):
        "The key under which a question is listed once per planned meeting"
        return (values.get('kind'), values.get('project'))

    @property
    def key(self):
        return self.agenda_key({
                'kind': self.kind,
                'project': self.project.id if self.project else None,
                })

    def get_rec_name(self, name):
        names = [n for n in [
                self.project.rec_name if self.project else None,
                self.subject] if n]
        return ': '.join(names) or self.kind_string

    @classmethod
    def search_rec_name(cls, name, clause):
        return ['OR',
            ('subject',) + tuple(clause[1:]),
            ('project.rec_name',) + tuple(clause[1:]),
            ]

    @classmethod
    def validate_fields(cls, items, field_names):
        super().validate_fields(items, field_names)
        if field_names is None or field_names & {'kind', 'subject'}:
            for item in items:
                if (item.kind == 'climate'
                        and not (item.subject or '').strip()):
                    raise CouncilValidationError(gettext(
                            'kz_ncip.msg_agenda_subject_required'))


class Project(metaclass=PoolMeta):
    __name__ = 'ncip.project'
    progress_date = fields.Date(
        "Last Progress", readonly=True,
        help="The last change of the project's state or of one of its "
        "roadmap tasks (completion, validation, deadline) or comments.")
    stalled = fields.Function(
        fields.Boolean("No Progress",
            help="Being implemented without progress for more than the "
            "days set in the configuration (N§7.2)."),
        'get_stalled', searcher='search_stalled')
    agenda_items = fields.One2Many(
        'ncip.council.agenda_item', 'project', "Investment Council Agenda",
        readonly=True)

    @classmethod
    def __register__(cls, module):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        exist = cls.__table_handler__(module).column_exist('progress_date')
        super().__register__(module)
        # Migration from 8.0.0: the last change stands for the progress
        if not exist:
            cursor.execute(*table.update([table.progress_date], [Coalesce(
                            table.write_date, table.create_date,
                            CurrentDate())],
                    where=table.progress_date == Null))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.progress_date, Index.Range())))
        cls._buttons.update({
                'add_to_agenda': {
                    'invisible': ~Eval('state').in_(PROGRESS_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_progress_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _stalled_limit(cls):
        "Return the last progress date of a project without progress"
        Configuration = Pool().get('kz.configuration')
        today = Pool().get('ir.date').today()
        return today - dt.timedelta(days=Configuration(1).no_progress_days)

    @classmethod
    def get_stalled(cls, projects, name):
        limit = cls._stalled_limit()
        return {p.id: bool(p.state in PROGRESS_STATES and p.progress_date
                and p.progress_date <= limit) for p in projects}

    @classmethod
    def search_stalled(cls, name, clause):
        _, operator, value = clause[:3]
        limit = cls._stalled_limit()
        if (operator == '=') == bool(value):
            return [
                ('state', 'in', PROGRESS_STATES),
                ('progress_date', '<=', limit),
                ]
        return ['OR',
            ('state', 'not in', PROGRESS_STATES),
            ('progress_date', '>', limit),
            ('progress_date', '=', None),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'write' and 'state' in values:
            values['progress_date'] = Pool().get('ir.date').today()
        return values

    @classmethod
    def record_progress(cls, projects):
        today = Pool().get('ir.date').today()
        projects = [p for p in projects if p.progress_date != today]
        if projects:
            with without_check_access():
                cls.write(projects, {'progress_date': today})

    @classmethod
    @ModelView.button
    def add_to_agenda(cls, projects):
        """The authorized body puts the projects on the agenda of the next
        Investment Council meeting (N§7.2)"""
        Meeting = Pool().get('ncip.council.meeting')
        meeting = Meeting.next_meeting()
        if not meeting:
            raise CouncilError(gettext('kz_ncip.msg_agenda_no_meeting'))
        meeting.add_items([p.agenda_values() for p in projects])

    def agenda_values(self):
        "The agenda item of the project"
        return {
            'kind': 'no_progress' if self.stalled else 'project',
            'project': self.id,
            'subject': gettext('kz_ncip.msg_agenda_no_progress',
                date=self.progress_date) if self.stalled else None,
            }


class Task(metaclass=PoolMeta):
    __name__ = 'ncip.roadmap.task'

    @classmethod
    def on_modification(cls, mode, tasks, field_names=None):
        super().on_modification(mode, tasks, field_names=field_names)
        if mode == 'create' or (mode == 'write'
                and TASK_PROGRESS_FIELDS & set(field_names or [])):
            Project = Pool().get('ncip.project')
            Project.record_progress(
                list({t.project for t in tasks if t.project}))


class TaskComment(metaclass=PoolMeta):
    __name__ = 'ncip.roadmap.task.comment'

    @classmethod
    def on_modification(cls, mode, comments, field_names=None):
        super().on_modification(mode, comments, field_names=field_names)
        if mode == 'create':
            Project = Pool().get('ncip.project')
            Project.record_progress(
                list({c.task.project for c in comments if c.task.project}))
