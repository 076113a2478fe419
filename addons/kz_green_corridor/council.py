# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    Index, ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import GreenCorridorError


class Problem(Workflow, ModelSQL, ModelView):
    """Project problem

    A problem of an investment project that needs a decision; the open
    problems of green-corridor projects go to the next Investment Council
    meeting (N§30)."""
    __name__ = 'green_corridor.problem'
    __string__ = "Green Corridor Project Problem"
    _rec_name = 'subject'
    _states = {
        'readonly': Eval('state') != 'open',
        }
    project = fields.Many2One(
        'ncip.project', "Project", required=True, ondelete='CASCADE',
        states=_states)
    green_corridor = fields.Function(
        fields.Boolean("Green Corridor"), 'get_green_corridor',
        searcher='search_green_corridor')
    subject = fields.Char("Subject", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    raised_date = fields.Date("Raised On", required=True, states=_states)
    resolution = fields.Text(
        "Resolution", states={
            'required': Eval('state') == 'resolved',
            })
    agenda_items = fields.One2Many(
        'green_corridor.council_agenda_item', 'problem', "Agenda Items",
        readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('resolved', "Resolved"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.project, Index.Equality())),
                Index(t, (t.state, Index.Equality()),
                    where=t.state == 'open'),
                })
        cls._order.insert(0, ('raised_date', 'DESC'))
        cls._transitions |= {
            ('open', 'resolved'),
            ('resolved', 'open'),
            }
        cls._buttons.update({
                'resolve': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'resolved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_raised_date(cls):
        return Pool().get('ir.date').today()

    def get_green_corridor(self, name):
        return bool(self.project.green_corridor)

    @classmethod
    def search_green_corridor(cls, name, clause):
        return [('project.green_corridor',) + tuple(clause[1:])]

    @classmethod
    def on_modification(cls, mode, problems, field_names=None):
        super().on_modification(mode, problems, field_names=field_names)
        if mode == 'create':
            CouncilMeeting = Pool().get('green_corridor.council_meeting')
            meeting = CouncilMeeting.next_meeting()
            if meeting:
                meeting.add_problems(
                    [p for p in problems
                        if p.project.green_corridor])

    @classmethod
    @ModelView.button
    @Workflow.transition('resolved')
    def resolve(cls, problems):
        for problem in problems:
            if not problem.resolution:
                raise GreenCorridorError(gettext(
                        'kz_green_corridor.msg_problem_resolution_required',
                        problem=problem.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, problems):
        pass


class CouncilMeeting(Workflow, ModelSQL, ModelView):
    """Investment Council meeting

    Its agenda lists the open problems of green-corridor projects."""
    __name__ = 'green_corridor.council_meeting'
    __string__ = "Investment Council Meeting"
    _states = {
        'readonly': Eval('state') != 'planned',
        }
    name = fields.Char("Name", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states)
    agenda = fields.One2Many(
        'green_corridor.council_agenda_item', 'meeting', "Agenda",
        states=_states)
    minutes = fields.Text("Minutes")
    state = fields.Selection([
            ('planned', "Planned"),
            ('held', "Held"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    del _states

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

    def add_problems(self, problems):
        "Add the problems not yet on an agenda of a planned meeting"
        AgendaItem = Pool().get('green_corridor.council_agenda_item')
        with without_check_access():
            listed = {i.problem.id for i in AgendaItem.search([
                        ('problem', 'in', [p.id for p in problems]),
                        ('meeting.state', '=', 'planned'),
                        ])}
            sequence = max((i.sequence or 0 for i in self.agenda), default=0)
            to_create = []
            for problem in problems:
                if problem.id in listed or problem.state != 'open':
                    continue
                sequence += 10
                to_create.append({
                        'meeting': self.id,
                        'sequence': sequence,
                        'problem': problem.id,
                        })
            return AgendaItem.create(to_create)

    @classmethod
    @ModelView.button
    def generate_agenda(cls, meetings):
        "Put the open problems of green-corridor projects on the agenda"
        Problem = Pool().get('green_corridor.problem')
        problems = Problem.search([
                ('state', '=', 'open'),
                ('project.green_corridor', '=', True),
                ], order=[('raised_date', 'ASC'), ('id', 'ASC')])
        for meeting in meetings:
            if meeting.state == 'planned':
                meeting.add_problems(problems)

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
    __name__ = 'green_corridor.council_agenda_item'
    __string__ = "Investment Council Agenda Item"
    meeting = fields.Many2One(
        'green_corridor.council_meeting', "Meeting", required=True,
        ondelete='CASCADE')
    problem = fields.Many2One(
        'green_corridor.problem', "Problem", required=True,
        ondelete='CASCADE')
    project = fields.Function(
        fields.Many2One('ncip.project', "Project"), 'get_project',
        searcher='search_project')
    decision = fields.Text("Decision")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('meeting_problem_unique', Unique(t, t.meeting, t.problem),
                'kz_green_corridor.msg_agenda_problem_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.problem, Index.Equality())))

    def get_project(self, name):
        return self.problem.project.id if self.problem else None

    @classmethod
    def search_project(cls, name, clause):
        return [('problem.project',) + tuple(clause[1:])]

    def get_rec_name(self, name):
        return self.problem.rec_name if self.problem else ''
