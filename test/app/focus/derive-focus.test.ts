import {describe, expect, it} from 'vitest';
import type {Dialog} from '../../../source/app/dialogs/dialog-types.js';
import {deriveFocus, type FocusInputs, type View} from '../../../source/app/focus/derive-focus.js';

const base: FocusInputs = {view: 'browser', dialog: undefined, focused: undefined, tooSmall: false, filtering: false};
const confirm: Dialog = {kind: 'confirm', title: 'Quit?', message: '', onAnswer: () => {}};
const secret: Dialog = {kind: 'secret', title: 'Password', prompt: 'Password:', onAnswer: () => {}};

describe('where plain keys go, derived in one place', () => {
	it('looks plain keys up in the root table only while the VM list itself has the keyboard', () => {
		expect(deriveFocus(base).plainKeys).toBe('root');
		expect(deriveFocus({...base, filtering: true}).plainKeys).toBeUndefined();
		expect(deriveFocus({...base, dialog: confirm}).plainKeys).toBeUndefined();
		expect(deriveFocus({...base, tooSmall: true}).plainKeys).toBeUndefined();
		for (const view of ['sessions', 'help', 'picker', 'editor', 'subscriptions', 'doctor'] as View[]) expect(deriveFocus({...base, view}).plainKeys, view).toBeUndefined();
	});

	it("looks plain keys up in copy mode's own table, except while its search prompt is typed in", () => {
		const copy = {...base, view: 'copy-mode' as const};
		expect(deriveFocus(copy).plainKeys).toBe('copy-mode');
		expect(deriveFocus({...copy, copySearching: true}).plainKeys).toBeUndefined();
		expect(deriveFocus({...copy, dialog: confirm}).plainKeys).toBeUndefined();
		// No session takes typed bytes in copy mode; the prefix still works.
		expect(deriveFocus(copy).inputSession).toBeUndefined();
		expect(deriveFocus(copy).prefixInAppMode).toBe(true);
	});

	it('keeps the prefix from text fields that take every key (the editor, a password)', () => {
		expect(deriveFocus({...base, filtering: true}).prefixInAppMode).toBe(true);
		expect(deriveFocus({...base, view: 'editor'}).prefixInAppMode).toBe(false);
		expect(deriveFocus({...base, dialog: secret}).prefixInAppMode).toBe(false);
	});
});
