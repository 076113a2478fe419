# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""The akimat invites the user of an investor company that has none, from
the roadmap it submits (N§49), so that the investor approves it itself."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import ProjectError


class InviteInvestorStart(ModelView):
    "Invite the Investor"
    __name__ = 'ncip.project.invite_investor.start'
    __string__ = "Invite the Investor"
    name = fields.Char(
        "Name", required=True, help="The investor's representative.")
    login = fields.Char("Login", required=True)
    email = fields.Char(
        "Email", required=True,
        help="The invitation with a temporary password is sent there.")


class InviteInvestor(Wizard):
    "Invite the Investor"
    __name__ = 'ncip.project.invite_investor'
    start = StateView('ncip.project.invite_investor.start',
        'kz_ncip.project_invite_investor_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Invite", 'invite', 'tryton-email', default=True),
            ])
    invite = StateTransition()

    def default_start(self, fields):
        values = {}
        project = self.record
        if project and project.investor:
            values['name'] = project.investor.rec_name
            email = project.investor.contact_mechanism_get('email')
            if email:
                values['email'] = email.value
        return values

    def transition_invite(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        project = self.record
        project.check_invite_investor()
        organization = project.investor_organization()
        login = self.start.login.strip()
        with without_check_access():
            if User.search([('login', '=', login)], limit=1):
                raise ProjectError(gettext(
                        'kz_ncip.msg_project_invite_login',
                        login=login))
            user = User(
                name=self.start.name, login=login,
                email=self.start.email.strip(),
                kz_organization=organization)
            # The investor's role only: its own company's projects
            user.roles = [{
                    'role': ModelData.get_id('kz_base', 'role_investor')}]
            user.save()
            User.reset_password([user])
        return 'end'

    def end(self):
        return 'reload'
