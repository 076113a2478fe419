#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Browser benchmark of sao for one user, in headless Chromium (Playwright).

Each repeat opens a fresh browser context and times, from the user's
action to what he sees:

- login: the password submitted → the menu and the home page shown;
- menu → list: double-click on the menu entry → the list's rows shown;
- list → form: double-click on the first row → the form shown.

It prints every sample and the p50 / p95 of each step (target: ≤ 1 s
p50 each); it asserts nothing.  Against a running platform:

    .venv/bin/python bench/browser_sao.py --url http://127.0.0.1:8000 \\
        --database kz [--login akimat.astana] [--repeat 10]

Without --url it builds a throw-away demo database and server the way the
browser tests do (tests/support.py), so it runs where `./platform test`
runs: KZ_TEST_CONFIG and KZ_PG_PORT name the test cluster's configuration
and port (`./platform test` writes var/pg-test.conf).
"""
import argparse
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests import support  # noqa: E402

MENU = ['Investment Platform', 'One Window (NCIP)', 'Projects']


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--url')
    parser.add_argument('--database', default='bench_browser_sao')
    parser.add_argument('--login', default='akimat.astana')
    parser.add_argument('--password', default=support.DEMO_PASSWORD)
    parser.add_argument('--menu', default='/'.join(MENU),
        help="the menu path of the list, '/' between levels")
    parser.add_argument('--repeat', type=int, default=10)
    return parser.parse_args()


def percentile(values, share):
    "Nearest-rank percentile"
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def run_once(page, url, database, login, password, menu):
    "Return the seconds of login, menu → list and list → form"
    page.goto(f'{url}#{database}')
    page.locator('#login').fill(login)
    password_input = page.locator('.modal-dialog input[type=password]')
    for attempt in range(3):
        page.locator('.login-dialog button[type=submit]').click()
        try:
            password_input.wait_for(timeout=10000)
            break
        except Exception:
            if attempt == 2:
                raise
    password_input.fill(password)
    start = time.perf_counter()
    password_input.press('Enter')
    page.locator('#menu tr:visible').first.wait_for()
    page.locator(
        '#tabcontent .tab-pane.active .treeview tbody tr:visible'
        ).first.wait_for()
    login_time = time.perf_counter() - start

    for name, child in zip(menu[:-1], menu[1:]):
        row = support.menu_row(page, name)
        expander = row.locator('.expander, [class*=expander]').first
        if expander.count():
            expander.click()
        else:
            row.dblclick()
        support.menu_row(page, child).wait_for()
    tabs = page.locator('#tablist li').count()
    start = time.perf_counter()
    support.menu_row(page, menu[-1]).dblclick()
    page.wait_for_function(
        'n => document.querySelectorAll("#tablist li").length > n',
        arg=tabs)
    active = page.locator('#tabcontent .tab-pane.active')
    rows = active.locator('.treeview tbody tr:visible')
    rows.first.wait_for()
    list_time = time.perf_counter() - start

    start = time.perf_counter()
    rows.first.dblclick()
    active.locator('.form:visible').first.wait_for()
    # The form shows the record: one of its entries holds a value
    page.wait_for_function('''() => Array.from(document.querySelectorAll(
            '#tabcontent .tab-pane.active .form input'))
        .some(i => i.offsetParent && i.value)''')
    form_time = time.perf_counter() - start
    return login_time, list_time, form_time


def measure(url, database, args):
    from playwright.sync_api import sync_playwright
    samples = []
    menu = args.menu.split('/')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get('CHROMIUM', '/usr/bin/chromium'),
            headless=True, args=support.CHROMIUM_ARGS)
        try:
            for i in range(args.repeat + 1):
                context = browser.new_context(
                    viewport={'width': 1400, 'height': 900},
                    locale='en-US')
                page = context.new_page()
                page.set_default_timeout(60000)
                try:
                    sample = run_once(page, url, database, args.login,
                        args.password, menu)
                finally:
                    context.close()
                # The first run warms the server's caches: not counted
                label = 'warm-up' if not i else f'run {i}'
                print(f"{label:>8}: " + ', '.join(
                        f'{s * 1000:.0f} ms' for s in sample), flush=True)
                if i:
                    samples.append(sample)
        finally:
            browser.close()
    print()
    print(f"user {args.login}, list {' / '.join(menu)}, "
        f"{len(samples)} runs (ms)")
    print(f"{'step':<14} {'p50':>7} {'p95':>7} {'min':>7} {'max':>7}")
    for index, step in enumerate(['login', 'menu → list', 'list → form']):
        values = [s[index] * 1000 for s in samples]
        print(f"{step:<14} {statistics.median(values):7.0f} "
            f"{percentile(values, 95):7.0f} {min(values):7.0f} "
            f"{max(values):7.0f}")


def main():
    args = parse_args()
    if args.url:
        measure(args.url.rstrip('/') + '/', args.database, args)
        return
    support.create_database(args.database)
    try:
        with support.running_server(args.database) as url:
            measure(url, args.database, args)
    finally:
        support.drop_database(args.database)


if __name__ == '__main__':
    main()
