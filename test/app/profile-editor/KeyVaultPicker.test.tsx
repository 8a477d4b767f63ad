import {cleanup, render} from 'ink-testing-library';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {KeyVaultPicker, type KeyVaultPickerProps} from '../../../source/app/views/profile-editor/KeyVaultPicker.js';
import type {KeyVaultChoice} from '../../../source/app/views/profile-editor/index.js';
import {createKeyVaultClients, type KeyVaultClients} from '../../../source/core/azure/keyvault.js';
import {DEMO_VAULT_NAME, DEMO_VAULT_SUBSCRIPTION} from '../../../source/lab/keyvault/index.js';
import {PROD} from '../../lab/arm/lab-clients.js';
import {startLabWithKeyVault, type LabWithKeyVault} from '../../lab/keyvault/lab-keyvault.js';
import {flat, KEY, press, screen, waitForScreen} from './helpers.js';

let env: LabWithKeyVault;
let clients: KeyVaultClients;
beforeAll(async () => {
	env = await startLabWithKeyVault();
	clients = createKeyVaultClients({cloud: env.cloud, credential: env.credential});
});
afterAll(async () => {
	clients.close();
	await env.close();
});
afterEach(() => {
	cleanup();
});

function open(props: Partial<KeyVaultPickerProps> = {}) {
	const picked: KeyVaultChoice[] = [];
	let cancelled = 0;
	const view = render(
		<KeyVaultPicker
			kind="key"
			value={{}}
			width={100}
			height={16}
			subscriptions={[
				{subscriptionId: DEMO_VAULT_SUBSCRIPTION, displayName: 'Contoso Dev'},
				{subscriptionId: PROD, displayName: 'Contoso Prod'},
			]}
			// The real lab-backed listings, as the app wires them.
			loadVaults={subscriptionId => clients.listVaults(subscriptionId)}
			loadSecrets={vaultUrl => clients.listSecretNames(vaultUrl)}
			onPick={choice => picked.push(choice)}
			onCancel={() => cancelled++}
			{...props}
		/>,
	);
	return {...view, picked, cancelled: () => cancelled};
}

describe('KeyVaultPicker', () => {
	it('walks subscription → vault → secret listed from the lab', async () => {
		const view = open();
		await waitForScreen(view.lastFrame, text => text.includes('› Contoso Dev'), 'the subscriptions');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, text => text.includes(`› ${DEMO_VAULT_NAME}`), 'the demo vault');
		expect(screen(view.lastFrame)).toContain('Key vault');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, text => text.includes('› db-01-key'), 'the secrets');
		expect(screen(view.lastFrame)).toContain(`Contoso Dev › ${DEMO_VAULT_NAME}`);
		await press(view.stdin, 'j', KEY.down);
		await waitForScreen(view.lastFrame, text => text.includes('› web-01-key'), 'the cursor on web-01-key');
		await press(view.stdin, KEY.enter);
		// As ARM lists it (no port): the lab cloud's dataPlanePort is added when the vault is read.
		expect(view.picked).toEqual([{subscriptionId: DEMO_VAULT_SUBSCRIPTION, vaultUrl: `https://${DEMO_VAULT_NAME}.vault.localhost`, secretName: 'web-01-key'}]);
	});

	it('starts on what the profile already names', async () => {
		const view = open({value: {subscriptionId: DEMO_VAULT_SUBSCRIPTION, vaultUrl: `${env.keyVault.vaultUrl(DEMO_VAULT_NAME)}/`, secretName: 'dev-01-password'}, kind: 'password'});
		await waitForScreen(view.lastFrame, text => text.includes('› Contoso Dev'), 'the subscriptions');
		expect(screen(view.lastFrame)).toContain('Pick the password');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, text => text.includes(`› ${DEMO_VAULT_NAME}`), 'the demo vault');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, text => text.includes('› dev-01-password'), 'the named secret');
		await press(view.stdin, KEY.enter);
		expect(view.picked.map(choice => choice.secretName)).toEqual(['dev-01-password']);
	});

	it('shows the permission sentence when the vault refuses to list, and Esc walks back to cancel', async () => {
		const lift = env.keyVault.forbid({vault: DEMO_VAULT_NAME, operation: 'list'});
		try {
			const view = open();
			await waitForScreen(view.lastFrame, text => text.includes('› Contoso Dev'), 'the subscriptions');
			await press(view.stdin, KEY.enter);
			await waitForScreen(view.lastFrame, text => text.includes(`› ${DEMO_VAULT_NAME}`), 'the demo vault');
			await press(view.stdin, KEY.enter);
			const text = await waitForScreen(view.lastFrame, candidate => flat(candidate).includes('Key Vault Secrets User'), 'the permission sentence');
			expect(flat(text)).toContain(`You need the Key Vault Secrets User role on key vault '${DEMO_VAULT_NAME}' to list its secrets`);
			expect(text).toContain('r retry');
			lift();
			await press(view.stdin, 'r');
			await waitForScreen(view.lastFrame, candidate => candidate.includes('› db-01-key'), 'the secrets after retry');
			await press(view.stdin, KEY.escape);
			await waitForScreen(view.lastFrame, candidate => candidate.includes(`› ${DEMO_VAULT_NAME}`), 'back at the vaults');
			await press(view.stdin, KEY.escape);
			await waitForScreen(view.lastFrame, candidate => candidate.includes('› Contoso Dev'), 'back at the subscriptions');
			await press(view.stdin, KEY.escape);
			expect(view.cancelled()).toBe(1);
			expect(view.picked).toEqual([]);
		} finally {
			lift();
		}
	});

	it('says so when a subscription has no vaults, and loads subscriptions through the loader', async () => {
		const view = open({subscriptions: undefined, loadSubscriptions: async () => [{subscriptionId: PROD, displayName: 'Contoso Prod'}]});
		await waitForScreen(view.lastFrame, text => text.includes('› Contoso Prod'), 'the loaded subscriptions');
		await press(view.stdin, KEY.enter);
		await waitForScreen(view.lastFrame, text => flat(text).includes('No key vaults you can see in Contoso Prod'), 'the empty vault list');
	});
});
