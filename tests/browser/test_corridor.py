# This file is part of the KZ Investment Platform.
"""Browser test of the green corridor: the authorized body sees the Annex 1
score breakdown of a project."""
import re

from tests import support

DATABASE = 'test_browser_corridor'


class GreenCorridorTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = ['kz_green_corridor']

    def test_authorized_sees_score_breakdown(self):
        "The authorized body sees the score breakdown of the demo project"
        with support.browser_page() as page:
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            page.on('console', lambda m: errors.append(m.text)
                if m.type == 'error' else None)
            support.sao_login(
                page, self.url, DATABASE, 'authorized',
                support.DEMO_PASSWORD)
            support.sao_open_menu(
                page, 'Investment Platform', 'One Window (NCIP)',
                'Green Corridor', 'Green-Corridor Projects')
            tab = page.locator('#tabcontent')
            row = tab.locator(
                '.treeview tbody tr:visible', has_text='Wind farm 150 MW')
            row.first.wait_for()
            row.first.dblclick()
            page_tab = tab.locator('a:visible',
                has_text=re.compile(r'^\s*Green Corridor\s*$')).first
            try:
                page_tab.wait_for()
            except Exception:
                support.screenshot(page, 'corridor_failure')
                print("browser errors:", errors)
                raise
            page_tab.click()
            page.wait_for_function(
                "() => [...document.querySelectorAll('#tabcontent input')]"
                ".some(i => i.value === '2.5500')")
            values = tab.locator('input').evaluate_all(
                "els => els.map(e => e.value)")
            # Investment 3 × 25 %, Global 2000 2 × 30 %, high 3 × 30 %,
            # 650 jobs 2 × 15 %
            for value in ['3.00', '0.7500', '2.00', '0.6000', '0.9000',
                    '0.3000', '2.5500']:
                self.assertIn(value, values)
            support.screenshot(page, 'corridor_score_breakdown')

