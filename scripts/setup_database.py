#!/usr/bin/env python3
# This file is part of the KZ Investment Platform.
"""Create or upgrade a database of the platform: the one path used by
`./platform`, the test suite and the Docker image.

A new database is created, initialised by trytond-admin (--all) and gets
the addons; an existing one is upgraded.  Both activate the addons with
their dependencies and load the Russian and Kazakh translations; --demo
then loads the demo data once.  The administrator's password is read from
the file named by TRYTONPASSFILE (trytond-admin's own variable); on an
upgrade it is set again only with --reset-password.

Every step that fails stops with its output and exit code 1."""
import argparse
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(os.path.abspath(sys.executable))


def addons():
    "The addons of the repository, in name order"
    directory = os.path.join(ROOT, 'addons')
    return sorted(name for name in os.listdir(directory)
        if os.path.exists(os.path.join(directory, name, 'tryton.cfg')))


def database_uri(config_file):
    "The [database] uri of the trytond configuration file"
    from trytond import config
    config.update_etc(config_file)
    return config.get('database', 'uri')


def connect(uri):
    "An autocommit connection to the maintenance database of uri"
    import psycopg
    parts = urlsplit(uri)
    maintenance = urlunsplit(parts._replace(path='/postgres'))
    return psycopg.connect(maintenance, autocommit=True)


def database_exists(uri, name):
    with connect(uri) as connection:
        cursor = connection.execute(
            'SELECT 1 FROM pg_database WHERE datname = %s', (name,))
        return cursor.fetchone() is not None


def create_database(uri, name):
    from psycopg import sql
    with connect(uri) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8'")
            .format(sql.Identifier(name)))


def run(command, log, env=None):
    "Run the command with its output to log; stop with it when it fails"
    with open(log, 'a') as output:
        output.write('$ ' + ' '.join(command) + '\n')
        output.flush()
        result = subprocess.run(command, stdout=output,
            stderr=subprocess.STDOUT, env=env)
    if result.returncode:
        with open(log) as output:
            sys.stderr.write(''.join(output.readlines()[-40:]))
        sys.exit(f"{os.path.basename(command[0])} failed; see {log}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', required=True,
        help="trytond configuration file")
    parser.add_argument('--database', required=True)
    parser.add_argument('--modules', nargs='+', default=None,
        help="addons to activate (default: every addon of the repository)")
    parser.add_argument('--email', default='admin@kz-platform.invalid',
        help="the administrator's e-mail of a new database")
    parser.add_argument('--reset-password', action='store_true',
        help="set the administrator's password again on an upgrade")
    parser.add_argument('--demo', action='store_true',
        help="load the demo data (once)")
    parser.add_argument('--log', default=None,
        help="file for the output of trytond-admin (default: beside the "
        "configuration file)")
    args = parser.parse_args(argv)
    if 'TRYTONPASSFILE' not in os.environ:
        sys.exit("TRYTONPASSFILE must name the file of the administrator's "
            "password")
    modules = args.modules or addons()
    log = args.log or os.path.join(os.path.dirname(
            os.path.abspath(args.config)), f'setup-{args.database}.log')
    open(log, 'w').close()
    uri = database_uri(args.config)
    admin = [os.path.join(BIN, 'trytond-admin'), '-c', args.config,
        '-d', args.database]
    if database_exists(uri, args.database):
        print(f"upgrading database {args.database}", file=sys.stderr)
        run(admin + ['-u', *modules, '--activate-dependencies',
                '-l', 'ru', 'kk']
            + (['--password'] if args.reset_password else []), log)
    else:
        print(f"creating database {args.database}", file=sys.stderr)
        create_database(uri, args.database)
        run(admin + ['--all', '--email', args.email], log)
        run(admin + ['-u', *modules, '--activate-dependencies',
                '-l', 'ru', 'kk'], log)
    if args.demo:
        print(f"loading demo data (once) into {args.database}",
            file=sys.stderr)
        run([sys.executable, os.path.join(HERE, 'demo_data.py'),
                '--config', args.config, '--database', args.database], log)


if __name__ == '__main__':
    main()
