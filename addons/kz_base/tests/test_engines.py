# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"Test-only models of the engines: deadline, approval, requests, deletion"
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.modules.kz_base.approval import ApprovalMixin
from trytond.modules.kz_base.deadline import DeadlineMixin
from trytond.modules.kz_base.request import DecisionRequestMixin
from trytond.modules.kz_base.workflow import DraftDeleteMixin


class TestDeadline(DeadlineMixin, ModelSQL, ModelView):
    "Test Deadline"
    __name__ = 'kz.test.deadline'
    _deadline_fields = {'start', 'days', 'unit'}
    _deadline_states = ('open',)
    _deadline_hidden_before_start = True
    name = fields.Char("Name")
    start = fields.Date("Start")
    days = fields.Integer("Days")
    unit = fields.Selection([
            ('working', "Working"), ('calendar', "Calendar")], "Unit")
    state = fields.Selection([
            ('open', "Open"), ('done', "Done")], "State")
    responsible = fields.Many2One('res.user', "Responsible")

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_unit(cls):
        return 'calendar'

    def get_deadline_start(self):
        return self.start

    def get_deadline_duration(self):
        if self.days is not None:
            return self.days, self.unit

    def get_deadline_recipients(self):
        return [self.responsible] if self.responsible else []


class TestApproval(ApprovalMixin, ModelSQL, ModelView):
    "Test Approval"
    __name__ = 'kz.test.approval'
    name = fields.Char("Name")
    approvers = fields.One2Many(
        'kz.test.approval.approver', 'record', "Approvers")
    result = fields.Char("Result")

    def get_approvers(self):
        return [{
                'sequence': a.sequence,
                'organization': a.organization.id if a.organization else None,
                'group': a.group.id if a.group else None,
                'proxy': a.proxy.id if a.proxy else None,
                } for a in self.approvers]

    def get_approval_document(self):
        document = super().get_approval_document()
        document['number'] = 'T-%s' % self.id
        return document

    @classmethod
    def approval_approved(cls, records):
        cls.write(records, {'result': 'approved'})

    @classmethod
    def approval_rejected(cls, records):
        cls.write(records, {'result': 'rejected'})


class TestApprover(ModelSQL):
    "Test Approver"
    __name__ = 'kz.test.approval.approver'
    record = fields.Many2One('kz.test.approval', "Record", required=True)
    sequence = fields.Integer("Sequence")
    organization = fields.Many2One('kz.organization', "Organisation")
    group = fields.Many2One('res.group', "Group")
    proxy = fields.Many2One('kz.organization', "Proxy")


class TestDecisionRequest(
        DecisionRequestMixin, Workflow, ModelSQL, ModelView):
    "Test Decision Request"
    __name__ = 'kz.test.decision_request'
    name = fields.Char("Name")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # No ir.model.button for a test-only model; the tests call the
        # transitions directly as root.
        cls._buttons.clear()


class TestDraftDelete(DraftDeleteMixin, Workflow, ModelSQL):
    "Test Draft Delete"
    __name__ = 'kz.test.draft_delete'
    name = fields.Char("Name")
    state = fields.Selection([
            ('draft', "Draft"), ('done', "Done")], "State")

    @classmethod
    def default_state(cls):
        return 'draft'
