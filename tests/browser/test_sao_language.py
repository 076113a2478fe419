# This file is part of the KZ Investment Platform.
"""Browser test: sao speaks Russian and Kazakh completely — its own
strings (toolbar, search, filters, user menu) come from our catalogues in
sao/locale/, Kazakh numbers are written 42 000,50, weeks start on Monday,
and languages are offered under their own names."""
import json
import os
import re

from tests import support

DATABASE = 'test_browser_language'

# sao's own strings visible on a list screen and in the user menu
UI_STRINGS = [
    'Search', 'Filters', 'New', 'Save', 'Switch', 'Reload/Undo',
    'Duplicate', 'Delete', 'Previous', 'Next', 'Attachment', 'Print',
    'Action', 'Relate', 'Preferences...', 'Logout', 'Favorites',
    ]


def catalogue(language):
    with open(os.path.join(
                support.ROOT, 'sao', 'locale', f'{language}.json'),
            encoding='utf-8') as fp:
        entries = json.load(fp)
    return {k: v[1] for k, v in entries.items() if k}


class SaoLanguageTestCase(support.SaoTestCase):
    DATABASE = DATABASE
    MODULES = None

    def set_language(self, login, code):
        Model = self.proteus()
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')
        user, = User.find([('login', '=', login)])
        user.language, = Lang.find([('code', '=', code)])
        user.save()

    def visible_ui_texts(self, page):
        "Texts, titles and placeholders of the visible elements"
        return page.evaluate('''() => {
            const texts = new Set();
            for (const el of document.querySelectorAll('body *')) {
                if (!el.offsetParent && el.tagName != 'BODY') continue;
                for (const attr of ['title', 'placeholder', 'aria-label']) {
                    if (el.getAttribute(attr)) {
                        texts.add(el.getAttribute(attr).trim());
                    }
                }
                for (const node of el.childNodes) {
                    if (node.nodeType == 3 && node.textContent.trim()) {
                        texts.add(node.textContent.trim());
                    }
                }
            }
            return Array.from(texts);
        }''')

    def check_client(self, login, language, search):
        self.set_language(login, language)
        translations = catalogue(language)
        with support.browser_page() as page:
            support.sao_login(
                page, self.url, DATABASE, login, support.DEMO_PASSWORD)
            # The project list, opened by its address
            page.evaluate(
                f"window.location.hash = '#{DATABASE}/model/ncip.project'")
            entry = page.locator(
                '#tabcontent .screen-container input.form-control').first
            entry.wait_for()
            self.assertEqual(entry.get_attribute('placeholder'), search)
            page.locator('#user-preferences > a').click()
            page.locator('#user-preferences .dropdown-menu').get_by_text(
                translations['Logout']).wait_for()
            texts = self.visible_ui_texts(page)
            english = sorted(set(texts) & set(UI_STRINGS))
            self.assertEqual(english, [], f"English sao strings: {english}")
            self.assertIn(translations['Logout'], texts)
            self.assertIn(translations['Preferences...'], texts)
            # Weeks start on Monday
            self.assertEqual(page.evaluate(
                    '() => moment.localeData().firstDayOfWeek()'), 1)
            support.screenshot(page, f'sao_{language}_{login}')
            return page.evaluate(
                "() => (42000000000.5).toLocaleString("
                "Sao.i18n.BC47(Sao.i18n.getlang()), "
                "{minimumFractionDigits: 2})")

    def test_russian_client(self):
        "The Russian client shows Поиск and no English sao string"
        number = self.check_client('akimat.astana', 'ru', 'Поиск')
        self.assertEqual(number.replace('\u00a0', ' '), '42 000 000 000,50')

    def test_kazakh_client(self):
        "The Kazakh client shows Іздеу, Kazakh numbers and no English"
        number = self.check_client('atameken', 'kk', 'Іздеу')
        self.assertTrue(re.fullmatch(
                r'42[\s\u00a0\u202f]000[\s\u00a0\u202f]000[\s\u00a0\u202f]'
                r'000,50', number), number)

    def test_language_names(self):
        "Languages are named in their own language"
        Model = self.proteus()
        Lang = Model.get('ir.lang')
        names = {l.code: l.name for l in Lang.find(
                [('code', 'in', ['en', 'ru', 'kk'])])}
        self.assertEqual(names, {
                'en': 'English', 'ru': 'Русский', 'kk': 'Қазақша'})

    def test_catalogues_complete(self):
        "Both catalogues translate every string of sao"
        with open(os.path.join(support.ROOT, 'node_modules', 'tryton-sao',
                    'locale', 'de.json'), encoding='utf-8') as fp:
            msgids = {k for k in json.load(fp) if k}
        for language in ['ru', 'kk']:
            translations = catalogue(language)
            self.assertEqual(msgids - set(translations), set(), language)
            self.assertEqual(
                [k for k, v in translations.items() if not v], [], language)
