# This file is part of the KZ Investment Platform.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Menus and pickers per role: a folder without an entry the user sees is
hidden, and the users of a role are found by their role (issue 19)."""
from trytond.modules.kz_base.tests.tools import first_column_links
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction, check_access


class KzMenuTestCase(ModuleTestCase):
    "Test the menus and role pickers of kz_base"
    module = 'kz_base'

    def _user(self, login, *groups):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user, = User.create([{
                    'name': login.title(), 'login': login,
                    'groups': [('add', [
                                ModelData.get_id('kz_base', 'group_' + g)
                                for g in groups])],
                    }])
        return user

    @with_transaction()
    def test_empty_folder_hidden(self):
        "A folder whose entries are all hidden is hidden, at every depth"
        pool = Pool()
        Menu = pool.get('ir.ui.menu')
        ModelData = pool.get('ir.model.data')
        admin_group = ModelData.get_id('kz_base', 'group_kz_admin')
        action = ModelData.get_id('kz_base', 'act_region_form')
        top, = Menu.create([{'name': "Top"}])
        folder, = Menu.create([{'name': "Folder", 'parent': top.id}])
        entry, = Menu.create([{
                    'name': "Entry", 'parent': folder.id,
                    'action': ('ir.action.act_window', action),
                    'groups': [('add', [admin_group])],
                    }])
        embassy = self._user('embassy', 'external_front_office')
        admin = self._user('kzadmin', 'kz_admin')

        def visible(user):
            with Transaction().set_user(user.id), check_access():
                return set(Menu.search([
                            ('id', 'in', [top.id, folder.id, entry.id]),
                            ]))
        self.assertEqual(visible(embassy), set())
        self.assertEqual(visible(admin), {top, folder, entry})
        # The children of a folder are searched through the same filter
        with Transaction().set_user(embassy.id), check_access():
            self.assertEqual(Menu.search([('parent', '=', top.id)]), [])
            self.assertEqual(
                Menu.search([('parent', '=', top.id)], count=True), 0)
        # Without an action the entry is a folder too
        Menu.write([entry], {'action': None, 'groups': [
                    ('remove', [admin_group])]})
        self.assertEqual(visible(admin), set())

    @with_transaction()
    def test_roles_of_users(self):
        "The role groups of a user, with their parents, find its users"
        pool = Pool()
        User = pool.get('res.user')
        akimat = self._user('akimat', 'regional_front_office')
        damu = self._user('damu', 'damu_officer')
        self.assertIn('regional_front_office', akimat.kz_roles)
        self.assertIn('ncip_body', akimat.kz_roles)
        self.assertIn('kz_user', akimat.kz_roles)
        self.assertNotIn('ncip_body', damu.kz_roles)
        users = [akimat, damu]
        ids = [u.id for u in users]
        self.assertEqual(User.search([
                    ('id', 'in', ids),
                    ('kz_roles', 'in', ['regional_front_office']),
                    ]), [akimat])
        self.assertEqual(User.search([
                    ('id', 'in', ids),
                    ('kz_roles', 'in', ['ncip_body']),
                    ]), [akimat])
        self.assertEqual(User.search([
                    ('id', 'in', ids),
                    ('kz_roles', 'not in', ['ncip_body']),
                    ]), [damu])
        self.assertEqual(User.search([
                    ('id', 'in', ids),
                    ('kz_roles', 'in', ['kz_user']),
                    ], order=[('id', 'ASC')]), users)

    @with_transaction()
    def test_list_first_column(self):
        "The first column of every list is the record, not a link"
        self.assertEqual(first_column_links(self.module), [])


del ModuleTestCase
