/** `vmux doctor …` end to end: a real profile store in a temp dir, the lab's ARM through the real SDK clients. */
import {Capture} from '../helpers/capture.js';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test} from 'vitest';
import {runDoctorCommand} from '../../source/commands/doctor.js';
import type {DoctorReport} from '../../source/core/doctor/index.js';
import {ProfileStore} from '../../source/core/profiles/store.js';
import {keyPath} from '../fixtures/keys/fixtures.js';
import {startLabWithClients, type LabWithClients} from '../lab/arm/lab-clients.js';
import {demoVm, profileFor} from '../core/doctor/helpers.js';


let env: LabWithClients;
let dir: string;
let configDir: string;
beforeAll(async () => {
	env = await startLabWithClients();
});
afterAll(async () => {
	await env.close();
});
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'vmux-doctor-cli-'));
	configDir = join(dir, 'config');
});
afterEach(() => {
	env.lab.faults.clear();
	rmSync(dir, {recursive: true, force: true});
});

async function run(...argv: string[]) {
	const stdout = new Capture();
	const stderr = new Capture();
	const code = await runDoctorCommand(argv, {configDir, stdout, stderr, env: {HOME: dir}}, {clients: env.clients});
	return {code, stdout: stdout.text, stderr: stderr.text};
}

function save(...profiles: Array<ReturnType<typeof profileFor>>): void {
	const store = new ProfileStore({configDir});
	for (const profile of profiles) store.save(profile);
}

describe('vmux doctor', () => {
	test('a healthy VM: every check listed with its symbol, exit 0; the saved profile is found by VM name', async () => {
		save(profileFor('web-01', {auth: {type: 'key-file', path: keyPath('id_ed25519')}}));
		const {code, stdout, stderr} = await run('web-01');
		expect(stderr).toBe('');
		expect(code).toBe(0);
		const lines = stdout.split('\n');
		expect(lines[0]).toBe('vmux doctor: web-01 (resource group rg-web, Contoso Dev), profile "web-01"');
		expect(lines.filter(line => /^[✓✗!–] /.test(line))).toEqual([
			'✓ Sign-in to Azure',
			'✓ Read access to the VM',
			"✓ Read access to the VM's network interface",
			'✓ Read access to the Bastion',
			'✓ Virtual network and peering',
			'✓ Bastion SKU and native client support',
			'✓ Power state',
			'✓ Authentication prerequisites',
		]);
		// Details are indented under their check.
		expect(stdout).toContain('✓ Power state\n    web-01 is running.\n');
		expect(lines.at(-2)).toBe('No check failed.');
	});

	test('a failed check: ✗, the fix indented, exit 1', async () => {
		const {code, stdout} = await run('web-02');
		expect(code).toBe(1);
		expect(stdout).toContain('✗ Power state\n    web-02 is stopped (still allocated), so nothing answers on its SSH port.\n    Fix: Start it: az vm start -g rg-web -n web-02\n');
		expect(stdout).toContain('– Authentication prerequisites\n');
		expect(stdout).toContain('vmux doctor: web-02 (resource group rg-web, Contoso Dev), no saved profile');
		expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 check failed, 1 skipped: fix it and run vmux doctor again.');
	});

	test('a warning alone does not fail: ! and exit 0', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/virtualNetworks'});
		save(profileFor('web-01'));
		const {code, stdout} = await run('web-01');
		expect(code).toBe(0);
		expect(stdout).toContain('! Virtual network and peering\n');
		expect(stdout).toMatch(/No check failed \(1 warning, 1 skipped\)\.\n$/);
	});

	test('legacy-01: the Basic SKU fails with the sentence', async () => {
		const {code, stdout} = await run('legacy-01');
		expect(code).toBe(1);
		expect(stdout).toContain('✗ Bastion SKU and native client support\n');
		expect(stdout).toContain('The Basic SKU of bas-basic only serves connections from the Azure portal, not from native clients like vmux');
		expect(stdout).toContain('    Fix: Upgrade bas-basic and turn on native client support: az network bastion update -g rg-legacy -n bas-basic --sku Standard --enable-tunneling true\n');
	});

	test('--json prints the report, which parses, with the same exit code', async () => {
		save(profileFor('app-01', {auth: {type: 'entra'}, username: undefined}));
		const ok = await run('app-01', '--json');
		expect(ok.code).toBe(0);
		const report = JSON.parse(ok.stdout) as DoctorReport;
		expect(report.ok).toBe(true);
		expect(report.profileName).toBe('app-01');
		expect(report.checks.map(check => [check.id, check.status])).toEqual([
			['sign-in', 'pass'],
			['vm', 'pass'],
			['nic', 'pass'],
			['bastion', 'pass'],
			['vnet', 'pass'],
			['sku', 'pass'],
			['power', 'pass'],
			['auth', 'pass'],
		]);

		const failed = await run('--json', 'web-02');
		expect(failed.code).toBe(1);
		expect((JSON.parse(failed.stdout) as DoctorReport).checks.find(check => check.id === 'power')).toMatchObject({status: 'fail', fix: 'Start it: az vm start -g rg-web -n web-02'});
	});

	test('the profile is found by VM resource id too, and --profile chooses one explicitly', async () => {
		save(profileFor('web-01'), profileFor('web-01', {name: 'web-01 as admin', username: 'admin'}));
		const byId = await run(demoVm('web-01').id, '--json');
		expect((JSON.parse(byId.stdout) as DoctorReport).profileName).toBe('web-01');
		// Two profiles target web-01: the one named like the VM is used, and the others are mentioned.
		expect(byId.stderr).toBe('vmux doctor: profiles "web-01", "web-01 as admin" all target ' + demoVm('web-01').id + '; checking "web-01" (choose with --profile).\n');

		const chosen = await run('web-01', '--profile', 'web-01 as admin', '--json');
		expect(chosen.code).toBe(0);
		expect((JSON.parse(chosen.stdout) as DoctorReport).profileName).toBe('web-01 as admin');
	});

	test('a key-file profile whose file is missing fails with the path (shown with ~ for the HOME in io.env)', async () => {
		const missing = join(dir, 'keys', 'id_gone');
		save(profileFor('web-01', {auth: {type: 'key-file', path: missing}}));
		const {code, stdout} = await run('web-01');
		expect(code).toBe(1);
		expect(stdout).toContain('✗ Authentication prerequisites\n    There is no file at ~/keys/id_gone. Check the key path in the profile');
		expect(stdout).toContain('    Fix: Fix the key path in profile "web-01" (e on the VM in vmux).\n');
	});

	test('a 403 on the Bastion: exit 1, the role and scope, and the SKU check skipped', async () => {
		env.lab.faults.deny({type: 'Microsoft.Network/bastionHosts'});
		save(profileFor('web-01'));
		const {code, stdout} = await run('web-01');
		expect(code).toBe(1);
		expect(stdout).toContain("✗ Read access to the Bastion\n    You need the Reader role on the Bastion host (bastionHosts 'bas-std' in resource group 'rg-network', subscription 'Contoso Dev')");
		expect(stdout).toContain('– Bastion SKU and native client support\n    Not checked: it needs the Bastion that serves the VM');
	});

	describe('usage errors exit 2 with the usage', () => {
		test.each([
			[[], 'name the VM to check'],
			[['web-01', 'web-02'], 'check one VM at a time'],
			[['web-01', '--bogus'], "Unknown option '--bogus'"],
			[['web-01', '--profile'], "Option '--profile <value>' argument missing"],
			[['web-01', '--profile', 'nobody'], 'there is no profile named "nobody" (no profiles are saved yet).'],
		])('%j', async (argv, message) => {
			const {code, stdout, stderr} = await run(...argv);
			expect(code).toBe(2);
			expect(stdout).toBe('');
			expect(stderr).toContain(message);
			expect(stderr).toContain('Usage\n  vmux doctor <vm> [--profile <name>] [--json]');
		});

		test('an unknown --profile lists the saved ones', async () => {
			save(profileFor('web-01'));
			const {code, stderr} = await run('web-01', '--profile', 'web01');
			expect(code).toBe(2);
			expect(stderr).toContain('there is no profile named "web01"; saved profiles: "web-01".');
		});
	});

	test('throttling is reported on stderr while the checks wait for Azure', async () => {
		env.lab.faults.throttle({count: 1, retryAfterSeconds: 0, pathPrefix: '/subscriptions'});
		const {code, stdout, stderr} = await run('web-01', '--json');
		expect(code).toBe(0);
		expect(stderr).toBe('vmux doctor: Azure is throttling requests; retrying in 0 s (attempt 1 of 5).\n');
		expect((JSON.parse(stdout) as DoctorReport).ok).toBe(true);
	});

	test('--help prints the usage, exit 0', async () => {
		const {code, stdout} = await run('--help');
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Usage\n {2}vmux doctor <vm>/);
	});
});
