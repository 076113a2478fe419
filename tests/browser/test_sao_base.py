# This file is part of the KZ Investment Platform.
"""Browser test: an administrator logs into sao, opens the Investment
Platform menu and the list of regions."""

from tests import support

DATABASE = 'test_browser_base'


class SaoBaseTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = None

    def test_admin_opens_regions(self):
        "The administrator sees the Investment Platform menu and 20 regions"
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'admin', support.ADMIN_PASSWORD)
            menu = page.locator('#menu')
            menu.get_by_text('Investment Platform', exact=True).wait_for()
            support.sao_open_menu(
                page, 'Investment Platform', 'Reference Data', 'Regions')
            tab = page.locator('#tabcontent')
            tab.get_by_text('Ulytau Region').wait_for()
            rows = tab.locator('.treeview tbody tr:visible')
            self.assertEqual(rows.count(), 20)
            self.assertTrue(tab.get_by_text('Astana', exact=True).count())
            support.screenshot(page, 'admin_regions')

    def test_user_html_is_escaped(self):
        "HTML typed into a name shows as text and never runs"
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=DATABASE, config_file=support.config_file())
        Organization = Model.get('kz.organization')
        Attachment = Model.get('ir.attachment')
        payload = '<img src=x onerror="window.__kzxss=1">Evil <b>Bank</b>'
        organization = Organization(name=payload, kind='bank')
        organization.save()
        # An attachment whose file name carries HTML too
        attachment = Attachment(
            name='<img src=y onerror="window.__kzxss=2">act <i>7</i>.pdf',
            resource=organization, type='data', data=b'%PDF-1.4 act')
        attachment.save()
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'admin', support.ADMIN_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'Reference Data',
                'Organisations')
            tab = page.locator('#tabcontent')
            row = tab.get_by_text('Evil <b>Bank</b>', exact=False).first
            row.wait_for()
            self.assertIsNone(page.evaluate('window.__kzxss'))
            self.assertEqual(tab.locator('img[src="x"]').count(), 0)
            # The attachment menu of the record lists the name as text
            row.click()
            page.wait_for_timeout(500)
            tab.locator('button#attach:visible').first.click()
            item = page.locator('.dropdown-menu:visible a[role=menuitem]',
                has_text='act <i>7</i>.pdf').first
            item.wait_for()
            self.assertIsNone(page.evaluate('window.__kzxss'))
            self.assertEqual(page.locator('img[src="y"]').count(), 0)
            support.screenshot(page, 'html_escaped')

    def test_akimat_menu(self):
        "A demo akimat user sees the platform menu but not its settings"
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, 'akimat.astana',
                support.DEMO_PASSWORD)
            menu = page.locator('#menu')
            menu.get_by_text('Investment Platform', exact=True).wait_for()
            support.sao_open_menu(
                page, 'Investment Platform', 'Reference Data', 'Regions')
            page.locator('#tabcontent').get_by_text('Ulytau Region') \
                .wait_for()
            self.assertEqual(menu.get_by_text('Settings', exact=True).count(),
                0)
            support.screenshot(page, 'akimat_menu')
