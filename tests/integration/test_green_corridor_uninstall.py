# This file is part of the KZ Investment Platform.
"""kz_green_corridor is an add-on: deactivated and removed from a database
that used it, kz_ncip works unchanged (issue 5).

Each phase runs in a process of its own, so that the pool of the database
is built from the modules activated at that moment."""
import json
import subprocess
import sys
import unittest

from tests import support

DATABASE = 'test_integration_gc_uninstall'

PHASES = r'''
import datetime as dt
import json
import sys
from decimal import Decimal

from proteus import Model, Wizard
from proteus import config as pconfig

phase, database, config_file = sys.argv[1:4]
pconfig.set_trytond(database=database, config_file=config_file)
Module = Model.get('ir.module')
IrModel = Model.get('ir.model')
Menu = Model.get('ir.ui.menu')
module, = Module.find([('name', '=', 'kz_green_corridor')])
result = {'state': module.state}
result['models'] = sorted(m.name for m in IrModel.find([
            ('name', 'like', 'green_corridor.%')]))
# ir.model keeps the rows of removed models; the pool has no class of them
try:
    Model.get('green_corridor.decision')._fields
    result['in_pool'] = True
except Exception:
    result['in_pool'] = False
result['menus'] = len(Menu.find([('name', '=', 'Task Force Projects')]))
Project = Model.get('ncip.project')
if phase == 'before':
    result['scored'] = len(Project.find([
                ('green_corridor_score', '!=', None)]))
    # As an administrator does it: Modules › Deactivate, then Perform
    # Pending Activation/Upgrade
    module.click('deactivate')
    Wizard('ir.module.activate_upgrade').execute('upgrade')
elif phase == 'after':
    result['project_fields'] = sorted(
        f for f in Project._fields if 'corridor' in f or f == 'task_force')
    # The demo projects still read, and a new one follows kz_ncip alone
    result['demo_projects'] = len(Project.find([]))
    Party = Model.get('party.party')
    Region = Model.get('kz.region')
    Organization = Model.get('kz.organization')
    astana, = Region.find([('code', '=', '710000000')])
    akimat, = Organization.find([
            ('kind', '=', 'akimat'), ('region', '=', astana.id)])
    investor = Party(name="Uninstall Test Metals JSC")
    investor.save()
    project = Project(name="Copper rod mill", investor=investor,
        bin='990140000384', industry="24.44", product="Copper rod",
        region=astana, akimat=akimat, cost=Decimal('900000000000'),
        financing_scheme="Own funds", contacts="+7 717 200 00 00",
        description="A copper rod mill",
        company_registration_date=dt.date(2023, 5, 10))
    project.save()
    result['pool'] = project.pool
    project.click('form_roadmap')
    result['project_state'] = project.state
    result['stages'] = len(project.stages)
print(json.dumps(result))
'''


class GreenCorridorUninstallTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        support.create_database(DATABASE, modules=['kz_green_corridor'])

    @classmethod
    def tearDownClass(cls):
        support.drop_database(DATABASE)

    def phase(self, name):
        process = subprocess.run([sys.executable, '-c', PHASES, name,
                DATABASE, support.config_file()],
            capture_output=True, text=True)
        self.assertEqual(process.returncode, 0, msg=process.stderr)
        return json.loads(process.stdout.strip().splitlines()[-1])

    def test_uninstall_keeps_ncip_working(self):
        "Removing kz_green_corridor leaves kz_ncip and its data working"
        before = self.phase('before')
        self.assertEqual(before['state'], 'activated')
        self.assertIn('green_corridor.decision', before['models'])
        self.assertTrue(before['in_pool'])
        self.assertEqual(before['menus'], 1)
        # The demo national-pool projects were scored
        self.assertGreater(before['scored'], 0)

        after = self.phase('after')
        self.assertEqual(after['state'], 'not activated')
        self.assertFalse(after['in_pool'])
        self.assertEqual(after['menus'], 0)
        self.assertEqual(after['project_fields'], [])
        self.assertGreater(after['demo_projects'], 0)
        self.assertEqual(after['pool'], 'national')
        self.assertEqual(after['project_state'], 'roadmap')
        self.assertEqual(after['stages'], 3)
