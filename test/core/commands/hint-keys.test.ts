import {afterEach, describe, expect, it} from 'vitest';
import {hintKeys, setHintKeys} from '../../../source/core/commands/hint-keys.js';
import {buildKeymap} from '../../../source/core/commands/keymap.js';
import {disconnectActions, disconnectStatus} from '../../../source/core/session/disconnect-text.js';

afterEach(() => setHintKeys(undefined));

describe('the keys messages suggest', () => {
	it('are the defaults until the app sets them', () => {
		expect(hintKeys()).toMatchObject({reconnect: 'Ctrl-b r', close: 'Ctrl-b x'});
		expect(disconnectActions({kind: 'disconnected', reason: 'The network went away.', retriable: true, attempt: 1})).toBe('Ctrl-b r reconnects now. Ctrl-b x closes this session.');
	});

	it('follow the prefix and the bindings in force, and name a command with no key', () => {
		const {keymap} = buildKeymap({prefixKey: 'C-a', overrides: {'kill-pane': 'prefix X', 'detach-to-browser': 'none'}});
		setHintKeys(keymap);
		expect(disconnectActions({kind: 'disconnected', reason: 'The network went away.', retriable: true, attempt: 1})).toBe('Ctrl-a r reconnects now. Ctrl-a X closes this session.');
		expect(disconnectActions({kind: 'disconnected', reason: 'Refused.', retriable: false, attempt: 1, cause: 'auth'})).toContain('To change the profile, "detach-to-browser" (no key) goes back');
		expect(disconnectStatus({kind: 'disconnected', reason: 'Refused.', retriable: false, attempt: 1, cause: 'cancelled'})).toContain('Ctrl-a r asks again.');
	});
});
