import {stripVTControlCharacters} from 'node:util';
import {cleanup, render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {DialogView} from '../../../source/app/dialogs/DialogView.js';
import type {Dialog} from '../../../source/app/dialogs/dialog-types.js';

afterEach(() => cleanup());

const hostKey: Dialog = {
	kind: 'host-key',
	info: {host: '203.0.113.10', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'} as Extract<Dialog, {kind: 'host-key'}>['info'],
	onAnswer() {},
};

/** The dialog's text lines, without the border. */
function lines(dialog: Dialog, width: number): string[] {
	const {lastFrame} = render(<DialogView dialog={dialog} width={width} />);
	return stripVTControlCharacters(lastFrame() ?? '')
		.split('\n')
		.filter(line => line.startsWith('│'))
		.map(line => line.slice(1, -1));
}

describe('dialog text wrapping', () => {
	it('the host-key sentence wraps without a space at the start of a line, at every width', () => {
		for (let width = 40; width <= 130; width++) {
			const text = lines(hostKey, width);
			// One column of padding inside the border; a wrapped line must not add a second one.
			const sentence = text.filter(line => !line.includes('ssh-ed25519') && !line.includes('SHA256'));
			for (const line of sentence) expect(line, `width ${width}:\n${text.join('\n')}`).not.toMatch(/^ {2}\S/);
			expect(text.join(' ').replace(/\s+/g, ' ')).toContain("Compare the fingerprint with the VM's before trusting it:");
		}
	});

	it('confirm and message texts wrap the same way', () => {
		const message = 'word '.repeat(60).trim();
		for (const dialog of [
			{kind: 'confirm', title: 'Quit?', message, onAnswer() {}},
			{kind: 'message', title: 'Note', message, tone: 'info', onClose() {}},
		] as Dialog[]) {
			for (let width = 40; width <= 100; width += 3) {
				for (const line of lines(dialog, width)) expect(line, `width ${width}`).not.toMatch(/^ {2}\S/);
			}
		}
	});
});
