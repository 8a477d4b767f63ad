import {describe, expect, it} from 'vitest';
import {buildContext, buildProfile, initialValues, toProfileInput, type FormValues} from '../../../source/app/views/profile-editor/editor-model.js';
import {createEditorState, reduceEditor, type EditorState} from '../../../source/app/views/profile-editor/editor-reducer.js';
import type {Profile} from '../../../source/core/profiles/schema.js';
import {ProfileSchema} from '../../../source/core/profiles/schema.js';
import {bastion, profile} from '../../core/profiles/helpers.js';
import {vm} from './helpers.js';

const okKey = () => ({ok: true as const, path: '/k', format: 'openssh-or-pem' as const, encrypted: false});

function setup(input: Parameters<typeof buildContext>[0]) {
	const context = buildContext({homeDir: '/nonexistent', ...input});
	return {context, values: initialValues(input, context)};
}

describe('editor model', () => {
	it('defaults to Entra ID when the VM has the Entra login extension, like the portal', () => {
		const {values} = setup({draftFrom: vm('app-01', 'Premium', {enableTunneling: true}, {extensions: ['AADSSHLoginForLinux']}), existingNames: [], profilesByName: {}});
		expect(values.authType).toBe('entra');
	});

	it("prefers the inventory's fresher Bastion flags over the saved ones", () => {
		const saved = ProfileSchema.parse(profile({transport: bastion('Standard', {}, 'bas-standard')}));
		const {context} = setup({initial: saved, draftFrom: vm('web-01', 'Standard', {enableTunneling: true}), existingNames: ['web-01'], profilesByName: {}});
		expect(context.bastions[0]?.transport.flags.enableTunneling).toBe(true);
		expect(context.takenNames).toEqual([]);
	});

	it('builds a profile: locked ports become 22, Entra ID drops the username, options are kept', () => {
		const initial: Profile = ProfileSchema.parse(profile({options: {keepaliveIntervalSec: 30, keepaliveCountMax: 5}}));
		const {context, values} = setup({initial, draftFrom: vm('web-01', 'Basic'), existingNames: [], profilesByName: {}});
		const edited: FormValues = {...values, port: '2222', authType: 'entra'};
		const input = toProfileInput(edited, context);
		expect(input.port).toBe(22);
		expect(input).not.toHaveProperty('username');
		expect(input.options).toEqual({keepaliveIntervalSec: 30, keepaliveCountMax: 5, record: false, recordInput: false, forwardAgent: false});
		// Basic is portal-only: the form cannot be saved, and says why.
		const built = buildProfile(edited, context, okKey);
		expect(built.ok).toBe(false);
		expect(!built.ok && built.problems.join(' ')).toMatch(/only serves connections from the Azure portal/);
	});

	it('applies a burst of keys in order against the latest state: a paste then Ctrl-s saves the pasted text', () => {
		const {context, values} = setup({draftFrom: vm('web-01', 'Standard', {enableTunneling: true}), existingNames: [], profilesByName: {}});
		let state: EditorState = createEditorState(values, context);
		for (const [input, key] of [
			['-prod', {}],
			['s', {ctrl: true}],
		] as const) {
			state = reduceEditor(state, {type: 'key', input, key, hasPicker: false}, context);
		}
		expect(state.values.name).toBe('web-01-prod');
		expect(state.request).toEqual({kind: 'save', id: 1});
	});

	it('moves focus over visible fields only and edits text at the cursor', () => {
		const {context, values} = setup({existingNames: [], profilesByName: {}});
		let state = createEditorState(values, context);
		const key = (input: string, k: Record<string, boolean> = {}) => (state = reduceEditor(state, {type: 'key', input, key: k, hasPicker: false}, context));
		key('ab');
		key('', {leftArrow: true});
		key('X');
		expect(state.values.name).toBe('aXb');
		key('', {delete: true});
		expect(state.values.name).toBe('ab');
		key('', {tab: true});
		expect(state.focus).toBe('host');
		key('', {tab: true, shift: true});
		expect(state.focus).toBe('name');
		key('', {upArrow: true});
		// Wraps around to the last field of a new profile without a VM: its port forwards.
		expect(state.focus).toBe('forwards');
	});
});

describe('the port forwards field (issue 13 §2)', () => {
	it('reads forwards as ssh writes them, comma-separated, says what is wrong, and shows saved ones the same way', async () => {
		const {buildContext, initialValues, toProfileInput, validateFields, valuesFromProfile} = await import('../../../source/app/views/profile-editor/editor-model.js');
		const {ProfileSchema} = await import('../../../source/core/profiles/schema.js');
		const input = {existingNames: [], profilesByName: {}, homeDir: '/nonexistent'};
		const context = buildContext(input);
		const values = {...initialValues(input, context), name: 'web', host: '10.0.0.4', authType: 'password' as const, username: 'azureuser', forwards: 'L 8080:localhost:80, # D 1080'};
		expect(validateFields(values, context).forwards).toBeUndefined();
		const profile = ProfileSchema.parse(toProfileInput(values, context));
		expect(profile.forwards).toEqual([
			{kind: 'local', bind: '127.0.0.1', port: 8080, host: 'localhost', hostPort: 80, enabled: true},
			{kind: 'dynamic', bind: '127.0.0.1', port: 1080, enabled: false},
		]);
		expect(valuesFromProfile(profile).forwards).toBe('L 127.0.0.1:8080:localhost:80, # D 127.0.0.1:1080');
		expect(validateFields({...values, forwards: 'L 8080:localhost'}, context).forwards).toBe(
			'Port forwards: L takes [bind:]port:host:hostport, such as L 8080:localhost:80; got "8080:localhost".',
		);
	});
});
