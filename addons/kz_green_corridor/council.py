# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from sql import Literal, Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

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
        'ncip.council.agenda_item', 'problem', "Agenda Items",
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
            CouncilMeeting = Pool().get('ncip.council.meeting')
            meeting = CouncilMeeting.next_meeting()
            if meeting:
                meeting.add_problems(
                    [p for p in problems
                        if p.project.green_corridor])

    def agenda_values(self):
        "The agenda item of the problem"
        return {
            'kind': 'problem',
            'problem': self.id,
            'project': self.project.id,
            'subject': self.subject,
            }

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


class CouncilMeeting(metaclass=PoolMeta):
    __name__ = 'ncip.council.meeting'

    @classmethod
    def agenda_candidates(cls):
        "The open problems of green-corridor projects (N§30)"
        Problem = Pool().get('green_corridor.problem')
        problems = Problem.search([
                ('state', '=', 'open'),
                ('project.green_corridor', '=', True),
                ], order=[('raised_date', 'ASC'), ('id', 'ASC')])
        return super().agenda_candidates() + [
            p.agenda_values() for p in problems]

    def add_problems(self, problems):
        "Add the open problems not yet on an agenda of a planned meeting"
        return self.add_items(
            [p.agenda_values() for p in problems if p.state == 'open'])


class AgendaItem(metaclass=PoolMeta):
    __name__ = 'ncip.council.agenda_item'
    problem = fields.Many2One(
        'green_corridor.problem', "Problem", ondelete='CASCADE',
        states={
            'required': Eval('kind') == 'problem',
            'invisible': Eval('kind') != 'problem',
            })

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Problem = pool.get('green_corridor.problem')
        table = cls.__table__()
        problem = Problem.__table__()
        cursor = Transaction().connection.cursor()
        super().__register__(module)
        # Migration from 8.0.0: the agenda moved to kz_ncip, an item of a
        # problem gets its kind, project and subject
        cursor.execute(*table.update(
                [table.kind, table.project, table.subject],
                [Literal('problem'), problem.select(problem.project,
                        where=problem.id == table.problem),
                    problem.select(problem.subject,
                        where=problem.id == table.problem)],
                where=(table.problem != Null) & (table.project == Null)))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        if ('problem', "Green corridor problem") not in cls.kind.selection:
            cls.kind.selection.append(('problem', "Green corridor problem"))
        cls._sql_constraints += [
            ('meeting_problem_unique', Unique(t, t.meeting, t.problem),
                'kz_green_corridor.msg_agenda_problem_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.problem, Index.Equality())))

    @classmethod
    def agenda_key(cls, values):
        return super().agenda_key(values) + (values.get('problem'),)

    @property
    def key(self):
        return self.agenda_key({
                'kind': self.kind,
                'project': self.project.id if self.project else None,
                'problem': self.problem.id if self.problem else None,
                })
