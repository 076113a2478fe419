# This file is part of the KZ Investment Platform.
"""Helpers for tests that need a whole platform: a database with every
addon and the demo data, a running trytond serving sao, and a headless
Chromium driven by Playwright."""
import atexit
import configparser
import contextlib
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

ROOT = os.environ.get('KZ_ROOT') or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PGBIN = os.environ.get('PGBIN', '/usr/lib/postgresql/15/bin')
ADMIN_PASSWORD = 'kz-admin-2026'
DEMO_PASSWORD = 'kz-demo-2026'
ARTIFACTS = os.path.join(ROOT, 'tests', 'artifacts')
CHROMIUM_ARGS = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync',
    ]


def addons():
    return os.environ.get('KZ_ADDONS', 'kz_base').split()


def config_file():
    return os.environ['KZ_TEST_CONFIG']


def _pg(*args):
    port = os.environ['KZ_PG_PORT']
    return [os.path.join(PGBIN, args[0]), '-h', '127.0.0.1', '-p', port,
        '-U', 'postgres', *args[1:]]


_TEMPLATES = {}


def create_database(name, modules=None):
    """Create the database with the modules and the demo data: the first
    database of a module set is built from scratch as a template, the
    others are copies of it (seconds instead of a minute each)"""
    modules = tuple(modules or addons())
    template = _TEMPLATES.get(modules)
    if template is None:
        template = 'tmpl_' + hashlib.sha256(
            ' '.join(modules).encode()).hexdigest()[:12]
        _build_database(template, modules)
        _TEMPLATES[modules] = template
        atexit.register(drop_database, template)
    subprocess.run(_pg('dropdb', '--if-exists', '--force', name), check=True)
    subprocess.run(_pg('createdb', '-E', 'UTF8', '-T', template, name),
        check=True)
    # Files stored outside the database follow it
    filestore = _filestore()
    if filestore and os.path.isdir(os.path.join(filestore, template)):
        shutil.rmtree(os.path.join(filestore, name), ignore_errors=True)
        shutil.copytree(
            os.path.join(filestore, template), os.path.join(filestore, name))


def _filestore():
    parser = configparser.ConfigParser()
    parser.read(config_file())
    return parser.get('database', 'path', fallback=None)


def _build_database(name, modules):
    "Create the database as ./platform does (scripts/setup_database.py)"
    subprocess.run(_pg('dropdb', '--if-exists', '--force', name), check=True)
    os.makedirs(ARTIFACTS, exist_ok=True)
    with tempfile.NamedTemporaryFile('w', suffix='.pass') as passfile:
        passfile.write(ADMIN_PASSWORD + '\n')
        passfile.flush()
        env = dict(os.environ, TRYTONPASSFILE=passfile.name,
            KZ_DEMO_PASSWORD=DEMO_PASSWORD)
        subprocess.run([sys.executable,
                os.path.join(ROOT, 'scripts', 'setup_database.py'),
                '--config', config_file(), '--database', name,
                '--modules', *modules, '--demo',
                '--log', os.path.join(ARTIFACTS, f'setup-{name}.log')],
            env=env, check=True)


def drop_database(name):
    subprocess.run(_pg('dropdb', '--if-exists', '--force', name), check=True)


_DEMO_DATABASES = set()


def demo_database(name='test_integration_demo'):
    """Return the name of a database with every addon and the demo data,
    created once per test process (the integration suite shares it) and
    dropped when the process ends"""
    if name not in _DEMO_DATABASES:
        create_database(name)
        _DEMO_DATABASES.add(name)
        atexit.register(drop_database, name)
    return name


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(database, extra_env=None, name=None):
    """Serve sao and JSON-RPC for the database; yield the base URL.
    name tells apart the configuration and log of several servers of the
    same database"""
    port = free_port()
    env = dict(os.environ, **(extra_env or {}))
    os.makedirs(ARTIFACTS, exist_ok=True)
    name = name or database
    # The listen address of the configuration file wins over the
    # environment, so the server gets a copy with its own port.
    server_config = os.path.join(ARTIFACTS, f'trytond-{name}.conf')
    with open(config_file()) as source, open(server_config, 'w') as target:
        for line in source:
            if line.startswith('listen ='):
                line = f'listen = 127.0.0.1:{port}\n'
            target.write(line)
    log = open(os.path.join(ARTIFACTS, f'trytond-{name}.log'), 'w')
    process = subprocess.Popen(
        [os.path.join(BIN, 'trytond'), '-c', server_config, '-d', database],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"trytond did not start, see {log.name}")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextlib.contextmanager
def browser_page():
    "Yield a Playwright page of a headless Debian Chromium"
    from playwright.sync_api import expect, sync_playwright
    # The machine may be loaded: expect() waits as long as the page does
    expect.set_options(timeout=30000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get('CHROMIUM', '/usr/bin/chromium'),
            headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                viewport={'width': 1400, 'height': 900}, locale='en-US')
            page = context.new_page()
            page.set_default_timeout(30000)
            yield page
        finally:
            browser.close()


def sao_login(page, url, database, login, password, home=False):
    """Log into sao through its login and password dialogs; the home page
    that opens at login is closed unless home is true"""
    page.goto(f'{url}#{database}')
    page.locator('#login').fill(login)
    password_input = page.locator('.modal-dialog input[type=password]')
    # The first click can come before sao has bound its handler
    for attempt in range(3):
        page.locator('.login-dialog button[type=submit]').click()
        try:
            password_input.wait_for(timeout=10000)
            break
        except Exception:
            if attempt == 2:
                screenshot(page, f'login-failed-{login}')
                raise
    password_input.fill(password)
    password_input.press('Enter')
    # The menu's rows, not its empty frame: the session is open
    page.locator('#menu tr:visible').first.wait_for()
    # sao opens the actions run at login (the home page) before the menu
    try:
        page.locator('#tablist li').first.wait_for(timeout=10000)
    except Exception:
        pass
    if not home:
        close_tabs(page)


def close_tabs(page):
    "Close every tab of sao"
    tabs = page.locator('#tablist li')
    for _ in range(tabs.count()):
        count = tabs.count()
        tabs.last.locator('button.close').click()
        page.wait_for_function(
            'n => document.querySelectorAll("#tablist li").length < n',
            arg=count)


def menu_row(page, name):
    "Return the menu row labelled name exactly (not 'Council Meetings')"
    return page.locator('#menu tr').filter(
        has=page.get_by_text(name, exact=True)).first


def sao_open_menu(page, *path):
    "Click through the menu tree: sao_open_menu(page, 'A', 'B', 'C')"
    for name in path[:-1]:
        row = menu_row(page, name)
        expander = row.locator('.expander, [class*=expander]').first
        if expander.count():
            expander.click()
        else:
            row.dblclick()
        menu_row(page, path[path.index(name) + 1]).wait_for()
    # sao's menu has no selection: each click on an entry runs its action,
    # so a double click would start a wizard three times
    menu_row(page, path[-1]).click()


def screenshot(page, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    path = os.path.join(ARTIFACTS, f'{name}.png')
    page.screenshot(path=path, full_page=True)
    return path


class SaoTestCase(unittest.TestCase):
    """A browser test case: its own database (DATABASE, with MODULES and
    the demo data) served by a trytond of its own for the class, and the
    helpers the sao tests share"""
    DATABASE = None
    MODULES = None

    @classmethod
    def server_env(cls):
        "Return the environment of the class's trytond (its settings)"
        return None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create_database(cls.DATABASE, modules=cls.MODULES)
        cls.server = running_server(cls.DATABASE, extra_env=cls.server_env())
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        drop_database(cls.DATABASE)
        super().tearDownClass()

    def proteus(self, user='admin'):
        "Return proteus' Model on the database as the user"
        from proteus import Model
        from proteus import config as pconfig
        pconfig.set_trytond(
            database=self.DATABASE, user=user, config_file=config_file())
        return Model

    def wait_for(self, test, message, timeout=30):
        "Return the first true result of test(), polled for timeout s"
        for _ in range(timeout * 2):
            result = test()
            if result:
                return result
            time.sleep(0.5)
        self.fail(message)

    @staticmethod
    def label_pattern(label):
        return re.compile(r'^\s*%s\s*:?\s*$' % re.escape(label))

    def field(self, scope, label):
        "Return the visible input of the field with the label"
        entries = scope.get_by_label(self.label_pattern(label))
        entries.first.wait_for(state='attached')
        for entry in entries.all():
            if entry.is_visible():
                return entry
        return entries.first

    def fill_number(self, scope, label, text):
        """Type into an Integer, Float or Numeric: sao swaps its text input
        for a number input when it gets the focus"""
        self.field(scope, label).click()
        entry = scope.get_by_label(self.label_pattern(label)).and_(
            scope.locator('input[type=number]:visible'))
        entry.fill(text)
        entry.press('Tab')
