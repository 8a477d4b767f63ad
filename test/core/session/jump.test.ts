import {afterEach, describe, expect, it} from 'vitest';
import {HostKeyPolicy} from '../../../source/core/session/host-key-policy.js';
import {KnownHosts} from '../../../source/core/session/known-hosts.js';
import {SessionManager} from '../../../source/core/session/session-manager.js';
import {JumpTransport} from '../../../source/core/transport/jump.js';
import {readLabAsset} from '../../../source/lab/assets.js';
import {LabSshServer} from '../../../source/lab/ssh/lab-ssh-server.js';
import {DEMO_PUB, ScriptedPrompter, keySpec, tempDir, waitForScreen, waitUntil} from '../../helpers/lab-session.js';

describe('jump-host transport', () => {
	const cleanups: Array<() => unknown> = [];
	afterEach(async () => {
		for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
	});

	it('reaches a VM through the jump host, verifying both host keys before any credential', async () => {
		const target = await new LabSshServer({vmName: 'web-01', hostKey: readLabAsset('hostkeys/web-01'), users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}]}).start();
		cleanups.push(() => target.stop());
		// The jump host maps the VM's private address to the target server, as a VNet would.
		const jump = await new LabSshServer({
			vmName: 'jump-01',
			hostKey: readLabAsset('hostkeys/jump-01'),
			users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}],
			forward: (host, port) => (host === '10.1.1.4' && port === 22 ? target.address : undefined),
		}).start();
		cleanups.push(() => jump.stop());
		const config = tempDir();
		cleanups.push(() => config.remove());
		const prompter = new ScriptedPrompter('accept-save');
		const hostKeys = new HostKeyPolicy(new KnownHosts({configDir: config.dir, userFile: null}));
		const manager = new SessionManager({hostKeys, prompter, scrollback: 1000, closePaneOnExit: false});
		cleanups.push(() => manager.closeAll());

		const spec = {
			...keySpec({host: '10.1.1.4', port: 22}, 'web-01'),
			transport: new JumpTransport(keySpec(jump.address), {host: '10.1.1.4', port: 22}, hostKeys, prompter),
		};
		const session = manager.open(spec);
		await waitUntil(() => session.state.kind === 'running', `shell via jump; ${JSON.stringify(session.connection.state)}`);
		session.sendInput(Buffer.from('echo "via-jump=$((5+5))"\r'));
		const screen = await waitForScreen(session, 'via-jump=10');
		expect(screen).toContain('azureuser@web-01');
		// Two host keys asked about: the jump host's (by its address) and the VM's (by its private IP).
		expect(prompter.hostKeyQuestions.map(q => `${q.host}:${q.port}`)).toEqual([`127.0.0.1:${jump.port}`, '10.1.1.4:22']);
		expect(target.connections).toHaveLength(1);
		expect(jump.connections).toHaveLength(1);
	});

	it('says which hop failed when the jump host cannot reach the VM', async () => {
		const jump = await new LabSshServer({vmName: 'jump-01', hostKey: readLabAsset('hostkeys/jump-01'), users: [{username: 'azureuser', authorizedKeys: [DEMO_PUB]}], forward: () => undefined}).start();
		cleanups.push(() => jump.stop());
		const config = tempDir();
		cleanups.push(() => config.remove());
		const prompter = new ScriptedPrompter('accept-once');
		const hostKeys = new HostKeyPolicy(new KnownHosts({configDir: config.dir, userFile: null}));
		const manager = new SessionManager({hostKeys, prompter, scrollback: 1000, closePaneOnExit: false});
		cleanups.push(() => manager.closeAll());
		const session = manager.open({
			...keySpec({host: '10.9.9.9', port: 22}, 'web-09'),
			transport: new JumpTransport(keySpec(jump.address), {host: '10.9.9.9', port: 22}, hostKeys, prompter),
		});
		const state = await waitUntil(() => (session.connection.state.kind === 'disconnected' ? session.connection.state : undefined), 'failure');
		expect(state.reason).toMatch(/jump-01 could not open a connection to 10\.9\.9\.9:22/);
	});
});
